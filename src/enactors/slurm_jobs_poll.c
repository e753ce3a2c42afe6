/* slurm_jobs_poll.c — one poll of the slurm-jobs enactor: one squeue call for all its
 * active jobs (running, requeued by Slurm after a node failure), then one sacct call
 * for those that left the queue (their end, exit and accounting) and for ended jobs
 * whose peak memory sacct did not have yet; squeue's word when sacct is away. */
#include "enactors/slurm_jobs.h"

#include "util/proc.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define LOST_AFTER_S 120.0 /* gone from squeue and never in sacct */
#define SACCT_DOWN_WAIT_S 20.0 /* ended in squeue, sacct failing: then squeue's word */
#define RSS_ASKS_MAX 200 /* polls that ask sacct for an ended job's peak memory */

static enum socm_outcome map_outcome(enum socm_slurm_outcome o)
{
    switch (o) {
    case SOCM_SLURM_OUT_DONE: return SOCM_OUT_DONE;
    case SOCM_SLURM_OUT_TIMEOUT: return SOCM_OUT_TIMEOUT;
    case SOCM_SLURM_OUT_CANCELLED: return SOCM_OUT_CANCELED;
    case SOCM_SLURM_OUT_LOST: return SOCM_OUT_LOST;
    default: return SOCM_OUT_FAILED;
    }
}

/* MaxRSS (MB, × tasks) of the workflow's program: step JOBID.0, which srun runs;
 * the largest step when there is none. 0 when sacct has the steps but no figure
 * (Slurm sampled nothing: a step shorter than its sampling interval); NAN when it
 * has no step row yet (slurmdbd lagging or down): not known, asked again. */
static double program_rss_mb(const struct socm_sacct *a, int64_t job)
{
    bool steps = false;
    for (size_t i = 0; i < a->n; i++) {
        const struct socm_sacct_row *r = &a->v[i];
        steps |= r->job == job && r->step;
        if (r->job == job && r->step && !strcmp(r->step, "0") && r->max_rss_kib > 0)
            return (double)r->max_rss_kib * (double)(r->ntasks > 0 ? r->ntasks : 1) / 1024.0;
    }
    int64_t tasks = 1;
    int64_t kib = socm_sacct_job_max_rss_kib(a, job, &tasks);
    return kib > 0 ? (double)kib * (double)tasks / 1024.0 : steps ? 0 : NAN;
}

/* Ended jobs whose peak memory sacct has now: given to the bookkeeper. */
static void rss_settle(struct socm_enactor *e, struct sj *s, const struct socm_sacct *a)
{
    for (size_t i = 0; i < s->n; i++) {
        struct sj_job *j = s->v[i];
        if (!j->done || !j->rss_pending)
            continue;
        double rss = program_rss_mb(a, j->id);
        if (isfinite(rss) || ++j->rss_asks >= RSS_ASKS_MAX)
            j->rss_pending = false;
        if (isfinite(rss) && e->accounting)
            e->accounting(e->cb.ctx, j->index, j->attempt, rss);
    }
}

/* Why a job did not end DONE, in words: Slurm's state, or who canceled it. */
static const char *end_reason(const struct sj_job *j, const struct socm_sacct_row *r, char *buf, size_t n)
{
    if (r->state == SOCM_SLURM_COMPLETED && r->exit_code == 0)
        return NULL;
    const char *by = strstr(r->state_text, "CANCELLED by ");
    if (r->state == SOCM_SLURM_CANCELLED && by && !j->canceled_here) {
        snprintf(buf, n, "canceled outside socm (scancel by uid %s)", by + strlen("CANCELLED by "));
        return buf;
    }
    return r->state_text;
}

/* sacct fails (slurmdbd down) while squeue already showed jobs' final states: after
 * SACCT_DOWN_WAIT_S they end with squeue's state (COMPLETED is exit 0) and without
 * accounting figures, rather than being waited for as long as slurmdbd is away. */
static bool settle_from_squeue(struct socm_enactor *e, struct sj *s, double t)
{
    bool any = false;
    for (size_t i = 0; i < s->n; i++) {
        struct sj_job *j = s->v[i];
        if (j->done || j->id == 0 || j->gone_since == 0 || j->sq_final == SOCM_SLURM_UNKNOWN ||
            t - j->gone_since < SACCT_DOWN_WAIT_S)
            continue;
        bool ok = j->sq_final == SOCM_SLURM_COMPLETED;
        char why[96];
        snprintf(why, sizeof why, "sacct unavailable: %s from squeue",
                 socm_slurm_state_name(j->sq_final));
        any = true;
        socm_sj_job_report(e, j, map_outcome(socm_slurm_outcome(j->sq_final, ok ? 0 : 1)),
                           ok ? 0 : -1, 0, j->sq_elapsed > 0 ? (double)j->sq_elapsed : 0,
                           0 /* end: now */, NAN /* max RSS: asked again later */,
                           ok ? NULL : why);
    }
    return any;
}

/* j is in squeue, not ended: running (told once), or requeued. true if that is news. */
static bool job_queued(struct socm_enactor *e, struct sj_job *j, const struct socm_squeue_row *r)
{
    bool changed = false;
    j->gone_since = 0;
    /* Requeued (a node failure; jobs are submitted --requeue): seen pending again —
     * after running, or held for BeginTime, which only a requeue sets (socm never
     * passes --begin) — or running with its clock started again since the last poll. */
    bool restarted = r->state == SOCM_SLURM_RUNNING && r->elapsed_s >= 0 &&
                     r->elapsed_s + 2 < j->run_elapsed;
    bool pending = (r->state == SOCM_SLURM_PENDING || r->state == SOCM_SLURM_REQUEUED) &&
                   (j->running_told || (r->reason && !strcmp(r->reason, "BeginTime")));
    if ((restarted || pending) && !j->requeue_told)
        socm_slurm_say(e, "workflow %d: Slurm requeued its job %" PRId64
                       " (node failure or preemption): it runs again, no retry spent",
                       j->l->index + 1, j->id);
    if (pending && !j->requeue_told) {
        /* Slurm holds a requeued job ~2 minutes (BeginTime): no reason here. */
        struct socm_error uerr = {0};
        if (socm_slurm_start_now(j->id, &uerr) < 0)
            socm_slurm_say(e, "workflow %d: scontrol update StartTime=now: %s", j->l->index + 1,
                           uerr.msg);
        j->requeue_told = true;
        changed = true;
    }
    if (r->state == SOCM_SLURM_RUNNING) {
        j->requeue_told = false; /* a later requeue is told again */
        j->run_elapsed = r->elapsed_s;
    }
    if (r->state == SOCM_SLURM_RUNNING && !j->running_told) {
        j->running_told = true;
        changed = true;
        if (e->cb.running)
            e->cb.running(e->cb.ctx, j->l->index, j->l->attempt, (long)j->id);
    }
    return changed;
}

/* One squeue for every active job; one sacct for those that ended or left. */
void socm_sj_poll(struct socm_enactor *e)
{
    struct sj *s = e->priv;
    struct socm_strv ids = SOCM_STRV_INIT;
    for (size_t i = 0; i < s->n; i++)
        if (!s->v[i]->done && s->v[i]->id > 0)
            socm_strv_pushf(&ids, "%" PRId64, s->v[i]->id);
    if (!ids.n) /* the manager is about to end: a pending peak memory stays unknown */
        return;
    struct socm_error err = {0};
    struct socm_squeue q;
    if (socm_slurm_squeue(s->job_name, &ids, &q, &err) < 0) {
        socm_slurm_say(e, "squeue: %s", err.msg);
        s->ctld_failed |= socm_sj_ctld_unreachable(err.msg);
        socm_strv_free(&ids);
        return;
    }
    double t = socm_now();
    socm_sj_ctld_back(s, t);
    struct socm_strv ended = SOCM_STRV_INIT;
    bool changed = false;
    for (size_t i = 0; i < s->n; i++) {
        struct sj_job *j = s->v[i];
        if (j->done || j->id == 0)
            continue;
        const struct socm_squeue_row *r = NULL;
        for (size_t k = 0; k < q.n && !r; k++)
            if (q.v[k].job == j->id)
                r = &q.v[k];
        if (r && !socm_slurm_state_is_final(r->state)) {
            changed |= job_queued(e, j, r);
            continue;
        }
        if (j->gone_since == 0)
            j->gone_since = t;
        if (r) {
            j->sq_final = r->state;
            j->sq_elapsed = r->elapsed_s;
        }
        socm_strv_pushf(&ended, "%" PRId64, j->id);
    }
    socm_squeue_free(&q);
    socm_strv_free(&ids);
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i]->done && s->v[i]->rss_pending)
            socm_strv_pushf(&ended, "%" PRId64, s->v[i]->id);
    if (ended.n) {
        struct socm_sacct a;
        if (socm_slurm_sacct(s->job_name, &ended, NULL, &a, &err) < 0) {
            socm_slurm_say(e, "sacct: %s", err.msg);
            changed |= settle_from_squeue(e, s, t);
        } else {
            for (size_t i = 0; i < s->n; i++) {
                struct sj_job *j = s->v[i];
                if (j->done || j->id == 0 || j->gone_since == 0)
                    continue;
                const struct socm_sacct_row *r = socm_sacct_find_job(&a, j->id);
                if (r && socm_slurm_state_is_final(r->state)) {
                    changed = true;
                    char why[128];
                    socm_sj_job_report(e, j, map_outcome(socm_slurm_outcome(r->state, r->exit_code)),
                                       r->exit_code, r->exit_signal > 0 ? r->exit_signal : 0,
                                       (double)r->elapsed_s, socm_slurm_time_parse(r->end),
                                       program_rss_mb(&a, j->id), end_reason(j, r, why, sizeof why));
                } else if (t - j->gone_since > LOST_AFTER_S) {
                    changed = true;
                    socm_sj_job_report(e, j, SOCM_OUT_LOST, -1, 0, 0, 0, 0,
                                       "job left squeue and never reached sacct");
                }
            }
            rss_settle(e, s, &a);
            socm_sacct_free(&a);
        }
    }
    socm_strv_free(&ended);
    /* Fast while things change, slower for long jobs. */
    s->interval = changed ? POLL_MIN_S : fmin(s->interval * 1.5, POLL_MAX_S);
}

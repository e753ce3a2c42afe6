/* pilot_results.c — the slurm-pilot enactor's traffic with its agent: work written to
 * pilot/queue, the step and end reports read back from pilot/reports, the accounting
 * (sacct's elapsed and MaxRSS × tasks of each ended step) that completes a result
 * before it is delivered, and what happens to unfinished work when a pilot ends. */
#include "agents/agent.h"
#include "agents/pilot.h"
#include "enactors/pilot_manager.h"
#include "state/spec.h"
#include "state/outcome.h"
#include "util/proc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *socm_prun_path(const struct pilot *P, const char *sub, const struct socm_launch *l,
                     const char *ext)
{
    return socm_asprintf("%s/pilot/%s/%d.%d%s%s", P->dir, sub, l->index, l->attempt,
                         ext ? "." : "", ext ? ext : "");
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

bool socm_pilot_needs_pilot(const struct pilot *P)
{
    for (size_t i = 0; i < P->n; i++)
        if (!P->runs[i].end && !P->runs[i].canceled_here)
            return true;
    return false;
}

void socm_pilot_add_run(struct pilot *P, struct socm_launch *l)
{
    if (P->n == P->cap) {
        P->cap = P->cap ? 2 * P->cap : 32;
        P->runs = socm_xrealloc(P->runs, P->cap * sizeof *P->runs);
    }
    P->runs[P->n++] = (struct prun){.l = l};
}

static json_t *strv_json(const struct socm_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}

int socm_pilot_write_work(struct pilot *P, const struct socm_launch *l, struct socm_error *err)
{
    const struct socm_task *t = l->task;
    /* The sandbox relative to the state directory: the agent may see another path. */
    const char *sb = strrchr(l->sandbox, '/');
    char *rel = socm_asprintf("workflows/%s", sb ? sb + 1 : l->sandbox);
    json_t *j = json_pack("{s:i,s:i,s:s,s:s,s:o,s:o,s:I,s:I,s:f,s:f}", "index", l->index,
                          "attempt", l->attempt, "name", t->name, "sandbox", rel, "argv",
                          strv_json(&t->argv), "env", strv_json(&t->env), "cores",
                          (json_int_t)t->cores, "threads", (json_int_t)t->threads, "memory_mb",
                          t->memory_mb, "walltime_min", t->walltime_min);
    if (t->workdir) /* where the command runs (docs/execution.md) */
        json_object_set_new(j, "workdir", json_string(t->workdir));
    free(rel);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    /* Reports of an earlier try of the same attempt (never started) are stale. */
    char *stale = socm_prun_path(P, "reports", l, "step");
    unlink(stale);
    free(stale);
    stale = socm_prun_path(P, "reports", l, "end");
    unlink(stale);
    free(stale);
    char *p = socm_prun_path(P, "queue", l, "json");
    int rc = socm_write_atomic(p, text, strlen(text), 0600, err);
    free(p);
    free(text);
    return rc;
}


static void remove_run(struct pilot *P, size_t k)
{
    struct prun *r = &P->runs[k];
    socm_pool_release(&P->pool, r->l->cores, r->l->ncores, r->l->task->memory_mb);
    json_decref(r->end);
    free(r->step);
    P->runs[k] = P->runs[--P->n];
}

/* Work not yet taken by an agent cannot run without a pilot: report it (o: LOST when
 * Slurm will not take a pilot, SYSTEM when socm could not do its part). */
void socm_pilot_fail_unstarted(struct socm_enactor *e, enum socm_outcome o, const char *why)
{
    struct pilot *P = e->priv;
    struct socm_launch **gone = socm_xcalloc(P->n + 1, sizeof *gone);
    size_t ng = 0;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->end)
            continue;
        char *q = socm_prun_path(P, "queue", r->l, "json");
        if (unlink(q) == 0) {
            gone[ng++] = r->l;
            remove_run(P, k--);
        }
        free(q);
    }
    for (size_t i = 0; i < ng; i++)
        socm_launch_report_end(e, gone[i], o, why);
    free(gone);
}

/* The agent says Slurm ended the step under the program (its node failed, the pilot
 * was cut): not the program's failure, so the attempt is queued again to run
 * elsewhere (at most MAX_RERUNS times), without spending a retry. */
static bool rerun_lost(struct socm_enactor *e, struct prun *r)
{
    struct pilot *P = e->priv;
    const char *o = jstr(r->end, "outcome");
    if (!o || strcmp(o, "lost") || r->reruns >= MAX_RERUNS)
        return false;
    const char *why = jstr(r->end, "reason");
    socm_slurm_say(e, "slurm-pilot: %s: step %s ended by Slurm (%s); it runs again",
                   r->l->task->name, r->step ? r->step : "?", why ? why : "");
    struct socm_error err = {0};
    if (socm_pilot_write_work(P, r->l, &err) != 0) /* unlinks the step and end reports too */
        return false;
    json_decref(r->end);
    r->end = NULL;
    free(r->step);
    r->step = NULL;
    r->reruns++;
    return true;
}

bool socm_pilot_read_reports(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    bool ended = false;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (!r->step) {
            char *p = socm_prun_path(P, "reports", r->l, "step");
            char *text = socm_pilot_read(p);
            free(p);
            if (text) {
                text[strcspn(text, "\n")] = '\0';
                r->step = text;
            }
        }
        if (!r->end) {
            char *p = socm_prun_path(P, "reports", r->l, "end");
            r->end = json_load_file(p, 0, NULL);
            free(p);
            if (r->end && !r->step && jstr(r->end, "step"))
                r->step = socm_strdup(jstr(r->end, "step"));
            if (r->end && rerun_lost(e, r))
                continue;
            if (r->end) {
                r->ended_at = socm_mono();
                ended = true;
            }
        }
        if ((r->step || r->end) && !r->running_said) {
            r->running_said = true;
            r->started_at = socm_mono();
            long job = r->step ? atol(r->step) : P->cur;
            r->l->job = job;
            e->cb.running(e->cb.ctx, r->l->index, r->l->attempt, job);
            if (r->step)
                socm_slurm_say(e, "%s runs as Slurm step %s", r->l->task->name, r->step);
        }
    }
    return ended;
}

/* The result of an ended run: the agent's end report, with sacct's figures when its
 * step's row (`row`, may be NULL) has them. */
static struct socm_result result_of(const struct prun *r, const struct socm_sacct_row *row)
{
    struct socm_result res = {0};
    double rss = 0;
    json_unpack(r->end, "{s?i,s?i,s?F,s?F,s?F,s?F,s?F}", "exit_code", &res.exit_code,
                "signal", &res.signal, "start", &res.start, "end", &res.end, "elapsed_s",
                &res.elapsed_s, "max_rss_mb", &rss, "cpu_s", &res.cpu_s);
    res.index = r->l->index;
    res.attempt = r->l->attempt;
    res.outcome = socm_outcome_parse(jstr(r->end, "outcome"));
    res.max_rss_mb = rss;
    if (row && row->max_rss_kib >= 0) {
        int64_t nt = row->ntasks > 0 ? row->ntasks : 1;
        res.max_rss_mb = (double)row->max_rss_kib * (double)nt / 1024.0;
    }
    if (row && row->elapsed_s > 0) /* whole seconds: keep the finer figure below 1 s */
        res.elapsed_s = (double)row->elapsed_s;
    return res;
}

/* Delivers ended runs: with sacct's elapsed and MaxRSS (× tasks) of their step once
 * accounting has them, or with the supervisor's figures after ACCOUNTING_WAIT_S. */
void socm_pilot_deliver(struct socm_enactor *e, const struct socm_sacct *acct)
{
    struct pilot *P = e->priv;
    struct socm_result *out = NULL;
    char **reasons = NULL;
    size_t no = 0;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->canceled_here) {
            out = socm_xrealloc(out, (no + 1) * sizeof *out);
            reasons = socm_xrealloc(reasons, (no + 1) * sizeof *reasons);
            double now = socm_now();
            out[no] = (struct socm_result){.index = r->l->index, .attempt = r->l->attempt,
                                           .outcome = SOCM_OUT_CANCELED, .exit_code = -1,
                                           .start = now, .end = now};
            reasons[no++] = socm_strdup("stopped on request");
            remove_run(P, k--);
            continue;
        }
        if (!r->end)
            continue;
        const struct socm_sacct_row *row = NULL;
        for (size_t i = 0; acct && r->step && i < acct->n; i++)
            if (!strcmp(acct->v[i].jobid, r->step))
                row = &acct->v[i];
        /* A step too short to be sampled never gets a MaxRSS: its final row is enough
         * after a short grace (the row can come before its figures). */
        bool ready = row && socm_slurm_state_is_final(row->state) &&
                     (row->max_rss_kib >= 0 || socm_mono() - r->ended_at > 3);
        if (!ready && socm_mono() - r->ended_at < ACCOUNTING_WAIT_S)
            continue;
        out = socm_xrealloc(out, (no + 1) * sizeof *out);
        reasons = socm_xrealloc(reasons, (no + 1) * sizeof *reasons);
        out[no] = result_of(r, ready ? row : NULL);
        const char *why = jstr(r->end, "reason");
        reasons[no++] = why ? socm_strdup(why) : NULL;
        remove_run(P, k--);
    }
    for (size_t i = 0; i < no; i++) {
        out[i].reason = reasons[i];
        e->cb.finished(e->cb.ctx, &out[i]);
        free(reasons[i]);
    }
    free(out);
    free(reasons);
}

bool socm_pilot_accounting_due(const struct pilot *P)
{
    for (size_t k = 0; k < P->n; k++)
        if (P->runs[k].end && P->runs[k].step)
            return true;
    return false;
}

double socm_pilot_accounting_deadline(const struct pilot *P)
{
    double at = 0;
    for (size_t k = 0; k < P->n; k++)
        if (P->runs[k].end && (!at || P->runs[k].ended_at + ACCOUNTING_WAIT_S < at))
            at = P->runs[k].ended_at + ACCOUNTING_WAIT_S;
    return at;
}

/* The pilot ended with work left: what it took back into the queue, for the next. */
static void requeue_taken(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    size_t n = 0;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->end)
            continue;
        char *t = socm_prun_path(P, "taken", r->l, "json"), *q = socm_prun_path(P, "queue", r->l, "json");
        char *s = socm_prun_path(P, "reports", r->l, "step");
        unlink(s);
        free(r->step);
        r->step = NULL;
        if (rename(t, q) == 0)
            n++;
        else if (access(q, F_OK) != 0) {
            struct socm_error err = {0};
            if (socm_pilot_write_work(P, r->l, &err) == 0)
                n++;
            else
                socm_slurm_say(e, "slurm-pilot: %s cannot go back to the queue: %s",
                               r->l->task->name, err.msg);
        }
        free(t);
        free(q);
        free(s);
    }
    if (n)
        socm_slurm_say(e,
                       "slurm-pilot: pilot %lld ended with %zu workflow%s unfinished; a new pilot "
                       "takes them", (long long)P->cur, n, n == 1 ? "" : "s");
}

/* The delay before the next poll while squeue fails: 2, 4, ... 30 s. */
static double backoff(const struct pilot *P)
{
    return fmin(30, pow(2, P->squeue_fails < 5 ? P->squeue_fails : 5));
}

/* The pilot ended with work left: its unfinished work goes back to the queue and the
 * next pilot is planned again. A run cut by the pilot's walltime showed it needs
 * more than it had: the re-plan gives it at least twice what it ran. */
static void pilot_ended(struct socm_enactor *e, const struct socm_squeue_row *row)
{
    struct pilot *P = e->priv;
    bool timeout = row && socm_slurm_outcome(row->state, 0) == SOCM_SLURM_OUT_TIMEOUT;
    socm_slurm_say(e, "slurm-pilot: pilot %lld ended (%s)", (long long)P->cur,
                   row ? socm_slurm_state_name(row->state) : "gone from squeue");
    for (size_t k = 0; timeout && k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->end || r->started_at <= 0)
            continue;
        size_t i = (size_t)r->l->index;
        if (i >= P->nmin) {
            P->min_wall = socm_xrealloc(P->min_wall, (i + 1) * sizeof *P->min_wall);
            memset(P->min_wall + P->nmin, 0, (i + 1 - P->nmin) * sizeof *P->min_wall);
            P->nmin = i + 1;
        }
        double need = 2 * (socm_mono() - r->started_at) / 60.0;
        if (need > P->min_wall[i])
            P->min_wall[i] = need;
    }
    requeue_taken(e);
    P->replan_due = true;
}

void socm_pilot_squeue_done(struct socm_enactor *e, struct pcall *c)
{
    struct pilot *P = e->priv;
    if (c->squeue_rc != 0) {
        /* Never a reason to think the pilot is gone: poll again, backing off. */
        if (!P->squeue_fails++)
            P->squeue_fail_since = socm_mono();
        P->interval = backoff(P);
        socm_slurm_say(e, "slurm-pilot: squeue failed (%d in a row): %s; polling again in %.0f s",
                       P->squeue_fails, c->squeue_err.msg, P->interval);
        return;
    }
    const struct socm_squeue_row *row = NULL;
    for (size_t i = 0; i < c->q.n; i++)
        if (c->q.v[i].job == P->cur)
            row = &c->q.v[i];
    bool dead = !row || socm_slurm_state_is_final(row->state);
    if (row && row->state == SOCM_SLURM_PENDING && !P->pending_said) {
        P->pending_said = true;
        socm_slurm_say(e, "slurm-pilot: pilot %lld pending (%s)", (long long)P->cur, row->reason);
    }
    if (P->squeue_fails)
        socm_slurm_say(e, "slurm-pilot: squeue answers again after %d failed call%s (%.0f s)",
                       P->squeue_fails, P->squeue_fails == 1 ? "" : "s",
                       socm_mono() - P->squeue_fail_since);
    P->squeue_fails = 0;
    /* The pilot's work reports itself (inotify): squeue only tells that it lives. */
    P->interval = fmin(10, P->interval * 1.5);
    if (dead) {
        socm_pilot_read_reports(e); /* what it finished before it went */
        if (socm_pilot_needs_pilot(P))
            pilot_ended(e, row);
        P->cur = -1;
    }
}

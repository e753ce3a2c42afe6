/* enactor_slurm_jobs.c — the `slurm-jobs` enactor: one sbatch per workflow attempt,
 * named socm-<campaign>; one squeue call per poll for all active jobs and one sacct
 * call for those that left the queue (never one call per job). The batch script is a
 * fixed text: the workflow's argv and environment travel in NUL-separated files, so
 * no value is ever parsed by a shell. Refusals that go away by themselves
 * (QOSMaxSubmitJobPerUserLimit, timeouts) are retried with back-off.
 *
 * DAG edges are Slurm's to order: a dependant is submitted as soon as its
 * predecessors have job ids (the bookkeeper hands it over then, see
 * orders_dependencies) with --dependency=afterok:<ids> --kill-on-invalid-dep=yes, so
 * it starts the moment they complete, without waiting for socm's next poll. Each job
 * gets --time from the workflow's walltime, --qos from the QoS admitting it, and
 * --account/--partition from the site ([campaign.sites.NAME]) else [campaign.slurm],
 * --constraint from [campaign.slurm].
 *
 * This file: the enactor's operations, submission with retry and look-up, cancel.
 * The sbatch itself is in slurm_jobs_sbatch.c, the poll in slurm_jobs_poll.c
 * (slurm_jobs.h). */
#include "enactors/slurm_jobs.h"

#include "agents/pilot.h"
#include "campaign/campaign.h"
#include "state/journal.h"
#include "util/proc.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* slurmctld did not answer (down, restarting): not a refusal of this job. */
bool socm_sj_ctld_unreachable(const char *msg)
{
    return strstr(msg, "Unable to contact slurm controller") || strstr(msg, "Socket timed out") ||
           strstr(msg, "Connection refused") || strstr(msg, "Zero Bytes were transmitted");
}

/* slurmctld answers again: the sbatch calls that could not reach it go at once rather
 * than after their back-off (up to a minute after a long outage). */
void socm_sj_ctld_back(struct sj *s, double t)
{
    if (!s->ctld_failed)
        return;
    s->ctld_failed = false;
    for (size_t i = 0; i < s->n; i++) {
        struct sj_job *j = s->v[i];
        if (!j->done && j->id == 0 && j->unreachable && j->retry_at > t) {
            j->retry_at = t;
            j->backoff_s = 0;
        }
    }
}

static int sj_setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err)
{
    struct sj *s = socm_xcalloc(1, sizeof *s);
    s->job_name = socm_asprintf("socm-%s", a->campaign ? a->campaign : "campaign");
    s->campaign = socm_strdup(a->campaign ? a->campaign : "");
    s->interval = POLL_MIN_S;
    e->priv = s;
    e->orders_dependencies = true;
    e->walltime_step_min = 1; /* --time counts whole minutes */
    json_t *spec = socm_journal_read_spec(a->state_dir);
    socm_slurm_where_read(&s->where, a, spec);
    struct socm_error rerr = {0}; /* without it, each task keeps its planned QoS */
    s->res = socm_pilot_resource(json_object_get(spec, "config"), &rerr);
    json_decref(spec);
    return 0;
}

static int sj_place(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    /* Slurm places; no core numbers are known here. A non-NULL empty array keeps
     * the bookkeeper's copy of it well-defined. */
    free(l->cores);
    l->cores = socm_xcalloc(1, sizeof *l->cores);
    l->ncores = 0;
    return 0;
}

static void sj_unplace(struct socm_enactor *e, struct socm_launch *l) {}

static struct sj_job *add_job(struct sj *s, struct socm_launch *l)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = socm_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    struct sj_job *j = socm_xcalloc(1, sizeof *j);
    s->v[s->n++] = j;
    j->l = l;
    j->index = l->index;
    j->attempt = l->attempt;
    return j;
}

/* end: when the job ended (sacct), <= 0 if not known: then now. */
void socm_sj_job_report(struct socm_enactor *e, struct sj_job *j, enum socm_outcome o, int code,
                        int sig, double elapsed, double end, double rss_mb, const char *reason)
{
    j->done = true;
    if (!j->running_told && e->cb.running && j->id > 0)
        e->cb.running(e->cb.ctx, j->l->index, j->l->attempt, (long)j->id);
    struct socm_result r = {0};
    r.index = j->l->index;
    r.attempt = j->l->attempt;
    r.outcome = o;
    r.exit_code = code;
    r.signal = sig;
    r.end = end > 0 ? end : socm_now();
    r.elapsed_s = elapsed > 0 ? elapsed : 0;
    r.start = r.end - r.elapsed_s;
    r.max_rss_mb = rss_mb;
    r.reason = reason;
    /* Not known yet: asked again while the manager runs (only if the job ran). */
    j->rss_pending = isnan(rss_mb) && r.elapsed_s > 0;
    if (e->cb.finished)
        e->cb.finished(e->cb.ctx, &r);
}

static void try_submit(struct socm_enactor *e, struct sj_job *j);

/* Before (re)submitting an attempt whose sbatch may have gone through. */
static void try_lookup(struct socm_enactor *e, struct sj_job *j)
{
    struct sj *s = e->priv;
    struct socm_error err = {0};
    char *dir = realpath(j->l->sandbox, NULL);
    int64_t id = dir ? socm_slurm_find_job(s->job_name, dir, j->intent_t, &err) : 0;
    if (id < 0) {
        j->backoff_s = j->backoff_s > 0 ? fmin(j->backoff_s * 2, 60) : 2;
        j->retry_at = socm_now() + j->backoff_s;
        socm_slurm_say(e, "workflow %d: cannot tell yet whether Slurm took its job (%s); asking again in %.0f s",
                       j->l->index + 1, err.msg, j->backoff_s);
    } else if (id > 0) {
        j->lookup = false;
        j->id = id;
        j->l->job = (long)id;
        struct socm_error ferr = {0};
        socm_sj_job_file_write(dir, j->l->attempt, id, j->intent_t, &ferr);
        socm_slurm_say(e, "workflow %d: found its Slurm job %" PRId64 " (submitted before the manager stopped)",
                       j->l->index + 1, id);
        s->next_poll = socm_now();
        if (j->cancel_asked) {
            struct socm_strv ids = SOCM_STRV_INIT;
            socm_strv_pushf(&ids, "%" PRId64, id);
            if (socm_slurm_scancel(&ids, &ferr) < 0)
                socm_slurm_say(e, "scancel: %s", ferr.msg);
            socm_strv_free(&ids);
        }
    } else {
        j->lookup = false;
        if (j->cancel_asked)
            socm_sj_job_report(e, j, SOCM_OUT_CANCELED, -1, 0, 0, 0, 0,
                               "canceled before submission");
        else
            try_submit(e, j);
    }
    free(dir);
}

static void try_submit(struct socm_enactor *e, struct sj_job *j)
{
    struct sj *s = e->priv;
    struct socm_error err = {0};
    int rc = socm_sj_job_submit(s, j, &err);
    j->unreachable = rc == 1 && socm_sj_ctld_unreachable(err.msg);
    if (j->unreachable)
        s->ctld_failed = true;
    if (rc == 0) {
        socm_sj_ctld_back(s, socm_now());
        j->l->job = (long)j->id;
        socm_slurm_say(e, "workflow %d: Slurm job %" PRId64, j->l->index + 1, j->id);
        s->interval = POLL_MIN_S;
        s->next_poll = socm_now() + POLL_MIN_S;
    } else if (rc == 1) {
        j->id = 0;
        j->backoff_s = j->backoff_s > 0 ? fmin(j->backoff_s * 2, 60) : 2;
        j->retry_at = socm_now() + j->backoff_s;
        socm_slurm_say(e, "workflow %d: sbatch refused for now, retrying in %.0f s: %s",
                       j->l->index + 1, j->backoff_s, err.msg);
    } else {
        socm_sj_job_report(e, j, SOCM_OUT_FAILED, -1, 0, 0, 0, 0, err.msg);
    }
}

static void sj_submit(struct socm_enactor *e, struct socm_launch *const *l, size_t n)
{
    struct sj *s = e->priv;
    for (size_t i = 0; i < n; i++)
        try_submit(e, add_job(s, l[i]));
}

/* The attempt's job from the sandbox's record: the id, or (the manager died during
 * sbatch) a lookup by working directory before anything is submitted again. Its end,
 * if it came meanwhile, is found by the next poll's sacct. */
static int sj_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    int64_t id = 0;
    double t = 0;
    if (socm_sj_job_file_read(l->sandbox, l->attempt, &id, &t) < 0)
        return 2; /* sbatch was never run for this attempt */
    struct sj_job *j = add_job(e->priv, l);
    j->id = id;
    j->intent_t = t;
    j->lookup = id == 0;
    l->job = (long)id;
    return 0;
}

static size_t sj_pollfds(struct socm_enactor *e, struct pollfd *fds, size_t max)
{
    return 0;
}

static int sj_timeout(struct socm_enactor *e)
{
    struct sj *s = e->priv;
    double due = s->next_poll;
    for (size_t i = 0; i < s->n; i++)
        if (!s->v[i]->done && s->v[i]->id == 0 && (due == 0 || s->v[i]->retry_at < due))
            due = s->v[i]->retry_at;
    bool any = false;
    for (size_t i = 0; i < s->n && !any; i++)
        any = !s->v[i]->done;
    if (!any)
        return -1;
    double ms = (due - socm_now()) * 1000;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

static void sj_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct sj *s = e->priv;
    double t = socm_now();
    for (size_t i = 0; i < s->n; i++)
        if (!s->v[i]->done && s->v[i]->id == 0 && s->v[i]->retry_at <= t)
            (s->v[i]->lookup ? try_lookup : try_submit)(e, s->v[i]);
    if (t >= s->next_poll) {
        socm_sj_poll(e);
        s->next_poll = socm_now() + s->interval;
    }
}

static void sj_cancel(struct socm_enactor *e, int index)
{
    struct sj *s = e->priv;
    struct socm_strv ids = SOCM_STRV_INIT;
    for (size_t i = 0; i < s->n; i++) {
        struct sj_job *j = s->v[i];
        if (j->done || (index >= 0 && j->l->index != index))
            continue;
        j->canceled_here = true;
        if (j->id > 0)
            socm_strv_pushf(&ids, "%" PRId64, j->id);
        else if (j->lookup) { /* a job may exist: the lookup decides */
            j->cancel_asked = true;
            j->retry_at = 0;
        } else
            socm_sj_job_report(e, j, SOCM_OUT_CANCELED, -1, 0, 0, 0, 0,
                               "canceled before submission");
    }
    struct socm_error err = {0};
    if (socm_slurm_scancel(&ids, &err) < 0)
        socm_slurm_say(e, "scancel: %s", err.msg);
    socm_strv_free(&ids);
    s->next_poll = socm_now(); /* the ends come through the next poll */
}

static void sj_terminate(struct socm_enactor *e)
{
    sj_cancel(e, -1);
}

static size_t sj_active(struct socm_enactor *e)
{
    struct sj *s = e->priv;
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += !s->v[i]->done;
    return n;
}

static void sj_destroy(struct socm_enactor *e)
{
    struct sj *s = e->priv;
    if (!s)
        return;
    free(s->job_name);
    free(s->campaign);
    socm_resource_free(s->res);
    socm_slurm_where_free(&s->where);
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    free(s);
    e->priv = NULL;
}

const struct socm_enactor_ops socm_enactor_slurm_jobs = {
    .name = "slurm-jobs",
    .description = "Slurm: one sbatch per workflow; one squeue and one sacct per poll",
    .setup = sj_setup,
    .place = sj_place,
    .unplace = sj_unplace,
    .submit = sj_submit,
    .reattach = sj_reattach,
    .pollfds = sj_pollfds,
    .timeout_ms = sj_timeout,
    .handle = sj_handle,
    .cancel = sj_cancel,
    .terminate = sj_terminate,
    .active = sj_active,
    .destroy = sj_destroy,
};

int socm_slurm_campaign_scancel(const char *state_dir, const char *campaign, size_t *n, struct socm_error *err)
{
    *n = 0;
    char *dir = realpath(state_dir, NULL);
    if (!dir)
        return socm_error_errno(err, "%s", state_dir);
    char *name = socm_asprintf("socm-%s", campaign);
    char *under = socm_asprintf("%s/workflows/", dir);
    struct socm_slurm_jobdirs d;
    int rc = socm_slurm_jobdirs(name, false, 0, &d, err);
    if (rc == 0) {
        struct socm_strv live = SOCM_STRV_INIT;
        for (size_t i = 0; i < d.n; i++)
            if (!socm_slurm_state_is_final(d.v[i].state) &&
                (socm_str_startswith(d.v[i].workdir, under) || !strcmp(d.v[i].workdir, dir)))
                socm_strv_pushf(&live, "%" PRId64, d.v[i].job);
        socm_slurm_jobdirs_free(&d);
        rc = socm_slurm_scancel(&live, err);
        if (rc == 0)
            *n = live.n;
        socm_strv_free(&live);
    }
    free(name), free(under), free(dir);
    return rc;
}

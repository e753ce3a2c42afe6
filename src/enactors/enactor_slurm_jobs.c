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
 * --constraint from [campaign.slurm]. */
#include "socm/enactor.h"

#include "enactors/enactor_slurm.h"
#include "state/journal.h"
#include "agents/pilot.h"
#include "campaign/campaign.h"
#include "state/spec.h"
#include "slurm/slurm.h"
#include "util/dirfd.h"
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define POLL_MIN_S 1.0
#define POLL_MAX_S 15.0
#define LOST_AFTER_S 120.0 /* gone from squeue and never in sacct */
#define SACCT_DOWN_WAIT_S 20.0 /* ended in squeue, sacct failing: then squeue's word */
#define RSS_ASKS_MAX 200 /* polls that ask sacct for an ended job's peak memory */

struct sj_job {
    struct socm_launch *l; /* the bookkeeper's; freed once the end is reported */
    int index, attempt;    /* l's, for after that (a late peak memory) */
    int64_t id;           /* 0 = not submitted yet (waiting to retry) */
    double retry_at;      /* for id 0 */
    double backoff_s;
    double gone_since;    /* first poll it was missing from squeue; 0 = seen */
    enum socm_slurm_state sq_final; /* the final state squeue showed, or UNKNOWN */
    int64_t sq_elapsed;             /* and its elapsed time (s) */
    bool running_told;
    bool requeue_told;    /* said that Slurm requeued it (back to pending after running) */
    int64_t run_elapsed;  /* its elapsed time at the last poll that saw it run */
    bool done;
    /* The id is not known but a job may exist (the manager died during sbatch, or
     * sbatch timed out): look for it by working directory before submitting. */
    bool lookup;
    bool cancel_asked;    /* canceled while the lookup was pending */
    bool canceled_here;   /* socm asked Slurm to cancel it */
    double intent_t;      /* when that sbatch began (epoch seconds) */
    const char *qos;      /* the QoS it was submitted with (the resource's name), or NULL */
    /* Ended, but its peak memory is not in sacct yet (slurmdbd was down or lagging):
     * asked again with each poll's sacct, and given through cb.accounting. */
    bool rss_pending;
    int rss_asks;
    bool unreachable;     /* its sbatch could not reach slurmctld: retried once it answers */
};

struct sj {
    char *job_name;
    char *campaign;
    struct socm_resource *res; /* its QoS limits; NULL = each task's planned QoS */
    struct socm_slurm_where where;
    struct sj_job **v; /* pointers: callbacks may submit (and grow v) mid-poll */
    size_t n, cap;
    double next_poll, interval;
    bool ctld_failed; /* the last Slurm call could not reach slurmctld */
};

/* slurmctld did not answer (down, restarting): not a refusal of this job. */
static bool ctld_unreachable(const char *msg)
{
    return strstr(msg, "Unable to contact slurm controller") || strstr(msg, "Socket timed out") ||
           strstr(msg, "Connection refused") || strstr(msg, "Zero Bytes were transmitted");
}

/* slurmctld answers again: the sbatch calls that could not reach it go at once rather
 * than after their back-off (up to a minute after a long outage). */
static void ctld_back(struct sj *s, double t)
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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

/* Writes strings NUL-separated (they cannot contain NUL). */
static int write_nul_file(const char *path, char *const *v, size_t n, struct socm_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return socm_error_errno(err, "%s", path);
    for (size_t i = 0; i < n; i++)
        fwrite(v[i], 1, strlen(v[i]) + 1, f);
    if (fclose(f) != 0)
        return socm_error_errno(err, "%s", path);
    return 0;
}

static const char batch_script[] =
    "#!/bin/bash\n"
    "# Written by socm (slurm-jobs enactor). The workflow's argv and environment are in\n"
    "# socm-argv.nul and socm-env.nul (NUL-separated): no value is parsed by the shell.\n"
    "# The command runs in $SOCM_WORKDIR; this directory keeps its output.\n"
    "while IFS= read -r -d '' kv; do export \"$kv\"; done < socm-env.nul\n"
    "mapfile -d '' -t argv < socm-argv.nul\n"
    "cd -- \"$SOCM_WORKDIR\" || exit 1\n"
    "exec srun --export=ALL \"${argv[@]}\"\n";

static void mkdirs(const char *path)
{
    char *p = socm_strdup(path);
    for (char *q = p + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(p, 0755);
            *q = '/';
        }
    mkdir(p, 0755);
    free(p);
}

/* SANDBOX/socm-slurm-job: "ATTEMPT JOBID T", written (durably) with JOBID 0 before
 * each sbatch and with the id after it. A resumed manager re-attaches by it, and
 * when only the intent is there, finds the job Slurm may have accepted by its
 * working directory (the sandbox) and submit time — so no attempt is submitted
 * twice, whenever the manager died. */
#define JOB_FILE "socm-slurm-job"

static int job_file_write(const char *sandbox, int attempt, int64_t id, double t, struct socm_error *err)
{
    char *p = socm_asprintf("%s/" JOB_FILE, sandbox);
    char *text = socm_asprintf("%d %" PRId64 " %.3f\n", attempt, id, t);
    int rc = socm_write_replace(p, text, strlen(text), 0600, id == 0, err);
    free(text);
    free(p);
    return rc;
}

/* 0 with the attempt's id (0 = sbatch began, id unknown) and intent time; -1 when
 * the file says nothing about this attempt (it never reached sbatch). */
static int job_file_read(const char *sandbox, int attempt, int64_t *id, double *t)
{
    struct socm_error err; /* missing: the attempt never reached sbatch */
    int dfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FILE *f = dfd >= 0 ? socm_dirfd_fopen(dfd, sandbox, JOB_FILE, "r", &err) : NULL;
    if (dfd >= 0)
        close(dfd);
    int a = 0;
    long long j = -1;
    int ok = f && fscanf(f, "%d %lld %lf", &a, &j, t) == 3 && a == attempt && j >= 0;
    if (f)
        fclose(f);
    *id = j;
    return ok ? 0 : -1;
}

/* Slurm's "%" in an --output pattern; "%%" is a literal one. */
static char *percent_escape(const char *s)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (; *s; s++) {
        if (*s == '%')
            socm_buf_putc(&b, '%');
        socm_buf_putc(&b, *s);
    }
    return socm_buf_steal(&b);
}

/* The QoS for a task: the first of the resource's (preference order) that admits its
 * cores and walltime and whose job and core limits (MaxJobsPU, cpu limits) this
 * campaign's active jobs leave room in; else the planned one, to wait in Slurm's
 * queue. */
static const char *pick_qos(const struct sj *s, const struct socm_task *t)
{
    for (size_t k = 0; s->res && t->qos && k < s->res->n_qos; k++) {
        const struct socm_qos *q = &s->res->qos[k];
        if (!strcmp(q->name, "default") || (q->max_cores > 0 && t->cores > q->max_cores) ||
            (t->walltime_min > 0 && q->max_walltime_min > 0 && t->walltime_min > q->max_walltime_min))
            continue;
        int64_t jobs = 0, cores = 0;
        for (size_t i = 0; i < s->n; i++) {
            const struct sj_job *j = s->v[i];
            if (!j->done && j->id > 0 && j->qos == q->name) {
                jobs++;
                cores += j->l->task->cores;
            }
        }
        if ((q->max_jobs <= 0 || jobs < q->max_jobs) && (q->max_cores <= 0 || cores + t->cores <= q->max_cores))
            return q->name;
    }
    return NULL;
}

/* Prepares the sandbox and submits; 0 ok, 1 retry later, -1 refused (err). */
static int submit_one(struct sj *s, struct sj_job *j, struct socm_error *err)
{
    const struct socm_launch *l = j->l;
    const struct socm_task *t = l->task;
    mkdirs(l->sandbox);
    /* Absolute: Slurm resolves --output against --chdir, on another host. */
    char *dir = realpath(l->sandbox, NULL);
    if (!dir)
        return socm_error_errno(err, "%s", l->sandbox);
    char *script = socm_asprintf("%s/socm-job.sh", dir);
    char *argvf = socm_asprintf("%s/socm-argv.nul", dir);
    char *envf = socm_asprintf("%s/socm-env.nul", dir);
    int rc = -1;
    FILE *f = fopen(script, "w");
    if (!f) {
        socm_error_errno(err, "%s", script);
        goto out;
    }
    fputs(batch_script, f);
    if (fclose(f) != 0) {
        socm_error_errno(err, "%s", script);
        goto out;
    }
    /* The workflow's environment, then what socm tells every command. */
    struct socm_strv env = SOCM_STRV_INIT;
    socm_strv_copy(&env, &t->env);
    socm_task_socm_env(t, s->campaign, l->attempt, dir, &env);
    int wrc = write_nul_file(envf, env.v, env.n, err);
    socm_strv_free(&env);
    if (write_nul_file(argvf, t->argv.v, t->argv.n, err) < 0 || wrc < 0)
        goto out;
    int64_t threads = t->threads > 0 ? t->threads : 1;
    int64_t ranks = t->cores > threads ? t->cores / threads : 1;
    struct socm_strv args = SOCM_STRV_INIT;
    socm_strv_pushf(&args, "--job-name=%s", s->job_name);
    socm_strv_pushf(&args, "--chdir=%s", dir);
    char *out_dir = percent_escape(dir);
    socm_strv_pushf(&args, "--output=%s/slurm-%%j.out", out_dir);
    free(out_dir);
    socm_strv_pushf(&args, "--ntasks=%" PRId64, ranks);
    socm_strv_pushf(&args, "--cpus-per-task=%" PRId64, threads);
    if (t->memory_mb > 0)
        socm_strv_pushf(&args, "--mem-per-cpu=%.0f", ceil(t->memory_mb / (double)(ranks * threads)));
    if (t->walltime_min > 0) /* Slurm counts whole minutes */
        socm_strv_pushf(&args, "--time=%.0f", ceil(t->walltime_min));
    j->qos = pick_qos(s, t);
    if (j->qos || t->qos)
        socm_strv_pushf(&args, "--qos=%s", j->qos ? j->qos : t->qos);
    socm_slurm_where_args(&s->where, &args);
    if (l->nafter) {
        /* Slurm cancels it if a predecessor fails (no job left pending forever with
         * DependencyNeverSatisfied); socm records it CANCELED. */
        struct socm_buf dep = SOCM_BUF_INIT;
        socm_buf_puts(&dep, "--dependency=afterok");
        for (size_t k = 0; k < l->nafter; k++)
            socm_buf_printf(&dep, ":%ld", l->after[k]);
        socm_strv_push_owned(&args, socm_buf_steal(&dep));
        socm_strv_push(&args, "--kill-on-invalid-dep=yes");
    }
    socm_strv_push(&args, "--export=ALL");
    /* A node failure is not the workflow's: Slurm runs the job again under its id
     * (dependants' afterok stays valid), whatever the site's JobRequeue default. */
    socm_strv_push(&args, "--requeue");
    bool retry = false;
    j->intent_t = now_s();
    if (job_file_write(dir, l->attempt, 0, j->intent_t, err) == 0) {
        rc = socm_slurm_sbatch(&args, script, &j->id, &retry, err);
        if (rc == 0) {
            struct socm_error ferr = {0}; /* the intent alone finds the job again */
            job_file_write(dir, l->attempt, j->id, j->intent_t, &ferr);
        }
    }
    socm_strv_free(&args);
    if (rc < 0 && retry) {
        rc = 1;
        j->lookup = true; /* a timed-out sbatch may have been accepted all the same */
    }
out:
    free(script), free(argvf), free(envf), free(dir);
    return rc;
}

/* end: when the job ended (sacct), <= 0 if not known: then now. */
static void report(struct socm_enactor *e, struct sj_job *j, enum socm_outcome o, int code, int sig,
                   double elapsed, double end, double rss_mb, const char *reason)
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
    r.end = end > 0 ? end : now_s();
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
        j->retry_at = now_s() + j->backoff_s;
        socm_slurm_say(e, "workflow %d: cannot tell yet whether Slurm took its job (%s); asking again in %.0f s",
                       j->l->index + 1, err.msg, j->backoff_s);
    } else if (id > 0) {
        j->lookup = false;
        j->id = id;
        j->l->job = (long)id;
        struct socm_error ferr = {0};
        job_file_write(dir, j->l->attempt, id, j->intent_t, &ferr);
        socm_slurm_say(e, "workflow %d: found its Slurm job %" PRId64 " (submitted before the manager stopped)",
                       j->l->index + 1, id);
        s->next_poll = now_s();
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
            report(e, j, SOCM_OUT_CANCELED, -1, 0, 0, 0, 0, "canceled before submission");
        else
            try_submit(e, j);
    }
    free(dir);
}

static void try_submit(struct socm_enactor *e, struct sj_job *j)
{
    struct sj *s = e->priv;
    struct socm_error err = {0};
    int rc = submit_one(s, j, &err);
    j->unreachable = rc == 1 && ctld_unreachable(err.msg);
    if (j->unreachable)
        s->ctld_failed = true;
    if (rc == 0) {
        ctld_back(s, now_s());
        j->l->job = (long)j->id;
        socm_slurm_say(e, "workflow %d: Slurm job %" PRId64, j->l->index + 1, j->id);
        s->interval = POLL_MIN_S;
        s->next_poll = now_s() + POLL_MIN_S;
    } else if (rc == 1) {
        j->id = 0;
        j->backoff_s = j->backoff_s > 0 ? fmin(j->backoff_s * 2, 60) : 2;
        j->retry_at = now_s() + j->backoff_s;
        socm_slurm_say(e, "workflow %d: sbatch refused for now, retrying in %.0f s: %s",
                       j->l->index + 1, j->backoff_s, err.msg);
    } else {
        report(e, j, SOCM_OUT_FAILED, -1, 0, 0, 0, 0, err.msg);
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
    if (job_file_read(l->sandbox, l->attempt, &id, &t) < 0)
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
    double ms = (due - now_s()) * 1000;
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

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

/* One squeue for every active job; one sacct for those that ended or left. */
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
        report(e, j, map_outcome(socm_slurm_outcome(j->sq_final, ok ? 0 : 1)), ok ? 0 : -1, 0,
               j->sq_elapsed > 0 ? (double)j->sq_elapsed : 0, 0 /* end: now */,
               NAN /* max RSS: asked again later */, ok ? NULL : why);
    }
    return any;
}

static void poll_jobs(struct socm_enactor *e)
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
        s->ctld_failed |= ctld_unreachable(err.msg);
        socm_strv_free(&ids);
        return;
    }
    double t = now_s();
    ctld_back(s, t);
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
            j->gone_since = 0;
            /* Requeued (a node failure; jobs are submitted --requeue): seen pending
             * again — after running, or held for BeginTime, which only a requeue sets
             * (socm never passes --begin) — or running with its clock started again
             * since the last poll. */
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
                    report(e, j, map_outcome(socm_slurm_outcome(r->state, r->exit_code)), r->exit_code,
                           r->exit_signal > 0 ? r->exit_signal : 0, (double)r->elapsed_s,
                           socm_slurm_time_parse(r->end), program_rss_mb(&a, j->id),
                           end_reason(j, r, why, sizeof why));
                } else if (t - j->gone_since > LOST_AFTER_S) {
                    changed = true;
                    report(e, j, SOCM_OUT_LOST, -1, 0, 0, 0, 0, "job left squeue and never reached sacct");
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

static void sj_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct sj *s = e->priv;
    double t = now_s();
    for (size_t i = 0; i < s->n; i++)
        if (!s->v[i]->done && s->v[i]->id == 0 && s->v[i]->retry_at <= t)
            (s->v[i]->lookup ? try_lookup : try_submit)(e, s->v[i]);
    if (t >= s->next_poll) {
        poll_jobs(e);
        s->next_poll = now_s() + s->interval;
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
            report(e, j, SOCM_OUT_CANCELED, -1, 0, 0, 0, 0, "canceled before submission");
    }
    struct socm_error err = {0};
    if (socm_slurm_scancel(&ids, &err) < 0)
        socm_slurm_say(e, "scancel: %s", err.msg);
    socm_strv_free(&ids);
    s->next_poll = now_s(); /* the ends come through the next poll */
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

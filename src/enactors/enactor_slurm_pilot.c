/* enactor_slurm_pilot.c — the `slurm-pilot` enactor: one pilot job per campaign
 * (`sbatch --parsable`, nodes/ntasks for the planned cores, --time = the pilot
 * walltime, --qos = the planned QoS, account/partition/constraint from
 * [campaign.slurm], job name socm-<campaign>) whose batch script runs `socm agent`
 * inside the allocation. Work goes to the agent, and step ids and results come back,
 * through files in STATE_DIR/pilot (pilot.h), watched with inotify; a timerfd paces
 * one squeue call per poll for the pilot and one sacct -P call per poll for the
 * accounting (elapsed, MaxRSS × tasks) of ended steps. A pilot that ends with work
 * left (walltime, cancel, node failure) is followed by a new one whose shape (cores,
 * walltime, QoS) comes from planning the remaining work again (pilot_replan.c). */
#include "agents/agent.h"
#include "enactors/enactor_slurm.h"
#include "state/journal.h"
#include "agents/pilot.h"
#include "state/spec.h"
#include "socm/enactor.h"
#include "slurm/slurm.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_PILOTS 20          /* pilots one manager run may submit */
#define ACCOUNTING_WAIT_S 20.0 /* how long an ended step waits for sacct's figures */
#define MAX_RERUNS 3           /* re-runs of one attempt whose step Slurm ended (node lost) */

struct prun {
    struct socm_launch *l;
    bool running_said;
    bool canceled_here; /* taken back from the queue before the agent saw it */
    json_t *end;        /* the agent's end report, once there */
    double ended_at;
    double started_at;  /* when its step was first seen (monotonic), 0 = not seen */
    char *step;         /* "JOBID.STEPID" */
    int reruns;         /* times its step was ended by Slurm and it was queued again */
};

struct pilot {
    struct socm_allocation a;
    char *dir;     /* absolute state directory */
    char *jobname; /* socm-<campaign> */
    struct socm_pool pool;
    int64_t cores, nodes, cpn;
    double walltime_min;
    char *qos;
    struct socm_slurm_where where;
    struct socm_strv jobs; /* every pilot id of this campaign */
    int64_t cur;           /* the live pilot, -1 = none */
    int npilots;
    double sbatch_at;      /* retry of a refused sbatch, 0 = none due */
    int sbatch_tries;
    struct prun *runs;
    size_t n, cap;
    int ifd, tfd;
    double interval;
    bool pending_said;
    bool replan_due;     /* a pilot ended with work left: plan the next one again */
    double *min_wall;    /* per workflow index: walltime (min) a cut-off run showed it needs */
    size_t nmin;
    bool adopt_due;      /* an sbatch may have made a pilot whose id is not recorded */
    double intent_t;     /* when that sbatch began (epoch seconds) */
    double squeue_fail_since; /* squeue failing since (monotonic) */
    int squeue_fails;         /* failed squeue calls in a row, 0 = answering */
    int sacct_fails;          /* failed sacct calls in a row (slurmdbd away) */
};

/* ---- small helpers ---- */

static char *lpath(struct pilot *P, const char *sub, const struct socm_launch *l, const char *ext)
{
    return socm_asprintf("%s/pilot/%s/%d.%d%s%s", P->dir, sub, l->index, l->attempt,
                         ext ? "." : "", ext ? ext : "");
}

static void arm(struct pilot *P, double s)
{
    struct itimerspec its = {0};
    if (s < 0.001)
        s = 0.001;
    its.it_value.tv_sec = (time_t)s;
    its.it_value.tv_nsec = (long)((s - (double)(time_t)s) * 1e9);
    timerfd_settime(P->tfd, 0, &its, NULL);
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* Cores per node of the partition (sinfo); 0 if unknown. */
static int64_t cpus_per_node(const char *partition, struct socm_error *err)
{
    struct socm_sinfo si;
    if (socm_slurm_sinfo(&si, err) != 0)
        return 0;
    int64_t c = 0;
    for (size_t i = 0; i < si.n && !c; i++)
        if (socm_sinfo_node_usable(&si.v[i]) &&
            (partition ? !strcmp(si.v[i].partition, partition) : si.v[i].default_partition))
            c = si.v[i].cpus;
    for (size_t i = 0; i < si.n && !c; i++)
        c = si.v[i].cpus;
    socm_sinfo_free(&si);
    return c;
}

static void read_jobs(struct pilot *P)
{
    char *p = socm_pilot_path(P->dir, "jobs");
    char *text = socm_pilot_read(p);
    free(p);
    if (!text)
        return;
    char *save = NULL;
    for (char *t = strtok_r(text, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
        if (socm_slurm_jobid_parse(t) > 0)
            socm_strv_push(&P->jobs, t);
    free(text);
    if (P->jobs.n)
        P->cur = socm_slurm_jobid_parse(P->jobs.v[P->jobs.n - 1]);
}

/* The next pilot's shape from planning the remaining work again; on failure the old
 * shape stays (said in the log). The enactor's pool follows the new core count. */
static void replan(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    P->replan_due = false;
    struct socm_pilot_shape sh;
    struct socm_error err = {0};
    int rc = socm_pilot_replan(P->dir, P->min_wall, P->nmin, &sh, &err);
    if (rc != 0) {
        if (rc < 0)
            socm_slurm_say(e,
                           "slurm-pilot: cannot re-plan the remaining work (%s); the next pilot "
                           "keeps %lld cores, %.0f min",
                           err.msg, (long long)P->cores, P->walltime_min);
        return;
    }
    socm_slurm_say(e,
                   "slurm-pilot: re-planned %zu remaining workflow%s for %.1f min left: %lld "
                   "cores (was %lld), %.0f min (was %.0f), qos %s (was %s)", sh.workflows,
                   sh.workflows == 1 ? "" : "s", sh.deadline_left_min, (long long)sh.cores,
                   (long long)P->cores, sh.walltime_min, P->walltime_min, sh.qos ? sh.qos : "default",
                   P->qos ? P->qos : "default");
    P->cores = sh.cores > 0 ? sh.cores : P->cores;
    P->walltime_min = sh.walltime_min > 0 ? sh.walltime_min : P->walltime_min;
    free(P->qos);
    P->qos = sh.qos;
    sh.qos = NULL;
    P->nodes = (P->cores + P->cpn - 1) / P->cpn;
    struct socm_pool old = P->pool;
    socm_pool_init(&P->pool, P->cores, old.mem_total);
    for (size_t k = 0; k < P->n; k++)
        socm_pool_reserve(&P->pool, P->runs[k].l->cores, P->runs[k].l->ncores,
                          P->runs[k].l->task->memory_mb);
    socm_pool_free(&old);
    socm_pilot_shape_free(&sh);
}

/* ---- setup ---- */

static void pilot_free(struct pilot *P);

static int setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err);

/* A failed setup leaves nothing behind (the caller frees only the enactor). */
static int sp_setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err)
{
    if (setup(e, a, err) == 0)
        return 0;
    pilot_free(e->priv);
    e->priv = NULL;
    return -1;
}

static int setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err)
{
    struct pilot *P = socm_xcalloc(1, sizeof *P);
    e->priv = P;
    P->a = *a;
    P->cur = -1;
    P->ifd = P->tfd = -1;
    P->interval = 1;
    P->dir = realpath(a->state_dir, NULL);
    if (!P->dir)
        return socm_error_errno(err, "%s", a->state_dir);
    P->jobname = socm_asprintf("socm-%s", a->campaign);
    json_t *spec = socm_journal_read_spec(P->dir);
    json_t *plan = json_object_get(spec, "plan");
    P->cores = a->cores > 0 ? a->cores : (int64_t)json_integer_value(json_object_get(plan, "cores"));
    if (P->cores <= 0)
        P->cores = (int64_t)json_integer_value(json_object_get(spec, "plan_cores"));
    if (P->cores <= 0)
        P->cores = 1;
    P->walltime_min = json_number_value(json_object_get(plan, "walltime"));
    if (P->walltime_min <= 0)
        P->walltime_min = json_number_value(json_object_get(spec, "makespan_min")) * 2 + 5;
    const char *q = jstr(plan, "qos");
    P->qos = q && *q && strcmp(q, "default") ? socm_strdup(q) : NULL;
    socm_slurm_where_read(&P->where, a, spec);
    json_decref(spec);
    /* A controller that does not answer (restarting, down a while) does not stop a
     * start or a resume: a live pilot needs no node count, and the next sbatch asks
     * sinfo again first (know_cpn). Only a cluster that lists no node is refused. */
    struct socm_error serr = {0};
    P->cpn = cpus_per_node(P->where.partition, &serr);
    if (P->cpn <= 0 && !serr.msg[0])
        return socm_error_set(err, SOCM_E_FAILED,
                              "slurm-pilot: cannot read the cluster's nodes: sinfo listed none");
    if (P->cpn > 0)
        P->nodes = (P->cores + P->cpn - 1) / P->cpn;
    socm_pool_init(&P->pool, P->cores, a->memory_mb > 0 ? a->memory_mb : 1e15);
    if (socm_pilot_mkdirs(P->dir, err) != 0)
        return -1;
    char *stop = socm_pilot_path(P->dir, "stop");
    unlink(stop); /* there is work again */
    free(stop);
    read_jobs(P);
    char *ip = socm_pilot_path(P->dir, "sbatch");
    char *intent = socm_pilot_read(ip);
    free(ip);
    if (intent) { /* the last manager died during an sbatch */
        P->intent_t = atof(intent);
        P->adopt_due = true;
        free(intent);
    }
    char *rep = socm_pilot_path(P->dir, "reports");
    P->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int w = P->ifd >= 0 ? inotify_add_watch(P->ifd, rep, IN_MOVED_TO | IN_CLOSE_WRITE) : -1;
    free(rep);
    P->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (w < 0 || P->tfd < 0)
        return socm_error_errno(err, "slurm-pilot: inotify/timerfd");
    arm(P, 0.2); /* the first poll finds out whether a known pilot still lives */
    return 0;
}

/* ---- placement (the pilot's cores, so the agent is never handed more than fits) ---- */

static int sp_place(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct pilot *P = e->priv;
    return socm_pool_place_launch(&P->pool, l, err);
}

static void sp_unplace(struct socm_enactor *e, struct socm_launch *l)
{
    struct pilot *P = e->priv;
    socm_pool_release_launch(&P->pool, l);
}

/* ---- the pilot job ---- */

static int write_script(struct pilot *P, char **path, struct socm_error *err)
{
    char *qc = socm_sh_quote(P->a.campaign), *qe = socm_sh_quote(socm_self_exe()),
         *qd = socm_sh_quote(P->dir);
    char *text = socm_asprintf("#!/bin/sh\n"
                               "# A socm pilot: runs the agent in the allocation. Every value\n"
                               "# below is single-quoted; comments carry none.\n"
                               "export SOCM_CAMPAIGN=%s\n"
                               "export SOCM_GRACE='%.3f'\n"
                               "exec %s agent %s\n",
                               qc, P->a.grace_s, qe, qd);
    free(qc);
    free(qe);
    free(qd);
    *path = socm_pilot_path(P->dir, "pilot.sh");
    int rc = socm_write_atomic(*path, text, strlen(text), 0700, err);
    free(text);
    return rc;
}

static void fail_unstarted(struct socm_enactor *e, const char *why);

/* pilot/sbatch: the time an sbatch began, written (durably) before it and removed
 * once the id is in pilot/jobs. Found on resume (or after a timed-out sbatch), it
 * makes the manager look for the pilot by name and directory before submitting
 * another: one pilot, whenever the manager died. */
static int intent_write(struct pilot *P, double t, struct socm_error *err)
{
    char *p = socm_pilot_path(P->dir, "sbatch");
    char *text = socm_asprintf("%.3f\n", t);
    int rc = socm_write_atomic(p, text, strlen(text), 0600, err);
    free(text);
    free(p);
    return rc;
}

static void intent_clear(struct pilot *P)
{
    char *p = socm_pilot_path(P->dir, "sbatch");
    unlink(p);
    free(p);
}

/* The pilot becomes the live one, recorded durably before anything else: cancel and
 * resume find it. */
static void record_pilot(struct socm_enactor *e, int64_t id)
{
    struct pilot *P = e->priv;
    P->npilots++;
    P->cur = id;
    P->pending_said = false;
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    socm_strv_push(&P->jobs, idtext);
    char *jp = socm_pilot_path(P->dir, "jobs");
    int fd = open(jp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    free(jp);
    bool ok = fd >= 0 && dprintf(fd, "%s\n", idtext) > 0 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = false;
    if (ok) /* else the intent stays: a resume finds the pilot by name */
        intent_clear(P);
    else
        socm_slurm_say(e, "slurm-pilot: cannot record pilot %s in pilot/jobs", idtext);
}

/* Looks for the pilot an interrupted sbatch may have made; false while Slurm cannot
 * say (nothing is submitted meanwhile). */
static bool adopt_pilot(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    if (!P->adopt_due)
        return true;
    struct socm_error err = {0};
    int64_t id = socm_slurm_find_job(P->jobname, P->dir, P->intent_t, &err);
    if (id < 0) {
        socm_slurm_say(e, "slurm-pilot: cannot tell yet whether Slurm took the last pilot (%s)", err.msg);
        return false;
    }
    P->adopt_due = false;
    bool known = false;
    for (size_t i = 0; i < P->jobs.n && !known; i++)
        known = socm_slurm_jobid_parse(P->jobs.v[i]) == id;
    if (id > 0 && !known) {
        socm_slurm_say(e, "slurm-pilot: found pilot job %lld (submitted before the manager stopped)",
                       (long long)id);
        record_pilot(e, id);
    } else
        intent_clear(P);
    return true;
}

/* Schedules the next try of a pilot's sbatch that cannot be made now (WHY); after 12
 * tries (about 8 minutes) the unstarted work fails with WHY. */
static void sbatch_later(struct socm_enactor *e, const char *why)
{
    struct pilot *P = e->priv;
    if (P->sbatch_tries >= 12) {
        fail_unstarted(e, why);
        return;
    }
    double d = fmin(60, 2 * pow(2, P->sbatch_tries++));
    P->sbatch_at = socm_mono() + d;
    socm_slurm_say(e, "slurm-pilot: sbatch refused for now (%s); trying again in %.0f s", why, d);
}

/* The cores per node (sinfo) the pilot's node count needs, if not known yet (setup
 * found the controller away); false if sinfo still cannot tell. */
static bool know_cpn(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    if (P->cpn > 0)
        return true;
    struct socm_error serr = {0};
    P->cpn = cpus_per_node(P->where.partition, &serr);
    if (P->cpn <= 0) {
        char *why = socm_asprintf("cannot read the cluster's nodes: %s",
                                  serr.msg[0] ? serr.msg : "sinfo listed none");
        sbatch_later(e, why);
        free(why);
        return false;
    }
    P->nodes = (P->cores + P->cpn - 1) / P->cpn;
    return true;
}

static void submit_pilot(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    if (P->npilots >= MAX_PILOTS) {
        fail_unstarted(e, "slurm-pilot: too many pilots ended with work left; giving up");
        return;
    }
    if (!know_cpn(e))
        return;
    if (P->replan_due)
        replan(e);
    struct socm_error err = {0};
    char *script = NULL;
    if (write_script(P, &script, &err) != 0) {
        free(script);
        fail_unstarted(e, err.msg);
        return;
    }
    struct socm_strv args = SOCM_STRV_INIT;
    socm_strv_pushf(&args, "--job-name=%s", P->jobname);
    socm_strv_pushf(&args, "--nodes=%lld", (long long)P->nodes);
    socm_strv_pushf(&args, "--ntasks=%lld", (long long)P->cores);
    socm_strv_pushf(&args, "--time=%lld", (long long)ceil(P->walltime_min));
    socm_strv_push(&args, "--mem=0"); /* the nodes' memory: steps ask for theirs */
    /* Never requeued by Slurm (node failure): the manager plans and submits the next. */
    socm_strv_push(&args, "--no-requeue");
    if (P->qos)
        socm_strv_pushf(&args, "--qos=%s", P->qos);
    socm_slurm_where_args(&P->where, &args);
    socm_strv_pushf(&args, "--chdir=%s", P->dir);
    socm_strv_pushf(&args, "--output=%s/pilot/pilot-%%j.out", P->dir);
    int64_t id = -1;
    bool retry = false;
    P->intent_t = socm_now();
    int rc = intent_write(P, P->intent_t, &err);
    if (rc == 0)
        rc = socm_slurm_sbatch(&args, script, &id, &retry, &err);
    else
        retry = true;
    socm_strv_free(&args);
    free(script);
    if (rc != 0) {
        /* A timed-out sbatch may have been accepted all the same: look first. */
        P->adopt_due = retry;
        if (!retry)
            intent_clear(P);
        if (retry)
            sbatch_later(e, err.msg);
        else
            fail_unstarted(e, err.msg);
        return;
    }
    P->sbatch_tries = 0;
    P->sbatch_at = 0;
    record_pilot(e, id);
    socm_slurm_say(e,
                   "slurm-pilot: pilot job %lld submitted (%s: %lld nodes, %lld cores, %.0f min%s%s)",
                   (long long)id, P->jobname, (long long)P->nodes, (long long)P->cores, P->walltime_min,
                   P->qos ? ", qos " : "", P->qos ? P->qos : "");
}

/* ---- runs ---- */

static bool needs_pilot(struct pilot *P)
{
    for (size_t i = 0; i < P->n; i++)
        if (!P->runs[i].end && !P->runs[i].canceled_here)
            return true;
    return false;
}

static void add_run(struct pilot *P, struct socm_launch *l)
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

static int write_work(struct pilot *P, const struct socm_launch *l, struct socm_error *err)
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
    char *stale = lpath(P, "reports", l, "step");
    unlink(stale);
    free(stale);
    stale = lpath(P, "reports", l, "end");
    unlink(stale);
    free(stale);
    char *p = lpath(P, "queue", l, "json");
    int rc = socm_write_atomic(p, text, strlen(text), 0600, err);
    free(p);
    free(text);
    return rc;
}

static void report(struct socm_enactor *e, const struct socm_launch *l, enum socm_outcome o,
                   const char *why)
{
    struct socm_result r = {0};
    r.index = l->index;
    r.attempt = l->attempt;
    r.outcome = o;
    r.exit_code = -1;
    r.start = r.end = socm_now();
    r.reason = why;
    e->cb.finished(e->cb.ctx, &r);
}

static void remove_run(struct pilot *P, size_t k)
{
    struct prun *r = &P->runs[k];
    socm_pool_release(&P->pool, r->l->cores, r->l->ncores, r->l->task->memory_mb);
    json_decref(r->end);
    free(r->step);
    P->runs[k] = P->runs[--P->n];
}

/* Work not yet taken by an agent cannot run without a pilot: report it. */
static void fail_unstarted(struct socm_enactor *e, const char *why)
{
    struct pilot *P = e->priv;
    struct socm_launch **gone = socm_xcalloc(P->n + 1, sizeof *gone);
    size_t ng = 0;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->end)
            continue;
        char *q = lpath(P, "queue", r->l, "json");
        if (unlink(q) == 0) {
            gone[ng++] = r->l;
            remove_run(P, k--);
        }
        free(q);
    }
    for (size_t i = 0; i < ng; i++)
        report(e, gone[i], SOCM_OUT_LOST, why);
    free(gone);
}

static void sp_submit(struct socm_enactor *e, struct socm_launch *const *ls, size_t n)
{
    struct pilot *P = e->priv;
    for (size_t i = 0; i < n; i++) {
        struct socm_error err = {0};
        if (write_work(P, ls[i], &err) != 0) {
            socm_pool_release(&P->pool, ls[i]->cores, ls[i]->ncores, ls[i]->task->memory_mb);
            report(e, ls[i], SOCM_OUT_LOST, err.msg);
            continue;
        }
        ls[i]->job = P->cur;
        add_run(P, ls[i]);
    }
    if (P->cur < 0 && !P->sbatch_at && !P->adopt_due && needs_pilot(P))
        submit_pilot(e);
}

static int sp_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    (void)err;
    struct pilot *P = e->priv;
    const char *where[][2] = {{"reports", "end"}, {"reports", "step"}, {"queue", "json"},
                              {"taken", "json"}};
    for (size_t i = 0; i < 4; i++) {
        char *p = lpath(P, where[i][0], l, where[i][1]);
        bool there = access(p, F_OK) == 0;
        free(p);
        if (there) {
            socm_pool_reserve(&P->pool, l->cores, l->ncores, l->task->memory_mb);
            l->job = P->cur;
            add_run(P, l);
            arm(P, 0.01);
            return 0; /* the next poll reads its reports */
        }
    }
    return 2;
}

static size_t sp_pollfds(struct socm_enactor *e, struct pollfd *fds, size_t max)
{
    struct pilot *P = e->priv;
    size_t k = 0;
    if (k < max)
        fds[k++] = (struct pollfd){P->ifd, POLLIN, 0};
    if (k < max)
        fds[k++] = (struct pollfd){P->tfd, POLLIN, 0};
    return k;
}

static int sp_timeout(struct socm_enactor *e)
{
    (void)e;
    return -1;
}

/* ---- reports and accounting ---- */

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
    if (write_work(P, r->l, &err) != 0) /* unlinks the step and end reports too */
        return false;
    json_decref(r->end);
    r->end = NULL;
    free(r->step);
    r->step = NULL;
    r->reruns++;
    return true;
}

static void read_reports(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (!r->step) {
            char *p = lpath(P, "reports", r->l, "step");
            char *text = socm_pilot_read(p);
            free(p);
            if (text) {
                text[strcspn(text, "\n")] = '\0';
                r->step = text;
            }
        }
        if (!r->end) {
            char *p = lpath(P, "reports", r->l, "end");
            r->end = json_load_file(p, 0, NULL);
            free(p);
            if (r->end && !r->step && jstr(r->end, "step"))
                r->step = socm_strdup(jstr(r->end, "step"));
            if (r->end && rerun_lost(e, r))
                continue;
            if (r->end)
                r->ended_at = socm_mono();
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
}

static enum socm_outcome outcome_of(const char *s)
{
    return !s                        ? SOCM_OUT_FAILED
           : !strcmp(s, "done")      ? SOCM_OUT_DONE
           : !strcmp(s, "timeout")   ? SOCM_OUT_TIMEOUT
           : !strcmp(s, "canceled")  ? SOCM_OUT_CANCELED
           : !strcmp(s, "lost")      ? SOCM_OUT_LOST
                                     : SOCM_OUT_FAILED;
}

/* Delivers ended runs: with sacct's elapsed and MaxRSS (× tasks) of their step once
 * accounting has them, or with the supervisor's figures after ACCOUNTING_WAIT_S. */
static void deliver(struct socm_enactor *e, const struct socm_sacct *acct, bool final_call)
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
        if (!ready && !final_call && socm_mono() - r->ended_at < ACCOUNTING_WAIT_S)
            continue;
        struct socm_result res = {0};
        double rss = 0;
        json_unpack(r->end, "{s?i,s?i,s?F,s?F,s?F,s?F,s?F}", "exit_code", &res.exit_code,
                    "signal", &res.signal, "start", &res.start, "end", &res.end, "elapsed_s",
                    &res.elapsed_s, "max_rss_mb", &rss, "cpu_s", &res.cpu_s);
        res.index = r->l->index;
        res.attempt = r->l->attempt;
        res.outcome = outcome_of(jstr(r->end, "outcome"));
        res.max_rss_mb = rss;
        if (ready && row->max_rss_kib >= 0) {
            int64_t nt = row->ntasks > 0 ? row->ntasks : 1;
            res.max_rss_mb = (double)row->max_rss_kib * (double)nt / 1024.0;
        }
        if (ready && row->elapsed_s > 0) /* whole seconds: keep the finer figure below 1 s */
            res.elapsed_s = (double)row->elapsed_s;
        out = socm_xrealloc(out, (no + 1) * sizeof *out);
        reasons = socm_xrealloc(reasons, (no + 1) * sizeof *reasons);
        out[no] = res;
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

static bool accounting_due(struct pilot *P)
{
    for (size_t k = 0; k < P->n; k++)
        if (P->runs[k].end && P->runs[k].step)
            return true;
    return false;
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
        char *t = lpath(P, "taken", r->l, "json"), *q = lpath(P, "queue", r->l, "json");
        char *s = lpath(P, "reports", r->l, "step");
        unlink(s);
        free(r->step);
        r->step = NULL;
        if (rename(t, q) == 0)
            n++;
        else if (access(q, F_OK) != 0) {
            struct socm_error err = {0};
            write_work(P, r->l, &err);
            n++;
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

/* One poll: one squeue (the pilot), one sacct when ended steps await accounting. */
static void poll_slurm(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    read_reports(e);
    bool adopted = adopt_pilot(e);
    if (P->cur > 0) {
        struct socm_squeue q;
        struct socm_error err = {0};
        if (socm_slurm_squeue(P->jobname, NULL, &q, &err) == 0) {
            const struct socm_squeue_row *row = NULL;
            for (size_t i = 0; i < q.n; i++)
                if (q.v[i].job == P->cur)
                    row = &q.v[i];
            bool dead = !row || socm_slurm_state_is_final(row->state);
            if (row && row->state == SOCM_SLURM_PENDING && !P->pending_said) {
                P->pending_said = true;
                socm_slurm_say(e, "slurm-pilot: pilot %lld pending (%s)", (long long)P->cur,
                               row->reason);
            }
            if (P->squeue_fails)
                socm_slurm_say(e,
                               "slurm-pilot: squeue answers again after %d failed call%s (%.0f s)",
                               P->squeue_fails, P->squeue_fails == 1 ? "" : "s",
                               socm_mono() - P->squeue_fail_since);
            P->squeue_fails = 0;
            if (dead) {
                read_reports(e); /* what it finished before it went */
                if (needs_pilot(P))
                    pilot_ended(e, row);
                P->cur = -1;
            }
            socm_squeue_free(&q);
        } else {
            /* Never a reason to think the pilot is gone: poll again, backing off. */
            if (!P->squeue_fails++)
                P->squeue_fail_since = socm_mono();
            socm_slurm_say(e,
                           "slurm-pilot: squeue failed (%d in a row): %s; polling again in %.0f s",
                           P->squeue_fails, err.msg, backoff(P));
        }
    }
    if (accounting_due(P)) {
        struct socm_sacct acct;
        struct socm_error err = {0};
        if (socm_slurm_sacct(NULL, &P->jobs, NULL, &acct, &err) == 0) {
            P->sacct_fails = 0;
            deliver(e, &acct, false);
            socm_sacct_free(&acct);
        } else {
            P->sacct_fails++;
            deliver(e, NULL, false);
        }
    } else
        deliver(e, NULL, false);
    if (adopted && P->cur < 0 && needs_pilot(P) && (!P->sbatch_at || socm_mono() >= P->sbatch_at))
        submit_pilot(e);
}

static void sp_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct pilot *P = e->priv;
    bool tick = false, news = false;
    for (size_t i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        char buf[4096];
        if (fds[i].fd == P->ifd) {
            while (read(P->ifd, buf, sizeof buf) > 0) {
            }
            news = true;
        } else if (fds[i].fd == P->tfd) {
            uint64_t x;
            if (read(P->tfd, &x, sizeof x) < 0) {
            }
            tick = true;
        }
    }
    if (tick) {
        poll_slurm(e);
        /* Adaptive: quick while things happen, slower while steps just run. */
        P->interval = P->squeue_fails            ? backoff(P)
                      : accounting_due(P) ? fmin(8, pow(2, P->sacct_fails < 3 ? P->sacct_fails : 3))
                      : P->cur < 0                ? 1
                                                        : fmin(10, P->interval * 1.5);
        arm(P, P->interval);
    } else if (news) {
        read_reports(e);
        deliver(e, NULL, false); /* canceled-here runs; ended ones wait for the poll */
        if (accounting_due(P)) {
            P->interval = 1;
            struct itimerspec cur;
            timerfd_gettime(P->tfd, &cur);
            if (cur.it_value.tv_sec >= 1)
                arm(P, 1);
        }
    }
}

/* ---- stopping ---- */

static void sp_cancel(struct socm_enactor *e, int index)
{
    struct pilot *P = e->priv;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->l->index != index || r->end)
            continue;
        char *q = lpath(P, "queue", r->l, "json");
        if (unlink(q) == 0) {
            r->canceled_here = true; /* reported from handle(), not from inside this call */
            arm(P, 0.001);
        } else {
            char *c = lpath(P, "cancel", r->l, NULL);
            struct socm_error err = {0};
            if (socm_write_atomic(c, "", 0, 0600, &err) != 0) /* the agent would never hear */
                socm_enactor_fault(e, err.msg);
            free(c);
        }
        free(q);
    }
}

static void sp_terminate(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    for (size_t k = 0; k < P->n; k++)
        sp_cancel(e, P->runs[k].l->index);
}

static size_t sp_active(struct socm_enactor *e)
{
    return ((struct pilot *)e->priv)->n;
}

static void sp_destroy(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    if (!P)
        return;
    if (P->dir && P->n == 0) {
        /* Nothing left for the agent: it exits and the pilot ends. A killed or
         * interrupted manager leaves the pilot to the work it still has. */
        char *stop = socm_pilot_path(P->dir, "stop");
        struct socm_error err = {0};
        socm_write_atomic(stop, "", 0, 0600, &err);
        free(stop);
    }
    pilot_free(P);
}

static void pilot_free(struct pilot *P)
{
    for (size_t k = 0; k < P->n; k++) {
        json_decref(P->runs[k].end);
        free(P->runs[k].step);
    }
    free(P->runs);
    free(P->min_wall);
    if (P->ifd >= 0)
        close(P->ifd);
    if (P->tfd >= 0)
        close(P->tfd);
    socm_pool_free(&P->pool);
    socm_strv_free(&P->jobs);
    free(P->dir);
    free(P->jobname);
    free(P->qos);
    socm_slurm_where_free(&P->where);
    free(P);
}

const struct socm_enactor_ops socm_enactor_slurm_pilot = {
    .name = "slurm-pilot",
    .description = "Slurm: one pilot job per campaign; its agent runs each workflow as an srun step",
    .setup = sp_setup,
    .place = sp_place,
    .unplace = sp_unplace,
    .submit = sp_submit,
    .reattach = sp_reattach,
    .pollfds = sp_pollfds,
    .timeout_ms = sp_timeout,
    .handle = sp_handle,
    .cancel = sp_cancel,
    .terminate = sp_terminate,
    .active = sp_active,
    .destroy = sp_destroy,
};

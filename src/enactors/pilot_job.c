/* pilot_job.c — the slurm-pilot enactor's pilot job: the next pilot's shape (re-planned
 * when one ended with work left), its batch script, the durable record around its
 * sbatch (pilot/sbatch before, pilot/jobs after) and the adoption of a pilot an
 * interrupted sbatch made. What talks to Slurm runs in pilot_calls.c's worker; here
 * the loop prepares each call and takes its answer. */
#include "agents/pilot.h"
#include "enactors/pilot_manager.h"
#include "campaign/campaign.h"
#include "state/spec.h"
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int64_t socm_pilot_cpus_per_node(const char *partition, struct socm_error *err)
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
    if (c <= 0 && !err->msg[0])
        socm_error_set(err, SOCM_E_FAILED, "sinfo listed none");
    return c;
}

void socm_pilot_read_jobs(struct pilot *P)
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
    int rc;
    if (P->live && !P->cluster) { /* the cluster could not be read (beside the loop) */
        err = P->cluster_err;
        rc = -1;
    } else
        rc = socm_pilot_replan(P->dir, P->cluster, P->min_wall, P->nmin, &sh, &err);
    P->cluster = NULL; /* taken */
    P->discovered = false;
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
    if (P->cpn > 0)
        P->nodes = (P->cores + P->cpn - 1) / P->cpn;
    struct socm_pool old = P->pool;
    socm_pool_init(&P->pool, P->cores, old.mem_total);
    for (size_t k = 0; k < P->n; k++)
        socm_pool_reserve(&P->pool, P->runs[k].l->cores, P->runs[k].l->ncores,
                          P->runs[k].l->task->memory_mb);
    socm_pool_free(&old);
    socm_pilot_shape_free(&sh);
}

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

void socm_pilot_intent_clear(struct pilot *P)
{
    char *p = socm_pilot_path(P->dir, "sbatch");
    unlink(p);
    free(p);
}

/* Appends the pilot's id to pilot/jobs and makes it durable; every step checked. */
static int jobs_append(struct pilot *P, const char *idtext, struct socm_error *err)
{
    char *jp = socm_pilot_path(P->dir, "jobs");
    int fd = open(jp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    int rc = 0;
    if (fd < 0)
        rc = socm_error_errno(err, "cannot open %s", jp);
    else if (dprintf(fd, "%s\n", idtext) != (int)strlen(idtext) + 1)
        rc = socm_error_errno(err, "cannot write %s", jp);
    else if (fsync(fd) != 0)
        rc = socm_error_errno(err, "cannot sync %s", jp);
    if (fd >= 0 && close(fd) != 0 && rc == 0)
        rc = socm_error_errno(err, "cannot close %s", jp);
    free(jp);
    return rc;
}

/* The pilot becomes the live one, recorded durably before anything else: cancel and
 * resume find it. A record that cannot be made stops the manager (exit 3): the
 * intent stays, so a resume finds the pilot by name and records it. */
static void record_pilot(struct socm_enactor *e, int64_t id)
{
    struct pilot *P = e->priv;
    P->npilots++;
    P->cur = id;
    P->pending_said = false;
    P->squeue_at = 0;
    P->interval = 1;
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)id);
    socm_strv_push(&P->jobs, idtext);
    struct socm_error err = {0};
    if (jobs_append(P, idtext, &err) == 0) {
        socm_pilot_intent_clear(P);
        return;
    }
    char *why = socm_asprintf("slurm-pilot: cannot record pilot %s: %s", idtext, err.msg);
    socm_slurm_say(e, "%s", why);
    socm_pilot_fail_unstarted(e, SOCM_OUT_SYSTEM, why);
    free(why);
}

void socm_pilot_discover_done(struct socm_enactor *e, struct pcall *c)
{
    struct pilot *P = e->priv;
    P->cluster = c->res;
    c->res = NULL;
    P->cluster_err = c->res_err;
    P->discovered = true;
}

void socm_pilot_adopt_done(struct socm_enactor *e, struct pcall *c)
{
    struct pilot *P = e->priv;
    int64_t id = c->id;
    if (id < 0) {
        socm_slurm_say(e, "slurm-pilot: cannot tell yet whether Slurm took the last pilot (%s)",
                       c->sbatch_err.msg);
        P->squeue_at = socm_mono() + 2; /* ask again then, nothing submitted meanwhile */
        return;
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
        socm_pilot_intent_clear(P);
}

/* Schedules the next try of a pilot's sbatch that cannot be made now (WHY); after 12
 * tries (about 8 minutes) the unstarted work fails with WHY. */
static void sbatch_later(struct socm_enactor *e, const char *why)
{
    struct pilot *P = e->priv;
    if (P->sbatch_tries >= 12) {
        socm_pilot_fail_unstarted(e, SOCM_OUT_LOST, why);
        return;
    }
    double d = fmin(60, 2 * pow(2, P->sbatch_tries++));
    P->sbatch_at = socm_mono() + d;
    socm_slurm_say(e, "slurm-pilot: sbatch refused for now (%s); trying again in %.0f s", why, d);
}

struct pcall *socm_pilot_submit_call(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    if (P->npilots >= MAX_PILOTS) {
        socm_pilot_fail_unstarted(e, SOCM_OUT_LOST,
                                  "slurm-pilot: too many pilots ended with work left; giving up");
        return NULL;
    }
    if (P->replan_due)
        replan(e);
    struct socm_error err = {0};
    char *script = NULL;
    if (write_script(P, &script, &err) != 0) {
        free(script);
        socm_pilot_fail_unstarted(e, SOCM_OUT_SYSTEM, err.msg);
        return NULL;
    }
    /* Durably before the sbatch: a state directory that cannot take it stops the
     * manager (exit 3) rather than risk a second pilot after a resume. */
    P->intent_t = socm_now();
    if (intent_write(P, P->intent_t, &err) != 0) {
        free(script);
        socm_pilot_fail_unstarted(e, SOCM_OUT_SYSTEM, err.msg);
        return NULL;
    }
    struct pcall *c = socm_pcall_new(PCALL_SUBMIT);
    c->script = script;
    c->cores = P->cores;
    c->cpn = P->cpn;
    c->want_sinfo = P->cpn <= 0; /* setup found the controller away */
    c->partition = P->where.partition ? socm_strdup(P->where.partition) : NULL;
    struct socm_strv *args = &c->args;
    socm_strv_pushf(args, "--job-name=%s", P->jobname);
    socm_strv_pushf(args, "--ntasks=%lld", (long long)P->cores);
    socm_strv_pushf(args, "--time=%lld", (long long)ceil(P->walltime_min));
    socm_strv_push(args, "--mem=0"); /* the nodes' memory: steps ask for theirs */
    /* Never requeued by Slurm (node failure): the manager plans and submits the next. */
    socm_strv_push(args, "--no-requeue");
    if (P->qos)
        socm_strv_pushf(args, "--qos=%s", P->qos);
    socm_slurm_where_args(&P->where, args);
    socm_strv_pushf(args, "--chdir=%s", P->dir);
    socm_strv_pushf(args, "--output=%s/pilot/pilot-%%j.out", P->dir);
    return c;
}

void socm_pilot_submit_done(struct socm_enactor *e, struct pcall *c)
{
    struct pilot *P = e->priv;
    if (c->cpn <= 0) { /* sinfo could not tell: no sbatch was made */
        socm_pilot_intent_clear(P);
        char *why = socm_asprintf("cannot read the cluster's nodes: %s", c->sinfo_err.msg);
        sbatch_later(e, why);
        free(why);
        return;
    }
    P->cpn = c->cpn;
    P->nodes = (P->cores + P->cpn - 1) / P->cpn;
    if (c->sbatch_rc != 0) {
        /* A timed-out sbatch may have been accepted all the same: look first. */
        P->adopt_due = c->retry;
        if (c->retry)
            sbatch_later(e, c->sbatch_err.msg);
        else {
            socm_pilot_intent_clear(P);
            socm_pilot_fail_unstarted(e, SOCM_OUT_LOST, c->sbatch_err.msg);
        }
        return;
    }
    P->sbatch_tries = 0;
    P->sbatch_at = 0;
    socm_slurm_say(e,
                   "slurm-pilot: pilot job %lld submitted (%s: %lld nodes, %lld cores, %.0f min%s%s)",
                   (long long)c->id, P->jobname, (long long)P->nodes, (long long)P->cores,
                   P->walltime_min, P->qos ? ", qos " : "", P->qos ? P->qos : "");
    record_pilot(e, c->id);
}

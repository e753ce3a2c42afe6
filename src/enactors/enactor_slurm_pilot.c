/* enactor_slurm_pilot.c — the `slurm-pilot` enactor: one pilot job per campaign
 * (`sbatch --parsable`, nodes/ntasks for the planned cores, --time = the pilot
 * walltime, --qos = the planned QoS, account/partition/constraint from
 * [campaign.slurm], job name socm-<campaign>) whose batch script runs `socm agent`
 * inside the allocation. Work goes to the agent, and step ids and results come back,
 * through files in STATE_DIR/pilot (pilot.h), watched with inotify. This file holds
 * the enactor's operations and its events: a timerfd paces one squeue per poll for
 * the pilot and, as soon as a step ends, sacct for its accounting (elapsed, MaxRSS ×
 * tasks); each Slurm command runs beside the loop (pilot_calls.c), which never waits
 * for it. A pilot that ends with work left (walltime, cancel, node failure) is
 * followed by a new one (pilot_job.c) whose shape comes from planning the remaining
 * work again (pilot_replan.c); the traffic with the agent is in pilot_results.c. */
#include "state/journal.h"
#include "agents/pilot.h"
#include "enactors/pilot_manager.h"
#include "campaign/campaign.h"
#include "state/spec.h"
#include "util/proc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* After an end report, sacct is asked this soon (reports that come together share
 * one call); a row not there yet is asked for again after 0.1, 0.2, ... at most 2 s. */
#define ACCT_FIRST_S 0.05
#define ACCT_RETRY_MAX_S 2.0

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
    P->live = socm_pilot_resource_live(json_object_get(spec, "config"), &P->live_partition);
    json_decref(spec);
    /* A controller that does not answer (restarting, down a while) does not stop a
     * start or a resume: a live pilot needs no node count, and the next sbatch asks
     * sinfo again first. Only a cluster that lists no node is refused. (Setup runs
     * before the event loop: nothing waits on it yet.) */
    struct socm_error serr = {0};
    P->cpn = socm_pilot_cpus_per_node(P->where.partition, &serr);
    if (P->cpn <= 0 && !strcmp(serr.msg, "sinfo listed none"))
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
    socm_pilot_read_jobs(P);
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
    P->squeue_at = socm_mono() + 0.2;
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

/* ---- the Slurm calls, one at a time beside the loop ---- */

/* The call due now, if any: the adoption of a pilot an interrupted sbatch may have
 * made (before anything is submitted), the poll (squeue for the live pilot, sacct
 * for ended steps), or the next pilot's sbatch. */
static struct pcall *due_call(struct socm_enactor *e, double now)
{
    struct pilot *P = e->priv;
    if (P->adopt_due) {
        if (now < P->squeue_at)
            return NULL;
        struct pcall *c = socm_pcall_new(PCALL_ADOPT);
        c->jobname = socm_strdup(P->jobname);
        c->dir = socm_strdup(P->dir);
        c->since = P->intent_t;
        return c;
    }
    bool sq = P->cur > 0 && now >= P->squeue_at;
    bool sa = socm_pilot_accounting_due(P) && now >= P->sacct_at;
    if (sq || sa) {
        struct pcall *c = socm_pcall_new(PCALL_POLL);
        c->jobname = socm_strdup(P->jobname);
        c->want_squeue = sq;
        c->want_sacct = sa;
        for (size_t i = 0; i < P->jobs.n; i++)
            socm_strv_push(&c->ids, P->jobs.v[i]);
        return c;
    }
    if (P->cur < 0 && socm_pilot_needs_pilot(P) && (!P->sbatch_at || now >= P->sbatch_at)) {
        if (P->replan_due && P->live && !P->discovered) { /* the re-plan's cluster first */
            struct pcall *c = socm_pcall_new(PCALL_DISCOVER);
            c->partition = P->live_partition ? socm_strdup(P->live_partition) : NULL;
            return c;
        }
        return socm_pilot_submit_call(e);
    }
    return NULL;
}

/* Starts the call that is due, or arms the timer for the next one. While a call is
 * under way its end wakes the loop; the timer then only keeps the promise that an
 * ended run waits at most ACCOUNTING_WAIT_S for sacct (a hung command included). */
static void next_call(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    double now = socm_mono();
    struct pcall *c = P->call ? NULL : due_call(e, now);
    if (c) {
        struct socm_error err = {0};
        if (socm_pcall_start(c, &err) != 0) {
            socm_slurm_say(e, "%s", err.msg);
            socm_pilot_fail_unstarted(e, SOCM_OUT_SYSTEM, err.msg);
            return;
        }
        P->call = c;
    }
    double at = 0;
    if (!P->call) {
        if (P->adopt_due || P->cur > 0)
            at = P->squeue_at;
        if (socm_pilot_accounting_due(P) && (!at || P->sacct_at < at))
            at = P->sacct_at;
        if (P->cur < 0 && P->sbatch_at && socm_pilot_needs_pilot(P) && (!at || P->sbatch_at < at))
            at = P->sbatch_at;
    }
    double dl = socm_pilot_accounting_deadline(P);
    if (dl && (!at || dl < at))
        at = dl;
    if (at)
        arm(P, at - now);
}

/* A poll's answers: the pilot's state, and the accounting that completes ended runs. */
static void poll_done(struct socm_enactor *e, struct pcall *c)
{
    struct pilot *P = e->priv;
    double now = socm_mono();
    if (c->want_squeue) {
        socm_pilot_squeue_done(e, c);
        P->squeue_at = now + P->interval;
    }
    if (!c->want_sacct)
        return;
    if (c->sacct_rc == 0) {
        P->sacct_fails = 0;
        socm_pilot_deliver(e, &c->acct);
        P->acct_tries++;
        P->sacct_at = now + fmin(ACCT_RETRY_MAX_S, 0.05 * pow(2, fmin(P->acct_tries, 6)));
    } else {
        /* slurmdbd away: ask again after 2, 4, 8 s, not every second. */
        P->sacct_fails++;
        socm_pilot_deliver(e, NULL);
        P->sacct_at = now + fmin(8, pow(2, P->sacct_fails < 3 ? P->sacct_fails : 3));
    }
}

static void call_done(struct socm_enactor *e)
{
    struct pilot *P = e->priv;
    struct pcall *c = P->call;
    P->call = NULL;
    socm_pcall_join(c);
    switch (c->kind) {
    case PCALL_POLL:
        poll_done(e, c);
        break;
    case PCALL_SUBMIT:
        socm_pilot_submit_done(e, c);
        break;
    case PCALL_ADOPT:
        socm_pilot_adopt_done(e, c);
        break;
    case PCALL_DISCOVER:
        socm_pilot_discover_done(e, c);
        break;
    }
    socm_pcall_release(c);
}

/* ---- runs ---- */

static void sp_submit(struct socm_enactor *e, struct socm_launch *const *ls, size_t n)
{
    struct pilot *P = e->priv;
    for (size_t i = 0; i < n; i++) {
        struct socm_error err = {0};
        if (socm_pilot_write_work(P, ls[i], &err) != 0) {
            /* socm could not do its part: the manager stops (exit 3), nothing ran. */
            socm_pool_release(&P->pool, ls[i]->cores, ls[i]->ncores, ls[i]->task->memory_mb);
            socm_launch_report_end(e, ls[i], SOCM_OUT_SYSTEM, err.msg);
            continue;
        }
        ls[i]->job = P->cur;
        socm_pilot_add_run(P, ls[i]);
    }
    next_call(e);
}

static int sp_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    (void)err;
    struct pilot *P = e->priv;
    const char *where[][2] = {{"reports", "end"}, {"reports", "step"}, {"queue", "json"},
                              {"taken", "json"}};
    for (size_t i = 0; i < 4; i++) {
        char *p = socm_prun_path(P, where[i][0], l, where[i][1]);
        bool there = access(p, F_OK) == 0;
        free(p);
        if (there) {
            socm_pool_reserve(&P->pool, l->cores, l->ncores, l->task->memory_mb);
            l->job = P->cur;
            socm_pilot_add_run(P, l);
            if (!P->call)
                arm(P, 0.01); /* the next turn reads its reports */
            return 0;
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
    if (P->call && k < max)
        fds[k++] = (struct pollfd){P->call->efd, POLLIN, 0};
    return k;
}

static int sp_timeout(struct socm_enactor *e)
{
    (void)e;
    return -1;
}

static void sp_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct pilot *P = e->priv;
    bool done = false, any = false;
    for (size_t i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        any = true;
        char buf[4096];
        if (fds[i].fd == P->ifd) {
            while (read(P->ifd, buf, sizeof buf) > 0) {
            }
        } else if (fds[i].fd == P->tfd) {
            uint64_t x;
            if (read(P->tfd, &x, sizeof x) < 0) {
            }
        } else if (P->call && fds[i].fd == P->call->efd) {
            uint64_t x;
            done = read(P->call->efd, &x, sizeof x) == (ssize_t)sizeof x;
        }
    }
    if (!any)
        return; /* the loop woke for something else (a signal, a hook, another site) */
    if (done)
        call_done(e);
    if (socm_pilot_read_reports(e)) { /* a step ended: its accounting is due now */
        P->acct_tries = 0;
        P->sacct_at = socm_mono() + ACCT_FIRST_S;
    }
    socm_pilot_deliver(e, NULL); /* canceled-here runs, and those sacct never had */
    next_call(e);
}

/* ---- stopping ---- */

static void sp_cancel(struct socm_enactor *e, int index)
{
    struct pilot *P = e->priv;
    for (size_t k = 0; k < P->n; k++) {
        struct prun *r = &P->runs[k];
        if (r->l->index != index || r->end)
            continue;
        char *q = socm_prun_path(P, "queue", r->l, "json");
        if (unlink(q) == 0) {
            r->canceled_here = true; /* reported from handle(), not from inside this call */
            arm(P, 0.001);
        } else {
            char *c = socm_prun_path(P, "cancel", r->l, NULL);
            struct socm_error err = {0};
            if (socm_write_atomic(c, "", 0, 0600, &err) != 0) { /* the agent would never hear */
                char msg[sizeof err.msg + 256];
                snprintf(msg, sizeof msg, "slurm-pilot: cannot ask the agent to stop %s: %s",
                         r->l->task->name, err.msg);
                socm_enactor_fault(e, msg);
            }
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
        if (socm_write_atomic(stop, "", 0, 0600, &err) != 0)
            socm_slurm_say(e, "slurm-pilot: cannot tell the agent to stop (%s); it exits after "
                           "SOCM_AGENT_IDLE", err.msg);
        free(stop);
    }
    pilot_free(P);
}

static void pilot_free(struct pilot *P)
{
    socm_pcall_release(P->call); /* a hung command is left to end on its own */
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
    socm_resource_free(P->cluster);
    free(P->live_partition);
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

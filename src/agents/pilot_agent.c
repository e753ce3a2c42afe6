/* pilot_agent.c — the slurm-pilot agent (`socm agent STATE_DIR`), run by the pilot's
 * batch script inside the allocation. It takes work from STATE_DIR/pilot/queue,
 * places it on the allocation's nodes and cores (never oversubscribed), launches
 * each attempt with the local agent's supervisor whose command is an srun step
 * (`srun --exact --nodes --ntasks --cpus-per-task --mem --export=ALL -w <nodes>`),
 * and reports results back through STATE_DIR/pilot/reports (see pilot.h). A step
 * refused for a passing reason ("Job step creation temporarily disabled", an
 * unreachable controller) is retried with back-off; a step Slurm itself ended (node
 * failure, time limit, scancel) is reported "lost", for the manager to run it again.
 * It sleeps in poll() on inotify, a signalfd, a timerfd and the supervisors' pidfds. */
#include "agents/agent.h"
#include "agents/pilot.h"
#include "state/spec.h"
#include "slurm/slurm.h"
#include "util/proc.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* A step Slurm refuses to create is retried with back-off (0.5 s doubling, at most
 * STEP_BACKOFF_MAX_S) for as long as STEP_REFUSED_MAX_S: a restarted controller
 * refuses steps for a while ("Memory required by task is not available") until the
 * nodes have reported what the old steps released. */
#define STEP_BACKOFF_MAX_S 30.0
#define STEP_REFUSED_MAX_S 900.0
/* An ended step's cores and memory are placed again only once Slurm no longer lists
 * the step (squeue --steps), at most DRAIN_MAX_S after its end. */
#define DRAIN_MAX_S 30.0

struct node {
    char *name;
    int64_t cpus, free;
};

struct item {
    int index, attempt;
    struct socm_task task;
    char *sandbox;
    int64_t *use; /* cores used per node while running */
    pid_t pid;
    int pidfd;    /* -1 while pending */
    int tries;    /* step creation refusals so far */
    double refused_since; /* first refusal of this attempt's step (0 = none) */
    double not_before;
    bool cancel;
};

/* Cores of an ended step that Slurm may not have released yet. */
struct drain {
    char *step;    /* "JOBID.STEPID" */
    int64_t *use;  /* cores per node it holds */
    double until;  /* release anyway then */
};

struct agent {
    char *dir;
    struct drain *drains;
    size_t ndrains;
    double drain_check; /* next squeue --steps, 0 = none due */
    const char *campaign;
    double grace_s;
    struct node *nodes;
    size_t nn;
    struct item **items;
    size_t n, cap;
    bool ending; /* Slurm is ending this pilot (a step saw its node fail or its time
                  * run out): take no more work, the manager hands it to a new pilot */
};

/* "8(x3)" or "8,4(x2)" (SLURM_JOB_CPUS_PER_NODE) → cpus of node k. */
static int64_t cpus_of(const char *spec, size_t k)
{
    const char *p = spec;
    size_t at = 0;
    while (p && *p) {
        char *end;
        long long c = strtoll(p, &end, 10);
        long long rep = 1;
        if (*end == '(' && end[1] == 'x')
            rep = strtoll(end + 2, &end, 10), end++; /* past ')' */
        if (k < at + (size_t)rep)
            return c;
        at += (size_t)rep;
        p = *end == ',' ? end + 1 : NULL;
    }
    return 1;
}

static int discover_nodes(struct agent *A, struct socm_error *err)
{
    const char *list = getenv("SLURM_JOB_NODELIST");
    const char *cpn = getenv("SLURM_JOB_CPUS_PER_NODE");
    if (!list || !cpn || !getenv("SLURM_JOB_ID"))
        return socm_error_set(err, SOCM_E_INPUT,
                              "not inside a Slurm allocation (SLURM_JOB_ID, SLURM_JOB_NODELIST "
                              "unset): `socm agent` is started by the slurm-pilot batch script");
    struct socm_strv names = SOCM_STRV_INIT;
    if (socm_slurm_hostnames(list, &names, err) != 0) {
        socm_strv_free(&names);
        return -1;
    }
    for (size_t i = 0; i < names.n; i++) {
        A->nodes = socm_xrealloc(A->nodes, (A->nn + 1) * sizeof *A->nodes);
        int64_t c = cpus_of(cpn, A->nn);
        A->nodes[A->nn++] = (struct node){socm_strdup(names.v[i]), c, c};
    }
    socm_strv_free(&names);
    if (A->nn == 0)
        return socm_error_set(err, SOCM_E_FAILED, "scontrol listed no node of %s", list);
    return 0;
}

static void item_free(struct item *it)
{
    free(it->task.name);
    socm_strv_free(&it->task.argv);
    socm_strv_free(&it->task.env);
    free(it->task.workdir);
    free(it->sandbox);
    free(it->use);
    free(it);
}

static void write_json(const char *path, json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT);
    struct socm_error err = {0};
    if (socm_write_atomic(path, text, strlen(text), 0600, &err) != 0)
        fprintf(stderr, "socm agent: %s\n", err.msg);
    free(text);
}

static char *report_path(struct agent *A, const struct item *it, const char *ext)
{
    return socm_asprintf("%s/pilot/reports/%d.%d.%s", A->dir, it->index, it->attempt, ext);
}

/* The end report: the supervisor's result plus the step id, or a failure of ours. */
static void report_end(struct agent *A, struct item *it, const char *outcome, const char *why)
{
    char *rp = socm_asprintf("%s/result.json", it->sandbox);
    json_t *j = json_load_file(rp, 0, NULL);
    free(rp);
    if (!j || outcome) {
        json_decref(j);
        double now = socm_now();
        j = json_pack("{s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:f,s:f}", "attempt", it->attempt, "outcome",
                      outcome ? outcome : "failed", "exit_code", -1, "signal", 0, "start", now,
                      "end", now, "elapsed_s", 0.0, "max_rss_mb", 0.0, "cpu_s", 0.0);
        json_object_set_new(j, "reason", json_string(why ? why : "the supervisor left no result"));
    }
    char *sp = report_path(A, it, "step");
    char *step = socm_pilot_read(sp);
    free(sp);
    if (step) {
        step[strcspn(step, "\n")] = '\0';
        json_object_set_new(j, "step", json_string(step));
        free(step);
    }
    char *p = report_path(A, it, "end");
    write_json(p, j);
    free(p);
    json_decref(j);
}

static struct item *item_load(struct agent *A, const char *path, int index, int attempt)
{
    json_t *j = json_load_file(path, 0, NULL);
    if (!j)
        return NULL;
    struct item *it = socm_xcalloc(1, sizeof *it);
    it->index = index;
    it->attempt = attempt;
    it->pidfd = -1;
    const char *name = "", *sandbox = "";
    json_int_t cores = 1, threads = 1;
    double mem = 0, wall = 0;
    json_t *argv = NULL, *env = NULL;
    json_unpack(j, "{s?s,s?s,s?I,s?I,s?F,s?F,s?o,s?o}", "name", &name, "sandbox", &sandbox,
                "cores", &cores, "threads", &threads, "memory_mb", &mem, "walltime_min", &wall,
                "argv", &argv, "env", &env);
    it->task.name = socm_strdup(name);
    it->task.cores = cores > 0 ? cores : 1;
    it->task.threads = threads > 0 ? threads : 1;
    it->task.memory_mb = mem;
    it->task.walltime_min = wall;
    size_t i;
    json_t *v;
    json_array_foreach(argv, i, v) socm_strv_push(&it->task.argv, json_string_value(v) ?: "");
    json_array_foreach(env, i, v) socm_strv_push(&it->task.env, json_string_value(v) ?: "");
    const char *wd = json_string_value(json_object_get(j, "workdir"));
    it->task.workdir = wd ? socm_strdup(wd) : NULL;
    it->sandbox = socm_asprintf("%s/%s", A->dir, sandbox);
    it->use = socm_xcalloc(A->nn, sizeof *it->use);
    json_decref(j);
    return it;
}

/* Work an earlier agent took and never finished (one agent runs at a time: that one
 * is gone, e.g. Slurm requeued the pilot) goes back to the queue. */
static void reclaim_taken(struct agent *A)
{
    char *t = socm_pilot_path(A->dir, "taken");
    DIR *d = opendir(t);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        int idx, att;
        if (!socm_pilot_name_parse(de->d_name, "json", &idx, &att))
            continue;
        char *end = socm_asprintf("%s/pilot/reports/%d.%d.end", A->dir, idx, att);
        if (access(end, F_OK) != 0) {
            char *from = socm_asprintf("%s/%s", t, de->d_name);
            char *to = socm_asprintf("%s/pilot/queue/%s", A->dir, de->d_name);
            char *step = socm_asprintf("%s/pilot/reports/%d.%d.step", A->dir, idx, att);
            unlink(step);
            if (rename(from, to) == 0)
                fprintf(stderr, "socm agent: %s: left by an earlier agent; queued again\n", de->d_name);
            free(from);
            free(to);
            free(step);
        }
        free(end);
    }
    if (d)
        closedir(d);
    free(t);
}

/* Takes new work: queue/ → taken/ (the rename is the claim). */
static void take_work(struct agent *A)
{
    if (A->ending)
        return;
    char *q = socm_pilot_path(A->dir, "queue");
    DIR *d = opendir(q);
    if (!d) {
        free(q);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        int idx, att;
        if (!socm_pilot_name_parse(de->d_name, "json", &idx, &att))
            continue;
        char *from = socm_asprintf("%s/%s", q, de->d_name);
        char *to = socm_asprintf("%s/pilot/taken/%s", A->dir, de->d_name);
        if (rename(from, to) == 0) {
            struct item *it = item_load(A, to, idx, att);
            if (it) {
                if (A->n == A->cap) {
                    A->cap = A->cap ? 2 * A->cap : 32;
                    A->items = socm_xrealloc(A->items, A->cap * sizeof *A->items);
                }
                A->items[A->n++] = it;
            }
        }
        free(from);
        free(to);
    }
    closedir(d);
    free(q);
}

/* Ranks on nodes: one node if one has room (the fullest that fits), else spread. */
static int place(struct agent *A, struct item *it)
{
    int64_t T = it->task.threads, R = it->task.cores / T;
    if (R < 1)
        R = 1;
    int64_t total = 0;
    for (size_t k = 0; k < A->nn; k++)
        total += A->nodes[k].cpus / T;
    if (total < R)
        return -1;
    ssize_t best = -1;
    for (size_t k = 0; k < A->nn; k++)
        if (A->nodes[k].free >= R * T && (best < 0 || A->nodes[k].free < A->nodes[best].free))
            best = (ssize_t)k;
    memset(it->use, 0, A->nn * sizeof *it->use);
    if (best >= 0) {
        it->use[best] = R * T;
    } else {
        int64_t left = R;
        for (size_t k = 0; k < A->nn && left > 0; k++) {
            int64_t r = A->nodes[k].free / T;
            if (r > left)
                r = left;
            it->use[k] = r * T;
            left -= r;
        }
        if (left > 0)
            return 1;
    }
    for (size_t k = 0; k < A->nn; k++)
        A->nodes[k].free -= it->use[k];
    return 0;
}

static void release(struct agent *A, struct item *it)
{
    for (size_t k = 0; k < A->nn; k++) {
        A->nodes[k].free += it->use[k];
        it->use[k] = 0;
    }
}

static int launch(struct agent *A, struct item *it, struct socm_error *err)
{
    int64_t T = it->task.threads, R = it->task.cores / T;
    if (R < 1)
        R = 1;
    struct socm_buf nodes = SOCM_BUF_INIT;
    int64_t nnodes = 0;
    for (size_t k = 0; k < A->nn; k++)
        if (it->use[k]) {
            socm_buf_printf(&nodes, "%s%s", nnodes ? "," : "", A->nodes[k].name);
            nnodes++;
        }
    double mem = it->task.memory_mb / (double)nnodes;
    long long mem_mb = mem < 1 ? 1 : (long long)(mem + 0.999);
    /* The step is the launch method: the supervisor runs srun, which runs the program
     * through `socm agent --step-report`, which records JOBID.STEPID and execs it. */
    struct socm_task t = it->task;
    struct socm_strv argv = SOCM_STRV_INIT;
    socm_strv_push(&argv, "srun");
    socm_strv_push(&argv, "--exact");
    socm_strv_pushf(&argv, "--nodes=%lld", (long long)nnodes);
    socm_strv_pushf(&argv, "--ntasks=%lld", (long long)R);
    socm_strv_pushf(&argv, "--cpus-per-task=%lld", (long long)T);
    socm_strv_pushf(&argv, "--mem=%lld", mem_mb);
    socm_strv_push(&argv, "--export=ALL");
    socm_strv_push(&argv, "-w");
    socm_strv_push_owned(&argv, socm_buf_steal(&nodes));
    socm_strv_pushf(&argv, "--job-name=%s", it->task.name);
    socm_strv_push(&argv, "--");
    socm_strv_push(&argv, socm_self_exe());
    socm_strv_push(&argv, "agent");
    socm_strv_push(&argv, "--step-report");
    socm_strv_push_owned(&argv, report_path(A, it, "step"));
    socm_strv_push(&argv, "--");
    for (size_t i = 0; i < it->task.argv.n; i++)
        socm_strv_push(&argv, it->task.argv.v[i]);
    t.argv = argv;
    struct socm_launch l = {.index = it->index, .attempt = it->attempt, .task = &t,
                            .sandbox = it->sandbox};
    struct socm_allocation a = {.campaign = A->campaign, .state_dir = A->dir,
                                .grace_s = A->grace_s};
    bool stripped = false;
    it->pid = socm_agent_launch(&l, &a, &it->pidfd, &stripped, err);
    socm_strv_free(&argv);
    if (it->pid < 0 || it->pidfd < 0) {
        if (it->pid > 0)
            kill(it->pid, SIGKILL);
        it->pidfd = -1;
        return -1;
    }
    return 0;
}

static void remove_item(struct agent *A, size_t k)
{
    struct item *it = A->items[k];
    char *p = socm_asprintf("%s/pilot/taken/%d.%d.json", A->dir, it->index, it->attempt);
    unlink(p);
    free(p);
    item_free(it);
    A->items[k] = A->items[--A->n];
}

/* Starts what fits, in order of taking; returns the earliest back-off still due. */
static double start_work(struct agent *A)
{
    double now = socm_now(), next = 0;
    for (size_t k = 0; k < A->n; k++) {
        struct item *it = A->items[k];
        if (it->pidfd >= 0)
            continue;
        if (it->cancel) {
            report_end(A, it, "canceled", "stopped on request");
            remove_item(A, k--);
            continue;
        }
        if (it->not_before > now) {
            if (!next || it->not_before < next)
                next = it->not_before;
            continue;
        }
        int rc = place(A, it);
        if (rc < 0) {
            report_end(A, it, "failed", "needs more cores than the pilot has");
            remove_item(A, k--);
            continue;
        }
        if (rc > 0)
            continue;
        struct socm_error err = {0};
        if (launch(A, it, &err) != 0) {
            release(A, it);
            report_end(A, it, "failed", err.msg);
            remove_item(A, k--);
        }
    }
    return next;
}

/* The last `max` bytes of a file (srun's own words come at the end of the step's
 * stderr, which may be huge), or NULL. */
static char *tail_of(const char *path, long max)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > max)
        fseek(f, -max, SEEK_END);
    else
        rewind(f);
    char *buf = socm_xmalloc((size_t)max + 1);
    size_t n = fread(buf, 1, (size_t)max, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Why Slurm ended a step under the program (srun's and slurmstepd's words), or NULL:
 * srun may even exit 0 after "Node failure", so this is asked of every step. */
static const char *slurm_ended(const char *text)
{
    static const char *const marks[][2] = {
        {"srun: error: Node failure on", "its node failed"},
        {"DUE TO NODE FAILURE", "its node failed"},
        {"DUE TO TIME LIMIT", "the pilot's time limit"},
        {"DUE TO PREEMPTION", "preempted"},
        {"srun: Job step aborted", "its step was aborted"}};
    for (size_t i = 0; text && i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i][0]))
            return marks[i][1];
    return NULL;
}

/* srun refused because the pilot itself is ending or gone (its node failed and Slurm
 * is completing the job): the program never ran, so this is no failure of it. */
static const char *pilot_gone(const char *text)
{
    static const char *const marks[] = {"already completing or completed", "Invalid job id",
                                        "Job has already finished", "job has expired"};
    for (size_t i = 0; text && i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i]))
            return "its pilot was ending";
    return NULL;
}

/* srun's words when Slurm would not create the step (the program never started):
 * "not now" refusals, and those a restarted controller gives until its nodes have
 * reported the resources that ended steps released. */
static bool step_refused(const char *text)
{
    static const char *const marks[] = {"Unable to create step", "Memory required by task is not available",
                                        "Requested node configuration is not available",
                                        "Unable to confirm allocation"};
    if (socm_slurm_error_retryable(text))
        return true;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i]))
            return true;
    return false;
}

/* Holds an ended step's cores until Slurm has let go of the step. */
static void drain_add(struct agent *A, struct item *it, char *step)
{
    A->drains = socm_xrealloc(A->drains, (A->ndrains + 1) * sizeof *A->drains);
    struct drain *d = &A->drains[A->ndrains++];
    d->step = step;
    d->use = socm_xcalloc(A->nn, sizeof *d->use);
    memcpy(d->use, it->use, A->nn * sizeof *d->use);
    memset(it->use, 0, A->nn * sizeof *it->use);
    d->until = socm_now() + DRAIN_MAX_S;
    if (!A->drain_check)
        A->drain_check = socm_now() + 0.2;
}

static void drain_release(struct agent *A, size_t k)
{
    struct drain *d = &A->drains[k];
    for (size_t n = 0; n < A->nn; n++)
        A->nodes[n].free += d->use[n];
    free(d->use);
    free(d->step);
    A->drains[k] = A->drains[--A->ndrains];
}

/* One squeue --steps for the pilot: the steps Slurm still lists keep their cores.
 * Returns when to look again (0 = nothing drains). */
static double drain_check(struct agent *A)
{
    double now = socm_now();
    if (!A->ndrains)
        return A->drain_check = 0;
    if (now < A->drain_check)
        return A->drain_check;
    struct socm_strv steps = SOCM_STRV_INIT;
    struct socm_error err = {0};
    bool known = socm_slurm_steps(getenv("SLURM_JOB_ID"), &steps, &err) == 0;
    for (size_t k = 0; k < A->ndrains; k++) {
        bool listed = false;
        for (size_t i = 0; known && i < steps.n && !listed; i++)
            listed = !strcmp(steps.v[i], A->drains[k].step);
        if ((known && !listed) || now >= A->drains[k].until)
            drain_release(A, k--);
    }
    socm_strv_free(&steps);
    return A->drain_check = A->ndrains ? now + 0.5 : 0;
}

static void finish(struct agent *A, size_t k)
{
    struct item *it = A->items[k];
    int status;
    waitpid(it->pid, &status, 0);
    close(it->pidfd);
    it->pidfd = -1;
    char *sp = report_path(A, it, "step");
    char *step_id = socm_pilot_read(sp);
    bool stepped = step_id != NULL;
    free(sp);
    if (step_id) {
        step_id[strcspn(step_id, "\n")] = '\0';
        drain_add(A, it, step_id); /* takes step_id */
    } else
        release(A, it);
    struct socm_result r;
    char *reason = NULL;
    bool have = socm_result_read(it->sandbox, it->attempt, &r, &reason) == 0;
    bool failed = !have || r.outcome == SOCM_OUT_FAILED;
    /* The supervisor stopped it at its walltime (srun then says "Job step aborted"):
     * a TIMEOUT of the workflow, not Slurm ending the step. */
    bool timed_out = have && r.outcome == SOCM_OUT_TIMEOUT;
    free(reason);
    char *ep = socm_asprintf("%s/stderr", it->sandbox);
    char *text = it->cancel ? NULL : tail_of(ep, 65536);
    free(ep);
    const char *ended = stepped && !timed_out ? slurm_ended(text) : NULL;
    if (!ended && failed && !stepped)
        ended = pilot_gone(text);
    if (ended)
        A->ending = true;
    double now = socm_now();
    if (failed && text && !stepped && !ended && step_refused(text) &&
        (!it->refused_since || now - it->refused_since < STEP_REFUSED_MAX_S)) {
        /* srun never made the step: Slurm refused the step, the program never ran. */
        double delay = it->tries < 6 ? 0.5 * (1 << it->tries) : STEP_BACKOFF_MAX_S;
        if (!it->refused_since)
            it->refused_since = now;
        it->tries++;
        it->not_before = now + delay;
        fprintf(stderr, "socm agent: %s: Slurm refused the step for now; retry %d in %.1f s\n",
                it->task.name, it->tries, delay);
        free(text);
        return;
    }
    free(text);
    if (ended) {
        char why[128];
        snprintf(why, sizeof why, "Slurm ended its step: %s", ended);
        report_end(A, it, "lost", why);
    } else
        report_end(A, it, NULL, NULL);
    remove_item(A, k);
}

static void handle_cancels(struct agent *A)
{
    char *cd = socm_pilot_path(A->dir, "cancel");
    DIR *d = opendir(cd);
    if (!d) {
        free(cd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        int idx, att;
        if (!socm_pilot_name_parse(de->d_name, NULL, &idx, &att))
            continue;
        for (size_t k = 0; k < A->n; k++) {
            struct item *it = A->items[k];
            if (it->index == idx && it->attempt == att && !it->cancel) {
                it->cancel = true;
                if (it->pidfd >= 0)
                    socm_pidfd_signal(it->pidfd, SIGTERM); /* the supervisor does the grace */
            }
        }
    }
    closedir(d);
    free(cd);
}

static void arm(int tfd, double at)
{
    struct itimerspec its = {0};
    double s = at - socm_now();
    if (s < 0.001)
        s = 0.001;
    its.it_value.tv_sec = (time_t)s;
    its.it_value.tv_nsec = (long)((s - (double)(time_t)s) * 1e9);
    timerfd_settime(tfd, 0, &its, NULL);
}

static double idle_limit(void)
{
    const char *s = getenv("SOCM_AGENT_IDLE");
    double v = s ? atof(s) : 600;
    return v > 0 ? v : 600;
}

static int agent_loop(struct agent *A, int ifd, int sfd, int tfd)
{
    char *stop = socm_pilot_path(A->dir, "stop");
    double idle_since = socm_mono(), idle = idle_limit();
    struct pollfd *fds = NULL;
    int rc = 0;
    for (;;) {
        take_work(A);
        handle_cancels(A);
        double drain_at = drain_check(A);
        double next = start_work(A);
        if (drain_at && (!next || drain_at < next))
            next = drain_at;
        size_t running = 0;
        for (size_t k = 0; k < A->n; k++)
            running += A->items[k]->pidfd >= 0;
        if (A->n == 0) {
            if (access(stop, F_OK) == 0 || A->ending)
                break;
            if (socm_mono() - idle_since > idle) {
                fprintf(stderr, "socm agent: idle for %.0f s without a stop; exiting\n", idle);
                break;
            }
            if (!next)
                next = socm_now() + idle - (socm_mono() - idle_since) + 0.1;
        } else
            idle_since = socm_mono();
        if (next)
            arm(tfd, next);
        fds = socm_xrealloc(fds, (3 + A->n) * sizeof *fds);
        fds[0] = (struct pollfd){ifd, POLLIN, 0};
        fds[1] = (struct pollfd){sfd, POLLIN, 0};
        fds[2] = (struct pollfd){tfd, POLLIN, 0};
        size_t nf = 3;
        for (size_t k = 0; k < A->n; k++)
            if (A->items[k]->pidfd >= 0)
                fds[nf++] = (struct pollfd){A->items[k]->pidfd, POLLIN, 0};
        if (poll(fds, nf, -1) < 0 && errno != EINTR) {
            perror("socm agent: poll");
            rc = -1;
            break;
        }
        char buf[4096];
        if (fds[0].revents)
            while (read(ifd, buf, sizeof buf) > 0) {
            }
        if (fds[2].revents) {
            uint64_t x;
            if (read(tfd, &x, sizeof x) < 0) {
            }
        }
        if (fds[1].revents) {
            /* Slurm ends the pilot (walltime, scancel): stop the steps and leave the
             * unfinished work in taken/ for the manager to hand to a new pilot. */
            fprintf(stderr, "socm agent: the pilot is being stopped; %zu steps running\n", running);
            for (size_t k = 0; k < A->n; k++)
                if (A->items[k]->pidfd >= 0)
                    socm_pidfd_signal(A->items[k]->pidfd, SIGTERM);
            break;
        }
        for (size_t f = 3; f < nf; f++) {
            if (!fds[f].revents)
                continue;
            for (size_t k = 0; k < A->n; k++)
                if (A->items[k]->pidfd == fds[f].fd) {
                    finish(A, k);
                    break;
                }
        }
    }
    free(fds);
    free(stop);
    return rc;
}

int socm_pilot_agent_run(const char *state_dir, struct socm_error *err)
{
    struct agent A = {0};
    char *abs = realpath(state_dir, NULL);
    if (!abs)
        return socm_error_errno(err, "%s", state_dir);
    A.dir = abs;
    A.campaign = getenv("SOCM_CAMPAIGN") ? getenv("SOCM_CAMPAIGN") : "";
    A.grace_s = getenv("SOCM_GRACE") ? atof(getenv("SOCM_GRACE")) : 10;
    int ifd = -1, sfd = -1, tfd = -1, rc = -1;
    if (discover_nodes(&A, err) != 0 || socm_pilot_mkdirs(A.dir, err) != 0)
        goto out;
    ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    char *q = socm_pilot_path(A.dir, "queue"), *c = socm_pilot_path(A.dir, "cancel"),
         *p = socm_asprintf("%s/pilot", A.dir);
    if (ifd < 0 || inotify_add_watch(ifd, q, IN_MOVED_TO | IN_CLOSE_WRITE) < 0 ||
        inotify_add_watch(ifd, c, IN_MOVED_TO | IN_CLOSE_WRITE) < 0 ||
        inotify_add_watch(ifd, p, IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
        socm_error_errno(err, "inotify on %s", p);
    else
        rc = 0;
    free(q);
    free(c);
    free(p);
    if (rc != 0)
        goto out;
    int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGCONT, 0};
    sfd = socm_signalfd_open(sigs, NULL, err);
    tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    if (sfd < 0 || tfd < 0) {
        rc = -1;
        goto out;
    }
    fprintf(stderr, "socm agent: job %s, %zu node%s, state in %s\n", getenv("SLURM_JOB_ID"), A.nn,
            A.nn == 1 ? "" : "s", A.dir);
    reclaim_taken(&A);
    rc = agent_loop(&A, ifd, sfd, tfd);
    if (rc != 0)
        socm_error_set(err, SOCM_E_SYSTEM, "the agent's event loop failed");
out:
    if (ifd >= 0)
        close(ifd);
    if (sfd >= 0)
        close(sfd);
    if (tfd >= 0)
        close(tfd);
    for (size_t k = 0; k < A.n; k++) {
        if (A.items[k]->pidfd >= 0)
            close(A.items[k]->pidfd);
        item_free(A.items[k]);
    }
    free(A.items);
    while (A.ndrains)
        drain_release(&A, 0);
    free(A.drains);
    for (size_t k = 0; k < A.nn; k++)
        free(A.nodes[k].name);
    free(A.nodes);
    free(A.dir);
    return rc;
}

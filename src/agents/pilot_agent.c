/* pilot_agent.c — the slurm-pilot agent (`socm agent STATE_DIR`), run by the pilot's
 * batch script inside the allocation: its loop. It learns of new work by inotify on
 * STATE_DIR/pilot/queue (never by polling), takes it (queue/ → taken/), places it on
 * the allocation's nodes and cores (never oversubscribed) and starts it at once as
 * an srun step (pilot_step.c, which also reads how each step ended and reports back
 * through STATE_DIR/pilot/reports, see pilot.h); it stops what the manager cancels.
 * It sleeps in poll() on inotify, a signalfd, a timerfd and the supervisors' pidfds. */
#include "agents/agent.h"
#include "agents/pilot.h"
#include "agents/pilot_agent.h"
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
    free(it->unreported);
    free(it->use);
    free(it);
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

void socm_pagent_release(struct agent *A, struct item *it)
{
    for (size_t k = 0; k < A->nn; k++) {
        A->nodes[k].free += it->use[k];
        it->use[k] = 0;
    }
}


void socm_pagent_remove_item(struct agent *A, size_t k)
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
        if (it->pidfd >= 0 || it->unreported) /* running, or ended with its report kept */
            continue;
        if (it->cancel) {
            if (socm_pagent_end(A, k, "canceled", "stopped on request"))
                k--;
            continue;
        }
        if (it->not_before > now) {
            if (!next || it->not_before < next)
                next = it->not_before;
            continue;
        }
        int rc = place(A, it);
        if (rc < 0) {
            if (socm_pagent_end(A, k, "failed", "needs more cores than the pilot has"))
                k--;
            continue;
        }
        if (rc > 0)
            continue;
        struct socm_error err = {0};
        if (socm_pagent_launch(A, it, &err) != 0) {
            socm_pagent_release(A, it);
            if (socm_pagent_end(A, k, "failed", err.msg))
                k--;
        }
    }
    return next;
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
        double drain_at = socm_pagent_drain_check(A);
        double report_at = socm_pagent_reports_retry(A);
        if (report_at && (!drain_at || report_at < drain_at))
            drain_at = report_at;
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
                    socm_pagent_finish(A, k);
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
        socm_pagent_drain_release(&A, 0);
    free(A.drains);
    for (size_t k = 0; k < A.nn; k++)
        free(A.nodes[k].name);
    free(A.nodes);
    free(A.dir);
    return rc;
}

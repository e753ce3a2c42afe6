/* supervise.c — the supervisor of one workflow attempt (see supervise.h). */
#include "exec/supervise.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

static void arm(int tfd, double s)
{
    struct itimerspec it = {0};
    if (s <= 0)
        s = 0.001;
    it.it_value.tv_sec = (time_t)s;
    it.it_value.tv_nsec = (long)((s - (double)(time_t)s) * 1e9);
    timerfd_settime(tfd, 0, &it, NULL);
}

static int pin_cpus(const char *list)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    char *copy = socm_strdup(list), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        CPU_SET(atoi(t), &set);
    free(copy);
    return sched_setaffinity(0, sizeof set, &set);
}

static int write_result(const struct socm_supervise_opts *o, const char *outcome, int status,
                        double start, double end, const char *reason, struct socm_error *err)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru); /* the whole tree the workflow waited for */
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                 ru.ru_stime.tv_usec / 1e6;
    int code = -1, sig = 0;
    if (status >= 0 && WIFEXITED(status))
        code = WEXITSTATUS(status);
    else if (status >= 0 && WIFSIGNALED(status))
        sig = WTERMSIG(status);
    json_t *j = json_pack("{s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:f,s:f}", "attempt", o->attempt,
                          "outcome", outcome, "exit_code", code, "signal", sig, "start", start,
                          "end", end, "elapsed_s", end - start, "max_rss_mb",
                          ru.ru_maxrss / 1024.0, "cpu_s", cpu);
    if (reason)
        json_object_set_new(j, "reason", json_string(reason));
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    char *path = socm_asprintf("%s/result.json", o->sandbox);
    bool durable = o->manager_pid <= 0 || (long)getppid() != o->manager_pid;
    int rc = socm_write_replace(path, text, strlen(text), 0600, durable, err);
    free(path);
    free(text);
    return rc;
}

int socm_supervise(const struct socm_supervise_opts *o, struct socm_error *err)
{
    /* The workflow must not inherit the lock: the lock says "the supervisor lives". */
    if (o->lock_fd >= 0)
        fcntl(o->lock_fd, F_SETFD, FD_CLOEXEC);
    char *pidpath = socm_asprintf("%s/supervisor.pid", o->sandbox);
    char pidtext[64];
    int n = snprintf(pidtext, sizeof pidtext, "%ld %d\n", (long)getpid(), o->attempt);
    /* No fsync: after a machine crash the supervisor is gone whatever this file says. */
    char *tmp = socm_asprintf("%s.tmp", pidpath);
    FILE *pf = fopen(tmp, "we");
    int rc = pf && fputs(pidtext, pf) >= 0 ? 0 : -1;
    if (pf && fclose(pf) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, pidpath) != 0)
        rc = -1;
    free(tmp);
    free(pidpath);
    (void)n;
    if (rc != 0)
        return socm_error_errno(err, "cannot write the supervisor's pid file in %s", o->sandbox);
    int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, 0};
    int sfd = socm_signalfd_open(sigs, NULL, err);
    if (sfd < 0)
        return -1;
    if (o->cpus && pin_cpus(o->cpus) != 0)
        fprintf(stderr, "socm supervise: cannot pin to cpus %s: %s\n", o->cpus, strerror(errno));

    char *p = socm_asprintf("%s/stdout", o->sandbox);
    int outfd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free(p);
    p = socm_asprintf("%s/stderr", o->sandbox);
    int errfd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free(p);
    struct socm_spawn_opts so;
    socm_spawn_opts_init(&so);
    so.new_pgroup = true;
    so.cwd = o->sandbox;
    so.stdout_fd = outfd;
    so.stderr_fd = errfd;
    double start = socm_now();
    struct socm_error serr = {0};
    pid_t child = socm_spawn((const char *const *)o->argv, &so, &serr);
    if (outfd >= 0)
        close(outfd);
    if (errfd >= 0)
        close(errfd);
    if (child < 0) {
        rc = write_result(o, "failed", -1, start, socm_now(), serr.msg, err);
        close(sfd);
        return rc;
    }

    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (o->walltime_s > 0)
        arm(tfd, o->walltime_s);
    const char *outcome = NULL; /* set when we stop it */
    bool term_sent = false, kill_sent = false;
    int status = -1;
    for (;;) {
        struct pollfd fds[2] = {{sfd, POLLIN, 0}, {tfd, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        bool stop = false;
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo != SIGCHLD && !outcome) {
                    outcome = "canceled";
                    stop = true;
                }
        }
        if (fds[1].revents & POLLIN) {
            uint64_t x;
            if (read(tfd, &x, sizeof x) < 0) {
            }
            if (!outcome) {
                outcome = "timeout";
                stop = true;
            } else if (term_sent && !kill_sent) {
                kill(-child, SIGKILL);
                kill_sent = true;
            }
        }
        if (stop && !term_sent) {
            kill(-child, SIGTERM);
            term_sent = true;
            arm(tfd, o->grace_s);
        }
        struct rusage ru;
        pid_t w = wait4(child, &status, WNOHANG, &ru);
        if (w == child)
            break;
    }
    double end = socm_now();
    kill(-child, SIGKILL); /* nothing of the workflow outlives it */
    close(tfd);
    close(sfd);
    if (!outcome)
        outcome = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ? "done" : "failed";
    const char *reason = NULL;
    char buf[128];
    if (!strcmp(outcome, "timeout")) {
        snprintf(buf, sizeof buf, "walltime of %.0f s exceeded", o->walltime_s);
        reason = buf;
    } else if (!strcmp(outcome, "canceled"))
        reason = "stopped on request";
    else if (WIFSIGNALED(status)) {
        snprintf(buf, sizeof buf, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
        reason = buf;
    } else if (WEXITSTATUS(status) != 0) {
        snprintf(buf, sizeof buf, "exit code %d", WEXITSTATUS(status));
        reason = buf;
    }
    return write_result(o, outcome, status, start, end, reason, err);
}

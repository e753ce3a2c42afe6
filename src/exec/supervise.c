/* supervise.c — the supervisor of one workflow attempt (see supervise.h). It uses
 * only libc and src/util, so that it also builds as the small standalone supervisor
 * executable socm-supervise (src/supervisor/). */
#include "exec/supervise.h"
#include "config/utf8.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

/* s as a JSON string: quotes, backslashes and control characters escaped, bytes
 * that are not UTF-8 replaced by U+FFFD (a reader such as jansson refuses them). */
static void json_str(struct socm_buf *b, const char *s)
{
    socm_buf_putc(b, '"');
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n = socm_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            socm_buf_puts(b, "\ufffd");
            i++;
        } else if (c == '"' || c == '\\') {
            socm_buf_putc(b, '\\');
            socm_buf_putc(b, (char)c);
            i++;
        } else if (c < 0x20) {
            socm_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            socm_buf_putn(b, s + i, n);
            i += n;
        }
    }
    socm_buf_putc(b, '"');
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
    /* One flat object, written by hand: the supervisor links no JSON library. */
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_printf(&b, "{\"attempt\":%d,\"outcome\":", o->attempt);
    json_str(&b, outcome);
    socm_buf_printf(&b,
                    ",\"exit_code\":%d,\"signal\":%d,\"start\":%.17g,\"end\":%.17g,"
                    "\"elapsed_s\":%.17g,\"max_rss_mb\":%.17g,\"cpu_s\":%.17g",
                    code, sig, start, end, end - start, ru.ru_maxrss / 1024.0, cpu);
    if (reason) {
        socm_buf_puts(&b, ",\"reason\":");
        json_str(&b, reason);
    }
    socm_buf_putc(&b, '}');
    char *path = socm_asprintf("%s/result.json", o->sandbox);
    bool durable = o->manager_pid <= 0 || (long)getppid() != o->manager_pid;
    int rc = socm_write_replace(path, b.data, b.len, 0600, durable, err);
    free(path);
    socm_buf_free(&b);
    return rc;
}

void socm_supervise_say(const char *sandbox, const char *fmt, ...)
{
    char *p = socm_asprintf("%s/supervisor.log", sandbox);
    int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    free(p);
    if (fd < 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = socm_vasprintf(fmt, ap);
    va_end(ap);
    char *line = socm_asprintf("socm supervise: %s\n", m);
    if (write(fd, line, strlen(line)) < 0) {
    } /* nowhere else to say it */
    free(line);
    free(m);
    close(fd);
}

/* Where a restarted manager finds this supervisor's pid: in the lock file it holds
 * (no extra file per workflow), else — no lock, a manual run — in supervisor.pid.
 * The lock file was emptied by the manager before the start; one small write is
 * seen whole or not at all by a reader, who also checks the attempt. No fsync:
 * after a machine crash the supervisor is gone whatever the file says. */
static int write_pid(const struct socm_supervise_opts *o, struct socm_error *err)
{
    char text[64];
    int n = snprintf(text, sizeof text, "%ld %d\n", (long)getpid(), o->attempt);
    if (o->lock_fd >= 0) {
        if (pwrite(o->lock_fd, text, (size_t)n, 0) == n)
            return 0;
        return socm_error_errno(err, "cannot write the supervisor's pid in %s/lock", o->sandbox);
    }
    char *path = socm_asprintf("%s/supervisor.pid", o->sandbox);
    int rc = socm_write_replace(path, text, (size_t)n, 0600, false, err);
    free(path);
    return rc;
}

int socm_supervise(const struct socm_supervise_opts *o, struct socm_error *err)
{
    /* The workflow must not inherit the lock: the lock says "the supervisor lives". */
    if (o->lock_fd >= 0)
        fcntl(o->lock_fd, F_SETFD, FD_CLOEXEC);
    if (write_pid(o, err) != 0)
        return -1;
    int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, 0};
    int sfd = socm_signalfd_open(sigs, NULL, err);
    if (sfd < 0)
        return -1;
    if (o->cpus && pin_cpus(o->cpus) != 0)
        socm_supervise_say(o->sandbox, "cannot pin to cpus %s: %s", o->cpus, strerror(errno));

    char *p = socm_asprintf("%s/stdout", o->sandbox);
    int outfd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free(p);
    p = socm_asprintf("%s/stderr", o->sandbox);
    int errfd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    free(p);
    struct socm_spawn_opts so;
    socm_spawn_opts_init(&so);
    so.new_pgroup = true;
    so.cwd = o->workdir ? o->workdir : o->sandbox;
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
        int rc = write_result(o, "failed", -1, start, socm_now(), serr.msg, err);
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

static const char *opt_value(char **argv, int *i, int argc, const char *name)
{
    size_t n = strlen(name);
    if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (!strcmp(argv[*i], name) && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int socm_supervise_args(int argc, char **argv, struct socm_supervise_opts *o,
                        struct socm_error *err)
{
    memset(o, 0, sizeof *o);
    o->lock_fd = -1;
    o->grace_s = 10;
    int i = 1;
    for (; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if ((v = opt_value(argv, &i, argc, "--sandbox")))
            o->sandbox = v;
        else if ((v = opt_value(argv, &i, argc, "--attempt")))
            o->attempt = atoi(v);
        else if ((v = opt_value(argv, &i, argc, "--walltime")))
            o->walltime_s = atof(v);
        else if ((v = opt_value(argv, &i, argc, "--grace")))
            o->grace_s = atof(v);
        else if ((v = opt_value(argv, &i, argc, "--lock-fd")))
            o->lock_fd = atoi(v);
        else if ((v = opt_value(argv, &i, argc, "--cpus")))
            o->cpus = v;
        else if ((v = opt_value(argv, &i, argc, "--manager-pid")))
            o->manager_pid = atol(v);
        else if ((v = opt_value(argv, &i, argc, "--workdir")))
            o->workdir = v;
        else
            return socm_error_set(err, SOCM_E_INPUT, "unknown option '%s'", argv[i]);
    }
    if (!o->sandbox || i >= argc)
        return socm_error_set(err, SOCM_E_INPUT, "needs --sandbox DIR and -- COMMAND");
    if (o->attempt <= 0)
        o->attempt = 1;
    o->argv = argv + i;
    return 0;
}

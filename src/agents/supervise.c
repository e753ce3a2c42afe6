/* supervise.c — the supervisor of one workflow attempt (see supervise.h). It uses
 * only libc and src/util, so that it also builds as the small standalone supervisor
 * executable socm-supervise (supervisor_main.c). */
#include "agents/supervise.h"
#include "config/utf8.h"
#include "util/dirfd.h"
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
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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

/* The result's text, built in a fixed buffer: the supervisor's usual path allocates no
 * memory (musl's first malloc costs a few system calls and page faults per workflow).
 * Large enough for every field and a reason of a whole error message escaped. */
struct text {
    char b[16384];
    size_t n;
};

static void text_put(struct text *t, const char *s, size_t n)
{
    if (n > sizeof t->b - 1 - t->n)
        n = sizeof t->b - 1 - t->n;
    memcpy(t->b + t->n, s, n);
    t->n += n;
    t->b[t->n] = '\0';
}

static void __attribute__((format(printf, 2, 3))) text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->b + t->n, sizeof t->b - t->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        t->n = t->n + (size_t)k < sizeof t->b ? t->n + (size_t)k : sizeof t->b - 1;
}

/* s as a JSON string: quotes, backslashes and control characters escaped, bytes
 * that are not UTF-8 replaced by U+FFFD (a reader such as jansson refuses them). */
static void json_str(struct text *t, const char *s)
{
    text_put(t, "\"", 1);
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n = socm_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            text_put(t, "\ufffd", 3);
            i++;
        } else if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            text_put(t, esc, 2);
            i++;
        } else if (c < 0x20) {
            text_printf(t, "\\u%04x", c);
            i++;
        } else {
            text_put(t, s + i, n);
            i += n;
        }
    }
    text_put(t, "\"", 1);
}

/* The result as one flat JSON object, written by hand: the supervisor links no
 * JSON library. Measured once, when the command has ended and been reaped. */
static void result_text(struct text *t, const struct socm_supervise_opts *o,
                        const char *outcome, int status, double start, double end,
                        const char *reason)
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
    t->n = 0;
    text_printf(t, "{\"attempt\":%d,\"outcome\":", o->attempt);
    json_str(t, outcome);
    text_printf(t,
                ",\"exit_code\":%d,\"signal\":%d,\"start\":%.17g,\"end\":%.17g,"
                "\"elapsed_s\":%.17g,\"max_rss_mb\":%.17g,\"cpu_s\":%.17g",
                code, sig, start, end, end - start, ru.ru_maxrss / 1024.0, cpu);
    if (reason) {
        text_put(t, ",\"reason\":", 10);
        json_str(t, reason);
    }
    text_put(t, "}", 1);
}

/* One line to SANDBOX/supervisor.log; whether it was written. */
static bool say_line(const char *sandbox, const char *msg)
{
    int dfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return false;
    struct socm_error err = {0};
    int fd = socm_dirfd_open(dfd, sandbox, "supervisor.log", O_WRONLY | O_CREAT | O_APPEND, 0600,
                             &err);
    close(dfd);
    if (fd < 0)
        return false;
    char *line = socm_asprintf("socm supervise: %s\n", msg);
    size_t n = strlen(line);
    bool ok = write(fd, line, n) == (ssize_t)n;
    free(line);
    return close(fd) == 0 && ok;
}

void socm_supervise_say(const char *sandbox, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = socm_vasprintf(fmt, ap);
    va_end(ap);
    say_line(sandbox, m); /* nowhere else to say it */
    free(m);
}

/* Where a restarted manager finds this supervisor's pid: in the lock file it holds
 * (no extra file per workflow), else — no lock, a manual run — in supervisor.pid.
 * The lock file was emptied by the manager before the start; one small write is
 * seen whole or not at all by a reader, who also checks the attempt. No fsync:
 * after a machine crash the supervisor is gone whatever the file says. */
static int write_pid(const struct socm_supervise_opts *o, int dfd, off_t *end,
                     struct socm_error *err)
{
    char text[64];
    int n = snprintf(text, sizeof text, "%ld %d\n", (long)getpid(), o->attempt);
    *end = n;
    if (o->lock_fd >= 0) {
        if (pwrite(o->lock_fd, text, (size_t)n, 0) == n)
            return 0;
        return socm_error_errno(err, "cannot write the supervisor's pid in %s/lock", o->sandbox);
    }
    return socm_dirfd_write_replace(dfd, o->sandbox, "supervisor.pid", text, (size_t)n, 0600, false,
                                 err);
}

/* ---- the command's process ---- */

enum { STAGE_SETUP = 1, STAGE_RECORD, STAGE_EXEC };

struct command {
    const char *sandbox; /* for messages */
    const char *workdir; /* where it runs; NULL = the sandbox */
    char *const *argv;
    int dfd, outfd, errfd;
    int recfd;    /* the start record goes here at recoff: the lock file after the pid
                     line, or (no lock) SANDBOX/started */
    off_t recoff;
    bool own_rec; /* recfd is SANDBOX/started, ours to close */
    /* Set by the command's process if the exec never happens: vfork lends it our
     * memory until it execs or exits, so no pipe is needed to hear why. */
    volatile int fail_stage, fail_errno;
    pid_t parent; /* the supervisor */
    char *const *envp; /* environ and SOCM_RUN_ID */
    char tail[160]; /* " ATTEMPT BOOT_ID RUN_ID\n" after the pgid in the start record */
};

static void __attribute__((noreturn)) child_fail(struct command *c, int stage)
{
    c->fail_errno = errno;
    c->fail_stage = stage;
    _exit(127);
}

/* Between vfork and exec (async-signal-safe calls only): its own process group, death
 * with the supervisor, default signals, the working directory (default: the sandbox)
 * as cwd, stdout/stderr in the sandbox, then
 * the start record — the last thing before exec, so a missing record proves the
 * command never ran. */
static void __attribute__((noreturn)) command_child(struct command *c)
{
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != c->parent)
        _exit(127); /* the supervisor is already gone: never start the command */
    static const int defsigs[] = {SIGINT,  SIGTERM, SIGHUP,  SIGCHLD, SIGPIPE,
                                  SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM};
    for (size_t i = 0; i < sizeof defsigs / sizeof defsigs[0]; i++)
        signal(defsigs[i], SIG_DFL);
    int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nul < 0 || dup2(nul, 0) < 0 || dup2(c->outfd, 1) < 0 || dup2(c->errfd, 2) < 0 ||
        (c->workdir ? chdir(c->workdir) : fchdir(c->dfd)) != 0)
        child_fail(c, STAGE_SETUP);
    char rec[200];
    size_t n = 0;
    char digits[24];
    size_t nd = 0;
    for (unsigned long v = (unsigned long)getpid(); v || !nd; v /= 10)
        digits[nd++] = (char)('0' + v % 10);
    while (nd)
        rec[n++] = digits[--nd];
    for (const char *t = c->tail; *t; t++)
        rec[n++] = *t;
    if (pwrite(c->recfd, rec, n, c->recoff) != (ssize_t)n)
        child_fail(c, STAGE_RECORD);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvpe(c->argv[0], c->argv, c->envp);
    if (errno == ENOEXEC && strchr(c->argv[0], '/')) {
        /* A script without "#!": run by /bin/sh, as glibc's execvpe does (musl's,
         * which socm-supervise may be built with, does not). Its argv on this stack. */
        size_t argc = 0;
        while (c->argv[argc])
            argc++;
        char *sh[argc + 2];
        sh[0] = (char *)"/bin/sh";
        for (size_t i = 0; i <= argc; i++)
            sh[i + 1] = c->argv[i];
        execve(sh[0], sh, c->envp);
        errno = ENOEXEC;
    }
    child_fail(c, STAGE_EXEC);
}

/* A random id for this attempt's processes (hex); time and pid if the kernel has no
 * randomness to give. */
static void run_id(char *buf, size_t n)
{
    unsigned char r[12];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        uint64_t t = (uint64_t)(socm_now() * 1e6) ^ ((uint64_t)getpid() << 40);
        memcpy(r, &t, 8);
        memset(r + 8, 0, 4);
    }
    size_t k = 0;
    for (size_t i = 0; i < sizeof r && k + 2 < n; i++)
        k += (size_t)snprintf(buf + k, n - k, "%02x", r[i]);
}

/* Starts the command with vfork: it borrows the supervisor's memory until it execs,
 * so no page table is copied and no copy-on-write fault follows (measured: about a
 * fifth of socm-supervise's own CPU per workflow, bench/launch_bench). posix_spawn
 * would do the same but cannot run PR_SET_PDEATHSIG between the two; command_child
 * makes only async-signal-safe calls, writes nothing of the supervisor's but its own
 * frame and, when it cannot exec, c->fail_*, and never returns: it execs or _exits.
 * Returns its pid; -2 if the program cannot be executed (the workflow's failure:
 * err says why); -1 if the machine refused before anything ran. */
static pid_t start_command(struct command *c, struct socm_error *err)
{
    c->parent = getpid();
    c->fail_stage = 0;
    pid_t pid = vfork();
    if (pid < 0)
        return socm_error_errno(err, "cannot start the command: vfork");
    if (pid == 0)
        command_child(c);
    setpgid(pid, pid); /* the group exists before any kill(-pid) of ours */
    int stage = c->fail_stage;
    if (!stage)
        return pid; /* exec'd (or died before, saying nothing: still no start record) */
    waitpid(pid, NULL, 0);
    errno = c->fail_errno;
    if (stage == STAGE_EXEC) {
        socm_error_errno(err, "cannot start '%s'", c->argv[0]);
        return -2;
    }
    if (stage == STAGE_RECORD)
        return socm_error_errno(err, "cannot write the start record in %s/%s", c->sandbox,
                                c->own_rec ? SOCM_SUPERVISE_STARTED : "lock");
    if (c->workdir) /* the likeliest cause: its working directory is gone */
        return socm_error_errno(err, "cannot prepare the command's process (working directory %s)",
                                c->workdir);
    return socm_error_errno(err, "cannot prepare the command's process");
}

/* ---- the result ---- */

/* Tells the manager that the result cannot be written: a fault of the machine, not of
 * the workflow. Through a pidfd taken while the manager is our parent (checked before
 * and after), so a process that merely got its pid is never signalled. Taken only
 * now: a fault is rare, and every other workflow saves the system calls. */
static void report_fault(const struct socm_supervise_opts *o, int e)
{
    if (!o->report_faults || o->manager_pid <= 0 || (long)getppid() != o->manager_pid)
        return;
    int mgr_fd = (int)syscall(SYS_pidfd_open, (pid_t)o->manager_pid, 0);
    if (mgr_fd < 0)
        return;
    if ((long)getppid() == o->manager_pid) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        si.si_signo = SOCM_SUPERVISE_FAULT_SIGNAL;
        si.si_code = SI_QUEUE;
        si.si_pid = getpid();
        si.si_uid = getuid();
        si.si_value.sival_int = e;
        syscall(SYS_pidfd_send_signal, mgr_fd, SOCM_SUPERVISE_FAULT_SIGNAL, &si, 0);
    }
    close(mgr_fd);
}

/* Writes result.json; one that cannot be written (disk full, read-only, quota, ...)
 * is kept and tried again, at most every 5 s, until it can be — the outcome of a
 * command that ran is never thrown away. Only a sandbox that was removed ends it. */
static int deliver_result(const struct socm_supervise_opts *o, int dfd, int sfd,
                          const struct text *text, struct socm_error *err)
{
    double delay = 0.1;
    bool said = false;
    for (;;) {
        bool durable = o->manager_pid <= 0 || (long)getppid() != o->manager_pid;
        struct socm_error werr = {0};
        if (socm_dirfd_write_replace(dfd, o->sandbox, "result.json", text->b, text->n, 0600,
                                  durable, &werr) == 0) {
            if (said)
                socm_supervise_say(o->sandbox, "result written after all");
            return 0;
        }
        int e = errno;
        struct stat st;
        if (fstat(dfd, &st) == 0 && st.st_nlink == 0) { /* the sandbox was removed */
            *err = werr;
            return -1;
        }
        if (!said) {
            said = true;
            socm_supervise_say(o->sandbox, "%s; the result is kept and written again until it can be",
                               werr.msg);
            report_fault(o, e);
        }
        struct pollfd pf = {sfd, POLLIN, 0};
        if (poll(&pf, 1, (int)(delay * 1000)) > 0) {
            struct signalfd_siginfo si; /* a stop request changes nothing now */
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                ;
        }
        delay = delay * 2 > 5 ? 5 : delay * 2;
    }
}

/* A sandbox file the command writes to, opened for writing. Created new in one
 * system call as a rule (O_EXCL: a fresh regular file, nothing to check, no memory
 * allocated); one that is there already (a relaunch of the attempt, something
 * planted) goes through the checked open, which refuses a link or a non-file. */
static int open_output(const struct socm_supervise_opts *o, int dfd, const char *name, int flags,
                       struct socm_error *err)
{
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    return socm_dirfd_open(dfd, o->sandbox, name, O_WRONLY | O_CREAT | flags, 0600, err);
}

/* The sandbox's files the command writes to, opened before it starts, and where its
 * start record goes: into the lock file after the pid line (the manager emptied it
 * before this attempt), or without a lock into SANDBOX/started. */
static int open_outputs(const struct socm_supervise_opts *o, int dfd, struct command *c,
                        off_t pid_end, struct socm_error *err)
{
    if (o->lock_fd >= 0) {
        c->recfd = o->lock_fd;
        c->recoff = pid_end;
    } else {
        /* A record left by an earlier attempt must not pass for this one's. */
        if (unlinkat(dfd, SOCM_SUPERVISE_STARTED, 0) != 0 && errno != ENOENT)
            return socm_error_errno(err, "cannot remove %s/%s", o->sandbox, SOCM_SUPERVISE_STARTED);
        c->recfd = open_output(o, dfd, SOCM_SUPERVISE_STARTED, O_EXCL, err);
        if (c->recfd < 0)
            return -1;
        c->own_rec = true;
    }
    c->outfd = open_output(o, dfd, "stdout", O_TRUNC, err);
    if (c->outfd < 0)
        return -1;
    c->errfd = open_output(o, dfd, "stderr", O_TRUNC, err);
    return c->errfd < 0 ? -1 : 0;
}

static void close_fd(int *fd)
{
    int e = errno; /* a failure before it is the one to report */
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
    errno = e;
}

/* Waits for the command, stopping it at its walltime or on request. Returns the
 * outcome if we stopped it (NULL otherwise); *status gets its wait status. The
 * leader is waited for without reaping it, so that the group is killed while its id
 * still names it: nothing of the workflow outlives it. */
static const char *watch(const struct socm_supervise_opts *o, pid_t child, int sfd, int *status)
{
    /* The next deadline (walltime, then the grace after SIGTERM) as poll's timeout:
     * no timer descriptor to create, arm and close per workflow. */
    double due = o->walltime_s > 0 ? socm_mono() + o->walltime_s : -1;
    const char *outcome = NULL; /* set when we stop it */
    bool term_sent = false, kill_sent = false;
    for (;;) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            si.si_pid == child)
            break;
        int wait_ms = -1;
        if (due >= 0) {
            double left = due - socm_mono();
            wait_ms = left <= 0 ? 0 : left > 86400.0 ? 86400000 : (int)(left * 1000) + 1;
        }
        struct pollfd pf = {sfd, POLLIN, 0};
        if (poll(&pf, 1, wait_ms) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        bool stop = false;
        if (pf.revents & POLLIN) {
            struct signalfd_siginfo ssi;
            while (read(sfd, &ssi, sizeof ssi) == (ssize_t)sizeof ssi)
                if (ssi.ssi_signo != SIGCHLD && !outcome) {
                    outcome = "canceled";
                    stop = true;
                }
        }
        if (due >= 0 && socm_mono() >= due) {
            due = -1;
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
            due = socm_mono() + (o->grace_s > 0 ? o->grace_s : 0.001);
        }
    }
    kill(-child, SIGKILL);
    while (waitpid(child, status, 0) < 0 && errno == EINTR)
        ;
    return outcome;
}

static const char *describe(const struct socm_supervise_opts *o, const char *outcome,
                            int status, char *buf, size_t n)
{
    if (!strcmp(outcome, "timeout")) {
        snprintf(buf, n, "walltime of %.0f s exceeded", o->walltime_s);
        return buf;
    }
    if (!strcmp(outcome, "canceled"))
        return "stopped on request";
    if (WIFSIGNALED(status)) {
        snprintf(buf, n, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
        return buf;
    }
    if (WEXITSTATUS(status) != 0) {
        snprintf(buf, n, "exit code %d", WEXITSTATUS(status));
        return buf;
    }
    return NULL;
}

static void close_outputs(struct command *c)
{
    if (c->own_rec)
        close_fd(&c->recfd);
    close_fd(&c->outfd);
    close_fd(&c->errfd);
}

static int supervise_in(const struct socm_supervise_opts *o, int dfd, int sfd, off_t pid_end,
                        struct socm_error *err, int *started)
{
    if (o->cpus && pin_cpus(o->cpus) != 0)
        socm_supervise_say(o->sandbox, "cannot pin to cpus %s: %s", o->cpus, strerror(errno));
    struct command c = {.sandbox = o->sandbox, .workdir = o->workdir, .argv = o->argv, .dfd = dfd,
                        .outfd = -1, .errfd = -1, .recfd = -1};
    char boot[64], id[40];
    if (o->boot_id && o->boot_id[0] && strlen(o->boot_id) < sizeof boot &&
        !strpbrk(o->boot_id, " \t\n"))
        strcpy(boot, o->boot_id); /* read once by the manager on this machine */
    else
        socm_boot_id(boot);
    run_id(id, sizeof id);
    snprintf(c.tail, sizeof c.tail, " %d %s %s\n", o->attempt, boot[0] ? boot : "-", id);
    /* The command's environment: ours (pointers, not copies) and its mark; on the
     * stack unless it is very large. */
    size_t ne = 0;
    while (environ[ne])
        ne++;
    char *env_small[512], mark[96];
    char **env = ne + 2 <= sizeof env_small / sizeof *env_small ? env_small
                                                                : socm_xcalloc(ne + 2, sizeof *env);
    snprintf(mark, sizeof mark, "%s=%s", SOCM_SUPERVISE_RUN_ID, id);
    size_t k = 0;
    for (size_t i = 0; i < ne; i++)
        if (strncmp(environ[i], mark, sizeof SOCM_SUPERVISE_RUN_ID))
            env[k++] = environ[i];
    env[k++] = mark;
    env[k] = NULL;
    c.envp = env;
    if (open_outputs(o, dfd, &c, pid_end, err) != 0) {
        close_outputs(&c);
        if (env != env_small)
            free(env);
        return -1;
    }
    double start = socm_now();
    struct socm_error serr = {0};
    pid_t child = start_command(&c, &serr);
    close_outputs(&c);
    if (env != env_small)
        free(env);
    if (child == -1) {
        *err = serr;
        return -1;
    }
    *started = 1;
    struct text text;
    if (child == -2)
        result_text(&text, o, "failed", -1, start, socm_now(), serr.msg);
    else {
        int status = 0;
        const char *outcome = watch(o, child, sfd, &status);
        double end = socm_now();
        if (!outcome)
            outcome = (WIFEXITED(status) && WEXITSTATUS(status) == 0) ? "done" : "failed";
        char buf[128];
        result_text(&text, o, outcome, status, start, end, describe(o, outcome, status, buf, sizeof buf));
    }
    return deliver_result(o, dfd, sfd, &text, err);
}

int socm_supervise(const struct socm_supervise_opts *o, struct socm_error *err)
{
    /* The workflow must not inherit the lock: the lock says "the supervisor lives". */
    if (o->lock_fd >= 0)
        fcntl(o->lock_fd, F_SETFD, FD_CLOEXEC);
    int dfd = open(o->sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int rc = -1, started = 0;
    off_t pid_end = 0;
    if (dfd < 0)
        socm_error_errno(err, "sandbox %s is not a plain directory", o->sandbox);
    else if (write_pid(o, dfd, &pid_end, err) == 0) {
        int sigs[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, 0};
        int sfd = socm_signalfd_open(sigs, NULL, err);
        if (sfd >= 0) {
            rc = supervise_in(o, dfd, sfd, pid_end, err, &started);
            close(sfd);
        }
    }
    /* Could not even start the command: why goes to supervisor.log, where the manager
     * reads it when we are gone; if that cannot be written either, the manager hears
     * the errno at once. */
    if (rc != 0 && !started) {
        int e = errno;
        if (!say_line(o->sandbox, err->msg))
            report_fault(o, e);
    } else if (rc != 0)
        say_line(o->sandbox, err->msg);
    if (dfd >= 0)
        close(dfd);
    return rc;
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
        else if ((v = opt_value(argv, &i, argc, "--boot-id")))
            o->boot_id = v;
        else if (!strcmp(argv[i], "--report-faults"))
            o->report_faults = true;
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

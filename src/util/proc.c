/* proc.c — process helpers: spawning argv vectors (vfork + exec), pidfds, signalfd and an
 * atomic file write. See proc.h. */
#include "util/proc.h"
#include "util/str.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void socm_spawn_opts_init(struct socm_spawn_opts *o)
{
    memset(o, 0, sizeof *o);
    o->stdin_fd = -2;
    o->stdout_fd = o->stderr_fd = -1;
    o->keep_fd = -1;
}

/* The child's part of socm_spawn, between vfork and exec: only async-signal-safe
 * calls. A failure leaves its errno in *fail (vfork lends it our memory) and exits. */
static void __attribute__((noreturn)) spawn_child(const char *const *argv,
                                                  const struct socm_spawn_opts *o,
                                                  char *const *envp, const sigset_t *mask,
                                                  volatile int *fail)
{
    /* Every signal to its default: the child starts clean whatever we (or whoever
     * started us: nohup, a background shell) set or ignored. Signals stay blocked
     * until the exec, so no handler of ours runs in this borrowed memory. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL); /* the C library's own signals refuse: harmless */
    if ((o->new_session && setsid() < 0) || (!o->new_session && o->new_pgroup && setpgid(0, 0) != 0))
        goto fail;
    if (o->stdin_fd == -2) {
        int nul = open("/dev/null", O_RDONLY);
        if (nul < 0 || (nul != 0 && (dup2(nul, 0) < 0 || close(nul) != 0)))
            goto fail;
    } else if (o->stdin_fd >= 0 && dup2(o->stdin_fd, 0) < 0)
        goto fail;
    if ((o->stdout_fd >= 0 && dup2(o->stdout_fd, 1) < 0) ||
        (o->stderr_fd >= 0 && dup2(o->stderr_fd, 2) < 0))
        goto fail;
    /* dup2 onto 3 clears close-on-exec, so a CLOEXEC keep_fd reaches only this child;
     * a keep_fd that already is 3 would keep its flag, so callers pass a higher one. */
    if (o->keep_fd >= 0 && o->keep_fd != 3 && dup2(o->keep_fd, 3) < 0)
        goto fail;
    if (o->cwd && chdir(o->cwd) != 0)
        goto fail;
    sigprocmask(SIG_SETMASK, mask, NULL);
    execvpe(argv[0], (char *const *)argv, envp);
fail:
    *fail = errno ? errno : EINVAL;
    _exit(127);
}

/* vfork and exec, as posix_spawnp does, without what glibc's posix_spawn adds per
 * call: a stack mapped and unmapped (an unmap that flushes the TLB of the CPU the
 * child ran on) and two getrlimit calls per descriptor it is given. socm starts one
 * supervisor per workflow this way. */
pid_t socm_spawn(const char *const *argv, const struct socm_spawn_opts *o, struct socm_error *err)
{
    sigset_t mask, all, old;
    sigemptyset(&mask);
    if (o->block_stop) {
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
    }
    char *const *envp = o->envp ? (char *const *)o->envp : environ;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    volatile int fail = 0;
    pid_t pid = vfork();
    if (pid == 0)
        spawn_child(argv, o, envp, &mask, &fail);
    int e = pid < 0 ? errno : fail;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid > 0 && e) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (pid < 0 || e) {
        errno = e;
        return socm_error_errno(err, "cannot start '%s'", argv[0]);
    }
    return pid;
}

int socm_pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int socm_pidfd_signal_tagged(int pidfd, int sig, int tag)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = SI_QUEUE; /* the kernel lets another process send only a negative code */
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = tag;
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, &si, 0);
}

int socm_pidfd_signal(int pidfd, int sig)
{
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int socm_signalfd_open(const int *sigs, sigset_t *old, struct socm_error *err)
{
    sigset_t set;
    sigemptyset(&set);
    for (const int *s = sigs; *s; s++)
        sigaddset(&set, *s);
    if (sigprocmask(SIG_BLOCK, &set, old) != 0)
        return socm_error_errno(err, "sigprocmask");
    int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd < 0)
        return socm_error_errno(err, "signalfd");
    return fd;
}

int socm_fsync_dir_of(const char *path)
{
    char *dir = socm_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int socm_write_atomic(const char *path, const void *data, size_t len, int mode,
                      struct socm_error *err)
{
    return socm_write_replace(path, data, len, mode, true, err);
}

int socm_write_replace(const char *path, const void *data, size_t len, int mode, bool durable,
                       struct socm_error *err)
{
    char *tmp = socm_asprintf("%s.tmp.%ld", path, (long)getpid());
    /* A new file, never through a link someone planted under the temporary name; one
     * left by a crashed process with our pid is removed first. */
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = open(tmp, flags, mode);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, flags, mode);
    if (fd < 0) {
        socm_error_errno(err, "cannot create %s", tmp);
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            socm_error_errno(err, "cannot write %s", tmp);
            close(fd);
            unlink(tmp);
            free(tmp);
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    if ((durable && fsync(fd) != 0) || close(fd) != 0) {
        socm_error_errno(err, "cannot sync %s", tmp);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        socm_error_errno(err, "cannot rename %s to %s", tmp, path);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    /* The rename is durable only once the directory is: a crash could bring the old
     * file back after we said the new one was written. */
    if (durable && socm_fsync_dir_of(path) != 0)
        return socm_error_errno(err, "cannot sync the directory of %s", path);
    return 0;
}

int socm_mkdir_p(const char *path, int mode, struct socm_error *err)
{
    char *p = socm_strdup(path);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
                socm_error_errno(err, "cannot create directory %s", p);
                free(p);
                return -1;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return 0;
}

/* The process group of pid, from /proc/pid/stat (after the command name, which may
 * hold anything: the last ')' ends it). */
static bool proc_pgrp(long pid, pid_t *pgrp)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    char st;
    int ppid, g;
    if (!p || sscanf(p + 1, " %c %d %d", &st, &ppid, &g) != 3)
        return false;
    *pgrp = g;
    return true;
}

/* Whether the environment of pid (its initial one, /proc/pid/environ) holds mark. */
static bool proc_has_env(long pid, const char *mark)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/environ", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct socm_buf b = SOCM_BUF_INIT;
    char chunk[8192];
    ssize_t n;
    while (b.len < (4u << 20) && (n = read(fd, chunk, sizeof chunk)) > 0)
        socm_buf_putn(&b, chunk, (size_t)n);
    close(fd);
    bool found = false;
    for (size_t i = 0; i < b.len && !found;) {
        size_t k = strnlen(b.data + i, b.len - i);
        found = k == strlen(mark) && !memcmp(b.data + i, mark, k);
        i += k + 1;
    }
    socm_buf_free(&b);
    return found;
}

int socm_kill_marked_group(pid_t pgid, const char *mark, double timeout_s)
{
    int killed = 0;
    double until = socm_mono() + timeout_s;
    for (;;) {
        DIR *d = opendir("/proc");
        if (!d)
            return killed;
        int found = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            char *end;
            long pid = strtol(e->d_name, &end, 10);
            pid_t g;
            if (*end || pid <= 1 || !proc_pgrp(pid, &g) || g != pgid)
                continue;
            /* The pidfd first: the environment read after it is that process's, or
             * the pidfd names a process already gone and the signal goes nowhere. */
            int fd = socm_pidfd_open((pid_t)pid);
            if (fd < 0)
                continue;
            if (proc_has_env(pid, mark)) { /* a zombie has none left: not waited for */
                found++;
                if (socm_pidfd_signal(fd, SIGKILL) == 0)
                    killed++;
            }
            close(fd);
        }
        closedir(d);
        if (!found || socm_mono() > until)
            return killed;
        usleep(20000);
    }
}

void socm_boot_id(char buf[64])
{
    buf[0] = '\0';
    int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, 63);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n \t")] = '\0';
}

double socm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double socm_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *socm_self_exe(void)
{
    static char path[PATH_MAX];
    if (!path[0]) {
        ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
        if (n <= 0)
            strcpy(path, "socm");
        else
            path[n] = '\0';
    }
    return path;
}

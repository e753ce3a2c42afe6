/* proc.c — process helpers: posix_spawn of argv vectors, pidfds, signalfd and an
 * atomic file write. See proc.h. */
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
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

pid_t socm_spawn(const char *const *argv, const struct socm_spawn_opts *o, struct socm_error *err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (o->new_session)
        flags |= POSIX_SPAWN_SETSID;
    else if (o->new_pgroup) {
        flags |= POSIX_SPAWN_SETPGROUP;
        posix_spawnattr_setpgroup(&at, 0);
    }
    posix_spawnattr_setflags(&at, flags);
    sigset_t none, def;
    sigemptyset(&none);
    if (o->block_stop) {
        sigaddset(&none, SIGTERM);
        sigaddset(&none, SIGINT);
        sigaddset(&none, SIGHUP);
    }
    posix_spawnattr_setsigmask(&at, &none);
    sigemptyset(&def);
    int defsigs[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof defsigs / sizeof defsigs[0]; i++)
        sigaddset(&def, defsigs[i]);
    posix_spawnattr_setsigdefault(&at, &def);
    if (o->stdin_fd == -2)
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    else if (o->stdin_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, o->stdin_fd, 0);
    if (o->stdout_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, o->stdout_fd, 1);
    if (o->stderr_fd >= 0)
        posix_spawn_file_actions_adddup2(&fa, o->stderr_fd, 2);
    /* dup2 onto 3 clears close-on-exec, so a CLOEXEC keep_fd reaches only this child;
     * a keep_fd that already is 3 would keep its flag, so callers pass a higher one. */
    if (o->keep_fd >= 0 && o->keep_fd != 3)
        posix_spawn_file_actions_adddup2(&fa, o->keep_fd, 3);
    if (o->cwd)
        posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
    pid_t pid = -1;
    char *const *envp = o->envp ? (char *const *)o->envp : environ;
    int rc = posix_spawnp(&pid, argv[0], &fa, &at, (char *const *)argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        errno = rc;
        return socm_error_errno(err, "cannot start '%s'", argv[0]);
    }
    return pid;
}

int socm_pidfd_open(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
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
    if (durable)
        socm_fsync_dir_of(path);
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

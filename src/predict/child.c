/* child.c — argv children with captured stdout and a deadline: posix_spawnp (no
 * shell, nothing to quote), poll() on the pipe until the deadline, SIGKILL after. */
#include "predict/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads the pipe until EOF, the deadline, or the size limit; says which. */
static int drain(int fd, double deadline, size_t max_bytes, struct socm_buf *out)
{
    for (;;) {
        double left = deadline - now_mono();
        if (left <= 0)
            return 1; /* timed out */
        struct pollfd pfd = {fd, POLLIN, 0};
        int pr = poll(&pfd, 1, (int)(left * 1000) + 1);
        if (pr <= 0)
            continue; /* EINTR or timeout: the deadline check decides */
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        if (out->len + (size_t)n > max_bytes)
            return 2; /* too much output */
        socm_buf_putn(out, buf, (size_t)n);
    }
}

int socm_child_capture(char *const argv[], double timeout_s, size_t max_bytes,
                       struct socm_buf *out, struct socm_error *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return socm_error_errno(err, "pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        errno = rc;
        return socm_error_errno(err, "cannot run %s", argv[0]);
    }
    int why = drain(fds[0], now_mono() + timeout_s, max_bytes, out);
    close(fds[0]);
    if (why != 0)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (why == 1)
        return socm_error_set(err, SOCM_E_FAILED, "%s timed out after %.6g s", argv[0], timeout_s);
    if (why == 2)
        return socm_error_set(err, SOCM_E_FAILED, "%s wrote more than %zu bytes", argv[0], max_bytes);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return socm_error_set(err, SOCM_E_FAILED, "%s failed (%s %d)", argv[0],
                              WIFEXITED(status) ? "exit status" : "signal",
                              WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return 0;
}

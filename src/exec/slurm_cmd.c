/* slurm_cmd.c — runs a command with a timeout and captures stdout/stderr: fork/exec
 * with pipes, poll() until both pipes close or the deadline passes, then waitpid.
 * An exec failure in the child is reported through a close-on-exec pipe so that
 * "command not found" is an error value, not exit status 127. */
#include "exec/slurm_cmd.h"

#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In the child: wire the pipes and exec; on failure send errno up the status pipe. */
static void child_exec(const char *const *argv, int out_w, int err_w, int status_w)
{
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        close(devnull);
    }
    dup2(out_w, STDOUT_FILENO);
    dup2(err_w, STDERR_FILENO);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], (char *const *)argv);
    int e = errno;
    ssize_t w = write(status_w, &e, sizeof e);
    (void)w;
    _exit(127);
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Reads what is available on fd into b; closes fd at EOF. */
static void drain(int *fd, struct socm_buf *b)
{
    char chunk[8192];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n > 0)
        socm_buf_putn(b, chunk, (size_t)n);
    else if (n == 0 || (errno != EINTR && errno != EAGAIN))
        close_fd(fd);
}

static void collect(int out_r, int err_r, pid_t pid, double timeout_s, struct socm_slurm_cmd_result *res,
                    struct socm_buf *out, struct socm_buf *errb)
{
    int fds[2] = {out_r, err_r};
    double deadline = timeout_s > 0 ? now_s() + timeout_s : 0;
    while (fds[0] >= 0 || fds[1] >= 0) {
        struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
        int wait_ms = -1;
        if (deadline > 0) {
            double left = deadline - now_s();
            if (left <= 0) {
                res->timed_out = true;
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                break;
            }
            wait_ms = (int)(left * 1000) + 1;
        }
        int r = poll(p, 2, wait_ms);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (p[0].revents)
            drain(&fds[0], out);
        if (p[1].revents)
            drain(&fds[1], errb);
    }
    close_fd(&fds[0]);
    close_fd(&fds[1]);
}

int socm_slurm_cmd_run(const char *const *argv, double timeout_s,
                       struct socm_slurm_cmd_result *res, struct socm_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = -1;
    int outp[2], errp[2], statp[2];
    if (pipe2(outp, O_CLOEXEC) < 0)
        return socm_error_errno(err, "%s: pipe", argv[0]);
    if (pipe2(errp, O_CLOEXEC) < 0) {
        close(outp[0]), close(outp[1]);
        return socm_error_errno(err, "%s: pipe", argv[0]);
    }
    if (pipe2(statp, O_CLOEXEC) < 0) {
        close(outp[0]), close(outp[1]), close(errp[0]), close(errp[1]);
        return socm_error_errno(err, "%s: pipe", argv[0]);
    }
    pid_t pid = fork();
    if (pid == 0)
        child_exec(argv, outp[1], errp[1], statp[1]);
    close(outp[1]), close(errp[1]), close(statp[1]);
    if (pid < 0) {
        close(outp[0]), close(errp[0]), close(statp[0]);
        return socm_error_errno(err, "%s: fork", argv[0]);
    }
    setpgid(pid, pid); /* also here: no race with the kill on timeout */
    int child_errno = 0;
    ssize_t got;
    do
        got = read(statp[0], &child_errno, sizeof child_errno);
    while (got < 0 && errno == EINTR);
    close(statp[0]);

    struct socm_buf out = SOCM_BUF_INIT, errb = SOCM_BUF_INIT;
    if (got <= 0)
        collect(outp[0], errp[0], pid, timeout_s, res, &out, &errb);
    else
        close(outp[0]), close(errp[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (got > 0) {
        socm_buf_free(&out);
        socm_buf_free(&errb);
        return socm_error_set(err, SOCM_E_SYSTEM, "cannot run %s: %s", argv[0], strerror(child_errno));
    }
    res->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
    res->out_len = out.len;
    res->out = socm_buf_steal(&out);
    res->err_len = errb.len;
    res->errtext = socm_buf_steal(&errb);
    return 0;
}

void socm_slurm_cmd_result_free(struct socm_slurm_cmd_result *res)
{
    free(res->out);
    free(res->errtext);
    res->out = res->errtext = NULL;
}

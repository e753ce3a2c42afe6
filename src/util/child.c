/* child.c — argv children with captured output and a deadline: socm_spawn (posix_spawn,
 * which reports an exec failure as an error value, not as exit status 127) into a
 * new process group, poll() on the stdout and stderr pipes until both close, the
 * deadline passes or the output is too long, then waitpid. */
#include "util/child.h"

#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Reads both pipes until they close; kills the group at the deadline or the limit.
 * A grandchild may keep a pipe open after the kill, so reading stops there. */
static void collect(int fds[2], pid_t pid, double timeout_s, size_t max_bytes,
                    struct socm_child_result *res, struct socm_buf *out, struct socm_buf *errb)
{
    double deadline = timeout_s > 0 ? socm_mono() + timeout_s : 0;
    while (fds[0] >= 0 || fds[1] >= 0) {
        if (max_bytes && out->len + errb->len > max_bytes)
            res->too_long = true;
        int wait_ms = -1;
        if (deadline > 0 && !res->too_long) {
            double left = deadline - socm_mono();
            if (left <= 0)
                res->timed_out = true;
            wait_ms = (int)(left * 1000) + 1;
        }
        if (res->timed_out || res->too_long) {
            kill(-pid, SIGKILL);
            break;
        }
        struct pollfd p[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}};
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

int socm_child_run(const char *const *argv, double timeout_s, size_t max_bytes,
                   struct socm_child_result *res, struct socm_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = -1;
    int outp[2], errp[2];
    if (pipe2(outp, O_CLOEXEC) < 0)
        return socm_error_errno(err, "%s: pipe", argv[0]);
    if (pipe2(errp, O_CLOEXEC) < 0) {
        close(outp[0]), close(outp[1]);
        return socm_error_errno(err, "%s: pipe", argv[0]);
    }
    struct socm_spawn_opts o;
    socm_spawn_opts_init(&o);
    o.stdout_fd = outp[1];
    o.stderr_fd = errp[1];
    o.new_pgroup = true; /* set before exec: the kill on timeout reaches the whole group */
    pid_t pid = socm_spawn(argv, &o, err);
    close(outp[1]), close(errp[1]);
    if (pid < 0) {
        close(outp[0]), close(errp[0]);
        return -1;
    }
    struct socm_buf out = SOCM_BUF_INIT, errb = SOCM_BUF_INIT;
    int fds[2] = {outp[0], errp[0]};
    collect(fds, pid, timeout_s, max_bytes, res, &out, &errb);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    res->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : -1;
    res->out_len = out.len;
    res->out = socm_buf_steal(&out);
    res->err_len = errb.len;
    res->errtext = socm_buf_steal(&errb);
    return 0;
}

void socm_child_result_free(struct socm_child_result *res)
{
    free(res->out);
    free(res->errtext);
    res->out = res->errtext = NULL;
}

int socm_child_capture(const char *const *argv, double timeout_s, size_t max_bytes,
                       struct socm_buf *out, struct socm_error *err)
{
    struct socm_child_result r;
    if (socm_child_run(argv, timeout_s, max_bytes, &r, err) < 0)
        return -1;
    int len = (int)strcspn(r.errtext, "\n");
    int rc = 0;
    if (r.timed_out)
        rc = socm_error_set(err, SOCM_E_FAILED, "%s timed out after %.6g s", argv[0], timeout_s);
    else if (r.too_long)
        rc = socm_error_set(err, SOCM_E_FAILED, "%s wrote more than %zu bytes", argv[0], max_bytes);
    else if (r.status != 0)
        rc = socm_error_set(err, SOCM_E_FAILED, "%s failed (exit status %d)%s%.*s", argv[0], r.status,
                            len ? ": " : "", len, r.errtext);
    else
        socm_buf_putn(out, r.out, r.out_len);
    socm_child_result_free(&r);
    return rc;
}

/* child.c — argv children with captured output and a deadline: socm_spawn (posix_spawn,
 * which reports an exec failure as an error value, not as exit status 127) into a
 * new process group, poll() on the stdout and stderr pipes (and, with input, on the
 * stdin pipe it is written to) until both close, the deadline passes or the output
 * is too long, then waitpid. */
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

/* What is left to write to the child's stdin. */
struct feed {
    int fd; /* -1 when done */
    const char *data;
    size_t left;
};

/* Writes what the pipe takes; closes it when all is written or the child stopped
 * reading (EPIPE: SIGPIPE is ignored meanwhile, see socm_child_run_input). */
static void feed_more(struct feed *f)
{
    ssize_t n = write(f->fd, f->data, f->left);
    if (n > 0) {
        f->data += n;
        f->left -= (size_t)n;
    }
    if (f->left == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        close_fd(&f->fd);
}

/* Reads both pipes until they close; kills the group at the deadline or the limit.
 * A grandchild may keep a pipe open after the kill, so reading stops there. */
static void collect(int fds[2], struct feed *in, pid_t pid, double timeout_s, size_t max_bytes,
                    struct socm_child_result *res, struct socm_buf *out, struct socm_buf *errb)
{
    double deadline = timeout_s > 0 ? socm_mono() + timeout_s : 0;
    if (in->fd >= 0 && in->left == 0)
        close_fd(&in->fd);
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
        struct pollfd p[3] = {{fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {in->fd, POLLOUT, 0}};
        int r = poll(p, 3, wait_ms);
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue;
        if (p[0].revents)
            drain(&fds[0], out);
        if (p[1].revents)
            drain(&fds[1], errb);
        if (p[2].revents)
            feed_more(in);
    }
    close_fd(&fds[0]);
    close_fd(&fds[1]);
    close_fd(&in->fd);
}

static int child_run(const char *const *argv, const char *input, size_t input_len,
                     double timeout_s, size_t max_bytes, struct socm_child_result *res,
                     struct socm_error *err)
{
    memset(res, 0, sizeof *res);
    res->status = -1;
    int outp[2], errp[2], inp[2] = {-1, -1};
    if (pipe2(outp, O_CLOEXEC) < 0)
        return socm_error_errno(err, "%s: pipe", argv[0]);
    if (pipe2(errp, O_CLOEXEC) < 0) {
        close(outp[0]), close(outp[1]);
        return socm_error_errno(err, "%s: pipe", argv[0]);
    }
    if (input && pipe2(inp, O_CLOEXEC) < 0) {
        close(outp[0]), close(outp[1]), close(errp[0]), close(errp[1]);
        return socm_error_errno(err, "%s: pipe", argv[0]);
    }
    struct socm_spawn_opts o;
    socm_spawn_opts_init(&o);
    o.stdout_fd = outp[1];
    o.stderr_fd = errp[1];
    if (input)
        o.stdin_fd = inp[0];
    o.new_pgroup = true; /* set before exec: the kill on timeout reaches the whole group */
    pid_t pid = socm_spawn(argv, &o, err);
    close(outp[1]), close(errp[1]);
    if (input)
        close(inp[0]);
    if (pid < 0) {
        close(outp[0]), close(errp[0]);
        if (input)
            close(inp[1]);
        return -1;
    }
    /* Non-blocking: a child that does not read must not stall the deadline. */
    if (input)
        fcntl(inp[1], F_SETFL, fcntl(inp[1], F_GETFL) | O_NONBLOCK);
    struct feed in = {inp[1], input, input_len};
    struct socm_buf out = SOCM_BUF_INIT, errb = SOCM_BUF_INIT;
    int fds[2] = {outp[0], errp[0]};
    collect(fds, &in, pid, timeout_s, max_bytes, res, &out, &errb);
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

int socm_child_run(const char *const *argv, double timeout_s, size_t max_bytes,
                   struct socm_child_result *res, struct socm_error *err)
{
    return child_run(argv, NULL, 0, timeout_s, max_bytes, res, err);
}

int socm_child_run_input(const char *const *argv, const char *input, size_t input_len,
                         double timeout_s, size_t max_bytes, struct socm_child_result *res,
                         struct socm_error *err)
{
    /* A child that exits without reading all of its input must not kill socm. */
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    int rc = child_run(argv, input ? input : "", input ? input_len : 0, timeout_s, max_bytes,
                       res, err);
    sigaction(SIGPIPE, &old, NULL);
    return rc;
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

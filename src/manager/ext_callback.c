/* ext_callback.c — the event callback (see ext_callback.h): two children joined by a
 * pipe, never a shell: socm's own `events --follow` (the one writer of the events
 * format) and the user's program reading it. */
#include "manager/ext_callback.h"
#include "util/dirfd.h"
#include "util/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The socm command: this executable when it is socm, else `socm` from PATH (a
 * program embedding libsocm). */
static const char *socm_command(void)
{
    const char *self = socm_self_exe();
    if (self) {
        const char *slash = strrchr(self, '/');
        if (!strcmp(slash ? slash + 1 : self, "socm"))
            return self;
    }
    return "socm";
}

static int open_log(const char *state_dir, socm_ext_callback_log_fn log, void *ctx)
{
    int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct socm_error err = {0};
    int fd = dfd < 0 ? -1
                     : socm_dirfd_open(dfd, state_dir, "hooks.log", O_WRONLY | O_CREAT | O_APPEND,
                                       0600, &err);
    if (dfd >= 0)
        close(dfd);
    if (fd < 0 && err.msg[0])
        log(ctx, err.msg);
    return fd;
}

void socm_ext_callback_start(struct socm_ext_callback *cb, const char *state_dir,
                             const struct socm_strv *argv, socm_ext_callback_log_fn log, void *ctx)
{
    memset(cb, 0, sizeof *cb);
    if (argv->n == 0)
        return;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        log(ctx, "on_event: cannot make a pipe");
        return;
    }
    int logfd = open_log(state_dir, log, ctx);
    struct socm_spawn_opts o;
    socm_spawn_opts_init(&o);
    o.new_pgroup = true; /* the terminal's ^C is for the manager */
    o.stdout_fd = p[1];
    o.stderr_fd = logfd;
    const char *ev[] = {socm_command(), "events", state_dir, "--follow", NULL};
    struct socm_error err = {0};
    pid_t e = socm_spawn(ev, &o, &err);
    close(p[1]);
    pid_t prog = -1;
    if (e > 0) {
        o.stdin_fd = p[0];
        o.stdout_fd = logfd;
        prog = socm_spawn((const char *const *)argv->v, &o, &err);
    }
    close(p[0]);
    if (logfd >= 0)
        close(logfd);
    if (e < 0 || prog < 0) {
        char *m = socm_asprintf("on_event %s failed to start: %s", argv->v[0], err.msg);
        log(ctx, m);
        free(m);
        if (e > 0) {
            kill(-e, SIGKILL);
            waitpid(e, NULL, 0);
        }
        return;
    }
    cb->events = e;
    cb->program = prog;
}

/* Waits for pid until the deadline (monotonic); kills its group after it. */
static int wait_until(pid_t pid, double deadline, bool *killed)
{
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            return status;
        if (socm_mono() >= deadline && !*killed) {
            kill(-pid, SIGKILL);
            *killed = true;
            waitpid(pid, &status, 0);
            return status;
        }
        usleep(20000);
    }
}

void socm_ext_callback_finish(struct socm_ext_callback *cb, double timeout_s,
                              socm_ext_callback_log_fn log, void *ctx)
{
    if (!cb->program)
        return;
    double deadline = socm_mono() + (timeout_s > 0 ? timeout_s : 30);
    bool ek = false, pk = false;
    wait_until(cb->events, deadline, &ek);
    int st = wait_until(cb->program, deadline, &pk);
    char *m = pk ? socm_asprintf("on_event program was still running %.0f s after the campaign "
                                 "ended and was killed", timeout_s)
              : WIFEXITED(st) && WEXITSTATUS(st) != 0
                  ? socm_asprintf("on_event program failed with exit code %d (see hooks.log)",
                                  WEXITSTATUS(st))
              : WIFSIGNALED(st) ? socm_asprintf("on_event program was killed by signal %d", WTERMSIG(st))
                                : NULL;
    if (m)
        log(ctx, m);
    free(m);
    cb->events = cb->program = 0;
}

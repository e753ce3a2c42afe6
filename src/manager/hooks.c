/* hooks.c — notification hooks run alongside the campaign (see hooks.h). */
#include "manager/hooks.h"
#include "util/dirfd.h"
#include "util/proc.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void socm_hooks_init(struct socm_hooks *h, const char *state_dir, double timeout_s,
                     socm_hook_log_fn log, void *ctx)
{
    memset(h, 0, sizeof *h);
    h->state_dir = socm_strdup(state_dir);
    h->timeout_s = timeout_s > 0 ? timeout_s : 30;
    h->log = log;
    h->ctx = ctx;
}

void socm_hooks_expand(const struct socm_strv *argv, const struct socm_hook_vars *v,
                       struct socm_strv *out)
{
    char id[32], code[32];
    snprintf(id, sizeof id, "%d", v->id);
    snprintf(code, sizeof code, "%d", v->exit_code);
    const char *keys[] = {"{campaign}", "{workflow}", "{id}", "{state}", "{exit_code}",
                          "{state_dir}"};
    const char *vals[] = {v->campaign, v->workflow ? v->workflow : "", id, v->state, code,
                          v->state_dir};
    for (size_t i = 0; i < argv->n; i++) {
        struct socm_buf b = SOCM_BUF_INIT;
        const char *s = argv->v[i];
        while (*s) {
            size_t k = 0;
            for (; k < 6; k++)
                if (!strncmp(s, keys[k], strlen(keys[k])))
                    break;
            if (k < 6) {
                socm_buf_puts(&b, vals[k] ? vals[k] : "");
                s += strlen(keys[k]);
            } else
                socm_buf_putc(&b, *s++);
        }
        socm_strv_push_owned(out, socm_buf_steal(&b));
    }
}

void socm_hooks_start(struct socm_hooks *h, const char *name, const struct socm_strv *argv,
                      const struct socm_hook_vars *v)
{
    if (argv->n == 0)
        return;
    struct socm_strv a = SOCM_STRV_INIT;
    socm_hooks_expand(argv, v, &a);
    /* In the state directory: never through a link planted there. */
    int dfd = open(h->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct socm_error oerr = {0};
    int fd = dfd < 0 ? -1
                     : socm_dirfd_open(dfd, h->state_dir, "hooks.log",
                                       O_WRONLY | O_CREAT | O_APPEND, 0600, &oerr);
    if (dfd >= 0)
        close(dfd);
    if (fd < 0 && oerr.msg[0] && h->log)
        h->log(h->ctx, oerr.msg);
    struct socm_spawn_opts o;
    socm_spawn_opts_init(&o);
    o.new_pgroup = true;
    o.stdout_fd = o.stderr_fd = fd;
    struct socm_error err = {0};
    pid_t pid = socm_spawn((const char *const *)a.v, &o, &err);
    if (fd >= 0)
        close(fd);
    socm_strv_free(&a);
    if (pid < 0) {
        char *m = socm_asprintf("hook %s failed to start: %s", name, err.msg);
        h->log(h->ctx, m);
        free(m);
        return;
    }
    if (h->n == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 8;
        h->runs = socm_xrealloc(h->runs, h->cap * sizeof *h->runs);
    }
    h->runs[h->n++] = (struct socm_hook_run){pid, socm_pidfd_open(pid), socm_mono() + h->timeout_s,
                                             socm_strdup(name), 0};
}

size_t socm_hooks_pollfds(struct socm_hooks *h, struct pollfd *fds, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < h->n && k < max; i++)
        fds[k++] = (struct pollfd){h->runs[i].pidfd, POLLIN, 0};
    return k;
}

int socm_hooks_timeout_ms(struct socm_hooks *h)
{
    if (h->n == 0)
        return -1;
    double now = socm_mono(), next = h->runs[0].deadline;
    for (size_t i = 1; i < h->n; i++)
        if (h->runs[i].deadline < next)
            next = h->runs[i].deadline;
    double ms = (next - now) * 1000;
    return ms < 0 ? 0 : (int)ms + 1;
}

static void finish(struct socm_hooks *h, size_t i)
{
    struct socm_hook_run *r = &h->runs[i];
    int status = 0;
    waitpid(r->pid, &status, 0);
    if (r->killed || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *m = r->killed ? socm_asprintf("hook %s timed out after %.0f s and was killed",
                                            r->name, h->timeout_s)
                  : WIFEXITED(status)
                      ? socm_asprintf("hook %s failed with exit code %d (see hooks.log)", r->name,
                                      WEXITSTATUS(status))
                      : socm_asprintf("hook %s was killed by signal %d", r->name, WTERMSIG(status));
        h->log(h->ctx, m);
        free(m);
    }
    close(r->pidfd);
    free(r->name);
    h->runs[i] = h->runs[--h->n];
}

void socm_hooks_handle(struct socm_hooks *h, const struct pollfd *fds, size_t n)
{
    double now = socm_mono();
    for (size_t i = 0; i < h->n;) {
        bool ready = false;
        for (size_t k = 0; k < n; k++)
            if (fds[k].fd == h->runs[i].pidfd && fds[k].revents)
                ready = true;
        if (!ready && !h->runs[i].killed && now >= h->runs[i].deadline) {
            kill(-h->runs[i].pid, SIGKILL);
            h->runs[i].killed = 1;
            ready = true; /* SIGKILL cannot be ignored: waitpid returns promptly */
        }
        if (ready)
            finish(h, i);
        else
            i++;
    }
}

void socm_hooks_drain(struct socm_hooks *h)
{
    while (h->n) {
        struct pollfd fds[64];
        size_t n = socm_hooks_pollfds(h, fds, 64);
        poll(fds, n, socm_hooks_timeout_ms(h));
        socm_hooks_handle(h, fds, n);
    }
}

void socm_hooks_free(struct socm_hooks *h)
{
    for (size_t i = 0; i < h->n; i++) {
        close(h->runs[i].pidfd);
        free(h->runs[i].name);
    }
    free(h->runs);
    free(h->state_dir);
    memset(h, 0, sizeof *h);
}

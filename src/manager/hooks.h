/* hooks.h — user notification hooks ([campaign.hooks]): argv arrays with
 * {campaign} {workflow} {id} {state} {exit_code} {state_dir} placeholders, run
 * without blocking the bookkeeper's loop and killed after a timeout. A failing hook
 * is logged, never fatal. Output goes to STATE_DIR/hooks.log. */
#ifndef SOCM_HOOKS_H
#define SOCM_HOOKS_H

#include "util/str.h"

#include <poll.h>
#include <stddef.h>
#include <sys/types.h>

struct socm_hook_vars {
    const char *campaign, *workflow, *state, *state_dir;
    int id;        /* 0 for campaign hooks */
    int exit_code;
};

struct socm_hook_run {
    pid_t pid;
    int pidfd;
    double deadline; /* monotonic */
    char *name;
    int killed;
};

typedef void (*socm_hook_log_fn)(void *ctx, const char *msg);

struct socm_hooks {
    struct socm_hook_run *runs;
    size_t n, cap;
    double timeout_s;
    char *state_dir;
    socm_hook_log_fn log;
    void *ctx;
};

void socm_hooks_init(struct socm_hooks *h, const char *state_dir, double timeout_s,
                     socm_hook_log_fn log, void *ctx);
/* Substitutes the placeholders into a copy of argv (out must be empty). */
void socm_hooks_expand(const struct socm_strv *argv, const struct socm_hook_vars *v,
                       struct socm_strv *out);
/* Starts one hook (nothing if argv is empty). */
void socm_hooks_start(struct socm_hooks *h, const char *name, const struct socm_strv *argv,
                      const struct socm_hook_vars *v);
size_t socm_hooks_pollfds(struct socm_hooks *h, struct pollfd *fds, size_t max);
int socm_hooks_timeout_ms(struct socm_hooks *h);
/* Reaps finished hooks, kills overdue ones. */
void socm_hooks_handle(struct socm_hooks *h, const struct pollfd *fds, size_t n);
/* Waits (bounded by the timeout) for every running hook. */
void socm_hooks_drain(struct socm_hooks *h);
void socm_hooks_free(struct socm_hooks *h);

#endif

/* ext_callback.h — a campaign's event callback ([campaign.hooks] on_event = [argv]):
 * one program per run that reads the campaign's state changes on its stdin, one JSON
 * object a line, exactly as `socm events STATE_DIR --follow` prints them
 * (docs/events.md), until the campaign ends. Its output goes to STATE_DIR/hooks.log.
 * Like a hook, it cannot stop or fail the campaign. */
#ifndef SOCM_EXT_CALLBACK_H
#define SOCM_EXT_CALLBACK_H

#include "util/str.h"

#include <sys/types.h>

struct socm_ext_callback {
    pid_t events, program; /* 0 = not running */
};

typedef void (*socm_ext_callback_log_fn)(void *ctx, const char *msg);

/* Starts `socm events STATE_DIR --follow` piped into argv (nothing if argv is empty);
 * a failure to start is logged. */
void socm_ext_callback_start(struct socm_ext_callback *cb, const char *state_dir,
                             const struct socm_strv *argv, socm_ext_callback_log_fn log, void *ctx);
/* After the campaign's last change is journaled: waits up to timeout_s for both to
 * end (the stream ends with the campaign), then kills what is left; logs a program
 * that failed or had to be killed. */
void socm_ext_callback_finish(struct socm_ext_callback *cb, double timeout_s,
                              socm_ext_callback_log_fn log, void *ctx);

#endif

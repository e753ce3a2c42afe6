/* bookkeeper_impl.h — what the files of the bookkeeper share (bookkeeper.c: the
 * loop and run/resume; bookkeeper_state.c, _output.c, _replay.c, _events.c). Not part
 * of the bookkeeper's interface (bookkeeper.h). */
#ifndef SOCM_BOOKKEEPER_IMPL_H
#define SOCM_BOOKKEEPER_IMPL_H

#include "manager/bookkeeper.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>

int socm_bk_wstate_from(const char *s);

int socm_bk_cstate_from(const char *s);

double socm_bk_now(struct socm_bk *bk);

void socm_bk_jappend(struct socm_bk *bk, json_t *ev);

json_t *socm_bk_wf_event(struct socm_bk *bk, int i, enum socm_wstate st);

/* The group commit: everything decided so far, one write and one fdatasync. Called
 * before anything decided is acted upon. */
bool socm_bk_jsync(struct socm_bk *bk);

/* Before sleeping: what was recorded after the commit (RUNNING, logs) is written for
 * readers such as `socm status`; nothing is acted upon on the strength of it. */
void socm_bk_jflush(struct socm_bk *bk);

void socm_bk_set_state(struct socm_bk *bk, int i, enum socm_wstate st);

void socm_bk_set_campaign(struct socm_bk *bk, enum socm_cstate st, const char *reason);

void socm_bk_heap_push(struct socm_bk *bk, int i);

int socm_bk_heap_pop(struct socm_bk *bk);

void socm_bk_build_index(struct socm_bk *bk);

/* stderr is gone (a closed pipe: `socm run ... 2>&1 | head`; a hung-up terminal):
 * the campaign goes on, its progress only in socm.log and the journal. */
void socm_bk_output_lost(struct socm_bk *bk, const char *why);

void socm_bk_check_stderr(struct socm_bk *bk);

void socm_bk_clear_progress(struct socm_bk *bk);

void socm_bk_draw_progress(struct socm_bk *bk);

void socm_bk_log(struct socm_bk *bk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int socm_bk_apply_cb(void *ctx, json_t *ev, size_t line, struct socm_error *err);

struct socm_bk *socm_bk_new(void);

void socm_bk_free_launch(struct socm_launch *l);

/* Workflow i ended: its dependants may start, or (if it failed or was canceled) are
 * canceled — including those already submitted behind it (afterok), whose jobs
 * could never start. */
void socm_bk_on_final(struct socm_bk *bk, int i);

/* A NEW workflow whose predecessors are all DONE (or chainable) becomes READY; one
 * with a failed or canceled predecessor is canceled (and so, in turn, are its
 * dependants). */
void socm_bk_ready_check(struct socm_bk *bk, int i);

/* Workflow i got a job handle: with an enactor that orders dependencies, its
 * dependants may be handed over now. */
void socm_bk_on_job_known(struct socm_bk *bk, int i);

void socm_bk_run_hook(struct socm_bk *bk, enum socm_hook_kind k, int i, const char *state, int code);

/* What an enactor's handle of workflow i is, for log lines: a Slurm job id or a pid. */
const char *socm_bk_handle_word(const struct socm_bk *bk, int i);

void socm_bk_cb_fault(void *ctx, const char *msg);

void socm_bk_cb_running(void *ctx, int i, int attempt, long job);

/* A supervisor of ours cannot write in its sandbox: its result (which it keeps and
 * writes again until it can), or what it needs to start the command. */
void socm_bk_on_fault_report(struct socm_bk *bk, long pid, int e);

void socm_bk_cb_finished(void *ctx, const struct socm_result *r);

void socm_bk_cb_log(void *ctx, const char *msg);
void socm_bk_cb_accounting(void *ctx, int index, int attempt, double max_rss_mb);

struct socm_launch *socm_bk_new_launch(struct socm_bk *bk, int i, int attempt);

#endif

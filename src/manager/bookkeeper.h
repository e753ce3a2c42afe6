/* bookkeeper.h — the campaign's state machine and event loop. It journals every
 * state change before acting on it, hands READY workflows to an enactor in plan
 * order (early when resources allow), retries, cancels dependants of failures,
 * stops cleanly on SIGINT/SIGTERM, and resumes from the journal alone.
 *
 * Campaign: NEW → PLANNING → EXECUTING → DONE | FAILED | CANCELED.
 * Workflow: NEW, READY, SUBMITTED, RUNNING, DONE, FAILED, CANCELED. */
#ifndef SOCM_BOOKKEEPER_H
#define SOCM_BOOKKEEPER_H

#include "manager/ext_callback.h"
#include "manager/hooks.h"
#include "state/journal.h"
#include "manager/retry.h"
#include "state/spec.h"
#include "state/statedir.h"
#include "socm/enactor.h"

#include <stdbool.h>
#include <stdio.h>

enum socm_cstate { SOCM_C_NEW, SOCM_C_PLANNING, SOCM_C_EXECUTING, SOCM_C_DONE, SOCM_C_FAILED,
                   SOCM_C_CANCELED };
enum socm_wstate { SOCM_W_NEW, SOCM_W_READY, SOCM_W_SUBMITTED, SOCM_W_RUNNING, SOCM_W_DONE,
                   SOCM_W_FAILED, SOCM_W_CANCELED };
const char *socm_cstate_name(enum socm_cstate s);
const char *socm_wstate_name(enum socm_wstate s);

struct socm_wfstate {
    enum socm_wstate state;
    int attempts;         /* attempts started (or journaled as submitted) */
    double not_before;    /* retry back-off, enactor clock */
    bool in_heap;
    bool ready_held;      /* READY not yet journaled: dropped if submitted before the commit */
    double ready_t;
    bool interrupted;     /* CANCELED because the manager was stopped: resume re-runs it */
    int exit_code, signal;
    double submit_t, start, end, elapsed_s, max_rss_mb, cpu_s;
    long job;
    char *reason;
    int64_t *cores;       /* placement of the current/last attempt */
    size_t ncores;
    struct socm_launch *launch; /* while with the enactor */
    int growths;          /* walltime growths after a TIMEOUT (grow_walltime_on_timeout) */
    int retry_base;       /* attempts before the last `socm retry`: max_retries counts from it */
    bool pred_canceled;   /* being canceled for `reason` (a predecessor failed, fail_fast) */
    int hist_pending;     /* 1 + outcome of the last attempt, whose history record waits
                             for its max_rss_mb (NAN until the enactor's accounting()) */
};

struct socm_run_opts {
    const char *enactor;  /* NULL = the spec's */
    int64_t cores;        /* 0 = enactor default */
    double memory_mb;     /* 0 = enactor default */
    bool simulate;
    bool tty;             /* one live progress line instead of log lines */
    bool quiet;           /* no progress output (the log file still gets it) */
    /* Template variables of the campaign files (the library's -D and --values; the
     * command line passes its own to the run pipeline): owned by the library's
     * socm_run_opts_free, read only while loading. */
    struct socm_strv defines;
    const char *values;
};

/* The tag `socm cancel` puts on the SIGTERM it sends a manager (socm_pidfd_signal_tagged),
 * so that the campaign ends "canceled by `socm cancel`", not "interrupted by TERM". */
#define SOCM_CANCEL_TAG 0x736f636d

struct socm_bk {
    struct socm_spec spec;
    struct socm_wfstate *w;
    enum socm_cstate cstate;
    char *creason;
    double t_begin, t_end;     /* first/last journal times */
    int interrupt_signal;      /* set once stopping */
    bool cancel_asked;         /* that signal came from `socm cancel` (SOCM_CANCEL_TAG) */
    bool resumed;
    bool cancel_pending;       /* `socm cancel` found no manager: the next resume stops */
    long manager_pid;          /* of the last run/resume (journal) */
    /* running */
    struct socm_statedir sd;   /* the state directory, locked for this manager's life */
    struct socm_journal j;
    struct socm_enactor *e;
    struct socm_hooks hooks;
    struct socm_ext_callback callback; /* on_event */
    struct socm_run_opts opts;
    FILE *log;
    int *rank;                 /* plan order position by index */
    int *heap;                 /* READY indexes by rank */
    size_t nheap;
    int *held;                 /* workflows with ready_held set */
    size_t *succ_off;          /* successors in CSR form: those of i are */
    int *succ;                 /* succ[succ_off[i] .. succ_off[i + 1]) */
    size_t nheld;
    size_t count[SOCM_W_CANCELED + 1];
    struct socm_error *err;
    bool failed_io;
    bool resched;              /* something ended: schedule again before sleeping */
    int progress_len;
    bool progress_off;         /* the run has ended: no more live line */
    struct socm_history *history; /* opened at the first finished run */
    bool history_off;          /* opening it failed once: stop trying (logged) */
};

/* Replays STATE_DIR's journal into a bookkeeper (no enactor, nothing started): for
 * status, report and resume. */
struct socm_bk *socm_bk_load(const char *state_dir, struct socm_error *err);
void socm_bk_free(struct socm_bk *bk);

/* Runs a new campaign: creates the state directory and journal (refusing an existing
 * one), checks the deadline, executes. Takes ownership of *spec. Returns the exit
 * code (0 DONE, 1 FAILED, 130/143 interrupted) or -1 with err filled. */
int socm_bk_run(struct socm_spec *spec, const struct socm_run_opts *o, struct socm_error *err);
/* Resumes from STATE_DIR (see issue: DONE never re-run, live supervisors re-attached,
 * results collected, only work whose supervisor is gone restarted). */
int socm_bk_resume(const char *state_dir, const struct socm_run_opts *o, struct socm_error *err);
/* A resume that first runs again what `r` selects (manager/retry.h): the choice is
 * journaled ("retry_request", then each workflow NEW again, "retried": true) before
 * anything starts; DONE work is never touched. Same exit codes as resume. */
int socm_bk_retry(const char *state_dir, const struct socm_run_opts *o,
                  const struct socm_retry_req *r, struct socm_error *err);

/* Records durably in STATE_DIR's journal that the campaign is canceled while no
 * manager runs it: the next resume collects what the supervisors leave and ends the
 * campaign CANCELED without starting anything (as a stopped `socm run` does). */
int socm_bk_request_cancel(const char *state_dir, struct socm_error *err);

/* STATE_DIR/workflows/<name> of workflow index i (malloc'd). */
char *socm_bk_sandbox(const struct socm_spec *spec, const char *state_dir, int i);

/* Applies one journal event to the in-memory state (used by replay). */
int socm_bk_apply(struct socm_bk *bk, json_t *ev, size_t line, struct socm_error *err);

#endif

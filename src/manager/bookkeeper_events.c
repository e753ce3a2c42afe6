/* bookkeeper_events.c — what happens while a campaign runs: readiness, final
 * states, hooks, the enactor's callbacks (running, finished, log), recorded history,
 * infrastructure faults, cancel requests and sandboxes. */
#include "manager/bookkeeper_impl.h"
#include "state/outcome.h"
#include "manager/progress_line.h"
#include "enactors/enactor_sites.h"
#include "state/record.h"
#include "agents/supervise.h"
#include "predict/history.h"
#include "slurm/slurm.h"
#include "util/dirfd.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
/* ---- state changes while running ---- */


static void cancel_wf(struct socm_bk *bk, int i, const char *why)
{
    json_t *ev = socm_bk_wf_event(bk, i, SOCM_W_CANCELED);
    json_object_set_new(ev, "reason", json_string(why));
    socm_bk_jappend(bk, ev);
    free(bk->w[i].reason);
    bk->w[i].reason = socm_strdup(why);
    socm_bk_set_state(bk, i, SOCM_W_CANCELED);
    socm_bk_log(bk, "%s CANCELED (%s)", bk->spec.tasks[i].name, why);
    socm_bk_on_final(bk, i);
}

/* A TIMEOUT of task i may still be resubmitted with a longer walltime. */
static bool can_grow(const struct socm_bk *bk, int i)
{
    const struct socm_task *t = &bk->spec.tasks[i];
    return t->grow_walltime && t->walltime_min > 0 && bk->w[i].growths < SOCM_WALLTIME_GROWTHS &&
           (t->walltime_cap_min <= 0 || t->walltime_min < t->walltime_cap_min);
}

/* With an enactor that orders dependencies: predecessor p is submitted with a job
 * handle, and its current attempt is its last (no retry, no walltime growth would
 * replace the job a dependant waits on, which Slurm's afterok could never see). */
static bool chainable(const struct socm_bk *bk, int p)
{
    const struct socm_wfstate *w = &bk->w[p];
    if (!bk->e || !bk->e->orders_dependencies || !w->launch || w->launch->job <= 0 ||
        (w->state != SOCM_W_SUBMITTED && w->state != SOCM_W_RUNNING))
        return false;
    return w->attempts - w->retry_base - w->growths > bk->spec.tasks[p].max_retries &&
           !can_grow(bk, p);
}

/* A NEW workflow whose predecessors are all DONE (or chainable) becomes READY; one
 * with a failed or canceled predecessor is canceled (and so, in turn, are its
 * dependants). */
void socm_bk_ready_check(struct socm_bk *bk, int i)
{
    struct socm_wfstate *w = &bk->w[i];
    if (w->state != SOCM_W_NEW)
        return;
    const struct socm_task *t = &bk->spec.tasks[i];
    bool all_done = true;
    for (size_t k = 0; k < t->npred; k++) {
        const struct socm_wfstate *p = &bk->w[t->pred[k]];
        if (p->state == SOCM_W_FAILED || (p->state == SOCM_W_CANCELED && !p->interrupted)) {
            char why[512];
            snprintf(why, sizeof why, "predecessor %s %s", bk->spec.tasks[t->pred[k]].name,
                     p->state == SOCM_W_FAILED ? "failed" : "was canceled");
            cancel_wf(bk, i, why);
            return;
        }
        if (p->state != SOCM_W_DONE && !chainable(bk, t->pred[k]))
            all_done = false;
    }
    if (!all_done)
        return;
    socm_bk_set_state(bk, i, SOCM_W_READY);
    if (bk->j.fd >= 0) { /* journaled at the next commit, unless submitted before it */
        w->ready_held = true;
        w->ready_t = socm_bk_now(bk);
        bk->held[bk->nheld++] = i;
    }
    socm_bk_heap_push(bk, i);
}

/* Workflow i ended: its dependants may start, or (if it failed or was canceled) are
 * canceled — including those already submitted behind it (afterok), whose jobs
 * could never start. */
void socm_bk_on_final(struct socm_bk *bk, int i)
{
    enum socm_wstate st = bk->w[i].state;
    bool bad = st == SOCM_W_FAILED || (st == SOCM_W_CANCELED && !bk->w[i].interrupted);
    for (size_t k = bk->succ_off[i]; k < bk->succ_off[i + 1]; k++) {
        int j = bk->succ[k];
        struct socm_wfstate *w = &bk->w[j];
        if (bad && bk->e && (w->state == SOCM_W_SUBMITTED || w->state == SOCM_W_RUNNING)) {
            free(w->reason);
            w->reason = socm_asprintf("predecessor %s %s", bk->spec.tasks[i].name,
                                      st == SOCM_W_FAILED ? "failed" : "was canceled");
            w->pred_canceled = true;
            socm_bk_log(bk, "%s: canceling (%s)", bk->spec.tasks[j].name, w->reason);
            bk->e->ops->cancel(bk->e, j);
            continue;
        }
        socm_bk_ready_check(bk, j);
    }
}

/* Workflow i got a job handle: with an enactor that orders dependencies, its
 * dependants may be handed over now. */
void socm_bk_on_job_known(struct socm_bk *bk, int i)
{
    if (!bk->e || !bk->e->orders_dependencies)
        return;
    for (size_t k = bk->succ_off[i]; k < bk->succ_off[i + 1]; k++)
        if (bk->w[bk->succ[k]].state == SOCM_W_NEW) {
            socm_bk_ready_check(bk, bk->succ[k]);
            bk->resched = true;
        }
}

void socm_bk_run_hook(struct socm_bk *bk, enum socm_hook_kind k, int i, const char *state, int code)
{
    if (bk->spec.hooks[k].n == 0 || bk->opts.simulate)
        return;
    if (!socm_bk_jsync(bk)) /* the change the hook reports is durable first */
        return;
    struct socm_hook_vars v = {bk->spec.campaign, i >= 0 ? bk->spec.tasks[i].name : "", state,
                               bk->spec.state_dir, i >= 0 ? bk->spec.tasks[i].id : 0, code};
    socm_hooks_start(&bk->hooks, socm_hook_names[k], &bk->spec.hooks[k], &v);
}

static void cancel_all(struct socm_bk *bk, const char *why)
{
    if (!socm_bk_jsync(bk)) /* the failure that causes it is durable before anything is stopped */
        return;
    for (size_t i = 0; i < bk->spec.n; i++) {
        enum socm_wstate st = bk->w[i].state;
        if (st == SOCM_W_NEW || st == SOCM_W_READY)
            cancel_wf(bk, (int)i, why);
        else if ((st == SOCM_W_SUBMITTED || st == SOCM_W_RUNNING) && bk->e) {
            /* Its end is logged and journaled with this reason, not the enactor's. */
            free(bk->w[i].reason);
            bk->w[i].reason = socm_strdup(why);
            bk->w[i].pred_canceled = true;
            bk->e->ops->cancel(bk->e, (int)i);
        }
    }
}

/* What an enactor's handle of workflow i is, for log lines: a Slurm job id or a pid. */
const char *socm_bk_handle_word(const struct socm_bk *bk, int i)
{
    const char *en = bk->spec.nsites ? bk->spec.sites[bk->spec.tasks[i].site].enactor : bk->spec.enactor;
    return en && socm_str_startswith(en, "slurm-") ? "Slurm job" : "pid";
}

void socm_bk_cb_running(void *ctx, int i, int attempt, long job)
{
    struct socm_bk *bk = ctx;
    struct socm_wfstate *w = &bk->w[i];
    w->job = job;
    w->start = socm_bk_now(bk);
    json_t *ev = socm_bk_wf_event(bk, i, SOCM_W_RUNNING);
    json_object_set_new(ev, "attempt", json_integer(attempt));
    json_object_set_new(ev, "job", json_integer(job));
    socm_bk_jappend(bk, ev);
    socm_bk_set_state(bk, i, SOCM_W_RUNNING);
    if (job > 0)
        socm_bk_log(bk, "%s RUNNING (attempt %d, %s %ld)", bk->spec.tasks[i].name, attempt, socm_bk_handle_word(bk, i), job);
    else
        socm_bk_log(bk, "%s RUNNING (attempt %d)", bk->spec.tasks[i].name, attempt);
    if (job > 0)
        socm_bk_on_job_known(bk, i);
}

static void merge_event(json_t *dst, json_t *src)
{
    json_object_update(dst, src);
    json_decref(src);
}

/* Writes a finished attempt into the run history; a failure is logged, never fatal. */
static void record_history(struct socm_bk *bk, const struct socm_result *r)
{
    const struct socm_task *t = &bk->spec.tasks[r->index];
    if (!bk->spec.history_db || (!t->history && !t->history_text) || bk->opts.simulate ||
        bk->history_off ||
        r->outcome == SOCM_OUT_CANCELED || r->outcome == SOCM_OUT_LOST ||
        r->outcome == SOCM_OUT_SYSTEM)
        return;
    struct socm_error e = {0};
    if (!bk->history && !(bk->history = socm_history_open(bk->spec.history_db, &e))) {
        socm_bk_log(bk, "history %s: %s (runs are not recorded)", bk->spec.history_db, e.msg);
        bk->history_off = true;
        return;
    }
    const char *resource = bk->e ? bk->e->ops->name : "local";
    char where[32] = "local";
    if (strcmp(resource, "local") != 0 && bk->w[r->index].job > 0) /* a Slurm job id */
        snprintf(where, sizeof where, "%ld", bk->w[r->index].job);
    json_t *prepared = socm_task_history(t);
    if (socm_record_result(bk->history, prepared, bk->spec.campaign, r, resource, where, &e) != 0)
        socm_bk_log(bk, "%s: not recorded in the history: %s", t->name, e.msg);
    json_decref(prepared);
}

/* socm itself cannot do its part (a file it cannot write, a process it cannot
 * start): not a workflow's failure. Nothing new starts and the manager stops with
 * exit 3 and the reason; the workflows stay as the journal has them (no attempt
 * ended, nothing FAILED or CANCELED), and `socm resume` goes on once the cause is
 * fixed. The first fault is the one reported. */
static void infra_fault(struct socm_bk *bk, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void infra_fault(struct socm_bk *bk, const char *fmt, ...)
{
    if (bk->failed_io)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    socm_error_set(bk->err, SOCM_E_SYSTEM,
                   "%s; stopping: nothing failed, `socm resume %s` goes on once that is fixed", msg,
                   bk->spec.state_dir);
    if (bk->log) /* stderr gets it from the command's own error message */
        fprintf(bk->log, "%s\n", bk->err->msg);
    bk->failed_io = true;
}

/* A supervisor of ours cannot write in its sandbox: its result (which it keeps and
 * writes again until it can), or what it needs to start the command. */
void socm_bk_on_fault_report(struct socm_bk *bk, long pid, int e)
{
    for (size_t i = 0; i < bk->spec.n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        if (w->job == pid && (w->state == SOCM_W_RUNNING || w->state == SOCM_W_SUBMITTED)) {
            char *sb = socm_bk_sandbox(&bk->spec, bk->spec.state_dir, (int)i);
            infra_fault(bk, "%s: its supervisor cannot write in %s: %s",
                        bk->spec.tasks[i].name, sb, strerror(e));
            free(sb);
            return;
        }
    }
    socm_bk_log(bk, "ignored a fault report from pid %ld, which supervises nothing of this campaign",
           pid);
}

/* An enactor could not do what it was asked (socm_enactor_fault): the manager stops,
 * exit 3, with the work left as it is for a resume. */
void socm_bk_cb_fault(void *ctx, const char *msg)
{
    infra_fault(ctx, "%s", msg);
}

void socm_bk_cb_finished(void *ctx, const struct socm_result *r)
{
    struct socm_bk *bk = ctx;
    int i = r->index;
    struct socm_wfstate *w = &bk->w[i];
    const struct socm_task *t = &bk->spec.tasks[i];
    bk->resched = true;
    if (w->launch) {
        socm_bk_free_launch(w->launch);
        w->launch = NULL;
    }
    if (r->outcome == SOCM_OUT_SYSTEM) {
        infra_fault(bk, "%s: %s", t->name, r->reason ? r->reason : "socm could not start it");
        return;
    }
    w->exit_code = r->exit_code;
    w->signal = r->signal;
    w->start = r->start;
    w->end = r->end;
    w->elapsed_s = r->elapsed_s;
    w->max_rss_mb = r->max_rss_mb;
    w->cpu_s = r->cpu_s;
    /* A dependant canceled because its predecessor failed keeps that reason. */
    bool pred_gone = r->outcome == SOCM_OUT_CANCELED && w->pred_canceled;
    w->pred_canceled = false;
    if (!pred_gone) {
        free(w->reason);
        w->reason = r->reason ? socm_strdup(r->reason) : NULL;
    }
    const char *reason = w->reason;
    json_t *res = json_pack("{s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:f}", "attempt", r->attempt,
                            "outcome", socm_outcome_name(r->outcome), "exit_code", r->exit_code,
                            "signal", r->signal, "start", r->start, "end", r->end, "elapsed_s",
                            r->elapsed_s, "cpu_s", r->cpu_s);
    json_object_set_new(res, "max_rss_mb", isfinite(r->max_rss_mb) ? json_real(r->max_rss_mb) : json_null());
    if (reason)
        json_object_set_new(res, "reason", json_string(reason));
    w->hist_pending = 0;
    if (isfinite(r->max_rss_mb))
        record_history(bk, r);
    else /* recorded when socm_bk_cb_accounting brings it: a 0 would teach the memory model */
        w->hist_pending = 1 + (int)r->outcome;

    if (r->outcome == SOCM_OUT_DONE) {
        merge_event(res, socm_bk_wf_event(bk, i, SOCM_W_DONE));
        socm_bk_jappend(bk, res);
        socm_bk_set_state(bk, i, SOCM_W_DONE);
        if (isfinite(r->max_rss_mb))
            socm_bk_log(bk, "%s DONE in %.1f s (max RSS %.0f MB)", t->name, r->elapsed_s, r->max_rss_mb);
        else
            socm_bk_log(bk, "%s DONE in %.1f s (max RSS not known yet)", t->name, r->elapsed_s);
        socm_bk_run_hook(bk, SOCM_HOOK_WF_DONE, i, "DONE", r->exit_code);
        socm_bk_on_final(bk, i);
        return;
    }
    if (r->outcome == SOCM_OUT_CANCELED ||
        (r->outcome == SOCM_OUT_LOST && bk->interrupt_signal)) {
        merge_event(res, socm_bk_wf_event(bk, i, SOCM_W_CANCELED));
        if (bk->interrupt_signal) {
            json_object_set_new(res, "interrupted", json_true());
            w->interrupted = true;
        }
        socm_bk_jappend(bk, res);
        socm_bk_set_state(bk, i, SOCM_W_CANCELED);
        socm_bk_log(bk, "%s CANCELED (%s)", t->name,
               bk->cancel_asked || bk->cancel_pending ? "canceled by `socm cancel`"
               : bk->interrupt_signal                 ? "manager stopped"
               : reason                               ? reason
                                                      : "stopped on request");
        if (!bk->interrupt_signal)
            socm_bk_on_final(bk, i);
        return;
    }
    /* Hit its walltime, with grow_walltime_on_timeout: again at once, longer; this
     * does not count against max_retries. */
    bool grow = r->outcome == SOCM_OUT_TIMEOUT && can_grow(bk, i) && !bk->interrupt_signal;
    /* failed, timed out, or could not be started */
    int tries = w->attempts - w->retry_base - w->growths; /* since the last `socm retry` */
    if (grow || (tries <= t->max_retries && !bk->interrupt_signal)) {
        double delay = bk->spec.retry_backoff_s * pow(2, tries - 1);
        if (delay > 60)
            delay = 60;
        if (grow) {
            struct socm_task *gt = &bk->spec.tasks[i];
            double old = gt->walltime_min;
            /* At least a whole minute past the old limit rounded up: Slurm counts
             * whole minutes, so 0.4 → 0.6 min would be the same 1-minute limit. */
            gt->walltime_min = fmax(old * SOCM_WALLTIME_GROWTH, ceil(old) + 1);
            if (gt->walltime_cap_min > 0 && gt->walltime_min > gt->walltime_cap_min)
                gt->walltime_min = gt->walltime_cap_min;
            w->growths++;
            delay = 0;
            json_object_set_new(res, "walltime_min", json_real(gt->walltime_min));
            /* The limit the enactor enforced: Slurm's --time is whole minutes. */
            double step = bk->e ? socm_enactor_walltime_step(bk->e, i) : 0;
            double hit = step > 0 ? ceil(old / step - 1e-9) * step : old;
            socm_bk_log(bk, "%s hit its walltime of %.*f min: resubmitting with %.1f min (growth %d of %d)",
                   t->name, step >= 1 ? 0 : 1, hit, gt->walltime_min, w->growths, SOCM_WALLTIME_GROWTHS);
        }
        w->not_before = socm_bk_now(bk) + delay;
        json_object_set_new(res, "ev", json_string("retry"));
        json_object_set_new(res, "id", json_integer(t->id));
        json_object_set_new(res, "name", json_string(t->name));
        json_object_set_new(res, "not_before", json_real(w->not_before));
        socm_bk_jappend(bk, res);
        socm_bk_set_state(bk, i, SOCM_W_READY);
        socm_bk_heap_push(bk, i);
        socm_bk_log(bk, "%s attempt %d %s (%s); retrying in %.1f s", t->name, w->attempts,
               socm_outcome_name(r->outcome), reason ? reason : "", delay);
        return;
    }
    merge_event(res, socm_bk_wf_event(bk, i, SOCM_W_FAILED));
    socm_bk_jappend(bk, res);
    socm_bk_set_state(bk, i, SOCM_W_FAILED);
    socm_bk_log(bk, "%s FAILED after %d attempt%s: %s", t->name, w->attempts,
           w->attempts == 1 ? "" : "s", reason ? reason : socm_outcome_name(r->outcome));
    socm_bk_run_hook(bk, SOCM_HOOK_WF_FAILED, i, "FAILED", r->exit_code);
    socm_bk_on_final(bk, i);
    if (bk->spec.fail_fast && !bk->interrupt_signal) {
        char why[512];
        snprintf(why, sizeof why, "fail_fast: %s failed", t->name);
        cancel_all(bk, why);
    }
}

/* The peak memory of an ended attempt, which Slurm's accounting gave only later:
 * journaled, and the run recorded in the history now that it is complete. */
void socm_bk_cb_accounting(void *ctx, int i, int attempt, double max_rss_mb)
{
    struct socm_bk *bk = ctx;
    struct socm_wfstate *w = &bk->w[i];
    const struct socm_task *t = &bk->spec.tasks[i];
    if (!isfinite(max_rss_mb))
        return;
    socm_bk_jappend(bk, json_pack("{s:s,s:i,s:s,s:i,s:f}", "ev", "acct", "id", t->id, "name", t->name,
                                  "attempt", attempt, "max_rss_mb", max_rss_mb));
    if (attempt != w->attempts)
        return; /* a later attempt has its own figures */
    w->max_rss_mb = max_rss_mb;
    socm_bk_log(bk, "%s attempt %d: max RSS %.0f MB (from accounting, after its end)", t->name, attempt,
                max_rss_mb);
    if (w->hist_pending) {
        struct socm_result r = {.index = i, .attempt = attempt, .outcome = w->hist_pending - 1,
                                .exit_code = w->exit_code, .signal = w->signal, .start = w->start,
                                .end = w->end, .elapsed_s = w->elapsed_s, .max_rss_mb = max_rss_mb,
                                .cpu_s = w->cpu_s, .reason = w->reason};
        w->hist_pending = 0;
        record_history(bk, &r);
    }
}

void socm_bk_cb_log(void *ctx, const char *msg)
{
    struct socm_bk *bk = ctx;
    socm_bk_log(bk, "%s", msg);
    socm_bk_jappend(bk, json_pack("{s:s,s:s}", "ev", "log", "msg", msg));
}

int socm_bk_request_cancel(const char *state_dir, struct socm_error *err)
{
    /* Under the manager lock: no resume can start between our look and our write (if
     * one holds it, the caller signals that manager instead). */
    struct socm_statedir sd;
    if (socm_statedir_open(&sd, state_dir, 0, err) != 0)
        return -1;
    long long valid = -1;
    struct socm_journal j = {.fd = -1};
    int rc = -1;
    if (socm_statedir_lock(&sd, "cancel", NULL, err) == 0 &&
        socm_journal_replay_at(sd.fd, sd.path, NULL, NULL, &valid, err) == 0 &&
        socm_journal_open_at(&j, sd.fd, sd.path, false, valid, err) == 0) {
        rc = socm_journal_write(&j, json_pack("{s:s,s:i}", "ev", "cancel", "pid", (int)getpid()),
                                err);
        socm_journal_close(&j);
    }
    socm_statedir_close(&sd);
    return rc;
}

char *socm_bk_sandbox(const struct socm_spec *spec, const char *state_dir, int i)
{
    /* The name becomes one path component under workflows/: '/', '%' and a leading
     * '.' (".", "..", hidden) are percent-encoded, so no name can leave the directory
     * and two names never share a sandbox. */
    const char *n = spec->tasks[i].name;
    struct socm_buf b = {0};
    if (!*n)
        socm_buf_puts(&b, "%");
    for (const char *p = n; *p; p++) {
        if (*p == '/' || *p == '%' || (p == n && *p == '.'))
            socm_buf_printf(&b, "%%%02X", (unsigned char)*p);
        else
            socm_buf_putc(&b, *p);
    }
    char *enc = socm_buf_steal(&b);
    char *s = socm_asprintf("%s/workflows/%s", state_dir, enc);
    free(enc);
    return s;
}

static char *sandbox_of(struct socm_bk *bk, int i)
{
    return socm_bk_sandbox(&bk->spec, bk->spec.state_dir, i);
}

struct socm_launch *socm_bk_new_launch(struct socm_bk *bk, int i, int attempt)
{
    struct socm_launch *l = socm_xcalloc(1, sizeof *l);
    l->index = i;
    l->attempt = attempt;
    l->task = &bk->spec.tasks[i];
    l->sandbox = sandbox_of(bk, i);
    /* Predecessors still running or queued: the enactor makes this one wait for them. */
    const struct socm_task *t = l->task;
    for (size_t k = 0; bk->e && bk->e->orders_dependencies && k < t->npred; k++) {
        const struct socm_wfstate *p = &bk->w[t->pred[k]];
        if (p->state == SOCM_W_DONE || !p->launch || p->launch->job <= 0)
            continue;
        l->after = socm_xrealloc(l->after, (l->nafter + 1) * sizeof *l->after);
        l->after[l->nafter++] = p->launch->job;
    }
    return l;
}


/* Hands READY work to the enactor in plan order; whatever fits starts now. Returns
 * the earliest retry time still waiting (or 0). */

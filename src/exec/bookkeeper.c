/* bookkeeper.c — campaign and workflow state machine, journal replay and the event
 * loop that drives an enactor (see bookkeeper.h). */
#include "exec/bookkeeper.h"
#include "exec/progress_line.h"
#include "exec/enactor_sites.h"
#include "exec/record.h"
#include "exec/supervise.h"
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

static const char *const cnames[] = {"NEW", "PLANNING", "EXECUTING", "DONE", "FAILED", "CANCELED"};
static const char *const wnames[] = {"NEW",  "READY",  "SUBMITTED", "RUNNING",
                                     "DONE", "FAILED", "CANCELED"};

const char *socm_cstate_name(enum socm_cstate s) { return cnames[s]; }
const char *socm_wstate_name(enum socm_wstate s) { return wnames[s]; }

static int wstate_from(const char *s)
{
    for (int i = 0; i <= SOCM_W_CANCELED; i++)
        if (!strcmp(s, wnames[i]))
            return i;
    return -1;
}

static int cstate_from(const char *s)
{
    for (int i = 0; i <= SOCM_C_CANCELED; i++)
        if (!strcmp(s, cnames[i]))
            return i;
    return -1;
}

static double bk_now(struct socm_bk *bk)
{
    return bk->e ? socm_enactor_now(bk->e) : socm_now();
}

/* ---- output: socm.log always; stderr as timestamped lines or one live line ---- */

/* stderr is gone (a closed pipe: `socm run ... 2>&1 | head`; a hung-up terminal):
 * the campaign goes on, its progress only in socm.log and the journal. */
static void output_lost(struct socm_bk *bk, const char *why)
{
    clearerr(stderr);
    if (bk->opts.quiet && !bk->opts.tty)
        return;
    bk->opts.quiet = true;
    bk->opts.tty = false;
    bk->progress_len = 0;
    if (bk->log) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(bk->log, "%s %s: no more output to the terminal; the campaign goes on "
                         "(progress in socm.log, `socm status`)\n", ts, why);
    }
}

static void check_stderr(struct socm_bk *bk)
{
    if (ferror(stderr))
        output_lost(bk, "stderr is gone (a write to it failed: closed pipe or terminal)");
}

static void clear_progress(struct socm_bk *bk)
{
    if (bk->opts.tty && bk->progress_len) {
        fputs("\r\033[K", stderr);
        bk->progress_len = 0;
    }
}

static void draw_progress(struct socm_bk *bk)
{
    if (!bk->opts.tty || bk->opts.quiet || !bk->e || bk->progress_off)
        return;
    double now = bk_now(bk);
    size_t ended = bk->count[SOCM_W_DONE] + bk->count[SOCM_W_FAILED] + bk->count[SOCM_W_CANCELED];
    double eta = bk->t_begin + bk->spec.makespan_min * 60 - now;
    struct socm_progress p = {bk->spec.campaign, bk->count[SOCM_W_DONE], bk->spec.n,
                              bk->count[SOCM_W_RUNNING] + bk->count[SOCM_W_SUBMITTED],
                              bk->count[SOCM_W_FAILED], bk->count[SOCM_W_CANCELED], now - bk->t_begin,
                              ended < bk->spec.n ? eta : -1};
    char line[512];
    /* Fitted to the width at each redraw: the terminal may have been resized. */
    socm_progress_format(&p, socm_progress_columns(2), line, sizeof line);
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    bk->progress_len = 1;
}

static void bk_logv(struct socm_bk *bk, const char *fmt, va_list ap)
{
    char raw[1024];
    vsnprintf(raw, sizeof raw, fmt, ap);
    /* One event, one line: a control character from a name or a message cannot
     * forge another line or move the terminal's cursor. */
    struct socm_buf esc = SOCM_BUF_INIT;
    socm_buf_put_escaped(&esc, raw, strlen(raw));
    const char *msg = esc.data ? esc.data : "";
    time_t t = (time_t)bk_now(bk);
    struct tm tm;
    gmtime_r(&t, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (bk->log) /* flushed with the journal, once per loop iteration */
        fprintf(bk->log, "%s %s\n", ts, msg);
    if (!bk->opts.quiet && bk->opts.tty) {
        clear_progress(bk);
        fprintf(stderr, "%s\n", msg);
        draw_progress(bk);
    } else if (!bk->opts.quiet)
        fprintf(stderr, "%s %s\n", ts, msg);
    socm_buf_free(&esc);
}

static void bk_log(struct socm_bk *bk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bk_log(struct socm_bk *bk, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bk_logv(bk, fmt, ap);
    va_end(ap);
}

/* ---- journal ---- */

static void jappend(struct socm_bk *bk, json_t *ev)
{
    if (bk->j.fd >= 0 && !bk->failed_io) {
        json_object_set_new(ev, "t", json_real(bk_now(bk)));
        if (socm_journal_append(&bk->j, ev, bk->err) != 0)
            bk->failed_io = true;
    }
    json_decref(ev);
}

static json_t *wf_event(struct socm_bk *bk, int i, enum socm_wstate st)
{
    return json_pack("{s:s,s:i,s:s,s:s}", "ev", "wf", "id", bk->spec.tasks[i].id, "name",
                     bk->spec.tasks[i].name, "state", wnames[st]);
}

/* READY is journaled lazily: a workflow that becomes READY and is submitted within
 * the same group commit needs no READY line (replay derives it; its SUBMITTED line
 * follows at once). Those still waiting for room are journaled at the commit. */
static void append_held(struct socm_bk *bk)
{
    for (size_t k = 0; k < bk->nheld; k++) {
        struct socm_wfstate *w = &bk->w[bk->held[k]];
        if (!w->ready_held)
            continue;
        w->ready_held = false;
        if (bk->j.fd < 0 || bk->failed_io)
            continue;
        json_t *ev = wf_event(bk, bk->held[k], SOCM_W_READY);
        json_object_set_new(ev, "t", json_real(w->ready_t));
        if (socm_journal_append(&bk->j, ev, bk->err) != 0)
            bk->failed_io = true;
        json_decref(ev);
    }
    bk->nheld = 0;
}

/* The group commit: everything decided so far, one write and one fdatasync. Called
 * before anything decided is acted upon. */
static bool jsync(struct socm_bk *bk)
{
    append_held(bk);
    if (bk->log)
        fflush(bk->log);
    if (bk->j.fd >= 0 && !bk->failed_io && socm_journal_sync(&bk->j, bk->err) != 0)
        bk->failed_io = true;
    struct socm_error e = {0};
    if (bk->history && socm_history_commit(bk->history, &e) != 0) /* this turn's runs */
        bk_log(bk, "runs not recorded in the history: %s", e.msg);
    return !bk->failed_io;
}

/* Before sleeping: what was recorded after the commit (RUNNING, logs) is written for
 * readers such as `socm status`; nothing is acted upon on the strength of it. */
static void jflush(struct socm_bk *bk)
{
    append_held(bk);
    if (bk->log)
        fflush(bk->log);
    if (bk->j.fd >= 0 && !bk->failed_io && socm_journal_flush(&bk->j, bk->err) != 0)
        bk->failed_io = true;
}

static void set_state(struct socm_bk *bk, int i, enum socm_wstate st)
{
    if (st != SOCM_W_READY)
        bk->w[i].ready_held = false;
    bk->count[bk->w[i].state]--;
    bk->count[st]++;
    bk->w[i].state = st;
}

static void set_campaign(struct socm_bk *bk, enum socm_cstate st, const char *reason)
{
    bk->cstate = st;
    free(bk->creason);
    bk->creason = reason ? socm_strdup(reason) : NULL;
    json_t *ev = json_pack("{s:s,s:s}", "ev", "campaign", "state", cnames[st]);
    if (reason)
        json_object_set_new(ev, "reason", json_string(reason));
    jappend(bk, ev);
}

/* ---- ready heap, ordered by plan (start, id) ---- */

static bool heap_less(struct socm_bk *bk, int a, int b) { return bk->rank[a] < bk->rank[b]; }

static void heap_push(struct socm_bk *bk, int i)
{
    if (bk->w[i].in_heap)
        return;
    bk->w[i].in_heap = true;
    size_t k = bk->nheap++;
    bk->heap[k] = i;
    while (k > 0 && heap_less(bk, bk->heap[k], bk->heap[(k - 1) / 2])) {
        int t = bk->heap[k];
        bk->heap[k] = bk->heap[(k - 1) / 2];
        bk->heap[(k - 1) / 2] = t;
        k = (k - 1) / 2;
    }
}

static int heap_pop(struct socm_bk *bk)
{
    int top = bk->heap[0];
    bk->w[top].in_heap = false;
    bk->heap[0] = bk->heap[--bk->nheap];
    size_t k = 0;
    for (;;) {
        size_t l = 2 * k + 1, r = l + 1, m = k;
        if (l < bk->nheap && heap_less(bk, bk->heap[l], bk->heap[m]))
            m = l;
        if (r < bk->nheap && heap_less(bk, bk->heap[r], bk->heap[m]))
            m = r;
        if (m == k)
            break;
        int t = bk->heap[k];
        bk->heap[k] = bk->heap[m];
        bk->heap[m] = t;
        k = m;
    }
    return top;
}

static const struct socm_spec *cmp_spec;
static int cmp_plan(const void *a, const void *b)
{
    const struct socm_task *x = &cmp_spec->tasks[*(const int *)a];
    const struct socm_task *y = &cmp_spec->tasks[*(const int *)b];
    if (x->plan_start != y->plan_start)
        return x->plan_start < y->plan_start ? -1 : 1;
    return x->id - y->id;
}

static void build_index(struct socm_bk *bk)
{
    size_t n = bk->spec.n;
    bk->w = socm_xcalloc(n ? n : 1, sizeof *bk->w);
    bk->count[SOCM_W_NEW] = n;
    bk->rank = socm_xcalloc(n ? n : 1, sizeof *bk->rank);
    bk->heap = socm_xcalloc(n ? n : 1, sizeof *bk->heap);
    bk->held = socm_xcalloc(n ? n : 1, sizeof *bk->held);
    int *order = socm_xcalloc(n ? n : 1, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = (int)i;
    cmp_spec = &bk->spec;
    qsort(order, n, sizeof *order, cmp_plan);
    for (size_t k = 0; k < n; k++)
        bk->rank[order[k]] = (int)k;
    free(order);
    /* Successors in CSR form, built from the predecessors the spec carries; kept in
     * the bookkeeper (not a static) because one process may hold several campaigns. */
    size_t *off = bk->succ_off = socm_xcalloc(n + 1, sizeof *off);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < bk->spec.tasks[i].npred; k++)
            off[bk->spec.tasks[i].pred[k] + 1]++;
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    bk->succ = socm_xcalloc(off[n] ? off[n] : 1, sizeof *bk->succ);
    size_t *fill = socm_xcalloc(n ? n : 1, sizeof *fill);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < bk->spec.tasks[i].npred; k++) {
            int p = bk->spec.tasks[i].pred[k];
            bk->succ[off[p] + fill[p]++] = (int)i;
        }
    free(fill);
}

/* ---- replay ---- */

static void copy_cores(struct socm_wfstate *w, const json_t *a)
{
    free(w->cores);
    w->ncores = json_array_size(a);
    w->cores = socm_xcalloc(w->ncores ? w->ncores : 1, sizeof *w->cores);
    for (size_t k = 0; k < w->ncores; k++)
        w->cores[k] = json_integer_value(json_array_get(a, k));
}

static void read_result(struct socm_wfstate *w, const json_t *ev)
{
    json_t *v;
    if ((v = json_object_get(ev, "exit_code")))
        w->exit_code = (int)json_integer_value(v);
    if ((v = json_object_get(ev, "signal")))
        w->signal = (int)json_integer_value(v);
    if ((v = json_object_get(ev, "start")))
        w->start = json_number_value(v);
    if ((v = json_object_get(ev, "end")))
        w->end = json_number_value(v);
    if ((v = json_object_get(ev, "elapsed_s")))
        w->elapsed_s = json_number_value(v);
    if ((v = json_object_get(ev, "max_rss_mb")))
        w->max_rss_mb = json_number_value(v);
    if ((v = json_object_get(ev, "cpu_s")))
        w->cpu_s = json_number_value(v);
    if ((v = json_object_get(ev, "reason")) && json_is_string(v)) {
        free(w->reason);
        w->reason = socm_strdup(json_string_value(v));
    }
}

int socm_bk_apply(struct socm_bk *bk, json_t *ev, size_t line, struct socm_error *err)
{
    const char *kind = json_string_value(json_object_get(ev, "ev"));
    double t = json_number_value(json_object_get(ev, "t"));
    if (!strcmp(kind, "begin")) {
        if (bk->spec.tasks || bk->spec.campaign)
            return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: a second campaign record",
                                  line);
        if (socm_spec_from_json(json_object_get(ev, "spec"), &bk->spec, err) != 0)
            return -1;
        build_index(bk);
        bk->t_begin = t;
        bk->manager_pid = (long)json_integer_value(json_object_get(ev, "pid"));
        return 0;
    }
    if (!bk->spec.campaign)
        return socm_error_set(err, SOCM_E_INPUT,
                              "journal line %zu: event before the campaign record", line);
    bk->t_end = t;
    if (!strcmp(kind, "campaign")) {
        int st = cstate_from(json_string_value(json_object_get(ev, "state")) ?: "");
        if (st < 0)
            return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: unknown campaign state",
                                  line);
        bk->cstate = st;
        free(bk->creason);
        const char *r = json_string_value(json_object_get(ev, "reason"));
        bk->creason = r ? socm_strdup(r) : NULL;
        return 0;
    }
    if (!strcmp(kind, "interrupted")) {
        bk->interrupt_signal = (int)json_integer_value(json_object_get(ev, "signal"));
        return 0;
    }
    if (!strcmp(kind, "cancel")) {
        bk->cancel_pending = true;
        return 0;
    }
    if (!strcmp(kind, "resume")) {
        bk->interrupt_signal = 0;
        bk->cancel_pending = false;
        bk->manager_pid = (long)json_integer_value(json_object_get(ev, "pid"));
        return 0;
    }
    if (strcmp(kind, "wf") && strcmp(kind, "retry"))
        return 0; /* log, hook, ...: for people, not for state */
    json_int_t id = json_integer_value(json_object_get(ev, "id"));
    if (id < 1 || (size_t)id > bk->spec.n)
        return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: unknown workflow id %lld",
                              line, (long long)id);
    int i = (int)id - 1;
    struct socm_wfstate *w = &bk->w[i];
    if (!strcmp(kind, "retry")) {
        read_result(w, ev);
        w->not_before = json_number_value(json_object_get(ev, "not_before"));
        json_t *grown = json_object_get(ev, "walltime_min");
        if (json_is_number(grown)) { /* a TIMEOUT resubmitted with a longer walltime */
            bk->spec.tasks[i].walltime_min = json_number_value(grown);
            w->growths++;
        }
        set_state(bk, i, SOCM_W_READY);
        return 0;
    }
    int st = wstate_from(json_string_value(json_object_get(ev, "state")) ?: "");
    if (st < 0)
        return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: unknown workflow state", line);
    json_t *v;
    if ((v = json_object_get(ev, "attempt")))
        w->attempts = (int)json_integer_value(v);
    switch (st) {
    case SOCM_W_NEW:
        w->interrupted = false;
        if (json_is_true(json_object_get(ev, "retried"))) {
            w->retry_base = w->attempts;
            w->growths = 0;
            free(w->reason);
            w->reason = NULL;
        }
        break;
    case SOCM_W_SUBMITTED:
        copy_cores(w, json_object_get(ev, "cores"));
        w->submit_t = t;
        w->start = w->end = 0;
        w->elapsed_s = w->max_rss_mb = w->cpu_s = 0;
        break;
    case SOCM_W_RUNNING:
        w->job = (long)json_integer_value(json_object_get(ev, "job"));
        if (!w->start)
            w->start = t;
        break;
    case SOCM_W_DONE:
    case SOCM_W_FAILED:
    case SOCM_W_CANCELED:
        read_result(w, ev);
        w->interrupted = json_is_true(json_object_get(ev, "interrupted"));
        if (!w->end)
            w->end = t;
        break;
    default:
        break;
    }
    set_state(bk, i, st);
    return 0;
}

static int apply_cb(void *ctx, json_t *ev, size_t line, struct socm_error *err)
{
    return socm_bk_apply(ctx, ev, line, err);
}

static struct socm_bk *bk_new(void)
{
    struct socm_bk *bk = socm_xcalloc(1, sizeof *bk);
    bk->j.fd = -1;
    bk->sd.fd = bk->sd.lock_fd = -1;
    return bk;
}

struct socm_bk *socm_bk_load(const char *state_dir, struct socm_error *err)
{
    struct socm_bk *bk = bk_new();
    if (socm_journal_replay(state_dir, apply_cb, bk, NULL, err) != 0) {
        socm_bk_free(bk);
        return NULL;
    }
    if (!bk->spec.campaign) {
        socm_error_set(err, SOCM_E_INPUT, "%s: the journal holds no campaign record", state_dir);
        socm_bk_free(bk);
        return NULL;
    }
    return bk;
}

static void free_launch(struct socm_launch *l)
{
    free(l->cores);
    free(l->after);
    free((char *)l->sandbox);
    free(l);
}

void socm_bk_free(struct socm_bk *bk)
{
    if (!bk)
        return;
    for (size_t i = 0; bk->w && i < bk->spec.n; i++) {
        free(bk->w[i].reason);
        free(bk->w[i].cores);
        if (bk->w[i].launch)
            free_launch(bk->w[i].launch);
    }
    free(bk->w);
    free(bk->rank);
    free(bk->heap);
    free(bk->held);
    free(bk->succ_off);
    free(bk->succ);
    bk->succ_off = NULL;
    bk->succ = NULL;
    free(bk->creason);
    socm_spec_free(&bk->spec);
    socm_journal_close(&bk->j);
    socm_history_close(bk->history);
    if (bk->log)
        fclose(bk->log);
    socm_statedir_close(&bk->sd); /* last: the lock goes when nothing is left to write */
    free(bk);
}

/* ---- state changes while running ---- */

static void on_final(struct socm_bk *bk, int i);

static void cancel_wf(struct socm_bk *bk, int i, const char *why)
{
    json_t *ev = wf_event(bk, i, SOCM_W_CANCELED);
    json_object_set_new(ev, "reason", json_string(why));
    jappend(bk, ev);
    free(bk->w[i].reason);
    bk->w[i].reason = socm_strdup(why);
    set_state(bk, i, SOCM_W_CANCELED);
    bk_log(bk, "%s CANCELED (%s)", bk->spec.tasks[i].name, why);
    on_final(bk, i);
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
static void ready_check(struct socm_bk *bk, int i)
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
    set_state(bk, i, SOCM_W_READY);
    if (bk->j.fd >= 0) { /* journaled at the next commit, unless submitted before it */
        w->ready_held = true;
        w->ready_t = bk_now(bk);
        bk->held[bk->nheld++] = i;
    }
    heap_push(bk, i);
}

/* Workflow i ended: its dependants may start, or (if it failed or was canceled) are
 * canceled — including those already submitted behind it (afterok), whose jobs
 * could never start. */
static void on_final(struct socm_bk *bk, int i)
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
            bk_log(bk, "%s: canceling (%s)", bk->spec.tasks[j].name, w->reason);
            bk->e->ops->cancel(bk->e, j);
            continue;
        }
        ready_check(bk, j);
    }
}

/* Workflow i got a job handle: with an enactor that orders dependencies, its
 * dependants may be handed over now. */
static void on_job_known(struct socm_bk *bk, int i)
{
    if (!bk->e || !bk->e->orders_dependencies)
        return;
    for (size_t k = bk->succ_off[i]; k < bk->succ_off[i + 1]; k++)
        if (bk->w[bk->succ[k]].state == SOCM_W_NEW) {
            ready_check(bk, bk->succ[k]);
            bk->resched = true;
        }
}

static void run_hook(struct socm_bk *bk, enum socm_hook_kind k, int i, const char *state, int code)
{
    if (bk->spec.hooks[k].n == 0 || bk->opts.simulate)
        return;
    if (!jsync(bk)) /* the change the hook reports is durable first */
        return;
    struct socm_hook_vars v = {bk->spec.campaign, i >= 0 ? bk->spec.tasks[i].name : "", state,
                               bk->spec.state_dir, i >= 0 ? bk->spec.tasks[i].id : 0, code};
    socm_hooks_start(&bk->hooks, socm_hook_names[k], &bk->spec.hooks[k], &v);
}

static void cancel_all(struct socm_bk *bk, const char *why)
{
    if (!jsync(bk)) /* the failure that causes it is durable before anything is stopped */
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
static const char *handle_word(const struct socm_bk *bk, int i)
{
    const char *en = bk->spec.nsites ? bk->spec.sites[bk->spec.tasks[i].site].enactor : bk->spec.enactor;
    return en && socm_str_startswith(en, "slurm-") ? "Slurm job" : "pid";
}

static void cb_running(void *ctx, int i, int attempt, long job)
{
    struct socm_bk *bk = ctx;
    struct socm_wfstate *w = &bk->w[i];
    w->job = job;
    w->start = bk_now(bk);
    json_t *ev = wf_event(bk, i, SOCM_W_RUNNING);
    json_object_set_new(ev, "attempt", json_integer(attempt));
    json_object_set_new(ev, "job", json_integer(job));
    jappend(bk, ev);
    set_state(bk, i, SOCM_W_RUNNING);
    if (job > 0)
        bk_log(bk, "%s RUNNING (attempt %d, %s %ld)", bk->spec.tasks[i].name, attempt, handle_word(bk, i), job);
    else
        bk_log(bk, "%s RUNNING (attempt %d)", bk->spec.tasks[i].name, attempt);
    if (job > 0)
        on_job_known(bk, i);
}

static const char *outcome_name(enum socm_outcome o)
{
    static const char *const n[] = {"done", "failed", "timeout", "canceled", "lost", "system"};
    return n[o];
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
        bk_log(bk, "history %s: %s (runs are not recorded)", bk->spec.history_db, e.msg);
        bk->history_off = true;
        return;
    }
    const char *resource = bk->e ? bk->e->ops->name : "local";
    char where[32] = "local";
    if (strcmp(resource, "local") != 0 && bk->w[r->index].job > 0) /* a Slurm job id */
        snprintf(where, sizeof where, "%ld", bk->w[r->index].job);
    json_t *prepared = socm_task_history(t);
    if (socm_record_result(bk->history, prepared, bk->spec.campaign, r, resource, where, &e) != 0)
        bk_log(bk, "%s: not recorded in the history: %s", t->name, e.msg);
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
static void on_fault_report(struct socm_bk *bk, long pid, int e)
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
    bk_log(bk, "ignored a fault report from pid %ld, which supervises nothing of this campaign",
           pid);
}

static void cb_finished(void *ctx, const struct socm_result *r)
{
    struct socm_bk *bk = ctx;
    int i = r->index;
    struct socm_wfstate *w = &bk->w[i];
    const struct socm_task *t = &bk->spec.tasks[i];
    bk->resched = true;
    if (w->launch) {
        free_launch(w->launch);
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
    json_t *res = json_pack("{s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:f,s:f}", "attempt", r->attempt,
                            "outcome", outcome_name(r->outcome), "exit_code", r->exit_code,
                            "signal", r->signal, "start", r->start, "end", r->end, "elapsed_s",
                            r->elapsed_s, "max_rss_mb", r->max_rss_mb, "cpu_s", r->cpu_s);
    if (reason)
        json_object_set_new(res, "reason", json_string(reason));
    record_history(bk, r);

    if (r->outcome == SOCM_OUT_DONE) {
        merge_event(res, wf_event(bk, i, SOCM_W_DONE));
        jappend(bk, res);
        set_state(bk, i, SOCM_W_DONE);
        bk_log(bk, "%s DONE in %.1f s (max RSS %.0f MB)", t->name, r->elapsed_s, r->max_rss_mb);
        run_hook(bk, SOCM_HOOK_WF_DONE, i, "DONE", r->exit_code);
        on_final(bk, i);
        return;
    }
    if (r->outcome == SOCM_OUT_CANCELED ||
        (r->outcome == SOCM_OUT_LOST && bk->interrupt_signal)) {
        merge_event(res, wf_event(bk, i, SOCM_W_CANCELED));
        if (bk->interrupt_signal) {
            json_object_set_new(res, "interrupted", json_true());
            w->interrupted = true;
        }
        jappend(bk, res);
        set_state(bk, i, SOCM_W_CANCELED);
        bk_log(bk, "%s CANCELED (%s)", t->name,
               bk->interrupt_signal ? "manager stopped" : reason ? reason : "stopped on request");
        if (!bk->interrupt_signal)
            on_final(bk, i);
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
            bk_log(bk, "%s hit its walltime of %.1f min: resubmitting with %.1f min (growth %d of %d)",
                   t->name, old, gt->walltime_min, w->growths, SOCM_WALLTIME_GROWTHS);
        }
        w->not_before = bk_now(bk) + delay;
        json_object_set_new(res, "ev", json_string("retry"));
        json_object_set_new(res, "id", json_integer(t->id));
        json_object_set_new(res, "name", json_string(t->name));
        json_object_set_new(res, "not_before", json_real(w->not_before));
        jappend(bk, res);
        set_state(bk, i, SOCM_W_READY);
        heap_push(bk, i);
        bk_log(bk, "%s attempt %d %s (%s); retrying in %.1f s", t->name, w->attempts,
               outcome_name(r->outcome), reason ? reason : "", delay);
        return;
    }
    merge_event(res, wf_event(bk, i, SOCM_W_FAILED));
    jappend(bk, res);
    set_state(bk, i, SOCM_W_FAILED);
    bk_log(bk, "%s FAILED after %d attempt%s: %s", t->name, w->attempts,
           w->attempts == 1 ? "" : "s", reason ? reason : outcome_name(r->outcome));
    run_hook(bk, SOCM_HOOK_WF_FAILED, i, "FAILED", r->exit_code);
    on_final(bk, i);
    if (bk->spec.fail_fast && !bk->interrupt_signal) {
        char why[512];
        snprintf(why, sizeof why, "fail_fast: %s failed", t->name);
        cancel_all(bk, why);
    }
}

static void cb_log(void *ctx, const char *msg)
{
    struct socm_bk *bk = ctx;
    bk_log(bk, "%s", msg);
    jappend(bk, json_pack("{s:s,s:s}", "ev", "log", "msg", msg));
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

static struct socm_launch *new_launch(struct socm_bk *bk, int i, int attempt)
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
static double schedule(struct socm_bk *bk)
{
    if (bk->interrupt_signal || bk->failed_io)
        return 0;
    double now = bk_now(bk), next_retry = 0;
    struct socm_launch **ls = NULL;
    int *ls_index = NULL;
    size_t nl = 0, capl = 0;
    int *aside = NULL;
    size_t na = 0, capa = 0;
    int misses = 0;
    while (bk->nheap && misses < 64) {
        int i = heap_pop(bk);
        struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_READY)
            continue;
        bool later = w->not_before > now;
        struct socm_launch *l = NULL;
        int rc = 1;
        struct socm_error perr = {0};
        if (!later) {
            l = new_launch(bk, i, w->attempts + 1);
            rc = bk->e->ops->place(bk->e, l, &perr);
        }
        if (rc == 1) {
            if (later && (next_retry == 0 || w->not_before < next_retry))
                next_retry = w->not_before;
            if (!later)
                misses++;
            if (l)
                free_launch(l);
            if (na == capa) {
                capa = capa ? 2 * capa : 64;
                aside = socm_xrealloc(aside, capa * sizeof *aside);
            }
            aside[na++] = i;
            continue;
        }
        if (rc < 0) {
            free_launch(l);
            json_t *ev = wf_event(bk, i, SOCM_W_FAILED);
            json_object_set_new(ev, "reason", json_string(perr.msg));
            jappend(bk, ev);
            free(w->reason);
            w->reason = socm_strdup(perr.msg);
            set_state(bk, i, SOCM_W_FAILED);
            bk_log(bk, "%s FAILED: %s", bk->spec.tasks[i].name, perr.msg);
            on_final(bk, i);
            continue;
        }
        misses = 0;
        w->attempts++;
        w->launch = l;
        free(w->cores);
        w->ncores = l->ncores;
        w->cores = socm_xcalloc(l->ncores ? l->ncores : 1, sizeof *w->cores);
        if (l->ncores) /* an enactor that places nothing may give no list at all */
            memcpy(w->cores, l->cores, l->ncores * sizeof *w->cores);
        json_t *ev = wf_event(bk, i, SOCM_W_SUBMITTED);
        json_t *cores = json_array();
        for (size_t k = 0; k < l->ncores; k++)
            json_array_append_new(cores, json_integer(l->cores[k]));
        json_object_set_new(ev, "attempt", json_integer(l->attempt));
        json_object_set_new(ev, "cores", cores);
        json_object_set_new(ev, "memory_mb", json_real(l->task->memory_mb));
        jappend(bk, ev);
        set_state(bk, i, SOCM_W_SUBMITTED);
        w->submit_t = now;
        if (nl == capl) {
            capl = capl ? 2 * capl : 64;
            ls = socm_xrealloc(ls, capl * sizeof *ls);
            ls_index = socm_xrealloc(ls_index, capl * sizeof *ls_index);
        }
        ls_index[nl] = i;
        ls[nl++] = l;
    }
    for (size_t k = 0; k < na; k++)
        heap_push(bk, aside[k]);
    free(aside);
    /* Durable before acted upon: the submissions are in the journal first. */
    if (nl && jsync(bk)) {
        bk->e->ops->submit(bk->e, ls, nl);
        for (size_t k = 0; k < nl; k++) /* a launch that failed at once is freed already */
            if (bk->w[ls_index[k]].launch == ls[k] && ls[k]->job > 0)
                on_job_known(bk, ls_index[k]);
    }
    free(ls);
    free(ls_index);
    return next_retry;
}

static bool all_final(struct socm_bk *bk)
{
    return bk->count[SOCM_W_DONE] + bk->count[SOCM_W_FAILED] + bk->count[SOCM_W_CANCELED] ==
           bk->spec.n;
}

static int wait_ms(double until, double now)
{
    double ms = (until - now) * 1000;
    return ms <= 0 ? 0 : ms > 3.6e6 ? 3600000 : (int)ms + 1;
}

static void on_signal(struct socm_bk *bk, int sig)
{
    if (sig == SIGHUP) {
        /* The terminal (or ssh session) is gone. A manager outlives it: the campaign
         * goes on, journaled as ever; `socm cancel` or SIGTERM stops it. */
        output_lost(bk, "SIGHUP");
        cb_log(bk, "SIGHUP (terminal gone): the campaign goes on; progress in socm.log");
        return;
    }
    if (bk->interrupt_signal) {
        bk_log(bk, "second %s: still stopping (grace %.0f s, then SIGKILL)", strsignal(sig),
               bk->spec.grace_s);
        return;
    }
    bk->interrupt_signal = sig;
    jappend(bk, json_pack("{s:s,s:i}", "ev", "interrupted", "signal", sig));
    jsync(bk);
    bk_log(bk, "%s: stopping running workflows (SIGTERM, %.0f s grace, SIGKILL)",
           strsignal(sig), bk->spec.grace_s);
    bk->e->ops->terminate(bk->e);
}

/* The event loop: sleeps in ppoll on the signalfd, the enactor's and the hooks'
 * descriptors, with a timeout only for due retries, hook deadlines and the
 * progress line. */
static int loop(struct socm_bk *bk, int sfd)
{
    size_t cap = 64;
    struct pollfd *fds = socm_xcalloc(cap, sizeof *fds);
    for (;;) {
        bk->resched = false;
        double next_retry = schedule(bk);
        if (bk->failed_io)
            break;
        if (bk->resched && !bk->interrupt_signal)
            continue; /* a launch failed at once: its resources are free again */
        size_t active = bk->e->ops->active(bk->e);
        if (active == 0 && (all_final(bk) || bk->interrupt_signal))
            break;
        if (active == 0 && bk->nheap == 0 && next_retry == 0) {
            socm_error_set(bk->err, SOCM_E_FAILED, "internal: nothing runs and nothing can start");
            bk->failed_io = true;
            break;
        }
        jflush(bk);
        if (bk->failed_io)
            break;
        size_t want = 1 + active + bk->hooks.n + 16;
        if (want > cap) {
            cap = want * 2;
            fds = socm_xrealloc(fds, cap * sizeof *fds);
        }
        fds[0] = (struct pollfd){sfd, POLLIN, 0};
        size_t ne = bk->e->ops->pollfds(bk->e, fds + 1, cap - 1);
        size_t nh = socm_hooks_pollfds(&bk->hooks, fds + 1 + ne, cap - 1 - ne);
        int tmo = bk->e->ops->timeout_ms(bk->e);
        int ht = socm_hooks_timeout_ms(&bk->hooks);
        if (ht >= 0 && (tmo < 0 || ht < tmo))
            tmo = ht;
        if (next_retry > 0) {
            int rt = wait_ms(next_retry, bk_now(bk));
            if (tmo < 0 || rt < tmo)
                tmo = rt;
        }
        if (bk->opts.tty && !bk->opts.quiet && (tmo < 0 || tmo > 1000))
            tmo = 1000;
        int rc;
        if (tmo == 0)
            rc = poll(fds, 1 + ne + nh, 0);
        else {
            struct timespec ts = {tmo / 1000, (tmo % 1000) * 1000000L};
            rc = ppoll(fds, 1 + ne + nh, tmo < 0 ? NULL : &ts, NULL);
        }
        if (rc < 0 && errno != EINTR) {
            socm_error_errno(bk->err, "ppoll");
            bk->failed_io = true;
            break;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo == SOCM_SUPERVISE_FAULT_SIGNAL)
                    on_fault_report(bk, (long)si.ssi_pid, si.ssi_int);
                else
                    on_signal(bk, (int)si.ssi_signo);
        }
        bk->e->ops->handle(bk->e, fds + 1, ne);
        socm_hooks_handle(&bk->hooks, fds + 1 + ne, nh);
        draw_progress(bk);
        check_stderr(bk); /* stderr's error flag stays set: once a turn is enough */
    }
    free(fds);
    return bk->failed_io ? -1 : 0;
}

static int finish(struct socm_bk *bk)
{
    int code;
    if (bk->interrupt_signal) {
        char why[64];
        if (bk->cancel_pending)
            snprintf(why, sizeof why, "canceled by `socm cancel`");
        else
            snprintf(why, sizeof why, "interrupted by %s",
                     sigabbrev_np(bk->interrupt_signal) ? sigabbrev_np(bk->interrupt_signal)
                                                        : "signal");
        set_campaign(bk, SOCM_C_CANCELED, why);
        code = 128 + bk->interrupt_signal;
    } else if (bk->count[SOCM_W_FAILED] > 0 || bk->count[SOCM_W_CANCELED] > 0) {
        set_campaign(bk, SOCM_C_FAILED, NULL);
        code = 1;
    } else {
        set_campaign(bk, SOCM_C_DONE, NULL);
        code = 0;
    }
    jsync(bk);
    run_hook(bk, code == 0 ? SOCM_HOOK_CAMPAIGN_DONE : SOCM_HOOK_CAMPAIGN_FAILED, -1,
             cnames[bk->cstate], code);
    socm_hooks_drain(&bk->hooks);
    clear_progress(bk);
    bk->progress_off = true;
    bk_log(bk, "campaign %s %s: %zu done, %zu failed, %zu canceled of %zu (%.1f s)%s",
           bk->spec.campaign, cnames[bk->cstate], bk->count[SOCM_W_DONE],
           bk->count[SOCM_W_FAILED], bk->count[SOCM_W_CANCELED], bk->spec.n,
           bk_now(bk) - bk->t_begin,
           bk->interrupt_signal ? "; `socm resume` continues it" : "");
    return code;
}

/* The enactor a run uses: the dryrun one for a simulation, else --enactor, else the
 * campaign's. */
static const char *enactor_name(const struct socm_spec *spec, const struct socm_run_opts *o)
{
    return o->simulate ? "dryrun" : o->enactor ? o->enactor : spec->enactor;
}

/* STATE_DIR/socm.log, opened before anything is journaled: a link planted there stops
 * the run before it has begun. */
static FILE *open_log(struct socm_bk *bk, struct socm_error *err)
{
    return socm_dirfd_fopen(bk->sd.fd, bk->sd.path, "socm.log", "a", err);
}

static int setup_run(struct socm_bk *bk, const struct socm_run_opts *o, struct socm_error *err)
{
    bk->opts = *o;
    bk->err = err;
    if (!bk->log && !(bk->log = open_log(bk, err)))
        return -1;
    const char *name = enactor_name(&bk->spec, o);
    /* A resume without --cores/--memory runs on what the run was given. */
    struct socm_allocation a = {bk->spec.campaign, bk->spec.state_dir,
                                o->cores > 0 ? o->cores : bk->spec.run_cores,
                                o->memory_mb > 0 ? o->memory_mb : bk->spec.run_memory_mb,
                                bk->spec.pin, bk->spec.grace_s, o->simulate, NULL, NULL};
    if (o->simulate && a.cores == 0)
        a.cores = bk->spec.plan_cores;
    struct socm_enactor_callbacks cb = {bk, cb_running, cb_finished, cb_log};
    bk->e = socm_enactor_for_spec(&bk->spec, name, &a, &cb, err); /* one per site */
    if (!bk->e)
        return -1;
    socm_hooks_init(&bk->hooks, bk->spec.state_dir, bk->spec.hook_timeout_s,
                    (socm_hook_log_fn)cb_log, bk);
    if (!o->simulate)
        socm_ext_callback_start(&bk->callback, bk->spec.state_dir, &bk->spec.hooks[SOCM_HOOK_EVENTS],
                                (socm_ext_callback_log_fn)cb_log, bk);
    return 0;
}

static int run_loop(struct socm_bk *bk)
{
    /* Supervisors' fault reports are read from the signalfd; ignored, not fatal, once
     * it is closed (a supervisor may outlive this loop). */
    signal(SOCM_SUPERVISE_FAULT_SIGNAL, SIG_IGN);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SOCM_SUPERVISE_FAULT_SIGNAL, 0};
    sigset_t old;
    int sfd = socm_signalfd_open(sigs, &old, bk->err);
    if (sfd < 0)
        return -1;
    int rc = loop(bk, sfd);
    int code = rc == 0 ? finish(bk) : -1;
    if (rc != 0) {
        /* The journal cannot record what we do: stop acting, leave supervisors be. */
        clear_progress(bk);
    }
    close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return code;
}

/* What the run cost Slurm's controller, in commands this manager ran (the
 * benchmark bench/slurm_bench reads this line from the log). */
static void log_slurm_calls(struct socm_bk *bk)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (int c = 0; c < SOCM_SLURM_NCMD; c++)
        if (socm_slurm_calls(c))
            socm_buf_printf(&b, " %s=%zu", socm_slurm_cmd_name(c), socm_slurm_calls(c));
    if (b.len) {
        char *m = socm_asprintf("slurm commands:%s", b.data);
        cb_log(bk, m);
        free(m);
    }
    socm_buf_free(&b);
}

static void teardown(struct socm_bk *bk)
{
    log_slurm_calls(bk);
    socm_ext_callback_finish(&bk->callback, bk->hooks.timeout_s, (socm_ext_callback_log_fn)cb_log, bk);
    socm_hooks_free(&bk->hooks);
    socm_enactor_destroy(bk->e);
    bk->e = NULL;
}

static int bk_run(struct socm_spec *spec, const struct socm_run_opts *o, struct socm_error *err)
{
    if (!spec->deadline_soft && spec->deadline_min > 0 &&
        spec->makespan_min > spec->deadline_min + 1e-9) {
        int rc = socm_error_set(err, SOCM_E_FAILED,
                                "campaign %s cannot meet its deadline: the plan takes %.1f min, "
                                "the deadline is %.1f min; refusing to start (raise the deadline "
                                "or the resources)",
                                spec->campaign, spec->makespan_min, spec->deadline_min);
        socm_spec_free(spec);
        return rc;
    }
    if (socm_enactor_check_spec(spec, enactor_name(spec, o), o->simulate, err) != 0) {
        socm_spec_free(spec);
        return -1;
    }
    struct socm_bk *bk = bk_new();
    double t0 = socm_now();
    /* One manager per state directory: the lock comes before the journal exists. */
    int rc = socm_statedir_open(&bk->sd, spec->state_dir, SOCM_SD_CREATE, err);
    if (rc == 0)
        rc = socm_statedir_lock(&bk->sd, "run", spec->campaign, err);
    if (rc == 0 && !(bk->log = open_log(bk, err)))
        rc = -1;
    if (rc == 0) {
        spec->run_cores = o->cores;
        spec->run_memory_mb = o->memory_mb;
        rc = socm_spec_journal_create(spec, t0, (long)getpid(), &bk->j, bk->sd.fd, bk->sd.path,
                                      err);
    }
    if (rc != 0) {
        socm_spec_free(spec);
        socm_bk_free(bk);
        return -1;
    }
    bk->spec = *spec;
    memset(spec, 0, sizeof *spec);
    build_index(bk);
    bk->err = err;
    bk->t_begin = t0;
    bk->j.no_sync = o->simulate;
    set_campaign(bk, SOCM_C_NEW, NULL);
    set_campaign(bk, SOCM_C_PLANNING, NULL);
    if (!jsync(bk) || setup_run(bk, o, err) != 0) {
        socm_bk_free(bk);
        return -1;
    }
    bk->t_begin = bk_now(bk);
    set_campaign(bk, SOCM_C_EXECUTING, NULL);
    bk_log(bk, "campaign %s: %zu workflows, state in %s (enactor %s)", bk->spec.campaign,
           bk->spec.n, bk->spec.state_dir, bk->e->ops->name);
    for (size_t i = 0; i < bk->spec.n; i++)
        ready_check(bk, (int)i);
    int code = run_loop(bk);
    teardown(bk);
    socm_bk_free(bk);
    return code;
}

/* `socm retry`: the chosen workflows (and their canceled dependants) become NEW
 * again, journaled with the request before anything starts. */
static void apply_retry(struct socm_bk *bk, const int *sel, size_t nsel)
{
    json_t *ids = json_array();
    for (size_t k = 0; k < nsel; k++)
        json_array_append_new(ids, json_integer(bk->spec.tasks[sel[k]].id));
    jappend(bk, json_pack("{s:s,s:o,s:i}", "ev", "retry_request", "ids", ids, "pid", (int)getpid()));
    for (size_t k = 0; k < nsel; k++) {
        struct socm_wfstate *w = &bk->w[sel[k]];
        json_t *ev = wf_event(bk, sel[k], SOCM_W_NEW);
        json_object_set_new(ev, "retried", json_true());
        jappend(bk, ev);
        w->interrupted = false;
        w->retry_base = w->attempts;
        w->growths = 0;
        free(w->reason);
        w->reason = NULL;
        set_state(bk, sel[k], SOCM_W_NEW);
    }
    bk->cancel_pending = false; /* a retry asks for the work an earlier cancel stopped */
    bk_log(bk, "retrying %zu workflow%s (FAILED or CANCELED, with their canceled dependants)",
           nsel, nsel == 1 ? "" : "s");
}

static int bk_resume(const char *state_dir, const struct socm_run_opts *o,
                     const struct socm_retry_req *retry, struct socm_error *err)
{
    struct socm_bk *bk = bk_new();
    long long valid = -1;
    /* One manager per state directory: the lock comes before the journal is read. */
    if (socm_statedir_open(&bk->sd, state_dir, 0, err) != 0 ||
        socm_statedir_lock(&bk->sd, "resume", NULL, err) != 0 || !(bk->log = open_log(bk, err))) {
        socm_bk_free(bk);
        return -1;
    }
    if (socm_journal_replay_at(bk->sd.fd, bk->sd.path, apply_cb, bk, &valid, err) != 0 ||
        !bk->spec.campaign) {
        if (!bk->spec.campaign && !err->msg[0])
            socm_error_set(err, SOCM_E_INPUT, "%s: the journal holds no campaign record", state_dir);
        socm_bk_free(bk);
        return -1;
    }
    int *sel = NULL;
    size_t nsel = 0;
    if (retry && socm_retry_select(bk, retry, &sel, &nsel, err) != 0) {
        socm_bk_free(bk);
        return -1;
    }
    if (retry && !nsel) {
        /* Nothing chosen: a retry runs nothing else either (a CANCELED campaign's
         * pending work is `socm resume`'s to continue, not retry's). */
        bool both = retry->failed == retry->canceled;
        fprintf(stderr, "socm retry: campaign %s (%s) has no %s workflow to retry; nothing run\n",
                bk->spec.campaign, cnames[bk->cstate],
                both ? "FAILED or CANCELED" : retry->failed ? "FAILED" : "CANCELED");
        free(sel);
        int code = bk->cstate == SOCM_C_DONE ? 0 : 1;
        socm_bk_free(bk);
        return code;
    }
    if (!nsel && (bk->cstate == SOCM_C_DONE || bk->cstate == SOCM_C_FAILED)) {
        fprintf(stderr, "socm resume: campaign %s already ended %s; nothing to do%s\n",
                bk->spec.campaign, cnames[bk->cstate],
                bk->cstate == SOCM_C_FAILED ? " (`socm retry` runs its failures again)" : "");
        free(sel);
        int code = bk->cstate == SOCM_C_DONE ? 0 : 1;
        socm_bk_free(bk);
        return code;
    }
    socm_statedir_lock_note(&bk->sd, bk->spec.campaign);
    /* The directory may have moved: the sandboxes are where the journal is now. */
    free(bk->spec.state_dir);
    bk->spec.state_dir = socm_strdup(state_dir);
    if (socm_journal_open_at(&bk->j, bk->sd.fd, bk->sd.path, false, valid, err) != 0 ||
        setup_run(bk, o, err) != 0) {
        free(sel);
        socm_bk_free(bk);
        return -1;
    }
    if (nsel)
        apply_retry(bk, sel, nsel);
    free(sel);
    bk->resumed = true;
    bk->interrupt_signal = 0;
    jappend(bk, json_pack("{s:s,s:i}", "ev", "resume", "pid", (int)getpid()));
    set_campaign(bk, SOCM_C_EXECUTING, NULL);
    bk_log(bk, "campaign %s resumed from %s", bk->spec.campaign, state_dir);
    if (bk->cancel_pending) {
        /* As if the manager had been stopped: what ran is collected (interrupted, so a
         * later resume runs it again), nothing new starts, the campaign ends CANCELED. */
        bk->interrupt_signal = SIGTERM;
        jappend(bk, json_pack("{s:s,s:i,s:s}", "ev", "interrupted", "signal", SIGTERM, "by",
                              "socm cancel"));
        bk_log(bk, "`socm cancel` was asked while no manager ran: collecting what ran, "
                   "starting nothing");
    }
    for (size_t i = 0; i < bk->spec.n; i++) {
        struct socm_wfstate *w = &bk->w[i];
        if (w->state == SOCM_W_CANCELED && w->interrupted) {
            jappend(bk, wf_event(bk, (int)i, SOCM_W_NEW));
            w->interrupted = false;
            set_state(bk, (int)i, SOCM_W_NEW);
        }
    }
    for (size_t i = 0; i < bk->spec.n; i++) {
        struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_SUBMITTED && w->state != SOCM_W_RUNNING)
            continue;
        struct socm_launch *l = new_launch(bk, (int)i, w->attempts);
        l->ncores = w->ncores;
        l->cores = socm_xcalloc(w->ncores ? w->ncores : 1, sizeof *l->cores);
        if (w->ncores)
            memcpy(l->cores, w->cores, w->ncores * sizeof *l->cores);
        w->launch = l;
        struct socm_error rerr = {0};
        int rc = bk->e->ops->reattach(bk->e, l, &rerr);
        if (rc < 0) {
            w->launch = NULL;
            free_launch(l);
            *err = rerr;
            teardown(bk);
            socm_bk_free(bk);
            return -1;
        }
        if (rc == 0) {
            bk_log(bk, "%s re-attached (attempt %d, %s %ld)", bk->spec.tasks[i].name, l->attempt,
                   handle_word(bk, (int)i), l->job);
            if (w->state == SOCM_W_SUBMITTED)
                cb_running(bk, (int)i, l->attempt, l->job);
        } else if (rc == 2) {
            /* Its supervisor never ran it: the same attempt starts again. */
            w->launch = NULL;
            free_launch(l);
            w->attempts--;
            json_t *ev = wf_event(bk, (int)i, SOCM_W_READY);
            json_object_set_new(ev, "attempt", json_integer(w->attempts));
            json_object_set_new(ev, "reason", json_string("supervisor gone without a result"));
            jappend(bk, ev);
            set_state(bk, (int)i, SOCM_W_READY);
            heap_push(bk, (int)i);
            bk_log(bk, "%s was never started by its supervisor: starting it again",
                   bk->spec.tasks[i].name);
        } else if (rc == 3) {
            /* Cut short while it ran (its supervisor died; what was left of the command
             * is stopped): the attempt counts, and it runs again. */
            w->launch = NULL;
            free_launch(l);
            json_t *ev = wf_event(bk, (int)i, SOCM_W_READY);
            json_object_set_new(ev, "attempt", json_integer(w->attempts));
            json_object_set_new(ev, "reason", json_string("interrupted: its supervisor died "
                                                          "while the command ran"));
            jappend(bk, ev);
            set_state(bk, (int)i, SOCM_W_READY);
            heap_push(bk, (int)i);
            bk_log(bk, "%s was interrupted (attempt %d: its supervisor died while the command "
                       "ran; what was left of it is stopped): starting it again",
                   bk->spec.tasks[i].name, w->attempts);
        } else
            bk_log(bk, "%s ended while the manager was away: result collected",
                   bk->spec.tasks[i].name);
    }
    for (size_t i = 0; i < bk->spec.n; i++) {
        if (bk->w[i].state == SOCM_W_READY)
            heap_push(bk, (int)i);
        else
            ready_check(bk, (int)i);
    }
    jsync(bk);
    if (bk->cancel_pending) /* a supervisor the cancel missed (or started since) stops too */
        bk->e->ops->terminate(bk->e);
    int code = run_loop(bk);
    teardown(bk);
    socm_bk_free(bk);
    return code;
}

/* A manager must not die of its output: SIGPIPE is ignored (a write to a closed pipe
 * fails with EPIPE and output stops, see output_lost) and SIGHUP is blocked from the
 * start, then read from the loop's signalfd (on_signal: the campaign goes on). Both
 * are restored when the manager returns; its children get the defaults (socm_spawn). */
struct sig_scope {
    struct sigaction pipe;
    sigset_t mask;
};

static void signals_enter(struct sig_scope *s)
{
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &s->pipe);
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, &s->mask);
}

static void signals_leave(struct sig_scope *s)
{
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    struct timespec zero = {0, 0};
    if (!sigismember(&s->mask, SIGHUP))
        while (sigtimedwait(&hup, NULL, &zero) == SIGHUP) {
        } /* a hang-up after the loop: dealt with, must not kill us on unblocking */
    sigprocmask(SIG_SETMASK, &s->mask, NULL);
    sigaction(SIGPIPE, &s->pipe, NULL);
}

int socm_bk_run(struct socm_spec *spec, const struct socm_run_opts *o, struct socm_error *err)
{
    struct sig_scope s;
    signals_enter(&s);
    int code = bk_run(spec, o, err);
    signals_leave(&s);
    return code;
}

int socm_bk_resume(const char *state_dir, const struct socm_run_opts *o, struct socm_error *err)
{
    struct sig_scope s;
    signals_enter(&s);
    int code = bk_resume(state_dir, o, NULL, err);
    signals_leave(&s);
    return code;
}

int socm_bk_retry(const char *state_dir, const struct socm_run_opts *o,
                  const struct socm_retry_req *r, struct socm_error *err)
{
    struct sig_scope s;
    signals_enter(&s);
    int code = bk_resume(state_dir, o, r, err);
    signals_leave(&s);
    return code;
}

/* bookkeeper_state.c — the bookkeeper's states and their record: state names, the
 * journal's group commit (append, hold, sync), state changes, and the ready heap
 * ordered by plan. */
#include "manager/bookkeeper_impl.h"
#include "util/heap.h"
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
static const char *const cnames[] = {"NEW", "PLANNING", "EXECUTING", "DONE", "FAILED", "CANCELED"};
static const char *const wnames[] = {"NEW",  "READY",  "SUBMITTED", "RUNNING",
                                     "DONE", "FAILED", "CANCELED"};

const char *socm_cstate_name(enum socm_cstate s) { return cnames[s]; }
const char *socm_wstate_name(enum socm_wstate s) { return wnames[s]; }

int socm_bk_wstate_from(const char *s)
{
    for (int i = 0; i <= SOCM_W_CANCELED; i++)
        if (!strcmp(s, wnames[i]))
            return i;
    return -1;
}

int socm_bk_cstate_from(const char *s)
{
    for (int i = 0; i <= SOCM_C_CANCELED; i++)
        if (!strcmp(s, cnames[i]))
            return i;
    return -1;
}

double socm_bk_now(struct socm_bk *bk)
{
    return bk->e ? socm_enactor_now(bk->e) : socm_now();
}


/* ---- journal ---- */

void socm_bk_jappend(struct socm_bk *bk, json_t *ev)
{
    if (bk->j.fd >= 0 && !bk->failed_io) {
        json_object_set_new(ev, "t", json_real(socm_bk_now(bk)));
        if (socm_journal_append(&bk->j, ev, bk->err) != 0)
            bk->failed_io = true;
    }
    json_decref(ev);
}

json_t *socm_bk_wf_event(struct socm_bk *bk, int i, enum socm_wstate st)
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
        json_t *ev = socm_bk_wf_event(bk, bk->held[k], SOCM_W_READY);
        json_object_set_new(ev, "t", json_real(w->ready_t));
        if (socm_journal_append(&bk->j, ev, bk->err) != 0)
            bk->failed_io = true;
        json_decref(ev);
    }
    bk->nheld = 0;
}

/* The group commit: everything decided so far, one write and one fdatasync. Called
 * before anything decided is acted upon. */
bool socm_bk_jsync(struct socm_bk *bk)
{
    append_held(bk);
    if (bk->log)
        fflush(bk->log);
    if (bk->j.fd >= 0 && !bk->failed_io && socm_journal_sync(&bk->j, bk->err) != 0)
        bk->failed_io = true;
    struct socm_error e = {0};
    if (bk->history && socm_history_commit(bk->history, &e) < 0) /* this turn's runs; 1 = kept */
        socm_bk_log(bk, "runs not recorded in the history: %s", e.msg);
    return !bk->failed_io;
}

/* Before sleeping: what was recorded after the commit (RUNNING, logs) is written for
 * readers such as `socm status`; nothing is acted upon on the strength of it. */
void socm_bk_jflush(struct socm_bk *bk)
{
    append_held(bk);
    if (bk->log)
        fflush(bk->log);
    if (bk->j.fd >= 0 && !bk->failed_io && socm_journal_flush(&bk->j, bk->err) != 0)
        bk->failed_io = true;
}

void socm_bk_set_state(struct socm_bk *bk, int i, enum socm_wstate st)
{
    if (st != SOCM_W_READY)
        bk->w[i].ready_held = false;
    bk->count[bk->w[i].state]--;
    bk->count[st]++;
    bk->w[i].state = st;
}

void socm_bk_set_campaign(struct socm_bk *bk, enum socm_cstate st, const char *reason)
{
    bk->cstate = st;
    free(bk->creason);
    bk->creason = reason ? socm_strdup(reason) : NULL;
    json_t *ev = json_pack("{s:s,s:s}", "ev", "campaign", "state", cnames[st]);
    if (reason)
        json_object_set_new(ev, "reason", json_string(reason));
    socm_bk_jappend(bk, ev);
}

/* ---- ready heap, ordered by plan (start, id) ---- */

static bool plan_before(const void *ctx, int a, int b)
{
    const struct socm_bk *bk = ctx;
    return bk->rank[a] < bk->rank[b];
}

void socm_bk_heap_push(struct socm_bk *bk, int i)
{
    if (bk->w[i].in_heap)
        return;
    bk->w[i].in_heap = true;
    socm_heap_push(bk->heap, &bk->nheap, i, plan_before, bk);
}

int socm_bk_heap_pop(struct socm_bk *bk)
{
    int top = socm_heap_pop(bk->heap, &bk->nheap, plan_before, bk);
    bk->w[top].in_heap = false;
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

void socm_bk_build_index(struct socm_bk *bk)
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

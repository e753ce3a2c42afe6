/* enactor_dryrun.c — the `dryrun` enactor: runs nothing. Each workflow "runs" for its
 * planned duration on a virtual clock that jumps from one end to the next, so a
 * simulated campaign emits the same events and journal as a real one, as fast as
 * the machine allows. */
#include "agents/agent.h"
#include "state/spec.h"
#include "socm/enactor.h"
#include "util/proc.h"
#include "util/str.h"

#include <string.h>

struct vrun {
    struct socm_launch *l;
    double start, end;
};

struct dry {
    struct socm_pool pool;
    double now;
    struct vrun *runs;
    size_t n, cap;
};

static int dry_setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err)
{
    struct dry *D = socm_xcalloc(1, sizeof *D);
    socm_pool_init(&D->pool, a->cores > 0 ? a->cores : socm_machine_cores(),
                   a->memory_mb > 0 ? a->memory_mb : 1e12);
    D->now = socm_now();
    e->priv = D;
    return 0;
}

static int dry_place(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct dry *D = e->priv;
    return socm_pool_place_launch(&D->pool, l, err);
}

static void dry_unplace(struct socm_enactor *e, struct socm_launch *l)
{
    struct dry *D = e->priv;
    socm_pool_release_launch(&D->pool, l);
}

static void dry_submit(struct socm_enactor *e, struct socm_launch *const *ls, size_t n)
{
    struct dry *D = e->priv;
    for (size_t i = 0; i < n; i++) {
        struct socm_launch *l = ls[i];
        double dur = (l->task->plan_end - l->task->plan_start) * 60;
        if (dur <= 0)
            dur = l->task->walltime_min * 60;
        if (D->n == D->cap) {
            D->cap = D->cap ? 2 * D->cap : 64;
            D->runs = socm_xrealloc(D->runs, D->cap * sizeof *D->runs);
        }
        D->runs[D->n++] = (struct vrun){l, D->now, D->now + (dur > 0 ? dur : 0)};
        l->job = 0;
        e->cb.running(e->cb.ctx, l->index, l->attempt, 0);
    }
}

static int dry_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    return 2; /* nothing ran: simulate it again */
}

static size_t dry_pollfds(struct socm_enactor *e, struct pollfd *fds, size_t max)
{
    return 0;
}

static int dry_timeout(struct socm_enactor *e)
{
    return ((struct dry *)e->priv)->n ? 0 : -1;
}

/* Advances the virtual clock to the earliest end and finishes everything ending then. */
static void dry_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct dry *D = e->priv;
    if (D->n == 0)
        return;
    double t = D->runs[0].end;
    for (size_t i = 1; i < D->n; i++)
        if (D->runs[i].end < t)
            t = D->runs[i].end;
    if (t > D->now)
        D->now = t;
    for (size_t i = 0; i < D->n;) {
        if (D->runs[i].end <= D->now) {
            struct vrun v = D->runs[i];
            D->runs[i] = D->runs[--D->n];
            socm_pool_release(&D->pool, v.l->cores, v.l->ncores, v.l->task->memory_mb);
            struct socm_result r = {0};
            r.index = v.l->index;
            r.attempt = v.l->attempt;
            r.outcome = SOCM_OUT_DONE;
            r.start = v.start;
            r.end = v.end;
            r.elapsed_s = v.end - v.start;
            e->cb.finished(e->cb.ctx, &r);
        } else
            i++;
    }
}

static double dry_now(struct socm_enactor *e)
{
    return ((struct dry *)e->priv)->now;
}

static void dry_cancel(struct socm_enactor *e, int index)
{
    struct dry *D = e->priv;
    for (size_t i = 0; i < D->n; i++)
        if (D->runs[i].l->index == index) {
            struct vrun v = D->runs[i];
            D->runs[i] = D->runs[--D->n];
            socm_pool_release(&D->pool, v.l->cores, v.l->ncores, v.l->task->memory_mb);
            struct socm_result r = {0};
            r.index = index;
            r.attempt = v.l->attempt;
            r.outcome = SOCM_OUT_CANCELED;
            r.exit_code = -1;
            r.start = v.start;
            r.end = D->now;
            r.reason = "stopped on request";
            e->cb.finished(e->cb.ctx, &r);
            return;
        }
}

static void dry_terminate(struct socm_enactor *e)
{
    struct dry *D = e->priv;
    while (D->n)
        dry_cancel(e, D->runs[0].l->index);
}

static size_t dry_active(struct socm_enactor *e)
{
    return ((struct dry *)e->priv)->n;
}

static void dry_destroy(struct socm_enactor *e)
{
    struct dry *D = e->priv;
    free(D->runs);
    socm_pool_free(&D->pool);
    free(D);
}

const struct socm_enactor_ops socm_enactor_dryrun = {
    .name = "dryrun",
    .description = "runs nothing; replays the plan on a virtual clock (--simulate)",
    .setup = dry_setup,
    .place = dry_place,
    .unplace = dry_unplace,
    .submit = dry_submit,
    .reattach = dry_reattach,
    .pollfds = dry_pollfds,
    .timeout_ms = dry_timeout,
    .handle = dry_handle,
    .now = dry_now,
    .cancel = dry_cancel,
    .terminate = dry_terminate,
    .active = dry_active,
    .destroy = dry_destroy,
};

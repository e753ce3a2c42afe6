/* heft_socm.c — policy `heft-socm`: the original tool's planner reproduced exactly
 * (issue 3): level by level over the original's topological generations, longest
 * walltime first (stable), core slots stepping by the workflow's cpus, one global
 * memory pool checked at the start time, smallest end with the first slot winning
 * ties, and the interval recorded as the original computes it (start = end −
 * walltime, end = start + walltime, in floating point). Where the original silently misplaces a workflow that fits nowhere, this
 * reports an error. The deadline search and QoS choice are planner.c's generic ones. */
#include "planner/memline.h"
#include "planner/planner_impl.h"
#include "planner/slotidx.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Stable sort of one generation by walltime, longest first (a merge sort so that equal walltimes keep the generation's order, as Python's sort does). */
static void sort_level(const struct socm_plan_input *in, int *v, int *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_level(in, v, tmp, h);
    sort_level(in, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        /* Take from the right half only if strictly longer: ties keep order. */
        if (in->reqs[v[j]].walltime_min > in->reqs[v[i]].walltime_min)
            tmp[k++] = v[j++];
        else
            tmp[k++] = v[i++];
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

int socm_plan_heft_order(const struct socm_plan_input *in, int *order)
{
    size_t *gs = NULL, ngen = 0;
    if (socm_plan_generations(in->dag, order, &gs, &ngen) < 0)
        return -1;
    int *tmp = socm_xmalloc((in->n ? in->n : 1) * sizeof *tmp);
    for (size_t g = 0; g < ngen; g++)
        sort_level(in, order + gs[g], tmp, gs[g + 1] - gs[g]);
    free(tmp);
    free(gs);
    return 0;
}

static int no_fit(const struct socm_plan_input *in, int w, int64_t cores, double pool, double best_free,
                  struct socm_error *err)
{
    const struct socm_req *r = &in->reqs[w];
    const char *name = in->names ? in->names[w] : "?";
    if (r->cpus > cores)
        return socm_error_set(err, SOCM_E_INPUT, "workflow %s needs %lld cores; the allocation has %lld cores",
                              name, (long long)r->cpus, (long long)cores);
    return socm_error_set(err, SOCM_E_INPUT,
                          "workflow %s needs %g MB of memory; the allocation of %lld cores has %g MB "
                          "(at most %g MB free where it could start)",
                          name, r->memory_mb, (long long)cores, pool, best_free);
}

/* ---- Choosing the slot: the original's rule, two ways ----
 * The rule: over slots s·k (k = cpus), start = max(latest free time of the slot's
 * cores, earliest), end = start + walltime; the slot qualifies if the pool minus the
 * memory in use at `start` holds the workflow; the smallest end wins, the first slot
 * on ties. Both functions return the slot (-1 if none qualifies) and its start. */

/* The plain scan, for campaigns with many distinct widths (one index per width
 * would then cost more to keep up than it saves). Slots beyond every used core
 * all start at `earliest` like the first of them, so they are not scanned. */
static int64_t pick_scan(const double *free_at, int64_t cores, int64_t used_hi, const struct socm_memsum *mem,
                         double pool, double earliest, const struct socm_req *r, double *best_start)
{
    int64_t best = -1;
    double best_end = 0;
    for (int64_t slot = 0; slot + r->cpus <= cores; slot += r->cpus) {
        double start = earliest;
        for (int64_t c = slot; c < slot + r->cpus; c++)
            if (free_at[c] > start)
                start = free_at[c];
        double end = start + r->walltime_min;
        /* Memory is only looked up where the slot would win. */
        if ((best < 0 || end < best_end) && pool - socm_memsum_at(mem, start) >= r->memory_mb) {
            best = slot;
            *best_start = start;
            best_end = end;
        }
        if (slot > used_hi)
            break;
    }
    return best;
}

/* The same choice through the width's slot index: candidate starts are visited in
 * increasing order (earliest — taken by the first slot free by then — then each
 * larger free time, taken by the first slot with it), and the first whose memory
 * check passes has the smallest end. Distinct starts can round to the same end
 * (start + walltime in floating point): the original then takes the first slot, so
 * the later starts with that same end are checked too. */
static int64_t pick_indexed(const struct socm_slotidx *ix, const struct socm_memsum *mem, double pool,
                            double earliest, const struct socm_req *r, double *best_start)
{
    int64_t s = socm_slotidx_first_le(ix, earliest, 0);
    double t = earliest;
    if (s < 0)
        t = socm_slotidx_next_gt(ix, earliest, &s);
    while (s >= 0 && pool - socm_memsum_at(mem, t) < r->memory_mb)
        t = socm_slotidx_next_gt(ix, t, &s);
    if (s < 0)
        return -1;
    int64_t best = s;
    *best_start = t;
    double end = t + r->walltime_min;
    /* Rounding is monotone: if the next double after t already ends later, no
     * later start can tie. Otherwise a tying start t' has t' − t ≤ ulp(end), so
     * only values below t + 2 ulp(end) are looked at. */
    if (nextafter(t, INFINITY) + r->walltime_min > end)
        return best * ix->k;
    double cap = t + 2 * (nextafter(end, INFINITY) - end);
    for (;;) {
        t = socm_slotidx_next_gt_below(ix, t, cap, &s);
        if (s < 0 || t + r->walltime_min != end)
            break;
        if (s < best && pool - socm_memsum_at(mem, t) >= r->memory_mb) {
            best = s;
            *best_start = t;
        }
    }
    return best * ix->k;
}

/* One slot index per distinct width, or none when there are too many widths. */
#define HEFT_MAX_WIDTHS 64
struct widths {
    struct socm_slotidx *ix;
    size_t n;
};

/* The distinct widths (sorted), or none when there are more than the indexes are
 * worth (the plain scan is used then). */
static int64_t *distinct_widths(const struct socm_plan_input *in, size_t *nd_out)
{
    int64_t *k = socm_plan_widths(in, nd_out);
    if (*nd_out > HEFT_MAX_WIDTHS)
        *nd_out = 0;
    return k;
}

static void widths_init(struct widths *wi, const int64_t *k, size_t nd, int64_t cores)
{
    wi->ix = socm_xcalloc(nd ? nd : 1, sizeof *wi->ix);
    wi->n = nd;
    for (size_t i = 0; i < nd; i++)
        socm_slotidx_init(&wi->ix[i], k[i], cores, 0);
}

static struct socm_slotidx *widths_find(const struct widths *wi, int64_t k)
{
    size_t lo = 0, hi = wi->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wi->ix[mid].k == k)
            return &wi->ix[mid];
        if (wi->ix[mid].k < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void widths_free(struct widths *wi)
{
    for (size_t i = 0; i < wi->n; i++)
        socm_slotidx_free(&wi->ix[i]);
    free(wi->ix);
}

/* What does not depend on the core count, computed once per campaign: the
 * placement order (generations, each sorted) and the distinct widths. */
struct heft_prep {
    int *order;
    size_t *gs, ngen;
    int64_t *widths;
    size_t nwidths;
};

static int heft_prepare(const struct socm_plan_input *in, struct heft_prep *hp, struct socm_error *err)
{
    memset(hp, 0, sizeof *hp);
    size_t n = in->n;
    hp->order = socm_xmalloc((n ? n : 1) * sizeof *hp->order);
    if (socm_plan_generations(in->dag, hp->order, &hp->gs, &hp->ngen) < 0) {
        free(hp->order);
        hp->order = NULL;
        return socm_error_set(err, SOCM_E_INPUT, "planner: the workflow DAG has a cycle");
    }
    int *tmp = socm_xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t g = 0; g < hp->ngen; g++)
        sort_level(in, hp->order + hp->gs[g], tmp, hp->gs[g + 1] - hp->gs[g]);
    free(tmp);
    hp->widths = distinct_widths(in, &hp->nwidths);
    return 0;
}

static void heft_prep_free(struct heft_prep *hp)
{
    free(hp->order);
    free(hp->gs);
    free(hp->widths);
}

/* Places every workflow on `cores` cores in the prepared order. */
static int heft_run(const struct heft_prep *hp, const struct socm_plan_input *in, int64_t cores,
                    struct socm_plan *out, struct socm_error *err)
{
    size_t n = in->n;
    memset(out, 0, sizeof *out);
    if (cores < 1)
        return socm_error_set(err, SOCM_E_INPUT, "cannot plan on %lld cores", (long long)cores);
    const int *order = hp->order;
    const size_t *gs = hp->gs, ngen = hp->ngen;
    const struct socm_resource *res = in->resource;
    /* The original pools memory over the allocation: cores / cores_per_node nodes,
     * as a real number, each with memory_per_node. */
    double pool = (double)cores / (double)res->cores_per_node * res->memory_per_node_mb;
    /* Per core free times are only kept for the plain scan (no indexes). */
    double *free_at = hp->nwidths ? NULL : socm_xcalloc((size_t)cores, sizeof *free_at);
    struct widths wi;
    widths_init(&wi, hp->widths, hp->nwidths, cores);
    struct socm_memsum mem = {0};
    struct socm_plan_entry *e = socm_xcalloc(n ? n : 1, sizeof *e);
    bool *done = socm_xcalloc(n ? n : 1, sizeof *done);
    int rc = 0;
    double makespan = 0;
    int64_t used_hi = -1; /* highest core any workflow has used */

    for (size_t g = 0; g < ngen && rc == 0; g++) {
        for (size_t k = gs[g]; k < gs[g + 1]; k++) {
            int w = order[k];
            const struct socm_req *r = &in->reqs[w];
            double earliest = 0;
            const struct socm_intv *p = &in->dag->pred[w];
            for (size_t j = 0; j < p->n; j++)
                if (done[p->v[j]] && e[p->v[j]].end > earliest)
                    earliest = e[p->v[j]].end;
            int64_t best = -1;
            double best_start = 0, best_end = 0, best_free = 0;
            struct socm_slotidx *ix = widths_find(&wi, r->cpus);
            if (ix)
                best = pick_indexed(ix, &mem, pool, earliest, r, &best_start);
            else
                best = pick_scan(free_at, cores, used_hi, &mem, pool, earliest, r, &best_start);
            /* The original keeps only the smallest end, takes the start back from it
             * and adds the walltime again; both may move by the last bits (99.00000000000001
             * + 33 ends at 132.0, so the start recorded is 99.0), and later memory
             * checks and dependants see the recorded interval. */
            best_end = best_start + r->walltime_min;
            best_start = best_end - r->walltime_min;
            best_end = best_start + r->walltime_min;
            if (best < 0) {
                for (int64_t slot = 0; slot + r->cpus <= cores; slot += r->cpus) {
                    double start = ix ? socm_slotidx_value(ix, slot / r->cpus) : 0;
                    for (int64_t c = slot; !ix && c < slot + r->cpus; c++)
                        if (free_at[c] > start)
                            start = free_at[c];
                    if (earliest > start)
                        start = earliest;
                    double avail = pool - socm_memsum_at(&mem, start);
                    if (slot == 0 || avail > best_free)
                        best_free = avail;
                }
                rc = no_fit(in, w, cores, pool, best_free, err);
                break;
            }
            for (int64_t c = best; free_at && c < best + r->cpus; c++)
                free_at[c] = best_end;
            for (size_t i = 0; i < wi.n; i++)
                socm_slotidx_raise(&wi.ix[i], best, r->cpus, best_end);
            if (best + r->cpus - 1 > used_hi)
                used_hi = best + r->cpus - 1;
            socm_memsum_add(&mem, best_start, best_end, r->memory_mb);
            e[w] = (struct socm_plan_entry){.id = w + 1, .core_first = best, .core_last = best + r->cpus - 1,
                                            .memory_mb = r->memory_mb, .start = best_start, .end = best_end};
            done[w] = true;
            if (best_end > makespan)
                makespan = best_end;
        }
    }
    free(free_at);
    widths_free(&wi);
    free(done);
    socm_memsum_free(&mem);
    if (rc < 0) {
        free(e);
        return -1;
    }
    out->entries = e;
    out->n = n;
    out->cores = cores;
    out->makespan = makespan;
    return 0;
}

static int heft_schedule(const struct socm_planner *self, const struct socm_plan_input *in, int64_t cores,
                         struct socm_plan *out, struct socm_error *err)
{
    (void)self;
    struct heft_prep hp;
    if (heft_prepare(in, &hp, err) < 0)
        return -1;
    int rc = heft_run(&hp, in, cores, out, err);
    heft_prep_free(&hp);
    return rc;
}

static int heft_run_cb(void *ctx, const struct socm_plan_input *in, int64_t cores, struct socm_plan *out,
                       struct socm_error *err)
{
    return heft_run(ctx, in, cores, out, err);
}

int socm_plan_heft_search(const struct socm_plan_input *in, struct socm_plan *out, struct socm_error *err)
{
    struct heft_prep hp;
    if (heft_prepare(in, &hp, err) < 0)
        return -1;
    int rc = socm_plan_search_fn(in, heft_run_cb, &hp, out, err);
    heft_prep_free(&hp);
    return rc;
}

static int heft_plan(const struct socm_planner *self, const struct socm_plan_input *in, struct socm_plan *out,
                     struct socm_error *err)
{
    (void)self;
    return socm_plan_heft_search(in, out, err);
}

const struct socm_planner socm_planner_heft_socm = {
    .name = "heft-socm",
    .description = "the original tool's planner, reproduced exactly (level-by-level HEFT, one memory pool)",
    .schedule = heft_schedule,
    .plan = heft_plan, /* planner.c's search (the original's), with the order prepared once */
};

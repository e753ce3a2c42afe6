/* time.c — policy `time` (the default): the placement orders and the deadline
 * search that minimises core-hours; the placement itself (HEFT with insertion-based
 * backfill and memory per node) is in time_place.c, the batch search over orders
 * in order_search.c.
 *
 * Workflows are placed by upward rank (walltime + the longest chain after it),
 * ties by topological position, so every predecessor is placed first. The model is
 * documented in docs/planner.md and at the top of time_place.c. */
#include "planner/planner_impl.h"
#include "planner/time_place.h"
#include "util/str.h"
#include "util/human.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The batch search (one core count) plans at most TIME_SEARCH_MAX_PLANS times and
 * at most about TIME_SEARCH_PLACEMENTS workflow placements in all: 40 plans at
 * 300 workflows (~25 ms of CPU here), 12 at 1,000, one (the plain rank order)
 * from 12,000 on, where the plain plan is already within 1–2 % of the bound. */
#define TIME_SEARCH_MAX_PLANS 40
#define TIME_SEARCH_PLACEMENTS 12000
/* Below the count the plain plan found, the deadline search may try up to
 * TIME_REMOTE_MAX_PLANS orders per count (as many as TIME_SEARCH_PLACEMENTS
 * placements allow: 100 at 120 workflows, 40 at 300 as in batch), but past the
 * first TIME_SEARCH_MAX_PLANS only on a count whose best plan so far is within
 * TIME_REMOTE_GATE of the deadline (more orders shortened the makespan by at
 * most ~7 % on the benchmark; farther counts are not worth them). On 30
 * campaigns of 120 workflows this took the saving from 5.7 % to 6.5 % and the
 * planning from up to 0.23 s to up to 0.37 s of CPU. */
#define TIME_REMOTE_MAX_PLANS 100
/* Below TIME_SMALL_N workflows the batch search may plan up to
 * TIME_SMALL_PLACEMENTS placements' worth (1,000 orders at 120 workflows, about
 * 0.3 s of CPU here, 400 at 299): on 30 campaigns of 120 workflows the worst
 * makespan ÷ lower bound went from 1.148 with 40 orders to 1.096 (random orders
 * level off: 2,000 orders gave 1.094). It stops at the reported lower bound. */
#define TIME_SMALL_N 300
#define TIME_SMALL_PLACEMENTS 120000
#define TIME_SMALL_MAX_PLANS 1000
#define TIME_REMOTE_GATE 1.08
#define TIME_DEEP_PLACEMENTS 60000
#define TIME_DEEP_MAX_PLANS 1000

/* Upward ranks and the order the workflows are placed in; NULL on a cycle. */
static int *rank_order(const struct socm_plan_input *in)
{
    size_t n = in->n;
    int *topo = socm_xmalloc((n ? n : 1) * sizeof *topo);
    if (socm_plan_topo(in->dag, topo) < 0) { /* a plan input built around the checks */
        free(topo);
        return NULL;
    }
    double *rank = socm_xcalloc(n ? n : 1, sizeof *rank);
    size_t *pos = socm_xcalloc(n ? n : 1, sizeof *pos);
    socm_plan_upward_rank(in, topo, rank, pos);
    /* Sort by (rank desc, topological position asc): a merge sort on indexes. */
    int *v = topo, *tmp = socm_xmalloc((n ? n : 1) * sizeof *tmp);
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                int a = v[i], b = v[j];
                bool take_b = rank[b] > rank[a] || (rank[b] == rank[a] && pos[b] < pos[a]);
                tmp[k++] = take_b ? v[j++] : v[i++];
            }
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        int *sw = v;
        v = tmp;
        tmp = sw;
    }
    free(tmp);
    free(rank);
    free(pos);
    return v;
}

/* The cores of an allocation of `cores` that a plan may use: all of them, unless
 * more than the workflows could ever fill. On one node that is the sum of their
 * widths; over several nodes, room for each workflow on nodes of its own (so
 * memory per node constrains no more than on the whole allocation). Plans are made
 * on that many, so planning costs the same whatever count was requested. */
int64_t socm_plan_time_usable_cores(const struct socm_plan_input *in, int64_t cores, int64_t cpn)
{
    int64_t width = 0, nodes = 0;
    for (size_t i = 0; i < in->n && width < cores; i++) {
        int64_t k = in->reqs[i].cpus > 0 ? in->reqs[i].cpus : 1;
        width += k;
        nodes += (k + cpn - 1) / cpn + 1;
    }
    int64_t use = cores <= cpn ? width : (nodes < cores / cpn ? nodes * cpn : cores);
    return use < 1 ? 1 : use < cores ? use : cores;
}

static int order_cb(void *ctx, const struct socm_plan_input *in, const int *order, int64_t cores,
                    struct socm_plan *out, struct socm_error *err)
{
    (void)ctx;
    return socm_plan_time_place(in, order, cores, out, err);
}

size_t socm_plan_time_search_budget(size_t n)
{
    if (n < TIME_SMALL_N) {
        size_t b = TIME_SMALL_PLACEMENTS / (n ? n : 1);
        return b > TIME_SMALL_MAX_PLANS ? TIME_SMALL_MAX_PLANS : b;
    }
    size_t b = TIME_SEARCH_PLACEMENTS / (n ? n : 1);
    return b < 1 ? 1 : b > TIME_SEARCH_MAX_PLANS ? TIME_SEARCH_MAX_PLANS : b;
}

/* The deadline search's orders per count (see TIME_REMOTE_MAX_PLANS). */
static size_t remote_budget(size_t n)
{
    size_t b = TIME_SEARCH_PLACEMENTS / (n ? n : 1);
    return b < 1 ? 1 : b > TIME_REMOTE_MAX_PLANS ? TIME_REMOTE_MAX_PLANS : b;
}

int socm_plan_time_on(const struct socm_plan_input *in, int64_t cores, size_t budget, struct socm_plan *out,
                      struct socm_error *err)
{
    return socm_plan_order_search(in, cores, order_cb, NULL, budget, 0, out, err);
}

/* On one core count (batch schema): the best of several placement orders
 * (order_search.c), as many as the campaign's size allows. */
static int time_schedule(const struct socm_planner *self, const struct socm_plan_input *in, int64_t cores,
                         struct socm_plan *out, struct socm_error *err)
{
    (void)self;
    return socm_plan_time_on(in, cores, socm_plan_time_search_budget(in->n), out, err);
}

/* ---- Deadline search: the fewest core-hours a QoS admits ---- */

/* The two placement orders: upward rank, and heft-socm's level order (placed with
 * backfill and memory per node all the same). The search uses the rank order only
 * (on the benchmark the level order never changed its answer and cost a second
 * plan per missed count); where heft-socm needs fewer cores, that count is retried
 * with both (heft_guard). */
#define TIME_MISSES 16
struct orders {
    int *rank, *level;
    size_t budget; /* plans per count: 1 = the rank order alone */
    /* Rank-order plans that missed the deadline (count, makespan): the search with
     * both orders does not plan them again. */
    int64_t miss_cores[TIME_MISSES];
    double miss_makespan[TIME_MISSES];
    bool miss_exact[TIME_MISSES]; /* else a plan stopped early: its makespan is more */
    size_t nmiss;
    int64_t asked;
    bool asked_planned; /* a plan on `asked` cores was made: it has no input error */
};

/* The record of the rank-order plan on `cores` known to miss, or -1. */
static int known_miss(const struct orders *o, int64_t cores)
{
    for (size_t i = 0; i < o->nmiss; i++)
        if (o->miss_cores[i] == cores)
            return (int)i;
    return -1;
}

/* Records that the rank-order plan on `cores` misses (makespan m; exact, or more
 * than m): over a record of a plan stopped early (record `at`), or as a new one. */
static void record_miss(struct orders *o, int at, int64_t cores, double m, bool exact)
{
    size_t i = at >= 0 && !o->miss_exact[at] ? (size_t)at : o->nmiss;
    if (i == TIME_MISSES)
        return;
    o->miss_cores[i] = cores;
    o->miss_makespan[i] = m;
    o->miss_exact[i] = exact;
    if (i == o->nmiss)
        o->nmiss++;
}

/* The level-order plan where the rank order is known to miss (record mi): the
 * better makespan, as if both were planned. Returns 1 (a plan ending after `stop`)
 * as try_cores. */
static int level_after_miss(const struct socm_plan_input *in, const struct orders *o, int mi, int64_t cores,
                            double stop, struct socm_plan *out, struct socm_error *err)
{
    double miss = o->miss_makespan[mi];
    /* The rank plan's makespan v, if exact and at most `stop`, is the answer
     * wherever the level plan ends after it (so it is placed until then);
     * otherwise v > stop, and the answer ends after `stop` just when the level
     * plan does. */
    bool exact = o->miss_exact[mi] && miss <= stop;
    int rc = socm_plan_time_place_until(in, o->level, cores, exact ? miss : stop, out, err);
    if (rc < 0)
        return -1;
    if (rc == 1 && !exact)
        return 1;
    if (out->makespan > in->deadline_min && out->makespan >= miss)
        out->makespan = miss; /* the rank plan's, as it would have been kept */
    return 0;
}

/* A plan that misses the deadline is only read for its makespan (the searches'
 * next count); where the rank order is known to miss, `both` plans the level order
 * alone and gives the better makespan. A caller that needs a plan's makespan only
 * up to `stop` (> the deadline; INFINITY: always) lets the plans stop once they
 * end after it: 1 is returned then (a miss; out->makespan, more than `stop`, is
 * less than the whole plan's), else 0 with what the whole plans give. Plans stop
 * early only one order a count (a budget of 1), as from 12,000 workflows on. */
static int try_cores(const struct socm_plan_input *in, struct orders *o, int64_t cores, struct socm_plan *out,
                     struct socm_error *err, bool both, double stop)
{
    if (o->budget > 1)
        stop = INFINITY;
    int mi = o->budget > 1 || !both ? -1 : known_miss(o, cores);
    /* A record of a plan stopped early is enough if it stopped past `stop`. */
    if (mi >= 0 && (o->miss_exact[mi] || o->miss_makespan[mi] >= stop))
        return level_after_miss(in, o, mi, cores, stop, out, err);
    /* Up to the batch budget as in batch (the best of those orders: the secant
     * search reads its makespan); past it only where that came within
     * TIME_REMOTE_GATE of the deadline, and then any plan meeting the deadline
     * will do, so that search stops at the first. */
    size_t first = o->budget < TIME_SEARCH_MAX_PLANS ? o->budget : TIME_SEARCH_MAX_PLANS;
    int rc = first > 1 ? socm_plan_time_on(in, cores, first, out, err)
                       : socm_plan_time_place_until(in, o->rank, cores, stop, out, err);
    if (rc < 0)
        return -1;
    o->asked_planned |= cores == o->asked; /* a plan stopped early checked the input all the same */
    if (o->budget == 1 && out->makespan > in->deadline_min)
        record_miss(o, mi, cores, out->makespan, rc == 0);
    if (rc == 1 && !both)
        return 1;
    if (o->budget > first && out->makespan > in->deadline_min &&
        out->makespan <= in->deadline_min * TIME_REMOTE_GATE) {
        struct socm_plan more = {0};
        if (socm_plan_order_search(in, cores, order_cb, NULL, o->budget, in->deadline_min, &more, err) < 0)
            return -1;
        socm_plan_free(out);
        *out = more;
    }
    if (out->makespan <= in->deadline_min || !both)
        return rc;
    /* The level order's plan where it ends before the rank order's: placed until
     * the rank plan's end (where it ends later, the rank plan stays) or `stop`. */
    bool exact = rc == 0 && out->makespan <= stop;
    struct socm_plan alt = {0};
    struct socm_error e2 = {0};
    int arc = socm_plan_time_place_until(in, o->level, cores, exact ? out->makespan : stop, &alt, &e2);
    if (arc == 0 && alt.makespan < out->makespan) {
        socm_plan_free(out);
        *out = alt;
        return 0;
    }
    socm_plan_free(&alt);
    return rc == 1 || (arc == 1 && !exact) ? 1 : 0;
}

static double core_hours(const struct socm_plan *p, double deadline)
{
    return (double)p->cores * socm_plan_pilot_walltime(p->makespan, deadline) / 60.0;
}

/* The promise: never more cores than heft-socm for the same deadline. The rank
 * heuristic misses it on rare shapes (about 1 random campaign in 2,000 in the
 * tests), so heft-socm's own search runs too; where it found fewer cores with a
 * plan that also keeps memory per node, time retries that count and, failing
 * that, adopts heft-socm's placement. */
static void heft_guard(const struct socm_planner *self, const struct socm_plan_input *in, struct orders *ord,
                       struct socm_plan *best, int *bq)
{
    (void)self;
    struct socm_plan h = {0};
    struct socm_error e2 = {0};
    if (socm_plan_heft_search(in, &h, &e2) < 0)
        return;
    if (h.cores < best->cores && socm_plan_node_memory_violation(in, &h) < 0) {
        struct socm_plan t = {0};
        if (try_cores(in, ord, h.cores, &t, &e2, true, INFINITY) == 0 && t.makespan <= in->deadline_min) {
            socm_plan_free(&h);
            h = t;
        } else {
            socm_plan_free(&t);
        }
        int q = socm_plan_qos_first_fit(in->resource, socm_plan_pilot_walltime(h.makespan, in->deadline_min),
                                        h.cores);
        if (q >= 0) {
            socm_plan_free(best);
            free(h.qos);
            h.qos = NULL;
            *best = h;
            *bq = q;
            return;
        }
    }
    socm_plan_free(&h);
}

/* How far smallest_count's climb needs the makespan of a plan on c cores that
 * misses: on `top` cores not at all (the climb ends there); below, while the next
 * count depends on it (past that makespan it is min(top, 2c)), but only where both
 * orders are placed (every count missed with the rank order alone: a count that
 * meets further up, whose search between would then need the whole makespan and
 * plan it again, is unlikely). */
static double count_stop(const struct socm_plan_input *in, int64_t c, int64_t top, bool both)
{
    double d = in->deadline_min;
    if (c >= top)
        return d;
    if (!both)
        return INFINITY;
    double target = (double)(top < 2 * c ? top : 2 * c);
    double stop = d * target / ((double)c * 1.002) * (1 + 1e-9);
    return stop > d ? stop : d;
}

/* The smallest count in [lo, top] meeting the deadline (-1 if none; its plan in
 * *best), placing by rank order (and, if `both`, the level order too). */
static int64_t smallest_count(const struct socm_plan_input *in, struct orders *ord, int64_t lo, int64_t top,
                              bool both, struct socm_plan *best)
{
    int64_t cmin = -1, hi = top;
    double m_miss = 0; /* makespan at lo − 1 (0: none) */
    bool m_more = false; /* that plan stopped early: its makespan is more than m_miss */
    /* Up from the lower bound, then a safeguarded secant search. A plan that
     * misses the deadline tells how far to go: its makespan shrinks about as
     * 1/cores while work dominates, so the next count is cores × makespan ÷
     * deadline (a little more, at least 1/256 more, at most twice); without a
     * plan, 1/8 more. */
    for (int64_t c = lo;;) {
        struct socm_plan tmp = {0};
        struct socm_error e2 = {0};
        int rc = try_cores(in, ord, c, &tmp, &e2, both, count_stop(in, c, top, both));
        if (rc == 0 && tmp.makespan <= in->deadline_min) {
            *best = tmp;
            cmin = c;
            hi = c - 1;
            break;
        }
        double m = rc >= 0 ? tmp.makespan : 0;
        socm_plan_free(&tmp);
        lo = c + 1;
        m_miss = m;
        m_more = rc == 1;
        if (c == top)
            break;
        int64_t next = c + (c + 7) / 8;
        if (m > 0) {
            double want = ceil((double)c * m / in->deadline_min * 1.002);
            next = want < (double)(2 * c) ? (int64_t)want : 2 * c;
            if (next < c + 1 + c / 256)
                next = c + 1 + c / 256;
        }
        c = next < top ? next : top;
    }
    /* Between a count that misses (lo − 1, makespan m_miss) and one that meets
     * (hi + 1): the count where the line through the two makespans crosses the
     * deadline, kept an eighth of the interval away from its ends (so the interval
     * still shrinks geometrically); bisection when the miss had no plan. It
     * stops, from 1,024 cores on, when fewer than 1/512 of the cores are left to
     * try (their plans cost more than the ≤ 0.2 % of cores they could save). */
    if (m_more && cmin >= 0 && lo <= hi && (cmin < 1024 || (hi - lo + 1) * 512 > cmin)) {
        /* The secant needs the whole makespan of the plan that stopped early. */
        struct socm_plan tmp = {0};
        struct socm_error e2 = {0};
        m_miss = try_cores(in, ord, lo - 1, &tmp, &e2, both, INFINITY) == 0 ? tmp.makespan : 0;
        socm_plan_free(&tmp);
    }
    while (cmin >= 0 && lo <= hi && (cmin < 1024 || (hi - lo + 1) * 512 > cmin)) {
        int64_t mid = lo + (hi - lo) / 2;
        if (m_miss > in->deadline_min && best->makespan < m_miss) {
            double x0 = (double)(lo - 1), x1 = (double)(hi + 1);
            double guess = x0 + (m_miss - in->deadline_min) / (m_miss - best->makespan) * (x1 - x0);
            int64_t g = (int64_t)ceil(guess), pad = (hi - lo) / 8;
            mid = g < lo + pad ? lo + pad : g > hi - pad ? hi - pad : g;
        }
        /* A miss that ends the search is not read for its makespan. */
        int64_t left = hi - mid;
        double stop = left < 1 || (cmin >= 1024 && left * 512 <= cmin) ? in->deadline_min : INFINITY;
        struct socm_plan tmp = {0};
        struct socm_error e2 = {0};
        if (try_cores(in, ord, mid, &tmp, &e2, both, stop) == 0 && tmp.makespan <= in->deadline_min) {
            socm_plan_free(best);
            *best = tmp;
            cmin = mid;
            hi = mid - 1;
        } else {
            m_miss = tmp.makespan;
            socm_plan_free(&tmp);
            lo = mid + 1;
        }
    }
    return cmin;
}

/* Core counts move in steps of the wide workflows' cores (maps of half or a
 * whole node): below the count found, half a node less is tried with many more
 * orders (up to TIME_DEEP_PLACEMENTS placements: 500 orders at 120 workflows,
 * 200 at 300, 60 at 1,000; not from 1,501 workflows on),
 * again while that meets the deadline; past the first orders only where they came
 * within TIME_REMOTE_GATE of the deadline, stopping at the first plan meeting it.
 * On 30 campaigns of 120 workflows this took the saving from 6.5 % to 7.5 % (from
 * 7.7 % with twice the orders, 8.4 % with 4,000: random orders level off). */
static void deeper(const struct socm_plan_input *in, struct orders *ord, int64_t lo, struct socm_plan *best,
                   int64_t *cmin)
{
    size_t b = TIME_DEEP_PLACEMENTS / (in->n ? in->n : 1), keep = ord->budget;
    int64_t step = in->resource->cores_per_node / 2;
    if (b < TIME_SEARCH_MAX_PLANS || b <= keep || step < 1 || *cmin < 0)
        return;
    ord->budget = b > TIME_DEEP_MAX_PLANS ? TIME_DEEP_MAX_PLANS : b;
    while (*cmin - step >= lo && *cmin - step >= 1) {
        struct socm_plan tmp = {0};
        struct socm_error e2 = {0};
        if (try_cores(in, ord, *cmin - step, &tmp, &e2, false, INFINITY) < 0 || tmp.makespan > in->deadline_min) {
            socm_plan_free(&tmp);
            break;
        }
        socm_plan_free(best);
        *best = tmp;
        *cmin = tmp.cores;
    }
    ord->budget = keep;
}

static int time_plan(const struct socm_planner *self, const struct socm_plan_input *in, struct socm_plan *out,
                     struct socm_error *err)
{
    if (in->schema == SOCM_SCHEMA_BATCH)
        return socm_plan_search(self, in, out, err);
    int64_t top = socm_plan_max_cores(in), lo = socm_plan_max_cpus(in);
    /* Counts above the usable cores plan the same: search no higher. */
    int64_t used = socm_plan_time_usable_cores(in, top, in->resource->cores_per_node), asked = top;
    if (top > used)
        top = used > lo ? used : lo;
    /* No allocation below total work ÷ deadline can meet the deadline. */
    double work = 0;
    for (size_t i = 0; i < in->n; i++)
        work += (double)in->reqs[i].cpus * in->reqs[i].walltime_min;
    int64_t wlo = (int64_t)floor(work / in->deadline_min);
    if (wlo > lo)
        lo = wlo < top ? wlo : top;
    struct orders ord = {rank_order(in), socm_xmalloc((in->n ? in->n : 1) * sizeof(int)), 1, .asked = asked};
    if (!ord.rank || socm_plan_heft_order(in, ord.level) < 0) {
        free(ord.rank);
        free(ord.level);
        return socm_error_set(err, SOCM_E_INPUT, "the workflows' dependencies form a cycle");
    }
    struct socm_plan best = {0};
    /* No plan on up to `asked` cores (heft-socm's neither) can end before the
     * lower bound: where it is past the deadline, nothing is searched. */
    struct socm_plan lb = {.cores = asked, .makespan = 1};
    socm_plan_bounds(in, &lb);
    bool hopeless = lb.lower_bound > in->deadline_min * (1 + 1e-9);
    /* Every plan that meets the deadline has at least `lo` cores and ends no sooner
     * than the bound; where no QoS admits that much, none admits any plan (its
     * limits only grow harder with more cores or time): say so after one plan that
     * checks the input, rather than search counts that all fail (deep campaigns on
     * perlmutter: 22 s of searching to the same answer). */
    double wt_least = socm_plan_pilot_walltime(lb.lower_bound, in->deadline_min);
    if (!hopeless && socm_plan_qos_first_fit(in->resource, wt_least, lo) < 0) {
        free(ord.rank);
        free(ord.level);
        struct socm_plan tmp = {0};
        int rc = socm_plan_time_on(in, asked, 1, &tmp, err);
        socm_plan_free(&tmp);
        if (rc < 0)
            return -1;
        char list[1024];
        socm_plan_qos_describe(in->resource, list, sizeof list);
        return socm_error_set(err, SOCM_E_INPUT,
                              "no QoS of %s admits %lld cores for %g min, the least any plan "
                              "needs; its policies: %s",
                              in->resource->name ? in->resource->name : "the resource",
                              (long long)lo, wt_least, list);
    }
    /* Rank order alone first; both orders only if that meets the deadline nowhere. */
    int64_t cmin = hopeless ? -1 : smallest_count(in, &ord, lo, top, false, &best);
    if (cmin < 0 && !hopeless)
        cmin = smallest_count(in, &ord, lo, top, true, &best);
    /* Then below that count with the best of several orders at each count
     * (remote_budget: 100 plans at 120 workflows, 40 at 300, none from 12,000
     * on), and half a node less with more (deeper): a shorter makespan lets a
     * smaller count meet the deadline. */
    ord.budget = remote_budget(in->n);
    if (cmin > lo && ord.budget > 1) {
        struct socm_plan fewer = {0}, probe = {0};
        struct socm_error e2 = {0};
        /* One count less first: where even that misses, the search stops there. */
        bool worth = try_cores(in, &ord, cmin - 1, &probe, &e2, false, INFINITY) == 0 &&
                     probe.makespan <= in->deadline_min;
        socm_plan_free(&probe);
        if (worth && smallest_count(in, &ord, lo, cmin - 1, false, &fewer) >= 0) {
            socm_plan_free(&best);
            best = fewer;
            cmin = best.cores;
        }
    }
    deeper(in, &ord, lo, &best, &cmin);
    ord.budget = 1;
    if (cmin < 0) {
        int q = -1;
        best.cores = INT64_MAX;
        if (!hopeless)
            heft_guard(self, in, &ord, &best, &q);
        if (q >= 0) {
            free(ord.rank);
            free(ord.level);
            *out = best;
            out->qos = socm_strdup(in->resource->qos[q].name);
            return 0;
        }
        socm_plan_free(&best);
        struct socm_plan tmp = {0};
        free(ord.rank);
        free(ord.level);
        /* Say why: a workflow the allocation cannot hold (the same for every
         * order), unless a plan on `asked` cores was made already. */
        if (!ord.asked_planned && socm_plan_time_on(in, asked, 1, &tmp, err) < 0)
            return -1;
        socm_plan_free(&tmp);
        char d[32];
        return socm_error_set(err, SOCM_E_INPUT, "cannot meet the %s deadline with %lld core%s",
                              socm_human_minutes(in->deadline_min, d, sizeof d), (long long)asked,
                              asked == 1 ? "" : "s");
    }
    /* Core-hours are cores × pilot walltime. Above the smallest count that meets
     * the deadline they only fall when the makespan drops faster than the cores
     * grow, which the benchmark found rare and which would break the promise of
     * never taking more cores than heft-socm; so the smallest count is kept, unless
     * no QoS admits it: then a larger allocation may finish early enough for a
     * QoS with a shorter walltime limit (e.g. tiger3's short instead of medium),
     * and the cheapest admitted one among a few steps up to 3× is taken. */
    int bq = socm_plan_qos_first_fit(in->resource, socm_plan_pilot_walltime(best.makespan, in->deadline_min),
                                     cmin);
    double bch = INFINITY;
    bool need_qos = bq < 0;
    for (int i = 1; need_qos && i <= 16; i++) {
        int64_t c = cmin + (cmin * i + 7) / 8;
        if (c > top)
            break;
        struct socm_plan tmp = {0};
        struct socm_error e2 = {0};
        if (try_cores(in, &ord, c, &tmp, &e2, false, INFINITY) < 0)
            continue;
        int q = socm_plan_qos_first_fit(in->resource, socm_plan_pilot_walltime(tmp.makespan, in->deadline_min), c);
        double ch = core_hours(&tmp, in->deadline_min);
        if (tmp.makespan <= in->deadline_min && q >= 0 && ch < bch) {
            socm_plan_free(&best);
            best = tmp;
            bq = q;
            bch = ch;
        } else {
            socm_plan_free(&tmp);
        }
    }
    heft_guard(self, in, &ord, &best, &bq);
    free(ord.rank);
    free(ord.level);
    if (bq < 0) {
        char list[1024];
        socm_plan_qos_describe(in->resource, list, sizeof list);
        int64_t c = best.cores;
        double wt = socm_plan_pilot_walltime(best.makespan, in->deadline_min);
        socm_plan_free(&best);
        return socm_error_set(err, SOCM_E_INPUT, "no QoS of %s admits %lld cores for %g min; its policies: %s",
                              in->resource->name ? in->resource->name : "the resource", (long long)c, wt, list);
    }
    *out = best;
    out->qos = socm_strdup(in->resource->qos[bq].name);
    return 0;
}

const struct socm_planner socm_planner_time = {
    .name = "time",
    .description = "HEFT over the whole DAG with backfill and memory per node; fewest core-hours",
    .schedule = time_schedule,
    .plan = time_plan,
};

/* order_search.c — a better plan on one core count by trying several placement
 * orders. A list scheduler's plan depends on the order it takes the workflows in;
 * upward rank is a good order but not the best one when a few long, wide jobs
 * have to be packed on few nodes (whole jobs of 1–4 h on 18 nodes). Here the
 * scheduler is run under several priority rules and under randomly perturbed
 * upward ranks (GRASP, with a fixed seed so the same input gives the same plan),
 * each plan improved by forward–backward passes, and the plan with the smallest
 * makespan is kept. Every candidate comes from the same scheduler, so every
 * constraint it keeps holds in the plan kept; the plain upward-rank plan is the
 * first candidate, so the result is never worse than it. */
#include "planner/planner_impl.h"
#include "util/heap.h"
#include "util/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Relative perturbation of the upward rank in the randomised orders (and twice
 * and three times it in turn). On the 300-workflow benchmark, 5 %, 15 %, 30 % and
 * this cycle gave mean makespan ÷ bound within 0.01 of each other; the cycle
 * also finds orders where a long job must follow shorter ones (a test). */
#define SEARCH_PERTURB 0.15
/* Forward–backward rounds after each order (while they improve); 1 round gave
 * 1.177 and 3 gave 1.166 mean makespan ÷ max(cp, work ÷ cores) on the first 10
 * 300-workflow layered campaigns of the benchmark. */
#define SEARCH_FBI_ROUNDS 3
/* Searches of more plans than this stop at the reported lower bound. */
#define SEARCH_BOUND_FROM 40

void socm_plan_upward_rank(const struct socm_plan_input *in, const int *topo, double *rank, size_t *pos)
{
    for (size_t k = in->n; k-- > 0;) {
        int u = topo[k];
        pos[u] = k;
        double after = 0;
        const struct socm_intv *s = &in->dag->succ[u];
        for (size_t j = 0; j < s->n; j++)
            if (rank[s->v[j]] > after)
                after = rank[s->v[j]];
        rank[u] = in->reqs[u].walltime_min + after;
    }
}

/* What orders are made from: per workflow a primary and a secondary key (both
 * larger first) and its topological position (smaller first on ties). */
struct okeys {
    double *k1, *k2;
    const size_t *pos;
};

static bool before(const struct okeys *o, int a, int b)
{
    if (o->k1[a] != o->k1[b])
        return o->k1[a] > o->k1[b];
    if (o->k2[a] != o->k2[b])
        return o->k2[a] > o->k2[b];
    return o->pos[a] < o->pos[b];
}

static bool okeys_before(const void *o, int a, int b)
{
    return before(o, a, b);
}

/* The list order: repeatedly the ready workflow (every predecessor taken) that
 * comes first by the keys — always a topological order, whatever the keys. */
static void list_order(const struct socm_plan_input *in, const struct okeys *o, size_t *indeg, int *heap, int *order)
{
    size_t n = in->n, hn = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        if ((indeg[i] = in->dag->pred[i].n) == 0)
            socm_heap_push(heap, &hn, (int)i, okeys_before, o);
    while (hn > 0) {
        int u = socm_heap_pop(heap, &hn, okeys_before, o);
        order[k++] = u;
        const struct socm_intv *s = &in->dag->succ[u];
        for (size_t j = 0; j < s->n; j++)
            if (--indeg[s->v[j]] == 0)
                socm_heap_push(heap, &hn, s->v[j], okeys_before, o);
    }
}

static uint64_t xs(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double unit(uint64_t *s) { return (double)(xs(s) >> 11) / 9007199254740992.0; }

struct search {
    const struct socm_plan_input *in;
    int64_t cores;
    socm_order_fn fn;
    void *ctx;
    size_t *indeg;
    int *heap, *order;
    struct socm_plan best;
    size_t evals, budget;
    int fbi_rounds;
    double bound; /* max(critical path, work ÷ cores, the caller's target): stop at it */
};

/* Whether another plan may still be tried: budget left and the best plan not
 * already at the bound (or the caller's target). */
static bool more(const struct search *s, size_t evals)
{
    return s->evals + evals <= s->budget && s->best.makespan > s->bound * (1 + 1e-12);
}

/* Keeps p if its makespan is smaller than the best so far (else frees it). */
static void keep(struct search *s, struct socm_plan *p)
{
    if (!(p->makespan < s->best.makespan)) {
        socm_plan_free(p);
        return;
    }
    socm_plan_free(&s->best);
    s->best = *p;
}

/* Plans with the order made from `o`, then improves the plan by forward–backward
 * passes (justification): the workflows are planned again on the reversed DAG,
 * latest end first, which pushes every one as late as it can go; then forward
 * again, earliest start in that plan first. Keeps whatever is better than the
 * best so far. Returns -1 if the scheduler failed, else 0. */
static int consider(struct search *s, const struct okeys *o)
{
    struct socm_plan p = {0};
    struct socm_error e2 = {0};
    const struct socm_plan_input *in = s->in;
    size_t n = in->n;
    list_order(in, o, s->indeg, s->heap, s->order);
    s->evals++;
    if (s->fn(s->ctx, in, s->order, s->cores, &p, &e2) < 0)
        return -1;
    double cur = p.makespan;
    double *k1 = socm_xmalloc((n ? n : 1) * sizeof *k1), *k2 = socm_xcalloc(n ? n : 1, sizeof *k2);
    for (size_t i = 0; i < n; i++)
        k1[i] = p.entries[i].end;
    keep(s, &p);
    struct okeys fk = {k1, k2, o->pos};
    struct socm_dag rdag = {n, in->dag->succ, in->dag->pred};
    struct socm_plan_input rin = *in;
    rin.dag = &rdag;
    for (int round = 0; round < s->fbi_rounds && more(s, 2); round++) {
        struct socm_plan b = {0};
        list_order(&rin, &fk, s->indeg, s->heap, s->order);
        s->evals++;
        if (s->fn(s->ctx, &rin, s->order, s->cores, &b, &e2) < 0)
            break;
        for (size_t i = 0; i < n; i++)
            k1[i] = b.entries[i].end;
        socm_plan_free(&b);
        list_order(in, &fk, s->indeg, s->heap, s->order);
        s->evals++;
        if (s->fn(s->ctx, in, s->order, s->cores, &p, &e2) < 0)
            break;
        double ms = p.makespan;
        for (size_t i = 0; i < n; i++)
            k1[i] = p.entries[i].end;
        keep(s, &p);
        if (!(ms < cur))
            break;
        cur = ms;
    }
    free(k1);
    free(k2);
    return 0;
}

int socm_plan_order_search(const struct socm_plan_input *in, int64_t cores, socm_order_fn fn, void *ctx,
                           size_t budget, double target, struct socm_plan *out, struct socm_error *err)
{
    size_t n = in->n, nn = n ? n : 1;
    int *topo = socm_xmalloc(nn * sizeof *topo);
    double *rank = socm_xcalloc(nn, sizeof *rank), *area = socm_xmalloc(nn * sizeof *area);
    size_t *pos = socm_xcalloc(nn, sizeof *pos);
    if (socm_plan_topo(in->dag, topo) < 0) { /* a plan input built around the checks */
        free(topo);
        free(rank);
        free(area);
        free(pos);
        return socm_error_set(err, SOCM_E_INPUT, "the workflows' dependencies form a cycle");
    }
    socm_plan_upward_rank(in, topo, rank, pos);
    double maxrank = 0, work = 0;
    for (size_t i = 0; i < n; i++) {
        area[i] = (double)in->reqs[i].cpus * in->reqs[i].walltime_min;
        maxrank = rank[i] > maxrank ? rank[i] : maxrank;
        work += area[i];
    }
    struct search s = {.in = in, .cores = cores, .fn = fn, .ctx = ctx, .budget = budget ? budget : 1,
                        .fbi_rounds = SEARCH_FBI_ROUNDS,
                        .bound = cores > 0 && work / (double)cores > maxrank ? work / (double)cores : maxrank};
    /* A plan meeting the target is as good as a shorter one: stop there. */
    if (target > s.bound)
        s.bound = target;
    s.indeg = socm_xmalloc(nn * sizeof *s.indeg);
    s.heap = socm_xmalloc(nn * sizeof *s.heap);
    s.order = socm_xmalloc(nn * sizeof *s.order);
    double *k1 = socm_xmalloc(nn * sizeof *k1), *k2 = socm_xcalloc(nn, sizeof *k2);
    struct okeys o = {k1, k2, pos};
    s.best.makespan = INFINITY;
    /* 1. Upward rank (the plain plan: the search never returns a worse one). */
    memcpy(k1, rank, nn * sizeof *k1);
    int rc = consider(&s, &o);
    if (rc < 0) {
        /* The plain order cannot be planned (cores, memory): say why. */
        list_order(in, &o, s.indeg, s.heap, s.order);
        rc = fn(ctx, in, s.order, cores, &s.best, err);
    }
    /* No plan ends before the reported lower bound (bounds.c): a plan at it is
     * kept as no later one could replace it (only a shorter one does). Only for
     * long searches: for a dozen orders at 1,000 workflows computing the bound
     * cost more than it saved (remote planning 133 → 153 ms). */
    if (rc >= 0 && s.budget > SEARCH_BOUND_FROM && more(&s, 1)) {
        struct socm_plan b = {.cores = cores, .makespan = s.best.makespan};
        socm_plan_bounds(in, &b);
        if (b.lower_bound > s.bound)
            s.bound = b.lower_bound;
    }
    /* 2. Fixed rules: ties by area; largest area first within rank bands. */
    static const double bands[] = {0, 0.02, 0.05, 0.1, 0.2};
    for (size_t b = 0; rc >= 0 && b < sizeof bands / sizeof bands[0] && more(&s, 1); b++) {
        double w = bands[b] * maxrank;
        for (size_t i = 0; i < n; i++) {
            k1[i] = w > 0 ? floor(rank[i] / w) : rank[i];
            k2[i] = area[i];
        }
        consider(&s, &o);
    }
    /* 3. GRASP: upward rank times a random factor in 1 ± 15 %, 30 % or 45 % in
     * turn (the larger ones let a long job go after shorter ones, which packing
     * whole jobs on few nodes needs), from a fixed seed. */
    uint64_t rng = 0x5ca1ab1e0ddba11ULL ^ (uint64_t)n * 0x9e3779b97f4a7c15ULL;
    for (size_t it = 0; rc >= 0 && more(&s, 1) && n > 1; it++) {
        double perturb = SEARCH_PERTURB * (double)(1 + it % 3);
        for (size_t i = 0; i < n; i++) {
            double r = 2 * unit(&rng) - 1;
            k1[i] = rank[i] * (1 + perturb * r);
            k2[i] = 0;
        }
        consider(&s, &o);
    }
    free(topo);
    free(rank);
    free(area);
    free(pos);
    free(s.indeg);
    free(s.heap);
    free(s.order);
    free(k1);
    free(k2);
    if (rc < 0) {
        socm_plan_free(&s.best);
        return -1;
    }
    *out = s.best;
    return 0;
}

/* nodeline.c — a node's memory and cores in use over time (see nodeline.h). */
#include "planner/nodeline.h"
#include "planner/memline.h"
#include "util/str.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void socm_nodeline_free(struct socm_nodeline *l)
{
    free(l->t);
    free(l->mem);
    free(l->cores);
    free(l->tree);
    memset(l, 0, sizeof *l);
}

/* Index of the last breakpoint ≤ t, or -1. */
static long last_le(const struct socm_nodeline *l, double t)
{
    return socm_breaks_last_le(l->t, l->n, t);
}

/* Makes sure a breakpoint exists at t; returns its index. */
static size_t split_at(struct socm_nodeline *l, double t)
{
    long i = last_le(l, t);
    if (i >= 0 && l->t[i] == t)
        return (size_t)i;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->t = socm_xrealloc(l->t, l->cap * sizeof *l->t);
        l->mem = socm_xrealloc(l->mem, l->cap * sizeof *l->mem);
        l->cores = socm_xrealloc(l->cores, l->cap * sizeof *l->cores);
    }
    size_t at = (size_t)(i + 1), tail = l->n - at;
    memmove(l->t + at + 1, l->t + at, tail * sizeof *l->t);
    memmove(l->mem + at + 1, l->mem + at, tail * sizeof *l->mem);
    memmove(l->cores + at + 1, l->cores + at, tail * sizeof *l->cores);
    l->t[at] = t;
    l->mem[at] = i >= 0 ? l->mem[i] : 0;
    l->cores[at] = i >= 0 ? l->cores[i] : 0;
    l->n++;
    return at;
}

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* Per block of NL_B steps the largest and smallest memory and cores, and a tree
 * over the blocks (leaves at tsize + b). Adding a step shifts every later one, so
 * every later summary is redone: a block's from contiguous values, and the tree
 * has a leaf a block, not a step (a tree over steps cost twice as much to keep as
 * the plan's other work on long campaigns). */
#define NL_B 32

static void combine(double *out, const double *a, const double *b)
{
    out[0] = dmax(a[0], b[0]), out[1] = dmax(a[1], b[1]), out[2] = dmin(a[2], b[2]), out[3] = dmin(a[3], b[3]);
}

/* Brings the summaries up to date for steps from `from` on. */
static void sums_update(struct socm_nodeline *l, size_t from)
{
    size_t nb = (l->n + NL_B - 1) / NL_B;
    if (l->tsize < nb) { /* a larger tree: all of it anew */
        size_t size = l->tsize ? l->tsize : 16;
        while (size < nb)
            size *= 2;
        free(l->tree);
        l->tree = socm_xmalloc(8 * size * sizeof *l->tree);
        for (size_t i = 0; i < 2 * size; i++) {
            double *v = l->tree + 4 * i;
            v[0] = v[1] = -INFINITY;
            v[2] = v[3] = INFINITY;
        }
        l->tsize = size;
        from = 0;
    }
    size_t b0 = from / NL_B;
    for (size_t b = b0; b < nb; b++) {
        double mxm = -INFINITY, mxc = -INFINITY, mnm = INFINITY, mnc = INFINITY;
        size_t hi = (b + 1) * NL_B < l->n ? (b + 1) * NL_B : l->n;
        for (size_t i = b * NL_B; i < hi; i++) {
            mxm = dmax(mxm, l->mem[i]);
            mnm = dmin(mnm, l->mem[i]);
            mxc = dmax(mxc, l->cores[i]);
            mnc = dmin(mnc, l->cores[i]);
        }
        double *v = l->tree + 4 * (l->tsize + b);
        v[0] = mxm, v[1] = mxc, v[2] = mnm, v[3] = mnc;
    }
    for (size_t lo = (l->tsize + b0) / 2, hi = (l->tsize + nb - 1) / 2; lo >= 1; lo /= 2, hi /= 2) {
        for (size_t p = lo; p <= hi; p++)
            combine(l->tree + 4 * p, l->tree + 8 * p, l->tree + 8 * p + 4);
        if (lo == 1)
            break;
    }
}

void socm_nodeline_add(struct socm_nodeline *l, double a, double b, double mem, double cores)
{
    if (!(a < b))
        return;
    size_t i = split_at(l, a);
    size_t j = split_at(l, b);
    for (size_t k = i; k < j; k++) {
        l->mem[k] += mem;
        l->cores[k] += cores;
    }
    /* The summaries are brought up to date by the next fit: a line may change many
     * times between two questions. */
    if (i < l->stale)
        l->stale = i;
}

struct limits {
    double mem, cores;
};

static bool step_good(const struct socm_nodeline *l, size_t i, struct limits x)
{
    return l->mem[i] <= x.mem && l->cores[i] <= x.cores;
}

/* Whether a summary (largest memory, cores; smallest memory, cores) holds a step
 * over a limit (exact), or may hold one within both (a necessary condition only). */
static bool sum_has(const double *v, struct limits x, bool bad)
{
    return bad ? v[0] > x.mem || v[1] > x.cores : v[2] <= x.mem && v[3] <= x.cores;
}

/* The first block ≥ b whose summary may hold what first_step looks for (for bad:
 * does hold), or nb if none: through the tree. */
static size_t next_block(const struct socm_nodeline *l, size_t b, size_t nb, struct limits x, bool bad,
                         size_t *budget)
{
    size_t p = l->tsize + b;
    for (;; (*budget)--) {
        if (*budget == 0)
            return nb;
        if (sum_has(l->tree + 4 * p, x, bad)) {
            /* Down to the first leaf that may hold it; a node whose children both
             * fail (possible for !bad) is passed over. */
            while (p < l->tsize && (sum_has(l->tree + 8 * p, x, bad) || sum_has(l->tree + 8 * p + 4, x, bad)))
                p = sum_has(l->tree + 8 * p, x, bad) ? 2 * p : 2 * p + 1;
            if (p >= l->tsize)
                return p - l->tsize < nb ? p - l->tsize : nb;
        }
        while (p & 1) { /* on to the subtree just right of p */
            if (p == 1)
                return nb;
            p /= 2;
        }
        p++;
    }
}

/* First step ≥ from that is over a limit (bad) or within both (!bad), or -1; also
 * -1 (for bad) when that step starts at or after `bound`; -2 once *budget (steps
 * and tree nodes looked at) runs out. */
static long first_step(const struct socm_nodeline *l, size_t from, struct limits x, bool bad, double bound,
                       size_t *budget)
{
    size_t nb = (l->n + NL_B - 1) / NL_B;
    for (size_t i = from; i < l->n; (*budget)--) {
        if (*budget == 0)
            return -2;
        if (bad && l->t[i] >= bound)
            return -1;
        if (step_good(l, i, x) != bad)
            return (long)i;
        i++;
        if (i % NL_B == 0 && i < l->n) { /* the next block that may hold it */
            size_t b = next_block(l, i / NL_B, nb, x, bad, budget);
            if (b >= nb)
                return *budget == 0 ? -2 : -1;
            if (b * NL_B > i && bad && l->t[b * NL_B] >= bound)
                return -1;
            i = b * NL_B;
        }
    }
    return -1;
}

double socm_nodeline_fit(struct socm_nodeline *l, double t, double w, double mem_max, double cores_max,
                         double stop, size_t *budget)
{
    size_t unlimited = SIZE_MAX;
    if (!budget)
        budget = &unlimited;
    if (l->stale < l->n || l->tsize * NL_B < l->n) {
        sums_update(l, l->stale);
        l->stale = l->n;
    }
    struct limits x = {mem_max, cores_max};
    double c = t;
    long i = last_le(l, c); /* the step holding c (-1: before the first, all 0) */
    for (;;) {
        if (c >= stop)
            return INFINITY;
        if (i < 0 ? 0 > x.mem || 0 > x.cores : !step_good(l, (size_t)i, x)) {
            /* No start before the next step within both limits. */
            long j = first_step(l, (size_t)(i + 1), x, false, INFINITY, budget);
            if (j == -2)
                return c; /* none fits before c */
            if (j < 0)
                return INFINITY;
            c = l->t[j];
            i = j;
            continue;
        }
        long j = first_step(l, (size_t)(i + 1), x, true, c + w, budget);
        if (j == -2 || j < 0)
            return c; /* (j == -2: none fits before c) */
        /* Step j is over a limit and starts inside [c, c + w): start after it. */
        if ((size_t)(j + 1) >= l->n)
            return INFINITY;
        c = l->t[j + 1];
        i = j + 1;
    }
}

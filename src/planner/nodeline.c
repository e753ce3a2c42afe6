/* nodeline.c — a node's memory and cores in use over time (see nodeline.h). */
#include "planner/nodeline.h"
#include "util/str.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void socm_nodeline_free(struct socm_nodeline *l)
{
    free(l->t);
    free(l->mem);
    free(l->cores);
    free(l->mx_mem);
    free(l->mx_cores);
    free(l->mn_mem);
    free(l->mn_cores);
    memset(l, 0, sizeof *l);
}

/* Index of the last breakpoint ≤ t, or -1. */
static long last_le(const struct socm_nodeline *l, double t)
{
    long lo = 0, hi = (long)l->n - 1, ans = -1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (l->t[mid] <= t) {
            ans = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return ans;
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

/* Brings the trees up to date for steps from `from` on; a tree too small for the
 * steps is rebuilt whole. */
static void trees_update(struct socm_nodeline *l, size_t from)
{
    if (l->tsize < l->n) {
        size_t size = l->tsize ? l->tsize : 16;
        while (size < l->n)
            size *= 2;
        double **v[4] = {&l->mx_mem, &l->mx_cores, &l->mn_mem, &l->mn_cores};
        for (int k = 0; k < 4; k++) {
            free(*v[k]);
            *v[k] = socm_xmalloc(2 * size * sizeof **v[k]);
            for (size_t i = 0; i < 2 * size; i++)
                (*v[k])[i] = k < 2 ? -INFINITY : INFINITY;
        }
        l->tsize = size;
        from = 0;
    }
    if (from >= l->n)
        return;
    for (size_t i = from; i < l->n; i++) {
        l->mx_mem[l->tsize + i] = l->mn_mem[l->tsize + i] = l->mem[i];
        l->mx_cores[l->tsize + i] = l->mn_cores[l->tsize + i] = l->cores[i];
    }
    for (size_t lo = (l->tsize + from) / 2, hi = (l->tsize + l->n - 1) / 2; lo >= 1; lo /= 2, hi /= 2) {
        for (size_t p = lo; p <= hi; p++) {
            l->mx_mem[p] = dmax(l->mx_mem[2 * p], l->mx_mem[2 * p + 1]);
            l->mx_cores[p] = dmax(l->mx_cores[2 * p], l->mx_cores[2 * p + 1]);
            l->mn_mem[p] = dmin(l->mn_mem[2 * p], l->mn_mem[2 * p + 1]);
            l->mn_cores[p] = dmin(l->mn_cores[2 * p], l->mn_cores[2 * p + 1]);
        }
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
    trees_update(l, i);
}

struct limits {
    double mem, cores;
};

static bool step_good(const struct socm_nodeline *l, size_t i, struct limits x)
{
    return l->mem[i] <= x.mem && l->cores[i] <= x.cores;
}

/* Whether tree node p holds a step over a limit (exact), or may hold one within
 * both (its minima are: a necessary condition only). */
static bool sub_has(const struct socm_nodeline *l, size_t p, struct limits x, bool bad)
{
    return bad ? l->mx_mem[p] > x.mem || l->mx_cores[p] > x.cores : l->mn_mem[p] <= x.mem && l->mn_cores[p] <= x.cores;
}

/* First step ≥ from that is over a limit (bad) or within both (!bad), or -1; also
 * -1 (for bad) when that step starts at or after `bound`. */
static long first_step(const struct socm_nodeline *l, size_t from, struct limits x, bool bad, double bound)
{
    /* The answer (or the bound) is often a few steps on: look there first. */
    size_t end = from + 16 < l->n ? from + 16 : l->n;
    for (size_t i = from; i < end; i++) {
        if (bad && l->t[i] >= bound)
            return -1;
        if (step_good(l, i, x) != bad)
            return (long)i;
    }
    if (end >= l->n)
        return -1;
    size_t p = l->tsize + end;
    for (;;) {
        if (sub_has(l, p, x, bad)) {
            /* Down to the first leaf that may hold it; for !bad a subtree whose
             * children both fail, or a leaf that fails, is passed over. */
            while (p < l->tsize && (sub_has(l, 2 * p, x, bad) || sub_has(l, 2 * p + 1, x, bad)))
                p = sub_has(l, 2 * p, x, bad) ? 2 * p : 2 * p + 1;
            if (p >= l->tsize && (bad || step_good(l, p - l->tsize, x)))
                return bad && l->t[p - l->tsize] >= bound ? -1 : (long)(p - l->tsize);
        }
        /* On to the subtree just right of p: up while p is a right child. */
        while (p & 1) {
            if (p == 1)
                return -1;
            p /= 2;
        }
        p++;
        size_t q = p;
        while (q < l->tsize)
            q *= 2;
        if (q - l->tsize >= l->n || (bad && l->t[q - l->tsize] >= bound))
            return -1;
    }
}

double socm_nodeline_fit(const struct socm_nodeline *l, double t, double w, double mem_max, double cores_max,
                         double stop)
{
    struct limits x = {mem_max, cores_max};
    double c = t;
    long i = last_le(l, c); /* the step holding c (-1: before the first, all 0) */
    for (;;) {
        if (c >= stop)
            return INFINITY;
        if (i < 0 ? 0 > x.mem || 0 > x.cores : !step_good(l, (size_t)i, x)) {
            /* No start before the next step within both limits. */
            long j = first_step(l, (size_t)(i + 1), x, false, INFINITY);
            if (j < 0)
                return INFINITY;
            c = l->t[j];
            i = j;
            continue;
        }
        long j = first_step(l, (size_t)(i + 1), x, true, c + w);
        if (j < 0)
            return c;
        /* Step j is over a limit and starts inside [c, c + w): start after it. */
        if ((size_t)(j + 1) >= l->n)
            return INFINITY;
        c = l->t[j + 1];
        i = j + 1;
    }
}

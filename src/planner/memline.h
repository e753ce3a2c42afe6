/* memline.h — memory in use over time as a step function (sorted breakpoints), so
 * that "how much is in use at t" and "the peak over [a, b)" need no rescan of the
 * whole plan. Used by time_place.c (one per node); heft_socm.c uses socm_memsum. */
#ifndef SOCM_MEMLINE_H
#define SOCM_MEMLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct socm_memline {
    double *t;   /* breakpoint times, increasing */
    double *use; /* memory in use on [t[i], t[i+1]) */
    size_t n, cap;
    double total; /* Σ memory ever added (a quick upper bound of the peak) */
    /* Max- and min-trees over use[] (leaves at tsize + i; padding −inf / +inf), so
     * that socm_memline_fit skips runs of steps in O(log n). */
    double *mx, *mn;
    size_t tsize;
};

/* Index of the last of the n increasing breakpoints v[] that is ≤ t, or -1: the
 * search both this line and a node's joint line (nodeline.c) make on every query,
 * inline because it is on the planner's hottest path. */
static inline long socm_breaks_last_le(const double *v, size_t n, double t)
{
    long lo = 0, hi = (long)n - 1, ans = -1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (v[mid] <= t) {
            ans = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return ans;
}

void socm_memline_free(struct socm_memline *m);
/* Memory in use at time t (0 before the first breakpoint). */
double socm_memline_at(const struct socm_memline *m, double t);
/* Largest use over [a, b); *after gets the end of the last step that reaches
 * the peak while exceeding `limit` (so a caller can retry from there), or b. */
double socm_memline_peak(const struct socm_memline *m, double a, double b, double limit, double *after);
/* The earliest c ≥ t such that the use stays ≤ limit over [c, c + w) (the step
 * holding c included, so also for w = 0); INFINITY if there is none before `stop`.
 * The same answer as retrying socm_memline_peak from its `after`, without
 * rescanning: runs of steps above (or within) the limit are skipped by the trees. */
double socm_memline_fit(const struct socm_memline *m, double t, double w, double limit, double stop);
/* The same; *at (in and out) is the step holding the last time asked of this line
 * (-1: before the first; SOCM_MEMLINE_UNKNOWN: none yet), for callers whose times
 * only grow: the step holding t is then found from there. */
#define SOCM_MEMLINE_UNKNOWN (-2)
double socm_memline_fit_at(const struct socm_memline *m, double t, double w, double limit, double stop, long *at);
/* Smallest use over [a, b) (every step that overlaps it); INFINITY if a >= b. */
double socm_memline_min(const struct socm_memline *m, double a, double b);
/* Adds `mb` on [a, b) (nothing if a >= b). */
void socm_memline_add(struct socm_memline *m, double a, double b, double mb);

#endif

/* The answers socm_memline_fit_at gave one asker (one workflow being placed:
 * walltime w, room) about one line that has not changed since: stretches [a[i],
 * c[i]) in which no start fits, sorted and disjoint; c[i] fits if exact[i], else it
 * was that search's limit. Many searches ask about the same stretches again. */
struct socm_memline_memo {
    unsigned long epoch; /* of the asker; another epoch: all stale */
    double w, room;
    double *a, *c;
    bool *exact;
    size_t n, cap;
};

void socm_memline_memo_free(struct socm_memline_memo *mm);
/* socm_memline_fit_at(m, t, w, limit = room, stop, at), answered from the memo where
 * it can be and recorded in it. The caller moves `epoch` on whenever the line or the
 * asker changes; an asker with another w or room in the same epoch is not recorded. */
double socm_memline_memo_fit(struct socm_memline_memo *mm, const struct socm_memline *m, unsigned long epoch,
                             double t, double w, double room, double stop, long *at);

/* Memory in use over time when only "how much at t" is asked (heft-socm's one
 * pool): starts and ends as +mb/−mb events in a treap keyed by time with subtree
 * sums, so adding and asking are O(log n) however many workflows overlap. */
struct socm_memsum_node;
struct socm_memsum {
    struct socm_memsum_node *v; /* node 0 unused (0 = no child) */
    size_t n, cap;
    size_t root;
    uint64_t rng;
};

void socm_memsum_free(struct socm_memsum *m);
/* Memory in use at t: Σ mb over the added [a, b) with a ≤ t < b. */
double socm_memsum_at(const struct socm_memsum *m, double t);
void socm_memsum_add(struct socm_memsum *m, double a, double b, double mb);

/* corebusy.h — one core's busy intervals in policy `time`'s list scheduler
 * (time_place.c): sorted, disjoint intervals with, per idle gap, a floor of the
 * memory in use on the core's node then; and min-trees over a figure per core
 * (a slot's smallest). The searches are inline: the scheduler's slot search calls
 * them in its innermost loop. */
#ifndef SOCM_COREBUSY_H
#define SOCM_COREBUSY_H

#include <stdbool.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

struct socm_ivl {
    double s, e;
};

struct socm_corebusy {
    struct socm_ivl *v;
    /* gmin[i]: at most the memory in use on the core's node at every time of the
     * idle gap before v[i] (from v[i − 1].e, or 0, to v[i].s). Memory in use only
     * grows while a plan is made, so the figure stays true; a gap whose figure is
     * above a workflow's room cannot hold it (the slot search skips it unvisited). */
    double *gmin;
    size_t n, cap;
};

/* The first interval in [lo, hi) of b that ends after t, knowing that those before lo
 * end by t and those from hi on end after it (intervals are disjoint and sorted, so
 * ends are sorted too). */
static inline size_t socm_corebusy_search(const struct socm_corebusy *b, double t, size_t lo, size_t hi)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->v[mid].e > t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* First interval of b that ends after t (b->n if none). */
static inline size_t socm_corebusy_first_ending_after(const struct socm_corebusy *b, double t)
{
    /* Searches from a workflow's earliest start (mostly 0 in a flat campaign) end
     * at the first interval: no binary search through the whole list. */
    if (b->n == 0 || b->v[0].e > t)
        return 0;
    return socm_corebusy_search(b, t, 1, b->n);
}

/* socm_corebusy_first_ending_after(b, t) knowing that every interval before `from`
 * ends by t: galloping from there. */
static inline size_t socm_corebusy_first_ending_after_from(const struct socm_corebusy *b, double t, size_t from)
{
    size_t lo = from, step = 1, hi;
    for (;;) {
        hi = lo + step;
        if (hi >= b->n) {
            hi = b->n;
            break;
        }
        if (b->v[hi - 1].e > t)
            break;
        lo = hi;
        step *= 2;
    }
    return socm_corebusy_search(b, t, lo, hi);
}

/* Min-trees over a figure per core (leaves at size + c, size a power of two ≥ the
 * cores, padding +inf): a slot's smallest figure in O(log cores). */
static inline void socm_mintree_set(double *t, int64_t size, int64_t c, double v)
{
    int64_t i = size + c;
    t[i] = v;
    for (i /= 2; i >= 1; i /= 2)
        t[i] = t[2 * i] < t[2 * i + 1] ? t[2 * i] : t[2 * i + 1];
}

/* Smallest leaf in [lo, hi). */
static inline double socm_mintree_min(const double *t, int64_t size, int64_t lo, int64_t hi)
{
    double m = INFINITY;
    for (lo += size, hi += size; lo < hi; lo /= 2, hi /= 2) {
        if (lo & 1) {
            m = t[lo] < m ? t[lo] : m;
            lo++;
        }
        if (hi & 1) {
            hi--;
            m = t[hi] < m ? t[hi] : m;
        }
    }
    return m;
}

/* Adds [s, e) (disjoint from every interval of b), glued to a neighbour it touches;
 * the gaps beside it keep the figure of the gap it fell into (a new last gap: 0). */
void socm_corebusy_add(struct socm_corebusy *b, double s, double e);
/* Whether a and b hold the same intervals. */
bool socm_corebusy_equal(const struct socm_corebusy *a, const struct socm_corebusy *b);
void socm_corebusy_free(struct socm_corebusy *b);

#endif

/* slotidx.c — per-width slot index: a segment tree over slots holding each slot's
 * free time (min and max per tree node). See slotidx.h. */
#include "planner/slotidx.h"
#include "util/str.h"

#include <math.h>
#include <stdbool.h>

/* Plain comparisons: fmin/fmax are library calls and NaN never occurs here. */
static inline double dmin(double a, double b) { return a < b ? a : b; }
static inline double dmax(double a, double b) { return a > b ? a : b; }

void socm_slotidx_init(struct socm_slotidx *ix, int64_t k, int64_t cores, double v)
{
    ix->k = k;
    ix->nslots = k > 0 && cores >= k ? cores / k : 0;
    ix->size = 1;
    while (ix->size < ix->nslots)
        ix->size *= 2;
    ix->mn = socm_xmalloc((size_t)(2 * ix->size) * sizeof *ix->mn);
    ix->mx = socm_xmalloc((size_t)(2 * ix->size) * sizeof *ix->mx);
    for (int64_t s = 0; s < ix->size; s++) {
        ix->mn[ix->size + s] = s < ix->nslots ? v : INFINITY;
        ix->mx[ix->size + s] = s < ix->nslots ? v : -INFINITY;
    }
    for (int64_t i = ix->size - 1; i >= 1; i--) {
        ix->mn[i] = dmin(ix->mn[2 * i], ix->mn[2 * i + 1]);
        ix->mx[i] = dmax(ix->mx[2 * i], ix->mx[2 * i + 1]);
    }
}

void socm_slotidx_free(struct socm_slotidx *ix)
{
    free(ix->mn);
    free(ix->mx);
    ix->mn = ix->mx = NULL;
}

void socm_slotidx_raise(struct socm_slotidx *ix, int64_t first, int64_t n, double t)
{
    if (n <= 0 || ix->nslots == 0)
        return;
    int64_t s0 = first / ix->k, s1 = (first + n - 1) / ix->k;
    if (s1 >= ix->nslots)
        s1 = ix->nslots - 1;
    if (s0 > s1)
        return;
    bool changed = false;
    for (int64_t s = s0; s <= s1; s++) {
        int64_t i = ix->size + s;
        if (ix->mn[i] < t) {
            ix->mn[i] = ix->mx[i] = t;
            changed = true;
        }
    }
    /* Then the ancestors of the range, level by level: O(range + log). */
    for (int64_t lo = (ix->size + s0) / 2, hi = (ix->size + s1) / 2; changed && lo >= 1; lo /= 2, hi /= 2) {
        changed = false;
        for (int64_t i = lo; i <= hi; i++) {
            double mn = dmin(ix->mn[2 * i], ix->mn[2 * i + 1]), mx = dmax(ix->mx[2 * i], ix->mx[2 * i + 1]);
            if (mn != ix->mn[i] || mx != ix->mx[i]) {
                ix->mn[i] = mn;
                ix->mx[i] = mx;
                changed = true;
            }
        }
    }
}

void socm_slotidx_set(struct socm_slotidx *ix, int64_t s, double v)
{
    int64_t i = ix->size + s;
    ix->mn[i] = ix->mx[i] = v;
    for (i /= 2; i >= 1; i /= 2) {
        double mn = dmin(ix->mn[2 * i], ix->mn[2 * i + 1]), mx = dmax(ix->mx[2 * i], ix->mx[2 * i + 1]);
        if (mn == ix->mn[i] && mx == ix->mx[i])
            break;
        ix->mn[i] = mn;
        ix->mx[i] = mx;
    }
}

/* First leaf ≥ from with value ≥ x below node i (covering leaves [lo, hi)). */
static int64_t first_ge(const struct socm_slotidx *ix, int64_t i, int64_t lo, int64_t hi, double x, int64_t from)
{
    if (hi <= from || ix->mx[i] < x)
        return -1;
    if (hi - lo == 1)
        return lo;
    int64_t mid = lo + (hi - lo) / 2;
    int64_t r = first_ge(ix, 2 * i, lo, mid, x, from);
    return r >= 0 ? r : first_ge(ix, 2 * i + 1, mid, hi, x, from);
}

int64_t socm_slotidx_first_ge(const struct socm_slotidx *ix, double x, int64_t from)
{
    if (ix->nslots == 0 || from >= ix->nslots)
        return -1;
    return first_ge(ix, 1, 0, ix->size, x, from < 0 ? 0 : from);
}

/* first_ge over two indexes of the same width at once: both prune. */
static int64_t first_ge2(const struct socm_slotidx *a, double xa, const struct socm_slotidx *b, double xb, int64_t i,
                         int64_t lo, int64_t hi, int64_t from)
{
    if (hi <= from || a->mx[i] < xa || b->mx[i] < xb)
        return -1;
    if (hi - lo == 1)
        return lo;
    int64_t mid = lo + (hi - lo) / 2;
    int64_t r = first_ge2(a, xa, b, xb, 2 * i, lo, mid, from);
    return r >= 0 ? r : first_ge2(a, xa, b, xb, 2 * i + 1, mid, hi, from);
}

int64_t socm_slotidx_first_ge2(const struct socm_slotidx *a, double xa, const struct socm_slotidx *b, double xb,
                               int64_t from)
{
    if (a->nslots == 0 || from >= a->nslots || a->size != b->size)
        return -1;
    from = from < 0 ? 0 : from;
    /* Up from leaf `from` rather than down from the root: callers ask for the next
     * slot after the last answer, mostly a few leaves on. The subtrees right of the
     * leaf are searched in order: the answer is the same. */
    int64_t p = a->size + from, lo = from, span = 1;
    for (;;) {
        int64_t r = first_ge2(a, xa, b, xb, p, lo, lo + span, from);
        if (r >= 0)
            return r;
        while (p & 1) { /* a right child: its parent's right part is done too */
            if (p == 1)
                return -1;
            p /= 2;
            lo -= span;
            span *= 2;
        }
        p++;
        lo += span;
    }
}

double socm_slotidx_value(const struct socm_slotidx *ix, int64_t s)
{
    return ix->mn[ix->size + s];
}

/* First leaf ≥ from with value ≤ x below node i (covering leaves [lo, hi)). */
static int64_t first_le(const struct socm_slotidx *ix, int64_t i, int64_t lo, int64_t hi, double x, int64_t from)
{
    if (hi <= from || ix->mn[i] > x)
        return -1;
    if (hi - lo == 1)
        return lo;
    int64_t mid = lo + (hi - lo) / 2;
    int64_t r = first_le(ix, 2 * i, lo, mid, x, from);
    return r >= 0 ? r : first_le(ix, 2 * i + 1, mid, hi, x, from);
}

int64_t socm_slotidx_first_le(const struct socm_slotidx *ix, double x, int64_t from)
{
    if (ix->nslots == 0 || from >= ix->nslots)
        return -1;
    return first_le(ix, 1, 0, ix->size, x, from < 0 ? 0 : from);
}

/* First leaf below node i whose value is the node's minimum. */
static int64_t first_min(const struct socm_slotidx *ix, int64_t i)
{
    while (i < ix->size)
        i = ix->mn[2 * i] == ix->mn[i] ? 2 * i : 2 * i + 1;
    return i - ix->size;
}

/* Smallest value > x below node i, not above `best` (ties: the left one wins, as
 * it is searched first). */
static double next_gt(const struct socm_slotidx *ix, int64_t i, double x, double best, int64_t *slot)
{
    if (ix->mx[i] <= x || ix->mn[i] >= best)
        return best;
    if (ix->mn[i] > x) {
        *slot = first_min(ix, i);
        return ix->mn[i];
    }
    best = next_gt(ix, 2 * i, x, best, slot);
    int64_t r = -1;
    double v = next_gt(ix, 2 * i + 1, x, best, &r);
    if (v < best) {
        best = v;
        *slot = r;
    }
    return best;
}

double socm_slotidx_next_gt_below(const struct socm_slotidx *ix, double x, double cap, int64_t *slot)
{
    *slot = -1;
    if (ix->nslots == 0)
        return INFINITY;
    double v = next_gt(ix, 1, x, cap, slot);
    if (*slot < 0)
        return INFINITY;
    return v;
}

double socm_slotidx_next_gt(const struct socm_slotidx *ix, double x, int64_t *slot)
{
    return socm_slotidx_next_gt_below(ix, x, INFINITY, slot);
}

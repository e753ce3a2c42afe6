/* memline.c — memory in use over time as a step function (see memline.h). */
#include "planner/memline.h"
#include "util/str.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

void socm_memline_free(struct socm_memline *m)
{
    free(m->t);
    free(m->use);
    free(m->mx);
    free(m->mn);
    memset(m, 0, sizeof *m);
}

/* Index of the last breakpoint ≤ t, or -1. */
static long last_le(const struct socm_memline *m, double t)
{
    return socm_breaks_last_le(m->t, m->n, t);
}

double socm_memline_at(const struct socm_memline *m, double t)
{
    long i = last_le(m, t);
    return i < 0 ? 0 : m->use[i];
}

double socm_memline_peak(const struct socm_memline *m, double a, double b, double limit, double *after)
{
    long i = last_le(m, a);
    double peak = i < 0 ? 0 : m->use[i];
    double retry = b;
    if (i >= 0 && m->use[i] > limit)
        retry = (size_t)(i + 1) < m->n ? m->t[i + 1] : b;
    for (size_t j = (size_t)(i + 1); j < m->n && m->t[j] < b; j++) {
        if (m->use[j] > peak)
            peak = m->use[j];
        if (m->use[j] > limit)
            retry = j + 1 < m->n ? m->t[j + 1] : b;
    }
    if (after)
        *after = retry;
    return peak;
}

/* Makes sure a breakpoint exists at t; returns its index. */
static size_t split_at(struct socm_memline *m, double t)
{
    long i = last_le(m, t);
    if (i >= 0 && m->t[i] == t)
        return (size_t)i;
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 16;
        m->t = socm_xrealloc(m->t, m->cap * sizeof *m->t);
        m->use = socm_xrealloc(m->use, m->cap * sizeof *m->use);
    }
    size_t at = (size_t)(i + 1);
    memmove(m->t + at + 1, m->t + at, (m->n - at) * sizeof *m->t);
    memmove(m->use + at + 1, m->use + at, (m->n - at) * sizeof *m->use);
    m->t[at] = t;
    m->use[at] = i >= 0 ? m->use[i] : 0;
    m->n++;
    return at;
}

/* Brings the trees up to date for steps from `from` on (those after it moved or
 * changed); a tree too small for the steps is rebuilt whole. */
static void trees_update(struct socm_memline *m, size_t from)
{
    if (m->tsize < m->n) {
        size_t size = m->tsize ? m->tsize : 16;
        while (size < m->n)
            size *= 2;
        free(m->mx);
        free(m->mn);
        m->mx = socm_xmalloc(2 * size * sizeof *m->mx);
        m->mn = socm_xmalloc(2 * size * sizeof *m->mn);
        for (size_t i = 0; i < 2 * size; i++) {
            m->mx[i] = -INFINITY;
            m->mn[i] = INFINITY;
        }
        m->tsize = size;
        from = 0;
    }
    if (from >= m->n)
        return;
    for (size_t i = from; i < m->n; i++)
        m->mx[m->tsize + i] = m->mn[m->tsize + i] = m->use[i];
    /* Parents of the changed leaves, level by level. */
    for (size_t lo = (m->tsize + from) / 2, hi = (m->tsize + m->n - 1) / 2; lo >= 1; lo /= 2, hi /= 2) {
        for (size_t p = lo; p <= hi; p++) {
            m->mx[p] = m->mx[2 * p] > m->mx[2 * p + 1] ? m->mx[2 * p] : m->mx[2 * p + 1];
            m->mn[p] = m->mn[2 * p] < m->mn[2 * p + 1] ? m->mn[2 * p] : m->mn[2 * p + 1];
        }
        if (lo == 1)
            break;
    }
}

/* First step ≥ from whose use is > x (above = true) or ≤ x (above = false), or -1;
 * also -1 (for `above`) when that step starts at or after `bound`. */
static long first_step(const struct socm_memline *m, size_t from, double x, bool above, double bound)
{
    /* The answer (or the bound) is often a few steps on: look there before
     * climbing the tree. */
    size_t end = from + 16 < m->n ? from + 16 : m->n;
    for (size_t i = from; i < end; i++) {
        if (above && m->t[i] >= bound)
            return -1;
        if (above ? m->use[i] > x : m->use[i] <= x)
            return (long)i;
    }
    if (end >= m->n)
        return -1;
    size_t p = m->tsize + end;
    for (;;) {
        if (above ? m->mx[p] > x : m->mn[p] <= x) {
            while (p < m->tsize)
                p = (above ? m->mx[2 * p] > x : m->mn[2 * p] <= x) ? 2 * p : 2 * p + 1;
            return above && m->t[p - m->tsize] >= bound ? -1 : (long)(p - m->tsize);
        }
        /* On to the subtree just right of p: up while p is a right child. */
        while (p & 1) {
            if (p == 1)
                return -1;
            p /= 2;
        }
        p++;
        if (above) { /* a subtree that starts from the bound on is not looked into */
            size_t q = p;
            while (q < m->tsize)
                q *= 2;
            if (q - m->tsize >= m->n || m->t[q - m->tsize] >= bound)
                return -1;
        }
    }
}

/* last_le(m, t) knowing that step `from` (≥ -1) starts at or before t: galloping
 * from there, as the callers' times mostly move a little. */
static long last_le_from(const struct socm_memline *m, double t, long from)
{
    long lo = from, step = 1, hi; /* steps ≤ lo start at or before t */
    for (;;) {
        hi = lo + step;
        if (hi >= (long)m->n) {
            hi = (long)m->n - 1;
            break;
        }
        if (m->t[hi] > t)
            break;
        lo = hi;
        step *= 2;
    }
    while (lo < hi) { /* the last in [lo, hi] starting at or before t */
        long mid = lo + (hi - lo + 1) / 2;
        if (m->t[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

double socm_memline_fit_at(const struct socm_memline *m, double t, double w, double limit, double stop, long *at)
{
    double c = t;
    /* the step holding c (-1: before the first, use 0) */
    long i = at && *at >= -1 && *at < (long)m->n && (*at < 0 || m->t[*at] <= c) ? last_le_from(m, c, *at)
                                                                                 : last_le(m, c);
    for (;;) {
        if (at)
            *at = i;
        if (c >= stop)
            return INFINITY;
        if ((i < 0 ? 0 : m->use[i]) > limit) {
            /* No start before the next step within the limit: each would hold
             * part of a step above it. */
            long j = first_step(m, (size_t)(i + 1), limit, false, INFINITY);
            if (j < 0)
                return INFINITY;
            c = m->t[j];
            i = j;
            continue;
        }
        long j = first_step(m, (size_t)(i + 1), limit, true, c + w);
        if (j < 0)
            return c;
        /* Step j is above the limit and starts inside [c, c + w): start after it. */
        if ((size_t)(j + 1) >= m->n)
            return INFINITY;
        c = m->t[j + 1];
        i = j + 1;
    }
}

double socm_memline_fit(const struct socm_memline *m, double t, double w, double limit, double stop)
{
    return socm_memline_fit_at(m, t, w, limit, stop, NULL);
}

double socm_memline_min(const struct socm_memline *m, double a, double b)
{
    if (!(a < b))
        return INFINITY;
    long i = last_le(m, a);
    if (i < 0)
        return 0; /* nothing in use before the first step */
    /* The last step starting before b. */
    long lo = i, hi = (long)m->n - 1;
    while (lo < hi) {
        long mid = lo + (hi - lo + 1) / 2;
        if (m->t[mid] < b)
            lo = mid;
        else
            hi = mid - 1;
    }
    double v = INFINITY;
    for (size_t l = m->tsize + (size_t)i, r = m->tsize + (size_t)lo + 1; l < r; l /= 2, r /= 2) {
        if (l & 1)
            v = fmin(v, m->mn[l++]);
        if (r & 1)
            v = fmin(v, m->mn[--r]);
    }
    return v;
}

void socm_memline_add(struct socm_memline *m, double a, double b, double mb)
{
    if (!(a < b) || mb == 0)
        return;
    size_t i = split_at(m, a);
    size_t j = split_at(m, b);
    for (size_t k = i; k < j; k++)
        m->use[k] += mb;
    m->total += mb;
    trees_update(m, i);
}

/* ---- socm_memline_memo: answers of socm_memline_fit_at kept for one asker ---- */

void socm_memline_memo_free(struct socm_memline_memo *mm)
{
    free(mm->a);
    free(mm->c);
    free(mm->exact);
    memset(mm, 0, sizeof *mm);
}

/* Records that no start in [a, c) fits (c fits if exact) as stretch `at` (stretch
 * at − 1 ends before a), merged with the stretches it reaches. */
static void memo_put(struct socm_memline_memo *mm, size_t at, double a, double c, bool exact)
{
    size_t end = at; /* stretches [at, end) are covered by the new one */
    while (end < mm->n && mm->a[end] <= c) {
        if (mm->c[end] > c) {
            c = mm->c[end];
            exact = mm->exact[end];
        } else if (mm->c[end] == c) {
            exact = exact || mm->exact[end];
        }
        end++;
    }
    if (end == at) { /* none covered: make room */
        if (mm->n == mm->cap) {
            mm->cap = mm->cap ? 2 * mm->cap : 16;
            mm->a = socm_xrealloc(mm->a, mm->cap * sizeof *mm->a);
            mm->c = socm_xrealloc(mm->c, mm->cap * sizeof *mm->c);
            mm->exact = socm_xrealloc(mm->exact, mm->cap * sizeof *mm->exact);
        }
        memmove(mm->a + at + 1, mm->a + at, (mm->n - at) * sizeof *mm->a);
        memmove(mm->c + at + 1, mm->c + at, (mm->n - at) * sizeof *mm->c);
        memmove(mm->exact + at + 1, mm->exact + at, (mm->n - at) * sizeof *mm->exact);
        mm->n++;
    } else if (end > at + 1) { /* several covered: one stays */
        memmove(mm->a + at + 1, mm->a + end, (mm->n - end) * sizeof *mm->a);
        memmove(mm->c + at + 1, mm->c + end, (mm->n - end) * sizeof *mm->c);
        memmove(mm->exact + at + 1, mm->exact + end, (mm->n - end) * sizeof *mm->exact);
        mm->n -= end - at - 1;
    }
    mm->a[at] = a;
    mm->c[at] = c;
    mm->exact[at] = exact;
}

double socm_memline_memo_fit(struct socm_memline_memo *mm, const struct socm_memline *m, unsigned long epoch,
                             double t, double w, double room, double stop, long *at)
{
    if (mm->epoch != epoch) {
        mm->epoch = epoch;
        mm->w = w;
        mm->room = room;
        mm->n = 0;
    } else if (mm->w != w || mm->room != room) {
        return socm_memline_fit_at(m, t, w, room, stop, at);
    }
    long i = socm_breaks_last_le(mm->a, mm->n, t); /* the last stretch starting at or before t */
    double from = t;
    if (i >= 0 && t <= mm->c[i]) {
        if (mm->exact[i])
            return mm->c[i] < stop ? mm->c[i] : INFINITY;
        if (stop <= mm->c[i])
            return INFINITY;
        from = mm->c[i]; /* no start before it fits: search on from there */
        t = mm->a[i];
    } else {
        i++; /* the new stretch goes after stretch i */
    }
    double r = socm_memline_fit_at(m, from, w, room, stop, at);
    memo_put(mm, (size_t)i, t, r != INFINITY ? r : stop, r != INFINITY);
    return r;
}

/* ---- socm_memsum: a treap of (time, delta) events with subtree sums ---- */

/* Memory is kept in units of 2^-20 MB as integers: sums of starts and ends then
 * cancel exactly (a float sum of +mb and −mb in tree order leaves residues that
 * would fail "pool − used ≥ mb" at exact fits). Whole MB and binary fractions of
 * an MB down to 2^-20 are represented exactly, so the result equals the
 * original's sum of the running entries. */
#define MEMSUM_SCALE 1048576.0

struct socm_memsum_node {
    double t;
    int64_t delta, sum; /* sum: of delta over the subtree */
    uint64_t prio;
    size_t l, r;
};

void socm_memsum_free(struct socm_memsum *m)
{
    free(m->v);
    memset(m, 0, sizeof *m);
}

double socm_memsum_at(const struct socm_memsum *m, double t)
{
    int64_t s = 0;
    for (size_t i = m->root; i;) {
        const struct socm_memsum_node *x = &m->v[i];
        if (x->t <= t) {
            s += x->delta + (x->l ? m->v[x->l].sum : 0);
            i = x->r;
        } else {
            i = x->l;
        }
    }
    return (double)s / MEMSUM_SCALE;
}

static void pull(struct socm_memsum *m, size_t i)
{
    struct socm_memsum_node *x = &m->v[i];
    x->sum = x->delta + (x->l ? m->v[x->l].sum : 0) + (x->r ? m->v[x->r].sum : 0);
}

/* Inserts node `k` under subtree i (by time; equal times go right) and returns the
 * new subtree root, rotating it up while its priority is higher. */
static size_t insert(struct socm_memsum *m, size_t i, size_t k)
{
    if (!i)
        return k;
    if (m->v[k].t < m->v[i].t) {
        m->v[i].l = insert(m, m->v[i].l, k);
        if (m->v[m->v[i].l].prio > m->v[i].prio) {
            size_t c = m->v[i].l;
            m->v[i].l = m->v[c].r;
            m->v[c].r = i;
            pull(m, i);
            pull(m, c);
            return c;
        }
    } else {
        m->v[i].r = insert(m, m->v[i].r, k);
        if (m->v[m->v[i].r].prio > m->v[i].prio) {
            size_t c = m->v[i].r;
            m->v[i].r = m->v[c].l;
            m->v[c].l = i;
            pull(m, i);
            pull(m, c);
            return c;
        }
    }
    pull(m, i);
    return i;
}

static void event(struct socm_memsum *m, double t, int64_t delta)
{
    if (m->n + 1 >= m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->v = socm_xrealloc(m->v, m->cap * sizeof *m->v);
    }
    if (m->n == 0)
        m->n = 1; /* index 0 means "none" */
    m->rng = m->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t k = m->n++;
    m->v[k] = (struct socm_memsum_node){.t = t, .delta = delta, .sum = delta, .prio = m->rng >> 11};
    m->root = insert(m, m->root, k);
}

void socm_memsum_add(struct socm_memsum *m, double a, double b, double mb)
{
    if (!(a < b) || mb == 0)
        return;
    int64_t d = llround(mb * MEMSUM_SCALE);
    event(m, a, d);
    event(m, b, -d);
}

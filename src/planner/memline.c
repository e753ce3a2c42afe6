/* memline.c — memory in use over time as a step function (see memline.h). */
#include "planner/memline.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

void socm_memline_free(struct socm_memline *m)
{
    free(m->t);
    free(m->use);
    memset(m, 0, sizeof *m);
}

/* Index of the last breakpoint ≤ t, or -1. */
static long last_le(const struct socm_memline *m, double t)
{
    long lo = 0, hi = (long)m->n - 1, ans = -1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (m->t[mid] <= t) {
            ans = mid;
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return ans;
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

void socm_memline_add(struct socm_memline *m, double a, double b, double mb)
{
    if (!(a < b) || mb == 0)
        return;
    size_t i = split_at(m, a);
    size_t j = split_at(m, b);
    for (size_t k = i; k < j; k++)
        m->use[k] += mb;
    m->total += mb;
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

/* memline.c — memory in use over time as a step function (see memline.h). */
#include "planner/memline.h"
#include "util/str.h"

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

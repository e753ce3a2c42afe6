/* heap.h — the one binary min-heap of ints (workflow or node indexes) in the caller's
 * array, ordered by the caller's `before`: Kahn's ready set (campaign/dag.c), the
 * planner's list orders (planner/order_search.c) and the bookkeeper's READY work in
 * plan order. Inline, so that a hot loop's comparison is inlined too. */
#ifndef SOCM_HEAP_H
#define SOCM_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* Whether a comes out before b. */
typedef bool (*socm_heap_before)(const void *ctx, int a, int b);

/* Adds x to the heap v[0 .. *n) (room for one more is the caller's). */
static inline void socm_heap_push(int *v, size_t *n, int x, socm_heap_before before,
                                  const void *ctx)
{
    size_t c = (*n)++;
    while (c > 0 && before(ctx, x, v[(c - 1) / 2])) {
        v[c] = v[(c - 1) / 2];
        c = (c - 1) / 2;
    }
    v[c] = x;
}

/* Removes and returns the first element (*n > 0). */
static inline int socm_heap_pop(int *v, size_t *n, socm_heap_before before, const void *ctx)
{
    int top = v[0], last = v[--*n];
    size_t c = 0;
    for (;;) {
        size_t l = 2 * c + 1, m = l;
        if (l >= *n)
            break;
        if (l + 1 < *n && before(ctx, v[l + 1], v[l]))
            m = l + 1;
        if (!before(ctx, v[m], last))
            break;
        v[c] = v[m];
        c = m;
    }
    if (*n)
        v[c] = last;
    return top;
}

#endif

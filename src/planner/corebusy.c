/* corebusy.c — one core's busy intervals for policy `time` (see corebusy.h). */
#include "planner/corebusy.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

void socm_corebusy_add(struct socm_corebusy *b, double s, double e)
{
    size_t at = socm_corebusy_first_ending_after(b, s);
    /* Glue to a neighbour that touches: keeps the lists short for chains. */
    if (at > 0 && b->v[at - 1].e == s && (at == b->n || b->v[at].s >= e)) {
        b->v[at - 1].e = e;
        if (at < b->n && b->v[at].s == e) {
            b->v[at - 1].e = b->v[at].e;
            memmove(b->v + at, b->v + at + 1, (b->n - at - 1) * sizeof *b->v);
            memmove(b->gmin + at, b->gmin + at + 1, (b->n - at - 1) * sizeof *b->gmin);
            b->n--;
        }
        return;
    }
    if (at < b->n && b->v[at].s == e) {
        b->v[at].s = s;
        return;
    }
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 4;
        b->v = socm_xrealloc(b->v, b->cap * sizeof *b->v);
        b->gmin = socm_xrealloc(b->gmin, b->cap * sizeof *b->gmin);
    }
    memmove(b->v + at + 1, b->v + at, (b->n - at) * sizeof *b->v);
    memmove(b->gmin + at + 1, b->gmin + at, (b->n - at) * sizeof *b->gmin);
    b->v[at] = (struct socm_ivl){s, e};
    /* Both gaps beside the new interval lie inside the old gap: its figure holds
     * for them (a new gap after the last interval: 0, until the scheduler sets it). */
    b->gmin[at] = at < b->n ? b->gmin[at + 1] : 0;
    b->n++;
}

bool socm_corebusy_equal(const struct socm_corebusy *a, const struct socm_corebusy *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

void socm_corebusy_free(struct socm_corebusy *b)
{
    free(b->v);
    free(b->gmin);
    memset(b, 0, sizeof *b);
}

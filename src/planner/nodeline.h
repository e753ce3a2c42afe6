/* nodeline.h — one node's memory and cores in use over time, as one step function
 * with two values per step, so that policy `time` (time_place.c) can ask when the
 * node has both room for a workflow's memory and enough free cores all along a
 * window: the earliest start at which any slot of the node could hold it. */
#ifndef SOCM_NODELINE_H
#define SOCM_NODELINE_H

#include <stddef.h>

struct socm_nodeline {
    double *t;     /* breakpoint times, increasing */
    double *mem;   /* memory in use on [t[i], t[i+1]) (the last step: from t[n-1] on) */
    double *cores; /* cores in use on the same steps */
    size_t n, cap;
    /* Per block of steps the largest and smallest of each value, in a tree over
     * the blocks (4 figures a tree node; leaves at tsize + block), so that the fit
     * skips runs of steps in O(log n) (nodeline.c). */
    double *tree;
    size_t tsize;
    size_t stale; /* the summaries are out of date from this step on (until the next fit) */
};

void socm_nodeline_free(struct socm_nodeline *l);
/* Adds `mem` and `cores` on [a, b) (nothing if a >= b). Each step's values are the
 * sums of what was added over it, in the order added. */
void socm_nodeline_add(struct socm_nodeline *l, double a, double b, double mem, double cores);
/* (It first brings the summaries up to date after the adds since the last fit.)
 * The earliest c ≥ t such that over [c, c + w) (the step holding c included, so
 * also for w = 0) memory stays ≤ mem_max and cores ≤ cores_max (before the first
 * breakpoint both are 0); INFINITY if there is none before `stop`. The same answer
 * as memline.h's socm_memline_fit on each value in turn until both agree.
 * With a budget (else NULL), each step and tree node looked at spends one; should
 * it run out (*budget == 0 then) the answer is only a time before which no start
 * fits (a lower bound of the answer). */
double socm_nodeline_fit(struct socm_nodeline *l, double t, double w, double mem_max, double cores_max,
                         double stop, size_t *budget);

#endif

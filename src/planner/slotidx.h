/* slotidx.h — an index of the "slots" of one width k (cores [s·k, s·k + k) for
 * s = 0 … cores/k − 1): each slot's value is the time its cores are all free from
 * (the latest free time among them). It answers, in O(log slots), the queries the
 * planners' slot scans need — the first slot free by time x, and the smallest
 * free time after x with the first slot that has it — so that placing a workflow
 * does not look at every core. Values only grow (raise). Shared by heft_socm.c and
 * time_place.c. */
#ifndef SOCM_SLOTIDX_H
#define SOCM_SLOTIDX_H

#include <stdint.h>

struct socm_slotidx {
    int64_t k, nslots;
    int64_t size;   /* leaves: a power of two ≥ nslots */
    double *mn;     /* per tree node: smallest value below it (+inf for padding) */
    double *mx;     /* per tree node: largest value below it (−inf for padding) */
};

/* All slots of width k on `cores` cores, every value v. */
void socm_slotidx_init(struct socm_slotidx *ix, int64_t k, int64_t cores, double v);
void socm_slotidx_free(struct socm_slotidx *ix);
/* Cores [first, first + n) become busy until t (t ≥ their current free time):
 * every slot overlapping them gets max(value, t). */
void socm_slotidx_raise(struct socm_slotidx *ix, int64_t first, int64_t n, double t);
/* Sets slot s to v (any value: for indexes whose values may fall). */
void socm_slotidx_set(struct socm_slotidx *ix, int64_t s, double v);
/* First slot ≥ from whose value ≥ x, or -1. */
int64_t socm_slotidx_first_ge(const struct socm_slotidx *ix, double x, int64_t from);
/* First slot ≥ from whose value in a is ≥ xa and in b is ≥ xb (two indexes of
 * the same width and cores), or -1. */
int64_t socm_slotidx_first_ge2(const struct socm_slotidx *a, double xa, const struct socm_slotidx *b, double xb,
                               int64_t from);
/* Value of slot s. */
double socm_slotidx_value(const struct socm_slotidx *ix, int64_t s);
/* First slot ≥ from whose value ≤ x, or -1. */
int64_t socm_slotidx_first_le(const struct socm_slotidx *ix, double x, int64_t from);
/* Smallest value > x over all slots, and in *slot the first slot with it; returns
 * INFINITY (and *slot = -1) if there is none. */
double socm_slotidx_next_gt(const struct socm_slotidx *ix, double x, int64_t *slot);
/* The same, only among values < cap (INFINITY and -1 if none). */
double socm_slotidx_next_gt_below(const struct socm_slotidx *ix, double x, double cap, int64_t *slot);

#endif

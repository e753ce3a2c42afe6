/* time_place.h — the list scheduler of policy `time` (time_place.c): workflows
 * placed in a given order on a given number of cores, with insertion-based backfill
 * and memory per node. Used by time.c (its orders and deadline search). */
#ifndef SOCM_TIME_PLACE_H
#define SOCM_TIME_PLACE_H

#include "planner/planner_impl.h"

/* Places the workflows in `order` (predecessors first) on an allocation of `cores`
 * cores, using the first socm_plan_time_usable_cores() of them. */
int socm_plan_time_place(const struct socm_plan_input *in, const int *order, int64_t cores, struct socm_plan *out,
                         struct socm_error *err);
/* The same, but placing stops once the makespan passes `stop` (INFINITY: never):
 * it then returns 1, with out->makespan (> stop) a lower bound of the whole plan's
 * and out->entries holding only the workflows placed so far (the others zero).
 * Every workflow is still checked against the allocation: the same errors as the
 * whole plan. For a caller that only needs to know that the plan ends after `stop`. */
int socm_plan_time_place_until(const struct socm_plan_input *in, const int *order, int64_t cores, double stop,
                               struct socm_plan *out, struct socm_error *err);
/* The cores of an allocation of `cores` (nodes of `cpn`) that a plan may use: all
 * of them, unless more than the workflows could ever fill (in time.c). */
int64_t socm_plan_time_usable_cores(const struct socm_plan_input *in, int64_t cores, int64_t cpn);

#endif

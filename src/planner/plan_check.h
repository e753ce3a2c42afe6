/* plan_check.h — whether a plan that socm did not make (an external planner's) keeps
 * every constraint of its input, so that socm never runs a plan it would not have
 * made: each workflow once, its cores a range of the allocation as wide as its
 * cpus, its slot as long as its walltime, no core used twice at once, no workflow
 * before the ones it depends on, memory per node, and the deadline. */
#ifndef SOCM_PLAN_CHECK_H
#define SOCM_PLAN_CHECK_H

#include "socm/planner.h"

/* 0, or -1 with err (SOCM_E_INPUT) naming the first violated constraint, in the
 * order listed above. plan->cores is the allocation the entries must fit in. */
int socm_plan_check(const struct socm_plan_input *in, const struct socm_plan *plan,
                    struct socm_error *err);

#endif

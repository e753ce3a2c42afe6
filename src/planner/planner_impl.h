/* planner_impl.h — what the planner files share but the public API does not
 * promise: DAG orders used by the policies, the QoS choice, the pilot walltime,
 * the lower bounds, and the built-in policies. */
#ifndef SOCM_PLANNER_IMPL_H
#define SOCM_PLANNER_IMPL_H

#include "campaign/campaign.h"
#include "socm/planner.h"

extern const struct socm_planner socm_planner_heft_socm;
extern const struct socm_planner socm_planner_time;

/* The original's topological generations (issue 3, step 1): `order` (n) gets all
 * nodes generation by generation; gen_start (ngen + 1 entries, malloc'd) marks where
 * each starts. Returns -1 on a cycle. */
int socm_plan_generations(const struct socm_dag *d, int *order, size_t **gen_start, size_t *ngen);
/* heft-socm's placement order: generations, each by walltime (longest first,
 * stable). -1 on a cycle. */
int socm_plan_heft_order(const struct socm_plan_input *in, int *order);
/* Kahn's order, smallest index first; -1 on a cycle. */
int socm_plan_topo(const struct socm_dag *d, int *order);

/* Allocation size when the input leaves it open: requested_cores, else the whole
 * resource. */
int64_t socm_plan_max_cores(const struct socm_plan_input *in);
/* Largest cpus of any workflow. */
int64_t socm_plan_max_cpus(const struct socm_plan_input *in);
/* The distinct cpus of the workflows, sorted (malloc'd; *n of them). */
int64_t *socm_plan_widths(const struct socm_plan_input *in, size_t *n);
/* First QoS (in the resource's order) whose max walltime ≥ walltime, max cores ≥
 * cores and job limit allows one job; -1 if none. */
int socm_plan_qos_first_fit(const struct socm_resource *r, double walltime, int64_t cores);
/* "name (W min, C cores, J jobs), ..." for the no-QoS error. */
void socm_plan_qos_describe(const struct socm_resource *r, char *buf, size_t n);
/* ceil(min(makespan × 1.25, deadline)). */
double socm_plan_pilot_walltime(double makespan, double deadline);
/* Fills cp_bound, work_bound, lower_bound and efficiency of `plan` (plan->cores and
 * plan->makespan must be set). */
void socm_plan_bounds(const struct socm_plan_input *in, struct socm_plan *plan);
/* head[u]: the longest chain of walltimes before workflow u; tail[u]: after it.
 * Returns the critical path (0 on a cycle). */
double socm_plan_heads_tails(const struct socm_plan_input *in, double *head, double *tail);
/* The energetic lower bound on the makespan (bounds.c, with its proof) for a
 * resource of capacity `cap` over time: cores, or if `mem` memory (MB); `from` is
 * a bound already known. O(n × from + from²): callers cap it by size. */
double socm_plan_energetic(const struct socm_plan_input *in, const double *head, const double *tail, double cap,
                           bool mem, double from);
/* The long-jobs lower bound (bounds.c, with its proof): the largest makespan in
 * [from, upto] it proves no plan on `cores` cores reaches (upto itself: none
 * ends by upto); `from` if none. */
double socm_plan_long_jobs_bound(const struct socm_plan_input *in, int64_t cores, double from, double upto);
/* The first node whose memory the plan overcommits at some time (memory split
 * over a workflow's nodes in proportion to its cores there), or -1. */
int64_t socm_plan_node_memory_violation(const struct socm_plan_input *in, const struct socm_plan *plan);
/* Checks the input (sizes, cpus ≥ 1, no negative memory or walltime, acyclic). */
int socm_plan_check_input(const struct socm_plan_input *in, struct socm_error *err);

/* The original's search: batch plans on the allocation; remote binary-searches the
 * smallest core count meeting the deadline, then takes the first QoS that fits. */
int socm_plan_search(const struct socm_planner *p, const struct socm_plan_input *in,
                     struct socm_plan *out, struct socm_error *err);
/* The same search over any "plan on this many cores" function (with its context:
 * a policy may prepare what does not depend on the core count once). */
typedef int (*socm_schedule_fn)(void *ctx, const struct socm_plan_input *in, int64_t cores,
                                struct socm_plan *out, struct socm_error *err);
int socm_plan_search_fn(const struct socm_plan_input *in, socm_schedule_fn fn, void *ctx,
                        struct socm_plan *out, struct socm_error *err);
/* heft-socm's whole search (order prepared once). */
int socm_plan_heft_search(const struct socm_plan_input *in, struct socm_plan *out, struct socm_error *err);

/* HEFT upward rank: rank[u] = walltime(u) + the largest rank of its successors;
 * pos[u] = u's index in `topo` (a topological order of the n workflows). */
void socm_plan_upward_rank(const struct socm_plan_input *in, const int *topo, double *rank, size_t *pos);
/* "Plan on `cores` cores taking the workflows in `order`" (a topological order). */
typedef int (*socm_order_fn)(void *ctx, const struct socm_plan_input *in, const int *order, int64_t cores,
                             struct socm_plan *out, struct socm_error *err);
/* The best plan on `cores` cores over up to `budget` orders (order_search.c):
 * upward rank first, then other priority rules and a seeded local search over
 * orders; the smallest makespan wins (the earliest found on ties). Deterministic. */
int socm_plan_order_search(const struct socm_plan_input *in, int64_t cores, socm_order_fn fn, void *ctx,
                           size_t budget, double target, struct socm_plan *out, struct socm_error *err);
/* Policy `time` on exactly `cores` cores with a search budget of `budget` plans
 * (1: the plain upward-rank plan); socm_plan_time_search_budget(n) is the budget
 * its schedule() uses for n workflows. */
int socm_plan_time_on(const struct socm_plan_input *in, int64_t cores, size_t budget, struct socm_plan *out,
                      struct socm_error *err);
size_t socm_plan_time_search_budget(size_t n);

#endif

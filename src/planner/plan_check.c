/* plan_check.c — checks a plan against its input (see plan_check.h). */
#include "planner/plan_check.h"
#include "planner/planner_impl.h"

#include <math.h>
#include <stdlib.h>

/* Times come back through JSON text: allow rounding in the last digits. */
#define EPS 1e-6

static const char *wname(const struct socm_plan_input *in, int id)
{
    return in->names && in->names[id - 1] ? in->names[id - 1] : "?";
}

static int check_entries(const struct socm_plan_input *in, const struct socm_plan *plan,
                         const struct socm_plan_entry **by_id, struct socm_error *err)
{
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        if (e->id < 1 || (size_t)e->id > in->n)
            return socm_error_set(err, SOCM_E_INPUT, "the plan names workflow id %d; ids are 1 to %zu",
                                  e->id, in->n);
        if (by_id[e->id - 1])
            return socm_error_set(err, SOCM_E_INPUT, "the plan places workflow '%s' twice",
                                  wname(in, e->id));
        by_id[e->id - 1] = e;
    }
    for (size_t i = 0; i < in->n; i++)
        if (!by_id[i])
            return socm_error_set(err, SOCM_E_INPUT, "the plan leaves out workflow '%s'",
                                  wname(in, (int)i + 1));
    for (size_t i = 0; i < in->n; i++) {
        const struct socm_plan_entry *e = by_id[i];
        const struct socm_req *r = &in->reqs[i];
        const char *n = wname(in, (int)i + 1);
        if (e->core_first < 0 || e->core_last < e->core_first || e->core_last >= plan->cores)
            return socm_error_set(err, SOCM_E_INPUT,
                                  "workflow '%s': cores %lld-%lld are not a range of the allocation's "
                                  "0-%lld", n, (long long)e->core_first, (long long)e->core_last,
                                  (long long)plan->cores - 1);
        if (e->core_last - e->core_first + 1 != r->cpus)
            return socm_error_set(err, SOCM_E_INPUT, "workflow '%s': cores %lld-%lld are %lld cores; it "
                                  "needs %lld", n, (long long)e->core_first, (long long)e->core_last,
                                  (long long)(e->core_last - e->core_first + 1), (long long)r->cpus);
        if (!isfinite(e->start) || !isfinite(e->end) || e->start < -EPS ||
            e->end - e->start < r->walltime_min - EPS)
            return socm_error_set(err, SOCM_E_INPUT,
                                  "workflow '%s': its slot %g-%g min is shorter than its walltime "
                                  "%g min", n, e->start, e->end, r->walltime_min);
    }
    return 0;
}

static int check_overlap(const struct socm_plan_input *in, const struct socm_plan_entry **by_id,
                         struct socm_error *err)
{
    for (size_t i = 0; i < in->n; i++)
        for (size_t j = i + 1; j < in->n; j++) {
            const struct socm_plan_entry *a = by_id[i], *b = by_id[j];
            bool cores = a->core_first <= b->core_last && b->core_first <= a->core_last;
            bool times = a->start < b->end - EPS && b->start < a->end - EPS;
            if (cores && times)
                return socm_error_set(err, SOCM_E_INPUT,
                                      "workflows '%s' and '%s' use the same cores at the same time",
                                      wname(in, (int)i + 1), wname(in, (int)j + 1));
        }
    return 0;
}

static int check_order(const struct socm_plan_input *in, const struct socm_plan_entry **by_id,
                       struct socm_error *err)
{
    for (size_t i = 0; i < in->n; i++)
        for (size_t k = 0; k < socm_dag_npred(in->dag, (int)i); k++) {
            int p = socm_dag_pred(in->dag, (int)i, k);
            if (by_id[i]->start < by_id[p]->end - EPS)
                return socm_error_set(err, SOCM_E_INPUT,
                                      "workflow '%s' starts at %g min, before '%s', which it "
                                      "depends on, ends at %g min", wname(in, (int)i + 1),
                                      by_id[i]->start, wname(in, p + 1), by_id[p]->end);
        }
    return 0;
}

int socm_plan_check(const struct socm_plan_input *in, const struct socm_plan *plan,
                    struct socm_error *err)
{
    if (plan->cores < 1)
        return socm_error_set(err, SOCM_E_INPUT, "the plan has no cores");
    const struct socm_plan_entry **by_id = socm_xcalloc(in->n ? in->n : 1, sizeof *by_id);
    int rc = check_entries(in, plan, by_id, err);
    if (rc == 0)
        rc = check_overlap(in, by_id, err);
    if (rc == 0)
        rc = check_order(in, by_id, err);
    free(by_id);
    if (rc < 0)
        return -1;
    if (!in->resource->memory_unchecked) {
        int64_t node = socm_plan_node_memory_violation(in, plan);
        if (node >= 0)
            return socm_error_set(err, SOCM_E_INPUT,
                                  "the plan needs more than node %lld's %g MB of memory at some time",
                                  (long long)node, in->resource->memory_per_node_mb);
    }
    if (plan->makespan > in->deadline_min + EPS)
        return socm_error_set(err, SOCM_E_INPUT, "the plan ends at %g min, after the deadline (%g min)",
                              plan->makespan, in->deadline_min);
    return 0;
}

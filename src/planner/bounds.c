/* bounds.c — lower bounds on any plan's makespan: the critical path (longest chain
 * of walltimes through the DAG), the total work (Σ cpus × walltime) spread over the
 * allocation, their max, and the plan's efficiency = bound ÷ makespan. */
#include "planner/planner_impl.h"
#include "util/str.h"

static double critical_path(const struct socm_plan_input *in)
{
    size_t n = in->n;
    if (n == 0)
        return 0;
    int *order = socm_xmalloc(n * sizeof *order);
    double *finish = socm_xcalloc(n, sizeof *finish);
    double cp = 0;
    if (socm_plan_topo(in->dag, order) == 0) {
        for (size_t k = 0; k < n; k++) {
            int u = order[k];
            double start = 0;
            const struct socm_intv *p = &in->dag->pred[u];
            for (size_t j = 0; j < p->n; j++)
                if (finish[p->v[j]] > start)
                    start = finish[p->v[j]];
            finish[u] = start + in->reqs[u].walltime_min;
            if (finish[u] > cp)
                cp = finish[u];
        }
    }
    free(order);
    free(finish);
    return cp;
}

void socm_plan_bounds(const struct socm_plan_input *in, struct socm_plan *plan)
{
    double work = 0;
    for (size_t i = 0; i < in->n; i++)
        work += (double)in->reqs[i].cpus * in->reqs[i].walltime_min;
    plan->cp_bound = critical_path(in);
    plan->work_bound = plan->cores > 0 ? work / (double)plan->cores : 0;
    plan->lower_bound = plan->cp_bound > plan->work_bound ? plan->cp_bound : plan->work_bound;
    plan->efficiency = plan->makespan > 0 ? plan->lower_bound / plan->makespan : 1.0;
}

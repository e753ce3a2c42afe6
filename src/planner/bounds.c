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

/* ---- Memory per node of a finished plan ---- */

struct memev {
    int64_t node;
    double t, delta;
};

static int memev_cmp(const void *a, const void *b)
{
    const struct memev *x = a, *y = b;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    /* Ends before starts at the same instant: [start, end) intervals. */
    return (x->delta > y->delta) - (x->delta < y->delta);
}

int64_t socm_plan_node_memory_violation(const struct socm_plan_input *in, const struct socm_plan *plan)
{
    int64_t cpn = in->resource->cores_per_node;
    size_t cap = 0, n = 0;
    for (size_t i = 0; i < plan->n; i++)
        cap += (size_t)(plan->entries[i].core_last / cpn - plan->entries[i].core_first / cpn + 1) * 2;
    struct memev *ev = socm_xmalloc((cap ? cap : 1) * sizeof *ev);
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        if (!(e->start < e->end) || e->memory_mb <= 0)
            continue;
        double k = (double)(e->core_last - e->core_first + 1);
        for (int64_t j = e->core_first / cpn; j <= e->core_last / cpn; j++) {
            int64_t lo = e->core_first > j * cpn ? e->core_first : j * cpn;
            int64_t hi = e->core_last < (j + 1) * cpn - 1 ? e->core_last : (j + 1) * cpn - 1;
            double share = e->memory_mb * (double)(hi - lo + 1) / k;
            ev[n++] = (struct memev){j, e->start, share};
            ev[n++] = (struct memev){j, e->end, -share};
        }
    }
    qsort(ev, n, sizeof *ev, memev_cmp);
    int64_t bad = -1;
    double use = 0;
    for (size_t i = 0; i < n && bad < 0; i++) {
        if (i > 0 && ev[i].node != ev[i - 1].node)
            use = 0;
        use += ev[i].delta;
        int64_t nc = plan->cores - ev[i].node * cpn < cpn ? plan->cores - ev[i].node * cpn : cpn;
        double capmb = in->resource->memory_per_node_mb * (double)nc / (double)cpn;
        if (use > capmb * (1 + 1e-9) + 1e-6)
            bad = ev[i].node;
    }
    free(ev);
    return bad;
}

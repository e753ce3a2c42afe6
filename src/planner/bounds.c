/* bounds.c — lower bounds on any plan's makespan: the critical path (longest chain
 * of walltimes through the DAG), the total work (Σ cpus × walltime) spread over the
 * allocation, the window bound and the energetic bound (below), their max, and the
 * plan's efficiency = bound ÷ makespan. */
#include "planner/planner_impl.h"
#include "util/str.h"

#include <math.h>
#include <stdlib.h>

/* head[u]: the longest chain of walltimes before u (u cannot start earlier);
 * tail[u]: the longest chain after u (u must end that long before the makespan).
 * Returns the critical path. */
double socm_plan_heads_tails(const struct socm_plan_input *in, double *head, double *tail)
{
    size_t n = in->n;
    int *order = socm_xmalloc((n ? n : 1) * sizeof *order);
    double cp = 0;
    if (socm_plan_topo(in->dag, order) == 0) {
        for (size_t k = 0; k < n; k++) {
            int u = order[k];
            const struct socm_intv *p = &in->dag->pred[u];
            head[u] = 0;
            for (size_t j = 0; j < p->n; j++)
                if (head[p->v[j]] + in->reqs[p->v[j]].walltime_min > head[u])
                    head[u] = head[p->v[j]] + in->reqs[p->v[j]].walltime_min;
        }
        for (size_t k = n; k-- > 0;) {
            int u = order[k];
            const struct socm_intv *s = &in->dag->succ[u];
            tail[u] = 0;
            for (size_t j = 0; j < s->n; j++)
                if (tail[s->v[j]] + in->reqs[s->v[j]].walltime_min > tail[u])
                    tail[u] = tail[s->v[j]] + in->reqs[s->v[j]].walltime_min;
            double through = head[u] + in->reqs[u].walltime_min + tail[u];
            if (through > cp)
                cp = through;
        }
    }
    free(order);
    return cp;
}

/* Key descending, then index ascending: qsort is not stable (glibc's sort of
 * some versions, other libcs), and the order of equal keys decides the order in
 * which their work is summed, so the bound to the last bit. */
static const double *sort_key;
static int by_key_desc(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double x = sort_key[i], y = sort_key[j];
    if (x != y)
        return (x < y) - (x > y);
    return (i > j) - (i < j);
}

/* The window bound. For any set S of workflows, with h = the smallest head and
 * t = the smallest tail in S: every workflow of S starts at or after h and ends
 * at or before makespan − t, so all of S's work (Σ cpus × walltime) is done
 * inside [h, makespan − t] on `cores` cores: work(S) ≤ cores × (makespan − t − h),
 * i.e. makespan ≥ h + work(S) ÷ cores + t. This is a lower bound for every S;
 * it is taken over the sets "head ≥ x" and "tail ≥ x" for every x (sorted, with
 * running sums: O(n log n)). S = all workflows gives the work bound; it is
 * stronger when work waits behind a chain (a preprocessing step before the
 * big jobs) or is followed by one. */
static double window_bound(const struct socm_plan_input *in, const double *head, const double *tail, int64_t cores)
{
    size_t n = in->n;
    if (n == 0 || cores < 1)
        return 0;
    int *idx = socm_xmalloc(n * sizeof *idx);
    double best = 0;
    for (int pass = 0; pass < 2; pass++) {
        const double *key = pass == 0 ? head : tail, *other = pass == 0 ? tail : head;
        for (size_t i = 0; i < n; i++)
            idx[i] = (int)i;
        sort_key = key;
        qsort(idx, n, sizeof *idx, by_key_desc);
        double work = 0, omin = INFINITY;
        for (size_t i = 0; i < n; i++) {
            int u = idx[i];
            work += (double)in->reqs[u].cpus * in->reqs[u].walltime_min;
            if (other[u] < omin)
                omin = other[u];
            /* S = the first i + 1 (key ≥ key[u]); only where the key changes. */
            if (i + 1 < n && key[idx[i + 1]] == key[u])
                continue;
            double b = key[u] + work / (double)cores + omin;
            if (b > best)
                best = b;
        }
    }
    free(idx);
    return best;
}

/* Energetic reasoning is computed on a grid of whole minutes up to twice the
 * simple bound; campaigns where that grid times the workflows exceeds this are
 * left to the other bounds (it costs O(workflows × minutes); on large campaigns
 * the plans are within 1–2 % of the simple bound anyway). */
#define ENERGETIC_MAX_CELLS 4000000.0
#define ENERGETIC_MAX_MINUTES 4000.0

/* f[x] for whole minutes x < len: an upper bound on the amount × time (cores or,
 * if `mem`, memory) any plan can use in its first x minutes: each workflow j runs
 * at most min(walltime, x − from[j]) of them (it cannot start before from[j], the
 * longest chain before it), and the allocation holds at most cap × x. With
 * `from` = the tails, the same holds for the last x minutes. */
static void early_use(const struct socm_plan_input *in, const double *from, double cap, bool mem, double *f,
                      size_t len)
{
    for (size_t x = 0; x < len; x++) {
        double a = 0;
        for (size_t j = 0; j < in->n; j++) {
            double d = (double)x - from[j], w = in->reqs[j].walltime_min;
            double amount = mem ? in->reqs[j].memory_mb : (double)in->reqs[j].cpus;
            a += amount * (d < 0 ? 0 : d > w ? w : d);
        }
        f[x] = a < cap * (double)x ? a : cap * (double)x;
    }
}

/* The energetic bound. In a plan of makespan M, for whole minutes x, y with
 * x + y ≤ M, the use (amount × time) in [0, x] is at most early(x), in [M − y, M]
 * at most late(y) and in between at most cap × (M − x − y); the three add up to
 * the whole use U (Σ amount × walltime), so M ≥ x + y + (U − early(x) −
 * late(y)) ÷ cap. M is scanned up from max(from, U ÷ cap) (both valid bounds) in
 * steps of 1/4 min: the interval [M, M + 1/4) holds no plan's makespan when some
 * such x, y (x + y ≤ M) give more than M + 1/4; the first M not ruled out is
 * returned, as every smaller makespan was ruled out. (lb[y] below takes the best
 * y' ≤ y, which keeps x + y' ≤ M.) */
double socm_plan_energetic(const struct socm_plan_input *in, const double *head, const double *tail, double cap,
                           bool mem, double from)
{
    size_t n = in->n;
    double use = 0;
    if (!(cap > 0) || n == 0)
        return from;
    for (size_t j = 0; j < n; j++)
        use += (mem ? in->reqs[j].memory_mb : (double)in->reqs[j].cpus) * in->reqs[j].walltime_min;
    double m = from > use / cap ? from : use / cap;
    size_t len = (size_t)(2 * m) + 2;
    double *ea = socm_xmalloc(len * sizeof *ea), *lb = socm_xmalloc(len * sizeof *lb);
    early_use(in, head, cap, mem, ea, len);
    early_use(in, tail, cap, mem, lb, len);
    /* lb[y] becomes the largest y' − late(y') ÷ cap over y' ≤ y. */
    for (size_t y = 0; y < len; y++) {
        lb[y] = (double)y - lb[y] / cap;
        if (y > 0 && lb[y - 1] > lb[y])
            lb[y] = lb[y - 1];
    }
    for (; m < (double)len; m += 0.25) {
        double best = -INFINITY;
        for (size_t x = 0; (double)x <= m && x < len; x++) {
            size_t y = (size_t)floor(m - (double)x);
            double v = (double)x - ea[x] / cap + lb[y < len ? y : len - 1];
            best = v > best ? v : best;
        }
        if (!(use / cap + best > m + 0.25))
            break;
    }
    free(ea);
    free(lb);
    return m;
}

/* The long-jobs bound. Take a makespan M and call a workflow long if its
 * walltime is more than M ÷ 2. In any plan with makespan ≤ M, every workflow
 * runs inside [0, M], so two long ones overlap in time and hold disjoint cores;
 * the other cores (free = cores − the long ones' cores) belong to no long one.
 * A workflow j that is not long and holds a core of a long one A runs before or
 * after A on it, so walltime(j) + walltime(A) ≤ M: A is "compatible" with j.
 * The core time j needs (cpus × walltime) lies in the cores of long ones
 * compatible with it and in the free cores; inside A's cores, A leaves at most
 * cpus(A) × (M − walltime(A)) core-minutes, the free cores at most free × M.
 * Sorting the long ones by walltime (shortest first), the ones compatible with
 * j are the first m(j), so for each m: the core time of the jobs with m(j) ≤ m
 * must fit in the free cores and the first m long ones' spare time. If any of
 * these fails (or the long ones need more cores than the allocation), no plan
 * has makespan ≤ M. It holds for any plan that gives each workflow a fixed set
 * of cores for its walltime (consecutive or not, memory or not), so for every
 * policy's plans. It is strong where a few long wide jobs must be packed on
 * few nodes (maps of 1–4 h on 5 nodes), where work ÷ cores is not.
 * by_wall: the workflows by walltime, longest first (ties by index). */
static bool long_jobs_rule_out(const struct socm_plan_input *in, const int *by_wall, double *spare, double *demand,
                               int64_t cores, double m)
{
    size_t n = in->n, k = 0;
    double held = 0;
    while (k < n && 2 * in->reqs[by_wall[k]].walltime_min > m)
        held += (double)in->reqs[by_wall[k++]].cpus;
    if (held > (double)cores)
        return true;
    if (k == 0)
        return false;
    /* spare[i] / demand[i] for the i-th long one by walltime shortest first
     * (index k − 1 − position in by_wall); slot k: none compatible. */
    for (size_t i = 0; i <= k; i++)
        demand[i] = 0;
    for (size_t i = 0; i < k; i++) {
        const struct socm_req *r = &in->reqs[by_wall[k - 1 - i]];
        spare[i] = (double)r->cpus * (m - r->walltime_min);
    }
    for (size_t q = k; q < n; q++) {
        const struct socm_req *r = &in->reqs[by_wall[q]];
        double room = m - r->walltime_min;
        /* m(j): the long ones with walltime ≤ room (binary search, shortest first). */
        size_t lo = 0, hi = k;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (in->reqs[by_wall[k - 1 - mid]].walltime_min <= room)
                lo = mid + 1;
            else
                hi = mid;
        }
        demand[lo] += (double)r->cpus * r->walltime_min;
    }
    double need = 0, cap = ((double)cores - held) * m;
    /* demand[lo] with lo = 0 … k: the jobs compatible with exactly the first lo. */
    for (size_t i = 0; i <= k; i++) {
        need += demand[i];
        if (need > cap * (1 + 1e-9) + 1e-9)
            return true;
        if (i < k)
            cap += spare[i];
    }
    return false;
}

/* The largest makespan the long-jobs bound rules out between `from` (a bound
 * already known) and `upto`, by bisection to 1/64 min: each M ruled out proves
 * the optimum > M, so the result is a lower bound whatever the test's answers
 * in between; `upto` itself if it is ruled out. `from` where nothing is ruled
 * out or no workflow is longer than from ÷ 2 (then no workflow is long). */
double socm_plan_long_jobs_bound(const struct socm_plan_input *in, int64_t cores, double from, double upto)
{
    size_t n = in->n;
    double maxw = 0;
    for (size_t i = 0; i < n; i++)
        maxw = in->reqs[i].walltime_min > maxw ? in->reqs[i].walltime_min : maxw;
    if (n == 0 || cores < 1 || !(upto > from) || !(2 * maxw > from))
        return from;
    int *by_wall = socm_xmalloc(n * sizeof *by_wall);
    double *wall = socm_xmalloc(n * sizeof *wall), *spare = socm_xmalloc(n * sizeof *spare);
    double *demand = socm_xmalloc((n + 1) * sizeof *demand);
    for (size_t i = 0; i < n; i++) {
        by_wall[i] = (int)i;
        wall[i] = in->reqs[i].walltime_min;
    }
    sort_key = wall;
    qsort(by_wall, n, sizeof *by_wall, by_key_desc);
    double lo = from, hi = upto; /* lo: ruled out (or known); hi: not ruled out */
    if (long_jobs_rule_out(in, by_wall, spare, demand, cores, hi))
        lo = hi;
    else
        while (hi - lo > 1.0 / 64) {
            double mid = lo + (hi - lo) / 2;
            if (long_jobs_rule_out(in, by_wall, spare, demand, cores, mid))
                lo = mid;
            else
                hi = mid;
        }
    free(by_wall);
    free(wall);
    free(spare);
    free(demand);
    return lo;
}

void socm_plan_bounds(const struct socm_plan_input *in, struct socm_plan *plan)
{
    double work = 0;
    for (size_t i = 0; i < in->n; i++)
        work += (double)in->reqs[i].cpus * in->reqs[i].walltime_min;
    double *head = socm_xcalloc(in->n ? in->n : 1, sizeof *head);
    double *tail = socm_xcalloc(in->n ? in->n : 1, sizeof *tail);
    plan->cp_bound = socm_plan_heads_tails(in, head, tail);
    plan->work_bound = plan->cores > 0 ? work / (double)plan->cores : 0;
    plan->lower_bound = plan->cp_bound > plan->work_bound ? plan->cp_bound : plan->work_bound;
    double wb = window_bound(in, head, tail, plan->cores);
    /* The window bound sums in another order than work_bound: never report it
     * where it only differs by rounding. */
    if (wb > plan->lower_bound * (1 + 1e-12))
        plan->lower_bound = wb;
    /* Cores only: not every policy keeps memory at every instant (heft-socm checks
     * it at a workflow's start), so a bound from memory would not bound every plan
     * reported. */
    double minutes = 2 * plan->lower_bound + 2, eb = 0;
    if (plan->cores > 0 && minutes <= ENERGETIC_MAX_MINUTES && minutes * (double)in->n <= ENERGETIC_MAX_CELLS)
        eb = socm_plan_energetic(in, head, tail, (double)plan->cores, false, plan->lower_bound);
    if (eb > plan->lower_bound * (1 + 1e-12))
        plan->lower_bound = eb;
    double lj = socm_plan_long_jobs_bound(in, plan->cores, plan->lower_bound, plan->makespan);
    if (lj > plan->lower_bound * (1 + 1e-12))
        plan->lower_bound = lj;
    plan->efficiency = plan->makespan > 0 ? plan->lower_bound / plan->makespan : 1.0;
    free(head);
    free(tail);
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

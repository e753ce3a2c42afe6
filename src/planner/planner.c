/* planner.c — the planner registry (built-in policies, plug-ins loaded with dlopen),
 * the generic deadline/core search and QoS choice the original uses, and the plan
 * value's helpers. Policies live one per file (heft_socm.c; time.c with its scheduler time_place.c). */
#include "planner/planner_impl.h"
#include "planner/ext_planner.h"
#include "campaign/plugin.h"
#include "util/plugin.h"
#include "util/str.h"
#include "util/human.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- Registry ---- */

#define SOCM_MAX_PLANNERS 64
static const struct socm_planner *registered[SOCM_MAX_PLANNERS];
static size_t n_registered;

static const struct socm_planner *const builtins[] = {
    &socm_planner_time,
    &socm_planner_heft_socm,
};
#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

int socm_planner_register(const struct socm_planner *p)
{
    if (!p || !p->name || !p->schedule || socm_planner_find(p->name) ||
        n_registered == SOCM_MAX_PLANNERS)
        return -1;
    registered[n_registered++] = p;
    return 0;
}

const struct socm_planner *socm_planner_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    for (size_t i = 0; i < n_registered; i++)
        if (strcmp(registered[i]->name, name) == 0)
            return registered[i];
    /* Then the plug-ins' (loaded with a campaign), then the external programs
     * campaigns and plug-ins declared (ext_planner.c). */
    for (size_t i = 0; i < socm_plugin_planner_count(); i++)
        if (strcmp(socm_plugin_planner_at(i)->name, name) == 0)
            return socm_plugin_planner_at(i);
    return socm_ext_planner_find(name);
}

void socm_planner_names(struct socm_strv *names)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        socm_strv_push(names, builtins[i]->name);
    for (size_t i = 0; i < n_registered; i++)
        socm_strv_push(names, registered[i]->name);
    for (size_t i = 0; i < socm_plugin_planner_count(); i++) {
        const struct socm_planner *p = socm_plugin_planner_at(i);
        if (socm_planner_find(p->name) == p)
            socm_strv_push(names, p->name);
    }
    for (size_t i = 0; i < socm_ext_planner_count(); i++) {
        const char *name = socm_ext_planner_at(i)->name;
        if (socm_planner_find(name) == socm_ext_planner_find(name))
            socm_strv_push(names, name);
    }
}

const struct socm_planner *socm_planner_load_plugin(const char *path, struct socm_error *err)
{
    /* The handle stays open for the life of the process: the registry keeps
     * pointers into the shared object. */
    void *h;
    const struct socm_planner *p =
        socm_plugin_open(path, "planner_plugin", "socm_planner_plugin", 0, &h, err);
    if (!p)
        return NULL;
    if (!p->name || !p->schedule) {
        socm_error_set(err, SOCM_E_INPUT, "planner_plugin %s: socm_planner_plugin has no name or schedule()", path);
        dlclose(h);
        return NULL;
    }
    const struct socm_planner *known = socm_planner_find(p->name);
    if (known)
        return known == p ? p : (socm_error_set(err, SOCM_E_INPUT,
                                 "planner_plugin %s: a planner named '%s' already exists", path, p->name),
                                 NULL);
    if (socm_planner_register(p) < 0) {
        socm_error_set(err, SOCM_E_INPUT, "planner_plugin %s: too many planners", path);
        return NULL;
    }
    return p;
}

/* ---- DAG orders ---- */

int socm_plan_generations(const struct socm_dag *d, int *order, size_t **gen_start, size_t *ngen)
{
    /* campaign/dag.c computes the original's generations (networkx's
     * topological_generations); on a cycle they cover fewer than n nodes. */
    socm_dag_generations(d, order, gen_start, ngen);
    if ((*gen_start)[*ngen] != d->n) {
        free(*gen_start);
        *gen_start = NULL;
        return -1;
    }
    return 0;
}

int socm_plan_topo(const struct socm_dag *d, int *order)
{
    return socm_dag_topo(d, order, NULL); /* the DAG's own order, written once */
}

/* ---- Helpers shared by the policies ---- */

int64_t socm_plan_max_cores(const struct socm_plan_input *in)
{
    if (in->requested_cores > 0)
        return in->requested_cores;
    if (in->resource)
        return in->resource->nodes * in->resource->cores_per_node;
    return 0;
}

int64_t socm_plan_max_cpus(const struct socm_plan_input *in)
{
    int64_t m = 1;
    for (size_t i = 0; i < in->n; i++)
        if (in->reqs[i].cpus > m)
            m = in->reqs[i].cpus;
    return m;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t *socm_plan_widths(const struct socm_plan_input *in, size_t *n)
{
    int64_t *k = socm_xmalloc((in->n ? in->n : 1) * sizeof *k);
    for (size_t i = 0; i < in->n; i++)
        k[i] = in->reqs[i].cpus;
    qsort(k, in->n, sizeof *k, cmp_i64);
    size_t nd = 0;
    for (size_t i = 0; i < in->n; i++)
        if (i == 0 || k[i] != k[i - 1])
            k[nd++] = k[i];
    *n = nd;
    return k;
}

int socm_plan_qos_first_fit(const struct socm_resource *r, double walltime, int64_t cores)
{
    if (!r)
        return -1;
    for (size_t i = 0; i < r->n_qos; i++) {
        const struct socm_qos *q = &r->qos[i];
        if (q->max_walltime_min >= walltime && q->max_cores >= cores && q->max_jobs >= 1)
            return (int)i;
    }
    return -1;
}

void socm_plan_qos_describe(const struct socm_resource *r, char *buf, size_t n)
{
    size_t off = 0;
    buf[0] = 0;
    for (size_t i = 0; r && i < r->n_qos && off < n; i++) {
        const struct socm_qos *q = &r->qos[i];
        int w = snprintf(buf + off, n - off, "%s%s (max %g min, %lld cores, %lld jobs)", i ? ", " : "",
                         q->name, q->max_walltime_min, (long long)q->max_cores, (long long)q->max_jobs);
        if (w < 0)
            break;
        off += (size_t)w;
    }
    if (!r || r->n_qos == 0)
        snprintf(buf, n, "none defined");
}

double socm_plan_pilot_walltime(double makespan, double deadline)
{
    double w = makespan * 1.25;
    if (deadline < w)
        w = deadline;
    if (w < makespan) /* a batch plan past its deadline still needs its time */
        w = makespan;
    return ceil(w);
}

int socm_plan_check_input(const struct socm_plan_input *in, struct socm_error *err)
{
    if (!in->dag || in->dag->n != in->n)
        return socm_error_set(err, SOCM_E_INPUT, "planner: the DAG has %zu nodes for %zu workflows",
                              in->dag ? in->dag->n : 0, in->n);
    for (size_t i = 0; i < in->n; i++) {
        const struct socm_req *r = &in->reqs[i];
        const char *name = in->names ? in->names[i] : "?";
        if (r->cpus < 1)
            return socm_error_set(err, SOCM_E_INPUT, "workflow %s: needs at least 1 cpu (has %lld)", name,
                                  (long long)r->cpus);
        if (!(r->memory_mb >= 0) || !isfinite(r->memory_mb))
            return socm_error_set(err, SOCM_E_INPUT, "workflow %s: invalid memory %g MB", name, r->memory_mb);
        if (!(r->walltime_min >= 0) || !isfinite(r->walltime_min))
            return socm_error_set(err, SOCM_E_INPUT, "workflow %s: invalid walltime %g min", name,
                                  r->walltime_min);
    }
    if (!in->resource || in->resource->cores_per_node < 1 || in->resource->nodes < 1)
        return socm_error_set(err, SOCM_E_INPUT, "planner: no resource (nodes and cores per node) to plan on");
    if (!(in->deadline_min > 0))
        return socm_error_set(err, SOCM_E_INPUT, "planner: the deadline must be positive (is %g min)",
                              in->deadline_min);
    int *order = socm_xmalloc((in->n ? in->n : 1) * sizeof *order);
    int rc = socm_plan_topo(in->dag, order);
    free(order);
    if (rc < 0)
        return socm_error_set(err, SOCM_E_INPUT, "planner: the workflow DAG has a cycle");
    return 0;
}

/* ---- The original's search (step 5 and 6 of issue 3) ---- */

static int cannot_meet(const struct socm_plan_input *in, int64_t cores, struct socm_error *err)
{
    char d[32];
    return socm_error_set(err, SOCM_E_INPUT, "cannot meet the %s deadline with %lld core%s",
                          socm_human_minutes(in->deadline_min, d, sizeof d), (long long)cores,
                          cores == 1 ? "" : "s");
}

static int schedule_cb(void *ctx, const struct socm_plan_input *in, int64_t cores, struct socm_plan *out,
                       struct socm_error *err)
{
    const struct socm_planner *p = ctx;
    return p->schedule(p, in, cores, out, err);
}

int socm_plan_search(const struct socm_planner *p, const struct socm_plan_input *in, struct socm_plan *out,
                     struct socm_error *err)
{
    return socm_plan_search_fn(in, schedule_cb, (void *)p, out, err);
}

int socm_plan_search_fn(const struct socm_plan_input *in, socm_schedule_fn fn, void *ctx, struct socm_plan *out,
                        struct socm_error *err)
{
    int64_t hi = socm_plan_max_cores(in);
    if (in->schema == SOCM_SCHEMA_BATCH) {
        /* The allocation is given: a plan past the deadline is still the plan (the
         * runtimes are upper bounds); the caller warns by how much it is late. */
        return fn(ctx, in, hi, out, err) < 0 ? -1 : 0;
    }
    int64_t lo = socm_plan_max_cpus(in), top = hi, best = -1;
    struct socm_plan cand = {0};
    while (lo <= hi) {
        int64_t mid = lo + (hi - lo) / 2;
        struct socm_error e2 = {0};
        struct socm_plan tmp = {0};
        if (fn(ctx, in, mid, &tmp, &e2) == 0 && tmp.makespan <= in->deadline_min) {
            socm_plan_free(&cand);
            cand = tmp;
            best = mid;
            hi = mid - 1;
        } else {
            socm_plan_free(&tmp);
            lo = mid + 1;
        }
    }
    if (best < 0) {
        /* Say why: the largest allocation either cannot hold a workflow at all
         * (memory, cores) or is too slow. */
        struct socm_plan tmp = {0};
        if (fn(ctx, in, top, &tmp, err) < 0)
            return -1;
        socm_plan_free(&tmp);
        return cannot_meet(in, top, err);
    }
    int q = socm_plan_qos_first_fit(in->resource, in->deadline_min, best);
    if (q < 0) {
        char list[1024];
        socm_plan_qos_describe(in->resource, list, sizeof list);
        socm_plan_free(&cand);
        return socm_error_set(err, SOCM_E_INPUT, "no QoS of %s admits %lld cores for %g min; its policies: %s",
                              in->resource->name ? in->resource->name : "the resource", (long long)best,
                              in->deadline_min, list);
    }
    *out = cand;
    out->qos = socm_strdup(in->resource->qos[q].name);
    return 0;
}

/* ---- The entry point ---- */

int socm_plan_make(const struct socm_planner *p, const struct socm_plan_input *in, struct socm_plan *out,
                   struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p)
        return socm_error_set(err, SOCM_E_INPUT, "no planner given");
    if (socm_plan_check_input(in, err) < 0)
        return -1;
    int rc = p->plan ? p->plan(p, in, out, err) : socm_plan_search(p, in, out, err);
    if (rc < 0) {
        socm_plan_free(out);
        return -1;
    }
    free(out->policy);
    out->policy = socm_strdup(p->name);
    out->walltime = socm_plan_pilot_walltime(out->makespan, in->deadline_min);
    socm_plan_bounds(in, out);
    return 0;
}

void socm_plan_free(struct socm_plan *plan)
{
    if (!plan)
        return;
    free(plan->policy);
    free(plan->qos);
    free(plan->entries);
    memset(plan, 0, sizeof *plan);
}

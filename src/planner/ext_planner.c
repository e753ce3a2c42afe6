/* ext_planner.c — a planner whose plan comes from an external program (see
 * ext_planner.h): one "plan" request with the workflows' requirements, the DAG, the
 * resource and the deadline; the reply's plan is checked (plan_check.c) and refused
 * with the first constraint it breaks. */
#include "planner/ext_planner.h"
#include "planner/plan_check.h"
#include "planner/planner_impl.h"
#include "campaign/ext_call.h"

#include <stdlib.h>
#include <string.h>

struct ext_planner {
    struct socm_planner p; /* first: the registry hands back &p */
    const char *name;
    const struct socm_ext_planner_decl *decl; /* its program, as last declared */
};

static json_t *plan_request(const struct ext_planner *x, const struct socm_plan_input *in,
                            int64_t cores)
{
    json_t *req = json_object();
    json_object_set_new(req, "request", json_string("plan"));
    json_object_set_new(req, "policy", json_string(x->name));
    json_object_set_new(req, "schema", json_string(in->schema == SOCM_SCHEMA_BATCH ? "batch" : "remote"));
    json_object_set_new(req, "deadline_min", json_real(in->deadline_min));
    json_object_set_new(req, "cores", json_integer(cores));
    const struct socm_resource *r = in->resource;
    json_t *res = json_object();
    json_object_set_new(res, "name", json_string(r->name ? r->name : ""));
    json_object_set_new(res, "nodes", json_integer(r->nodes));
    json_object_set_new(res, "cores_per_node", json_integer(r->cores_per_node));
    json_object_set_new(res, "memory_per_node_mb",
                        r->memory_unchecked ? json_null() : json_real(r->memory_per_node_mb));
    json_object_set_new(req, "resource", res);
    json_t *wfs = json_array();
    for (size_t i = 0; i < in->n; i++) {
        json_t *w = json_object();
        json_object_set_new(w, "id", json_integer((json_int_t)i + 1));
        json_object_set_new(w, "name", json_string(in->names && in->names[i] ? in->names[i] : ""));
        json_object_set_new(w, "cpus", json_integer(in->reqs[i].cpus));
        json_object_set_new(w, "memory_mb", json_real(in->reqs[i].memory_mb));
        json_object_set_new(w, "walltime_min", json_real(in->reqs[i].walltime_min));
        json_t *deps = json_array();
        for (size_t k = 0; k < socm_dag_npred(in->dag, (int)i); k++)
            json_array_append_new(deps, json_integer(socm_dag_pred(in->dag, (int)i, k) + 1));
        json_object_set_new(w, "depends", deps);
        json_array_append_new(wfs, w);
    }
    json_object_set_new(req, "workflows", wfs);
    return req;
}

static int num(const json_t *o, const char *key, double *out)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

/* The reply's plan into `out` (entries in workflow id order when complete). */
static int read_plan(const struct ext_planner *x, const json_t *reply, const struct socm_plan_input *in,
                     struct socm_plan *out, struct socm_error *err)
{
    const json_t *errors = json_object_get(reply, "errors");
    if (json_array_size(errors) > 0) {
        const char *m = json_string_value(json_object_get(json_array_get(errors, 0), "message"));
        return socm_error_set(err, SOCM_E_INPUT, "planner '%s': %s", x->name, m ? m : "failed");
    }
    const json_t *plan = json_object_get(reply, "plan");
    const json_t *entries = json_object_get(plan, "entries");
    if (!json_is_object(plan) || !json_is_array(entries))
        return socm_error_set(err, SOCM_E_INPUT, "planner '%s' replied without a \"plan\" object with "
                              "\"entries\" (an array)", x->name);
    out->n = json_array_size(entries);
    out->entries = socm_xcalloc(out->n ? out->n : 1, sizeof *out->entries);
    int64_t used = 0;
    for (size_t i = 0; i < out->n; i++) {
        const json_t *e = json_array_get(entries, i);
        struct socm_plan_entry *pe = &out->entries[i];
        double id, first, last;
        if (!json_is_object(e) || num(e, "id", &id) < 0 || num(e, "core_first", &first) < 0 ||
            num(e, "core_last", &last) < 0 || num(e, "start", &pe->start) < 0 ||
            num(e, "end", &pe->end) < 0 || id != (double)(int)id || first != (double)(int64_t)first ||
            last != (double)(int64_t)last)
            return socm_error_set(err, SOCM_E_INPUT, "planner '%s': plan entry %zu needs integer \"id\", "
                                  "\"core_first\", \"core_last\" and numbers \"start\", \"end\" (minutes)",
                                  x->name, i);
        pe->id = (int)id;
        pe->core_first = (int64_t)first;
        pe->core_last = (int64_t)last;
        /* Memory is the workflow's own; a planner cannot make it smaller. */
        if (pe->id >= 1 && (size_t)pe->id <= in->n)
            pe->memory_mb = in->reqs[pe->id - 1].memory_mb;
        if (pe->core_last + 1 > used)
            used = pe->core_last + 1;
        if (pe->end > out->makespan)
            out->makespan = pe->end;
    }
    double cores = (double)used;
    if (json_object_get(plan, "cores") && (num(plan, "cores", &cores) < 0 || cores != (double)(int64_t)cores))
        return socm_error_set(err, SOCM_E_INPUT, "planner '%s': the plan's \"cores\" must be an integer",
                              x->name);
    out->cores = (int64_t)cores;
    return 0;
}

static int by_id(const void *a, const void *b)
{
    const struct socm_plan_entry *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int ext_plan(const struct socm_planner *self, const struct socm_plan_input *in,
                    struct socm_plan *out, struct socm_error *err)
{
    const struct ext_planner *x = (const struct ext_planner *)self;
    int64_t max = socm_plan_max_cores(in);
    json_t *req = plan_request(x, in, max);
    char *what = socm_asprintf("planner '%s'", x->name);
    json_t *reply = socm_ext_call(what, &x->decl->argv, req, x->decl->timeout_s, err);
    free(what);
    json_decref(req);
    if (!reply)
        return -1;
    memset(out, 0, sizeof *out);
    int rc = read_plan(x, reply, in, out, err);
    json_decref(reply);
    if (rc < 0)
        return -1;
    if (out->cores > max)
        return socm_error_set(err, SOCM_E_INPUT, "planner '%s': the plan uses %lld cores; at most %lld "
                              "are available", x->name, (long long)out->cores, (long long)max);
    struct socm_error cerr = {0};
    if (socm_plan_check(in, out, &cerr) < 0)
        return socm_error_set(err, SOCM_E_INPUT, "planner '%s' returned an invalid plan: %s", x->name,
                              cerr.msg);
    qsort(out->entries, out->n, sizeof *out->entries, by_id);
    if (in->schema != SOCM_SCHEMA_BATCH) {
        int q = socm_plan_qos_first_fit(in->resource, in->deadline_min, out->cores);
        if (q < 0)
            return socm_error_set(err, SOCM_E_INPUT, "planner '%s': no QoS of %s admits %lld cores",
                                  x->name, in->resource->name, (long long)out->cores);
        out->qos = socm_strdup(in->resource->qos[q].name);
    }
    return 0;
}

/* Plans on exactly `cores` cores: the same request with that allocation. */
static int ext_schedule(const struct socm_planner *self, const struct socm_plan_input *in,
                        int64_t cores, struct socm_plan *out, struct socm_error *err)
{
    struct socm_plan_input fixed = *in;
    fixed.requested_cores = cores;
    fixed.schema = SOCM_SCHEMA_BATCH;
    return ext_plan(self, &fixed, out, err);
}

/* The planners made from declarations live for the whole process (callers keep
 * the pointers); their programs are read from the declaration at each call, so a
 * name declared again by another campaign runs the new program. */
static struct ext_planner **all;
static size_t n_all;

const struct socm_planner *socm_ext_planner_find(const char *name)
{
    const struct socm_ext_planner_decl *d = socm_ext_planner_declared(name);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n_all; i++)
        if (all[i]->decl == d)
            return &all[i]->p;
    struct ext_planner *x = socm_xcalloc(1, sizeof *x);
    x->name = d->name;
    x->decl = d;
    x->p.name = x->name;
    x->p.description = "an external program (docs/extending.md)";
    x->p.schedule = ext_schedule;
    x->p.plan = ext_plan;
    all = socm_xrealloc(all, (n_all + 1) * sizeof *all);
    all[n_all++] = x;
    return &x->p;
}

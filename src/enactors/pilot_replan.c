/* pilot_replan.c — the shape of the next slurm-pilot pilot when one ended with work
 * left (walltime, scancel, node failure): the campaign's remaining workflows (the
 * journal's state: everything not DONE, FAILED or CANCELED) are planned again with
 * the campaign's planner, resource and schema, against the deadline that remains,
 * giving the new pilot's cores, walltime and QoS (see pilot.h). */
#include "state/journal.h"
#include "agents/pilot.h"
#include "campaign/discover.h"
#include "state/spec.h"
#include "campaign/campaign.h"
#include "socm/planner.h"
#include "util/proc.h"
#include "util/str.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON value of the recorded configuration as a config tree (no positions). */
static struct socm_value *value_of_json_at(const json_t *j, const struct socm_pos *at)
{
    const struct socm_pos none = *at;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        struct socm_value *t = socm_value_table(&none);
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v)
            socm_table_add(t, k, strlen(k), &none, value_of_json_at(v, at));
        return t;
    }
    case JSON_ARRAY: {
        struct socm_value *a = socm_value_array(&none);
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) socm_array_push(a, value_of_json_at(v, at));
        return a;
    }
    case JSON_STRING:
        return socm_value_string(json_string_value(j), json_string_length(j), &none);
    case JSON_INTEGER:
        return socm_value_integer(json_integer_value(j), &none);
    case JSON_REAL:
        return socm_value_float(json_real_value(j), &none);
    case JSON_TRUE:
    case JSON_FALSE:
        return socm_value_bool(json_is_true(j), &none);
    default:
        return socm_value_string("", 0, &none);
    }
}

static struct socm_value *value_of_json(const json_t *j)
{
    const struct socm_pos none = socm_pos_at("journal", 0, 0);
    return value_of_json_at(j, &none);
}

/* The campaign's resource, as the campaign resolved it: a named one (catalogue,
 * [resources.NAME], user file) or its own [campaign.resources]. */
bool socm_pilot_resource_live(const json_t *config, char **partition)
{
    const json_t *camp = json_object_get(config, "campaign");
    const char *name = json_string_value(json_object_get(camp, "resource"));
    *partition = NULL;
    if (!name || strcmp(name, "discover") ||
        json_object_get(json_object_get(config, "resources"), "discover"))
        return false;
    const char *p = json_string_value(json_object_get(json_object_get(camp, "slurm"), "partition"));
    *partition = p && *p ? socm_strdup(p) : NULL;
    return true;
}

struct socm_resource *socm_pilot_resource(const json_t *config, struct socm_error *err)
{
    const json_t *camp = json_object_get(config, "campaign");
    const char *name = json_string_value(json_object_get(camp, "resource"));
    const json_t *own = json_object_get(camp, "resources");
    struct socm_resource *r = NULL;
    char *part = NULL;
    if ((!name || !strcmp(name, "campaign")) && own) {
        struct socm_value *t = value_of_json(own);
        r = socm_resource_from_table("campaign", t, err);
        socm_value_free(t);
    } else if (socm_pilot_resource_live(config, &part)) {
        /* The live cluster as it is now: a lost node no longer counts. */
        r = socm_resource_discover("discover", part, NULL, err);
        free(part);
    } else if (name) {
        const json_t *user = json_object_get(config, "resources");
        struct socm_value *t = json_is_object(user) ? value_of_json(user) : NULL;
        r = socm_resource_lookup(name, t, err);
        socm_value_free(t);
    } else
        socm_error_set(err, SOCM_E_INPUT, "the campaign names no Slurm resource to plan on");
    return r;
}

/* What the journal says: the spec, when the campaign began, and which workflows
 * have not ended (their last "wf" event is not DONE, FAILED or CANCELED). Read here
 * rather than through the bookkeeper's replay, which owns per-process state. */
struct journal_view {
    struct socm_spec spec;
    double t_begin;
    bool *left; /* spec.n */
};

static int view_event(void *ctx, json_t *ev, size_t line, struct socm_error *err)
{
    (void)line;
    struct journal_view *v = ctx;
    const char *kind = json_string_value(json_object_get(ev, "ev"));
    if (!v->left && !strcmp(kind, "begin")) {
        if (socm_spec_from_json(json_object_get(ev, "spec"), &v->spec, err) != 0)
            return -1;
        v->t_begin = json_number_value(json_object_get(ev, "t"));
        v->left = socm_xcalloc(v->spec.n ? v->spec.n : 1, sizeof *v->left);
        for (size_t i = 0; i < v->spec.n; i++)
            v->left[i] = true;
    } else if (v->left && !strcmp(kind, "wf")) {
        json_int_t id = json_integer_value(json_object_get(ev, "id"));
        const char *st = json_string_value(json_object_get(ev, "state"));
        if (id >= 1 && (size_t)id <= v->spec.n && st)
            v->left[id - 1] = strcmp(st, "DONE") && strcmp(st, "FAILED") && strcmp(st, "CANCELED");
    }
    return 0;
}

static void view_free(struct journal_view *v)
{
    if (v->left)
        socm_spec_free(&v->spec);
    free(v->left);
}

/* Through the one journal reader: checksums checked, no link followed, a torn last
 * line (the manager may be writing) skipped. */
static int view_load(const char *dir, struct journal_view *v, struct socm_error *err)
{
    memset(v, 0, sizeof *v);
    if (socm_journal_replay(dir, view_event, v, NULL, err) != 0) {
        view_free(v);
        return -1;
    }
    if (v->left)
        return 0;
    return socm_error_set(err, SOCM_E_FAILED, "%s: the journal has no campaign record", dir);
}


/* The remaining workflows as a planner input (indexes renumbered 0..m-1). */
struct sub {
    struct socm_req *reqs;
    const char **names;
    struct socm_dag dag;
    size_t m;
};

static void sub_build(const struct journal_view *jv, const double *min_walltime, size_t nmin,
                      struct sub *s)
{
    const struct socm_spec *sp = &jv->spec;
    int *map = socm_xmalloc((sp->n ? sp->n : 1) * sizeof *map);
    s->m = 0;
    for (size_t i = 0; i < sp->n; i++)
        map[i] = jv->left[i] ? (int)s->m++ : -1;
    s->reqs = socm_xcalloc(s->m ? s->m : 1, sizeof *s->reqs);
    s->names = socm_xcalloc(s->m ? s->m : 1, sizeof *s->names);
    socm_dag_init(&s->dag, s->m);
    for (size_t i = 0; i < sp->n; i++) {
        if (map[i] < 0)
            continue;
        const struct socm_task *t = &sp->tasks[i];
        struct socm_req *r = &s->reqs[map[i]];
        r->cpus = t->cores > 0 ? t->cores : 1;
        r->memory_mb = t->memory_mb;
        r->walltime_min = t->walltime_min > 0 ? t->walltime_min : 1;
        if (min_walltime && i < nmin && min_walltime[i] > r->walltime_min)
            r->walltime_min = min_walltime[i];
        s->names[map[i]] = t->name;
        for (size_t k = 0; k < t->npred; k++)
            if (t->pred[k] >= 0 && (size_t)t->pred[k] < sp->n && map[t->pred[k]] >= 0)
                socm_dag_add_edge(&s->dag, map[t->pred[k]], map[i]);
    }
    free(map);
}

static void sub_free(struct sub *s)
{
    free(s->reqs);
    free(s->names);
    socm_dag_free(&s->dag);
}

int socm_pilot_replan(const char *state_dir, struct socm_resource *given,
                      const double *min_walltime, size_t nmin, struct socm_pilot_shape *out,
                      struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct journal_view jv;
    if (view_load(state_dir, &jv, err) != 0) {
        socm_resource_free(given);
        return -1;
    }
    const json_t *config = jv.spec.config;
    const json_t *camp = json_object_get(config, "campaign");
    struct sub s;
    sub_build(&jv, min_walltime, nmin, &s);
    int rc = -1;
    struct socm_resource *res = given;
    const char *policy = json_string_value(json_object_get(camp, "policy"));
    const struct socm_planner *pl = socm_planner_find(policy ? policy : "time");
    const char *schema = json_string_value(json_object_get(camp, "execution_schema"));
    double left = jv.spec.deadline_min - (socm_now() - jv.t_begin) / 60.0;
    if (s.m == 0) {
        rc = 1;
        goto out;
    }
    if (!pl) {
        socm_error_set(err, SOCM_E_INPUT, "unknown planner policy '%s'", policy);
        goto out;
    }
    if (!res && !(res = socm_pilot_resource(config, err)))
        goto out;
    struct socm_plan_input in = {
        .n = s.m, .reqs = s.reqs, .names = s.names, .dag = &s.dag, .resource = res,
        .deadline_min = left,
        .schema = schema && (!strcmp(schema, "batch") || !strcmp(schema, "local")) /* local: batch here */
                      ? SOCM_SCHEMA_BATCH : SOCM_SCHEMA_REMOTE,
        .requested_cores = (int64_t)json_integer_value(json_object_get(camp, "requested_resources"))};
    /* What the campaign asked for, as far as the cluster still has it (a discovered
     * cluster counts only the nodes that can take work now). */
    if (in.requested_cores > res->nodes * res->cores_per_node)
        in.requested_cores = res->nodes * res->cores_per_node;
    if (!(left > 0)) {
        socm_error_set(err, SOCM_E_INPUT, "the campaign's deadline has passed (%.1f min ago)", -left);
        goto out;
    }
    struct socm_plan plan;
    if (socm_plan_make(pl, &in, &plan, err) != 0)
        goto out;
    out->cores = plan.cores;
    out->walltime_min = plan.walltime;
    out->qos = plan.qos && strcmp(plan.qos, "default") ? socm_strdup(plan.qos) : NULL;
    out->workflows = s.m;
    out->deadline_left_min = left;
    socm_plan_free(&plan);
    rc = 0;
out:
    socm_resource_free(res);
    sub_free(&s);
    view_free(&jv);
    return rc;
}

void socm_pilot_shape_free(struct socm_pilot_shape *s)
{
    free(s->qos);
    s->qos = NULL;
}

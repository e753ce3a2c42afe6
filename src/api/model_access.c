/* model_access.c — the accessor functions of include/socm/model.h: what plug-ins and
 * programs may read of socm's structs without knowing their layout (the handles are
 * opaque there, so socm can change the structs without breaking a plug-in). */
#include "socm/model.h"

#include "campaign/campaign.h"
#include "config/value.h"
#include "state/spec.h"
#include "util/error.h"
#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>

const char *socm_value_str(const struct socm_value *v)
{
    return v && v->type == SOCM_V_STRING ? v->u.str.s : NULL;
}

int socm_value_error(struct socm_error *err, const struct socm_value *v, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!v)
        return socm_error_set(err, SOCM_E_INPUT, "%s", msg);
    return socm_error_at(err, &v->pos, "%s", msg);
}

struct socm_strv *socm_strv_new(void) { return socm_xcalloc(1, sizeof(struct socm_strv)); }

void socm_strv_destroy(struct socm_strv *sv)
{
    if (!sv)
        return;
    socm_strv_free(sv);
    free(sv);
}

size_t socm_strv_count(const struct socm_strv *sv) { return sv ? sv->n : 0; }

const char *socm_strv_get(const struct socm_strv *sv, size_t i)
{
    return sv && i < sv->n ? sv->v[i] : NULL;
}

int socm_workflow_id(const struct socm_workflow *wf) { return wf->id; }
const char *socm_workflow_name(const struct socm_workflow *wf) { return wf->name; }
const struct socm_value *socm_workflow_fields(const struct socm_workflow *wf) { return wf->fields; }

void socm_workflow_set_type(struct socm_workflow *wf, const char *type)
{
    socm_workflow_set_str(&wf->type, type);
}

int socm_task_id(const struct socm_task *t) { return t->id; }
const char *socm_task_name(const struct socm_task *t) { return t->name; }
const struct socm_strv *socm_task_argv(const struct socm_task *t) { return &t->argv; }
const struct socm_strv *socm_task_env(const struct socm_task *t) { return &t->env; }
int64_t socm_task_cores(const struct socm_task *t) { return t->cores; }
double socm_task_memory_mb(const struct socm_task *t) { return t->memory_mb; }
double socm_task_walltime_min(const struct socm_task *t) { return t->walltime_min; }

/* The DAG's accessors live with the DAG (campaign/dag.c): lower stages use them. */

const char *socm_resource_name(const struct socm_resource *r) { return r->name; }
int64_t socm_resource_nodes(const struct socm_resource *r) { return r->nodes; }
int64_t socm_resource_cores_per_node(const struct socm_resource *r) { return r->cores_per_node; }
double socm_resource_memory_per_node_mb(const struct socm_resource *r)
{
    return r->memory_per_node_mb;
}

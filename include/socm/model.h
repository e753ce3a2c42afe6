/* socm/model.h — what plug-ins and programs see of socm's data (public API): opaque
 * handles, like sqlite3.h's, and the functions that read or build them. Nothing here
 * exposes a struct layout, so socm may change its own structs without breaking a
 * plug-in.
 *
 *   struct socm_value     one node of a campaign file (table, string, number...)
 *   struct socm_strv      a vector of strings (an argv, an environment)
 *   struct socm_workflow  one workflow of a campaign, as a workflow type builds it
 *   struct socm_wflist    where a workflow type appends the workflows it expands
 *   struct socm_task      one workflow as the execution engine runs it (enactors)
 *   struct socm_dag       the campaign's dependencies (planners)
 *   struct socm_resource  the cluster a campaign is planned on (planners) */
#ifndef SOCM_PUBLIC_MODEL_H
#define SOCM_PUBLIC_MODEL_H

#include "socm/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct socm_value;
struct socm_strv;
struct socm_workflow;
struct socm_wflist;
struct socm_task;
struct socm_dag;
struct socm_resource;

/* How a campaign is planned: inside one allocation (batch) or as jobs on a shared
 * machine (remote). */
enum socm_schema { SOCM_SCHEMA_BATCH, SOCM_SCHEMA_REMOTE };

/* ---- Values (a campaign file's nodes; borrowed from socm, never freed by you) ---- */

/* The value of `key` in table `tbl`, or NULL when absent (or tbl is not a table). */
struct socm_value *socm_table_get(const struct socm_value *tbl, const char *key);
/* A string value's text, or NULL when v is not a string. */
const char *socm_value_str(const struct socm_value *v);
bool socm_value_is_number(const struct socm_value *v); /* integer or float */
double socm_value_as_double(const struct socm_value *v);
/* A scalar as a command line shows it (strings verbatim, 7, 0.5, True, ISO dates);
 * malloc'd, free() it or hand it to socm_strv_push_owned. */
char *socm_value_to_text(const struct socm_value *v);
/* Fills err with "file:line:col: message" at v's place in its file (an input error);
 * returns -1. */
int socm_value_error(struct socm_error *err, const struct socm_value *v, const char *fmt, ...)
    SOCM_PRINTF(3, 4);

/* ---- String vectors ---- */

/* An empty vector of your own (for the *_names functions); socm_strv_destroy frees
 * it with its strings. */
struct socm_strv *socm_strv_new(void);
void socm_strv_destroy(struct socm_strv *sv);

void socm_strv_push(struct socm_strv *sv, const char *s);  /* copies s */
void socm_strv_push_owned(struct socm_strv *sv, char *s); /* takes s (malloc'd) */
size_t socm_strv_count(const struct socm_strv *sv);
const char *socm_strv_get(const struct socm_strv *sv, size_t i); /* NULL past the end */

/* ---- Workflows (built by workflow types) ---- */

struct socm_workflow *socm_workflow_new(void);
void socm_workflow_free(struct socm_workflow *wf);
int socm_workflow_id(const struct socm_workflow *wf); /* 1-based, in file order */
const char *socm_workflow_name(const struct socm_workflow *wf);
/* The registered type name the workflow belongs to (copied). */
void socm_workflow_set_type(struct socm_workflow *wf, const char *type);
/* Every key of the workflow's section, typed (a table). */
const struct socm_value *socm_workflow_fields(const struct socm_workflow *wf);
/* Appends wf to l, which then owns it. */
void socm_wflist_push(struct socm_wflist *l, struct socm_workflow *wf);

/* ---- Tasks (what an enactor launches) ---- */

int socm_task_id(const struct socm_task *t); /* the workflow's id, 1-based */
const char *socm_task_name(const struct socm_task *t);
const struct socm_strv *socm_task_argv(const struct socm_task *t);
const struct socm_strv *socm_task_env(const struct socm_task *t); /* KEY=VALUE */
int64_t socm_task_cores(const struct socm_task *t);      /* ranks × threads */
double socm_task_memory_mb(const struct socm_task *t);   /* 0 = not given */
double socm_task_walltime_min(const struct socm_task *t); /* 0 = unlimited */

/* ---- The DAG (nodes are 0-based: workflow id - 1) ---- */

size_t socm_dag_size(const struct socm_dag *d);
size_t socm_dag_npred(const struct socm_dag *d, int node);
int socm_dag_pred(const struct socm_dag *d, int node, size_t k); /* k < npred */
size_t socm_dag_nsucc(const struct socm_dag *d, int node);
int socm_dag_succ(const struct socm_dag *d, int node, size_t k); /* k < nsucc */

/* ---- The resource (cluster) ---- */

const char *socm_resource_name(const struct socm_resource *r);
int64_t socm_resource_nodes(const struct socm_resource *r);
int64_t socm_resource_cores_per_node(const struct socm_resource *r);
double socm_resource_memory_per_node_mb(const struct socm_resource *r);

#ifdef __cplusplus
}
#endif

#endif

/* socm/planner.h — the planner interface (public plug-in API). A planner maps a
 * campaign DAG plus per-workflow requirements onto cores and time. */
#ifndef SOCM_PUBLIC_PLANNER_H
#define SOCM_PUBLIC_PLANNER_H

#include "socm/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one workflow needs (from the file, or predicted). Times are minutes. */
struct socm_req {
    int64_t cpus;       /* ranks × threads */
    double memory_mb;
    double walltime_min;
};

struct socm_plan_input {
    size_t n;                       /* workflows; index i = workflow id i+1 */
    const struct socm_req *reqs;    /* n entries */
    const char *const *names;       /* n entries (for messages) */
    const struct socm_dag *dag;
    const struct socm_resource *resource;
    double deadline_min;
    enum socm_schema schema;
    int64_t requested_cores;        /* batch: the allocation; remote: the upper bound */
};

struct socm_plan_entry {
    int id;                  /* workflow id (1-based) */
    int64_t core_first, core_last;
    double memory_mb;
    double start, end;       /* minutes from campaign start */
};

/* A plan. policy, qos and entries are malloc'd (a planner allocates them with
 * malloc; socm_plan_free frees them). */
struct socm_plan {
    char *policy;
    int64_t cores;           /* allocation */
    char *qos;               /* NULL in batch schema */
    double makespan;
    double walltime;         /* pilot walltime, minutes */
    double cp_bound;         /* critical path length */
    double work_bound;       /* total work / cores */
    double lower_bound;      /* max of the two and the deadline window's bound */
    double efficiency;       /* lower_bound / makespan */
    struct socm_plan_entry *entries; /* n, in workflow id order */
    size_t n;
};

struct socm_planner {
    const char *name;
    const char *description;
    /* Plans on exactly `cores` cores (no deadline search). */
    int (*schedule)(const struct socm_planner *self, const struct socm_plan_input *in,
                    int64_t cores, struct socm_plan *out, struct socm_error *err);
    /* Full planning: schema, deadline/core search and QoS. NULL = the generic
     * search (smallest allocation meeting the deadline) using schedule(). */
    int (*plan)(const struct socm_planner *self, const struct socm_plan_input *in,
                struct socm_plan *out, struct socm_error *err);
};

int socm_planner_register(const struct socm_planner *p);
const struct socm_planner *socm_planner_find(const char *name);
void socm_planner_names(struct socm_strv *names);
/* Loads a planner from a shared object exporting `socm_planner_plugin`. */
const struct socm_planner *socm_planner_load_plugin(const char *path, struct socm_error *err);

/* Plans `in` with the named policy (search + QoS + bounds). */
int socm_plan_make(const struct socm_planner *p, const struct socm_plan_input *in,
                   struct socm_plan *out, struct socm_error *err);
void socm_plan_free(struct socm_plan *plan);

#ifdef __cplusplus
}
#endif

#endif

/* campaign.h — the campaign model: workflows, their DAG, the target resource and
 * its QoS policies, and the campaign-wide settings. Built from a config tree by
 * socm_campaign_from_config; consumed by predict/, planner/ and exec/. */
#ifndef SOCM_CAMPAIGN_H
#define SOCM_CAMPAIGN_H

#include "config/value.h"
#include "socm/model.h" /* enum socm_schema, the accessors */

#include <stdbool.h>
#include <stdint.h>

struct socm_workflow_type;

/* ---- Resources (clusters) and QoS ---- */

struct socm_qos {
    char *name;
    double max_walltime_min;
    int64_t max_jobs;
    int64_t max_cores;
};

/* The most cores a resource may have or a campaign may request (2^24, more than
 * any cluster has): counts stay far from overflow and a plan's size bounded. */
#define SOCM_MAX_CORES (INT64_C(1) << 24)

struct socm_resource {
    char *name;
    int64_t nodes;
    int64_t cores_per_node;
    double memory_per_node_mb;
    struct socm_qos *qos; /* in preference order */
    size_t n_qos;
    /* Defined without memory per node (the original's README form): memory is not
     * checked or planned on it; memory_per_node_mb is then SOCM_MEMORY_UNCHECKED. */
    bool memory_unchecked;
};

/* Memory per node of a resource defined without it: more than any workflow asks. */
#define SOCM_MEMORY_UNCHECKED 1e12

/* The built-in catalogue (tiger3, perlmutter, universe) plus user definitions:
 * `user` is the table whose keys are resource names (the config's top-level
 * `resources` table, i.e. `[resources.NAME]`; may be NULL), then
 * ~/.config/socm/resources.toml ($XDG_CONFIG_HOME/socm/resources.toml), whose
 * resources are `[resources.NAME]` or bare `[NAME]` tables. Earlier sources win.
 * A table without qos gets one unlimited policy named "default". */
struct socm_resource *socm_resource_lookup(const char *name, const struct socm_value *user,
                                           struct socm_error *err); /* caller frees */
struct socm_resource *socm_resource_from_table(const char *name, const struct socm_value *t,
                                               struct socm_error *err);
struct socm_resource *socm_resource_clone(const struct socm_resource *r);
void socm_resource_free(struct socm_resource *r);
/* This machine as a resource: one node with its CPUs (at least `requested`), its
 * memory, one unlimited QoS. */
struct socm_resource *socm_resource_local(int64_t requested);
/* Whether name is a built-in cluster (tiger3, perlmutter, universe). */
bool socm_resource_is_builtin(const char *name);
/* Names of all known resources (built-in then user), for `socm resources`. */
void socm_resource_list(const struct socm_value *user, struct socm_strv *names);

/* ---- Workflows ---- */

struct socm_resources {
    int64_t ranks;      /* default 1 */
    int64_t threads;    /* default 1 */
    double memory_mb;   /* 0 = not given */
    double runtime_min; /* 0 = not given */
    struct socm_value *extra; /* table of any other keys, owned; may be NULL */
};

/* Fields ordered for the fewest holes: a campaign holds one per workflow. Its
 * strings are interned (socm_istr_get: one counted copy of each distinct string,
 * shared by every workflow that has it): set them with socm_workflow_set_str. Its
 * lists are packed and may be shared with a neighbour's (socm_strv_share): grow
 * them only with the socm_strv functions, never change a word in place. */
struct socm_workflow {
    const char *name;
    const char *type;   /* registered type name */
    const char *executable;
    const char *subcommand;
    const char *context;
    struct socm_strv env;      /* "KEY=VALUE", from `environment` */
    struct socm_resources res;
    struct socm_strv depends;  /* names of predecessors */
    struct socm_pos *depends_pos; /* parallel to depends */
    struct socm_value *fields; /* every key of the section, typed (owned table) */
    struct socm_strv argv;     /* the command line, built by the type */
    struct socm_pos pos;       /* where the section starts */
    int id;                    /* 1-based, in file order */
    int max_retries;           /* -1 = campaign default */
    int grow_walltime;         /* grow_walltime_on_timeout: -1 = campaign default, 0, 1 */
    int site_pref;             /* `preferred_resource`: index in campaign sites, -1 none */
    const char *job_name;      /* for history grouping; NULL = derived from name */
    const struct socm_workflow_type *wtype;
};

struct socm_workflow *socm_workflow_new(void);
/* Sets one of a workflow's strings (wf->name, wf->executable...) to an interned
 * copy of s (NULL: none), dropping the one it had. */
void socm_workflow_set_str(const char **field, const char *s);
/* How wf->fields holds its section: a copy (what types may change freely), the
 * section itself (for types that never change wf->fields), or a top-level table of
 * its own whose values are the section's (types that only set top-level keys). */
enum socm_fields_share { SOCM_FIELDS_COPY, SOCM_FIELDS_SHARE, SOCM_FIELDS_SHARE_VALUES };
/* socm_workflow_fill_common (socm/workflow.h), sharing the section as `share` says
 * (socm_value_share) instead of copying it: a workflow costs half the memory. The
 * config tree must not change afterwards. */
int socm_workflow_fill_common_shared(struct socm_workflow *wf, const struct socm_value *section,
                                     const char *default_name, enum socm_fields_share share,
                                     struct socm_error *err);
void socm_workflow_free(struct socm_workflow *wf);

/* A growable list of workflows (used by expansion). */
struct socm_wflist {
    struct socm_workflow **v;
    size_t n, cap;
};
void socm_wflist_push(struct socm_wflist *l, struct socm_workflow *wf);
void socm_wflist_free(struct socm_wflist *l); /* frees the workflows too */

/* ---- DAG (nodes are 0-based indexes = workflow id - 1) ---- */

struct socm_intv {
    int *v;
    size_t n, cap;
};
void socm_intv_push(struct socm_intv *iv, int x);
void socm_intv_free(struct socm_intv *iv);

struct socm_dag {
    size_t n;
    struct socm_intv *pred; /* in the order edges were added */
    struct socm_intv *succ; /* in the order edges were added */
};
void socm_dag_init(struct socm_dag *d, size_t n);
void socm_dag_free(struct socm_dag *d);
/* Edge from → to: `to` depends on `from`. Duplicate edges are ignored. */
void socm_dag_add_edge(struct socm_dag *d, int from, int to);
/* Topological order (Kahn, smallest index first). On a cycle returns -1 and fills
 * `cycle` with the nodes of one cycle, in order. */
int socm_dag_topo(const struct socm_dag *d, int *order, struct socm_intv *cycle);
/* Generations as the original computes them (see DESIGN / issue 3): `order` gets all
 * nodes, generation by generation; gen_start[g] is where generation g starts in
 * order, gen_start[ngen] = n. Caller frees *gen_start. Requires an acyclic DAG. */
void socm_dag_generations(const struct socm_dag *d, int *order, size_t **gen_start, size_t *ngen);

/* ---- Campaign ---- */

/* ---- Sites: a campaign over several resources (`resources = [...]`) ---- */

struct socm_site {
    char *name;                      /* as written in `resources` */
    struct socm_resource *resource;  /* resolved (owned) */
    char *enactor;                   /* default: the campaign's */
    char *account, *partition;       /* for Slurm enactors; NULL = none */
    char *state_dir;                 /* the enactor's directory; NULL = the campaign's */
    int64_t cores;                   /* core budget; 0 = the resource's */
    double memory_mb;                /* memory budget; 0 = the resource's */
    double charge_factor;            /* price of a core-hour here (default 1) */
    struct socm_pos pos;             /* the name in `resources` */
};

enum socm_site_policy { SOCM_SITE_SOONEST, SOCM_SITE_CHEAPEST };

struct socm_campaign {
    char *name;              /* [campaign] name, else the first file's stem */
    double deadline_min;     /* required */
    char *resource_name;
    struct socm_resource *resource; /* resolved (owned) */
    char *policy;            /* planner name, default "time" */
    char *planner_plugin;    /* optional shared object */
    enum socm_schema schema; /* default remote */
    bool schema_local;       /* execution_schema = "local": batch on this machine */
    int64_t requested_cores; /* 0 = whole resource */
    char *state_dir;         /* default ./socm-<name> */
    char *enactor;           /* default: slurm-pilot on a Slurm cluster, else local */
    int max_retries;         /* default 0 */
    bool grow_walltime;      /* grow_walltime_on_timeout: resubmit a TIMEOUT longer */
    bool fail_fast;
    char *base_dir;          /* directory of the first file (relative paths) */
    struct socm_workflow **wfs; /* by id - 1 */
    size_t n_wfs;
    struct socm_dag dag;
    struct socm_value *config; /* the whole merged config (owned) */
    struct socm_pos pos;       /* position of [campaign] */
    struct socm_site *sites;   /* n_sites > 0 when `resources` lists them */
    size_t n_sites;
    enum socm_site_policy site_policy; /* default soonest */
};

/* Reads `resources = [...]`, `site_policy` and [campaign.sites.NAME]
 * (src/campaign/sites.c); each problem is reported with its position. c->resource
 * becomes a copy of the first site's. */
void socm_campaign_read_sites(struct socm_campaign *c, const struct socm_value *root,
                              const struct socm_value *camp, struct socm_errlist *errs);
/* After expansion: each workflow's `preferred_resource` (must be a listed site, or
 * the campaign's one resource) and that every workflow fits on a site it may use. */
void socm_campaign_check_sites(struct socm_campaign *c, struct socm_errlist *errs);
void socm_site_free(struct socm_site *s);
/* Cores a site may use: its budget, else the whole resource. */
int64_t socm_site_cores(const struct socm_site *s);

/* Builds a campaign from a merged config tree (takes ownership of config, also on
 * failure). Reads [campaign] (or the YAML `campaign:` map) and the workflow sections:
 * TOML tables under [campaign] (by registered type name, else `type`, else a
 * subcampaign) and the original's YAML `stages:` (power-spectra). The resource is
 * `resource`, else [campaign.resources] ("campaign"), else this machine ("local").
 * Also rejects allocations/workflows that can never fit. Reports every problem
 * found into errs (each "file:line:col: message"); returns NULL if any.
 * See docs/campaign-format.md. */
struct socm_campaign *socm_campaign_from_config(struct socm_value *config, const char *first_file,
                                                struct socm_errlist *errs);
/* Loads, merges and builds from files; .j2 files are rendered with vars (NULL: none). */
struct socm_template_vars;
struct socm_campaign *socm_campaign_load_vars(const char *const *files, size_t n,
                                              const struct socm_template_vars *vars,
                                              struct socm_errlist *errs);
struct socm_campaign *socm_campaign_load(const char *const *files, size_t n,
                                         struct socm_errlist *errs);
void socm_campaign_free(struct socm_campaign *c);
struct socm_workflow *socm_campaign_find(const struct socm_campaign *c, const char *name);

#endif

/* spec.h — what the execution engine runs: the campaign resolved into tasks (argv,
 * environment, cores, memory, walltime, predecessors, planned start/end) plus the
 * campaign-wide execution settings. It is built once from the campaign and its plan,
 * written into the journal's first event, and read back on resume, so a resumed run
 * needs nothing but the state directory. */
#ifndef SOCM_EXEC_SPEC_H
#define SOCM_EXEC_SPEC_H

#include "util/error.h"
#include "util/str.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct socm_campaign;
struct socm_plan;

enum socm_hook_kind {
    SOCM_HOOK_WF_DONE,
    SOCM_HOOK_WF_FAILED,
    SOCM_HOOK_CAMPAIGN_DONE,
    SOCM_HOOK_CAMPAIGN_FAILED,
    SOCM_HOOK_EVENTS, /* on_event: one program fed the events stream (manager/ext_callback.h) */
    SOCM_HOOK_N
};
extern const char *const socm_hook_names[SOCM_HOOK_N];

struct socm_value;

struct socm_task {
    int id;               /* workflow id, 1-based */
    char *name;
    struct socm_strv argv;
    struct socm_strv env; /* KEY=VALUE */
    int64_t cores;        /* ranks × threads */
    int64_t threads;      /* per rank: OMP_NUM_THREADS */
    double memory_mb;
    double walltime_min;  /* 0 = unlimited */
    int max_retries;
    int *pred;            /* 0-based indexes */
    size_t npred;
    double plan_start, plan_end; /* minutes */
    json_t *history;      /* what the history records before the run (job_name, workflow,
                           * command, features, request); NULL = not recorded */
    char *history_text;   /* the same as compact JSON, in a spec built from a campaign
                           * (a fraction of the tree's memory); see socm_task_history */
    char *qos;            /* the resource's first QoS admitting walltime and cores; NULL = none */
    double walltime_cap_min; /* longest walltime a QoS admitting the cores allows; 0 = no limit */
    bool grow_walltime;   /* grow_walltime_on_timeout: a TIMEOUT is resubmitted longer */
    int site;             /* index in spec->sites (0 when there are none) */
    char *workdir;        /* absolute directory the command runs in; NULL = its sandbox
                           * (journals written before working directories existed) */
};

/* One site of a campaign over several resources: where its workflows run. */
struct socm_spec_site {
    char *name;
    char *enactor;
    char *account, *partition; /* NULL = none */
    char *state_dir;           /* NULL = the campaign's */
    int64_t cores;             /* what its enactor may use (budget, else the site's plan) */
    double memory_mb;          /* 0 = enactor default */
};

/* A TIMEOUT grows the walltime by this factor, and at least to one minute past the
 * old walltime rounded up (up to walltime_cap_min), at most SOCM_WALLTIME_GROWTHS
 * times per workflow. */
#define SOCM_WALLTIME_GROWTH 1.5
#define SOCM_WALLTIME_GROWTHS 3

struct socm_spec {
    char *campaign;
    char *state_dir;
    char *workdir;  /* the campaign's working directory (absolute); NULL in old journals */
    char *enactor;
    bool fail_fast;
    bool pin;
    double deadline_min;
    double makespan_min;
    /* Batch: a plan past the deadline still runs (the allocation is given, its
     * runtimes upper bounds); remote refuses it. Not journaled: checked at start. */
    bool deadline_soft;
    int64_t plan_cores;
    /* The `--cores`/`--memory` the run was started with (0: not given): journaled so
     * that `socm resume` runs on the same allocation unless given them again. */
    int64_t run_cores;
    double run_memory_mb;
    double grace_s;        /* SIGTERM → SIGKILL */
    double hook_timeout_s;
    double retry_backoff_s; /* first retry delay; doubles each time, capped at 60 s */
    struct socm_strv hooks[SOCM_HOOK_N]; /* empty = none */
    struct socm_task *tasks;
    size_t n;
    char *history_db; /* where finished runs are recorded; NULL = nowhere */
    json_t *config; /* resolved configuration, for the record (may be NULL) */
    json_t *plan;   /* the plan, for the record and reports */
    /* A spec built from a campaign holds these two as compact JSON text instead (a
     * tree costs several times its text); socm_spec_journal_create writes them into
     * the journal and drops them. */
    char *config_text, *plan_text;
    /* Or, from socm_spec_from_sites_plan_consume, the configuration itself (owned;
     * config_text NULL): its text is written into the journal piece by piece, never
     * held whole, and the tree dropped with the two texts. */
    struct socm_value *config_tree;
    struct socm_spec_site *sites; /* nsites > 0: each task runs on tasks[i].site */
    size_t nsites;
};

/* Builds the spec from a campaign and its plan; state_dir overrides the campaign's
 * when non-NULL. */
int socm_spec_from_campaign(const struct socm_campaign *c, const struct socm_plan *p,
                            const char *state_dir, struct socm_spec *out,
                            struct socm_error *err);
struct socm_sites_plan;
/* The same from a (possibly multi-site) plan: tasks carry their site, and the spec
 * the sites' enactor settings. */
int socm_spec_from_sites_plan(const struct socm_campaign *c, const struct socm_sites_plan *sp,
                              const char *state_dir, struct socm_spec *out,
                              struct socm_error *err);
/* The same for a caller done with c and sp, which it frees (also on failure) as soon
 * as the spec no longer needs them: the campaign before the plan's text is made,
 * and its memory goes back to the system (the run holds far less). */
int socm_spec_from_sites_plan_consume(struct socm_campaign *c, struct socm_sites_plan *sp,
                                      const char *state_dir, struct socm_spec *out,
                                      struct socm_error *err);
/* Fills the working directories: each task's is the workflow's `workdir` (or a YAML
 * stage's `base-path`), else its site's, else [campaign] workdir, else `cwd` (the
 * directory `socm run` started in); relative ones are taken against `cwd`. Each
 * must be an existing directory (exit 2 otherwise). */
int socm_spec_set_workdirs(const struct socm_campaign *c, struct socm_spec *s, const char *cwd,
                           struct socm_error *err);
/* What socm tells each command (docs/execution.md), as KEY=VALUE appended to out:
 * SOCM_CAMPAIGN, SOCM_WORKFLOW, SOCM_ATTEMPT, SOCM_SANDBOX (absolute), SOCM_WORKDIR
 * (its working directory; the sandbox when it has none), SOCM_CORES, and
 * OMP_NUM_THREADS unless the task's own environment sets it. Every enactor uses it. */
void socm_task_socm_env(const struct socm_task *t, const char *campaign, int attempt,
                        const char *sandbox, struct socm_strv *out);
json_t *socm_spec_to_json(const struct socm_spec *s);
/* What the history records of t before it runs (a new reference), or NULL. */
json_t *socm_task_history(const struct socm_task *t);
/* The journal's first event, {"ev":"begin","pid","t","spec"}, as one line of text (no
 * newline): the line socm_spec_journal_create writes, held whole. */
char *socm_spec_begin_line(const struct socm_spec *s, double t, long pid);
struct socm_journal;
/* Creates the journal (socm_journal_create_at) whose first event is
 * {"ev":"begin","pid","t","spec"}, written task by task as it is made: the whole line
 * is never held. Then drops s's config_text and plan_text, which are in the journal. */
int socm_spec_journal_create(struct socm_spec *s, double t, long pid, struct socm_journal *j,
                             int dfd, const char *dir, struct socm_error *err);
int socm_spec_from_json(const json_t *j, struct socm_spec *out, struct socm_error *err);
json_t *socm_plan_to_json(const struct socm_plan *p);
/* The same JSON as socm_plan_to_json, as compact text made entry by entry (a tree of
 * every entry would cost several times its text). */
char *socm_spec_plan_text(const struct socm_plan *p);
void socm_spec_free(struct socm_spec *s);

#endif

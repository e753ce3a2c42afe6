/* run_pipeline.h — the one way a campaign file becomes a running campaign, used by
 * `socm run` (cli/cmd_run.c) and by socm_campaign_run (campaign_run.c): load (with
 * template variables) → resume an existing journal, if asked and there is one →
 * plan → spec → run. What only the command line adds (checks, the deadline's
 * explanation, the dry-run table, profiles) comes in through the optional hooks. */
#ifndef SOCM_RUN_PIPELINE_H
#define SOCM_RUN_PIPELINE_H

#include "campaign/campaign.h"
#include "config/config.h"
#include "manager/bookkeeper.h"
#include "planner/sites.h"

/* A hook's answer to go on; any other value is the exit code to stop with. */
#define SOCM_PIPELINE_GO (-1)

struct socm_pipeline {
    const char *const *files; /* merged in order */
    size_t nfiles;
    struct socm_template_vars vars; /* -D and --values */
    const char *state_dir;          /* NULL: the campaign's own (-simulate for a simulation) */
    bool resume;                    /* continue the journal there, if there is one */
    bool predict;                   /* plan with predicted requirements */
    const struct socm_run_opts *opts;

    void *ctx; /* handed to every hook */
    /* The campaign did not load: every problem (printed by the caller). */
    void (*load_failed)(void *ctx, const struct socm_errlist *errs);
    /* Loaded, before anything is planned or written. */
    int (*loaded)(void *ctx, const struct socm_campaign *c);
    /* Planning failed with err (the caller may add to it), before it is returned. */
    void (*plan_failed)(void *ctx, struct socm_campaign *c, struct socm_error *err);
    /* Planned, before the state directory is written (a dry run stops here). */
    int (*planned)(void *ctx, const struct socm_campaign *c, const struct socm_sites_plan *sp);

    /* Out: seconds spent loading and executing, and the state directory run (or
     * resumed), which the caller frees; NULL if the run never started. */
    double load_s, exec_s;
    char *ran_dir;
};

/* Runs p to the end: the campaign's exit code (0 done, 1 failed, 2 bad input, a
 * hook's code), or -1 with err set (its code says which: input, system). */
int socm_pipeline_run(struct socm_pipeline *p, struct socm_error *err);

#endif

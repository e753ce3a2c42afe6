/* socm/socm.h — the library API for driving campaigns from a program (what the
 * original's Python example does with Bookkeeper.run / wait_for_completion /
 * is_successful):
 *
 *     struct socm_error err = {SOCM_OK, ""};
 *     const char *files[] = {"campaign.toml"};
 *     struct socm_campaign_handle *h = socm_campaign_run(files, 1, "./state", NULL, false, &err);
 *     socm_campaign_wait(h);
 *     if (socm_campaign_succeeded(h)) ...
 *     socm_campaign_handle_free(h);
 *
 * Each campaign runs in a child process (its own bookkeeper, journal and signal
 * handling), so several can run at once and a crash of one leaves the caller alive.
 * Build with `pkg-config --cflags --libs socm`; examples/embed/ is a whole program. */
#ifndef SOCM_SOCM_H
#define SOCM_SOCM_H

#include "socm/error.h"
#include "socm/model.h"
#include "socm/planner.h"
#include "socm/version.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct socm_campaign;        /* a loaded campaign */
struct socm_run_opts;        /* how to run one */
struct socm_campaign_handle; /* a running one */

/* "MAJOR.MINOR.PATCH" of the library actually loaded. */
const char *socm_version(void);

/* Loads, merges (in order) and checks campaign files, with the plug-ins they name;
 * NULL with every problem in err ("file:line:col: message" lines). */
struct socm_campaign *socm_campaign_open(const char *const *files, size_t nfiles,
                                         struct socm_error *err);
void socm_campaign_free(struct socm_campaign *c);
const char *socm_campaign_name(const struct socm_campaign *c);
size_t socm_campaign_size(const struct socm_campaign *c); /* workflows */
/* Workflow i (0-based, in file order); NULL past the end. */
const struct socm_workflow *socm_campaign_workflow(const struct socm_campaign *c, size_t i);

/* Plans a loaded campaign with its policy (or planner plug-in); free the plan with
 * socm_plan_free (socm/planner.h). */
int socm_campaign_plan(const struct socm_campaign *c, struct socm_plan *plan,
                       struct socm_error *err);

/* Options of socm_campaign_run; NULL there means all defaults (the campaign's
 * enactor, its cores and memory, progress lines on stderr). */
struct socm_run_opts *socm_run_opts_new(void);
void socm_run_opts_free(struct socm_run_opts *o);
void socm_run_opts_set_enactor(struct socm_run_opts *o, const char *name); /* kept, not copied */
void socm_run_opts_set_cores(struct socm_run_opts *o, int64_t cores);     /* 0 = default */
void socm_run_opts_set_memory_mb(struct socm_run_opts *o, double mb);     /* 0 = default */
void socm_run_opts_set_simulate(struct socm_run_opts *o, bool simulate);  /* dryrun clock */
void socm_run_opts_set_quiet(struct socm_run_opts *o, bool quiet);        /* no progress */
/* A variable for the campaign files' templates (FILE.j2), as `socm run -D
 * NAME=VALUE`: VALUE is read as a TOML value, else taken as a string. Copied; later
 * ones win. (Added in 0.1 within API version 2.) */
void socm_run_opts_define(struct socm_run_opts *o, const char *name_value);
/* Variables from a TOML/YAML file, as `socm run --values FILE` (defines win). Kept,
 * not copied. */
void socm_run_opts_set_values(struct socm_run_opts *o, const char *path);

/* Starts the campaign of `files` (merged in order) with state directory state_dir
 * (NULL = the campaign's own). With resume and an existing journal there, the
 * campaign continues from it. Loading errors surface as a failed run (exit 2, the
 * messages on stderr); NULL only if the process cannot be started. */
struct socm_campaign_handle *socm_campaign_run(const char *const *files, size_t nfiles,
                                               const char *state_dir,
                                               const struct socm_run_opts *opts, bool resume,
                                               struct socm_error *err);
/* Blocks until the campaign ends; returns its exit code (0 done, 1 failed, 2 bad
 * input, 128+N killed by signal N). Calling it again returns the same code. */
int socm_campaign_wait(struct socm_campaign_handle *h);
/* Records the end of h's process when the caller reaped it itself (waitpid(-1)). */
void socm_campaign_reaped(struct socm_campaign_handle *h, int wait_status);
pid_t socm_campaign_pid(const struct socm_campaign_handle *h);
bool socm_campaign_finished(const struct socm_campaign_handle *h);
/* Whether it ended DONE (exit 0). False while it runs. */
bool socm_campaign_succeeded(const struct socm_campaign_handle *h);
int socm_campaign_exit_code(const struct socm_campaign_handle *h);
void socm_campaign_handle_free(struct socm_campaign_handle *h);

#ifdef __cplusplus
}
#endif

#endif

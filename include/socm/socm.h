/* socm.h — the library API for driving campaigns from a program (what the original's
 * Python example does with Bookkeeper.run / wait_for_completion / is_successful):
 *
 *     struct socm_campaign_handle *h = socm_campaign_run(files, 1, "./state", &o, false, &err);
 *     socm_campaign_wait(h);
 *     if (socm_campaign_succeeded(h)) ...
 *     socm_campaign_handle_free(h);
 *
 * Each campaign runs in a child process (its own bookkeeper, journal and signal
 * handling), so several can run at once and a crash of one leaves the caller alive. */
#ifndef SOCM_SOCM_H
#define SOCM_SOCM_H

#include "campaign/campaign.h"
#include "exec/bookkeeper.h"
#include "socm/planner.h"
#include "util/error.h"

#include <stdbool.h>
#include <sys/types.h>

struct socm_campaign_handle;

/* Plans a loaded campaign with its policy (or planner plug-in). */
int socm_campaign_plan(const struct socm_campaign *c, struct socm_plan *plan,
                       struct socm_error *err);

/* Starts the campaign of `files` (merged in order) with state directory state_dir
 * (NULL = the campaign's own). With resume and an existing journal there, the
 * campaign continues from it. Loading errors surface as a failed run (exit 2, the
 * messages on stderr); -1/NULL only if the process cannot be started. */
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

#endif

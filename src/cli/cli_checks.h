/* cli_checks.h — checks of a loaded campaign that need the enactors and planners
 * (so not in the campaign model): what `validate` adds, and the explanation of a
 * missed deadline that `plan` and `run` print (see cli_checks.c). */
#ifndef SOCM_CLI_CHECKS_H
#define SOCM_CLI_CHECKS_H

#include "campaign/campaign.h"

/* Enactor and planner names, whether the enactor can run every workflow, and the
 * plan (a missed deadline explained). Problems go to errs ("file:line:col: ...");
 * documented defaults that apply (no runtime, no memory per node) to notes; a batch
 * plan past its deadline to warnings. */
void socm_cli_check_campaign(struct socm_campaign *c, struct socm_errlist *errs,
                             struct socm_strv *notes, struct socm_strv *warnings);
/* Whether the enactor (NULL: the campaign's and its sites') exists and can run
 * every workflow: local — this machine's cores and memory (or `cores`, `memory_mb`
 * when given, as run's --cores/--memory); Slurm — every workflow gives runtime and
 * memory. */
void socm_cli_check_enactors(const struct socm_campaign *c, const char *enactor, int64_t cores,
                             double memory_mb, struct socm_errlist *errs);
/* A planning error "cannot meet ... deadline" rewritten at the `deadline` key's
 * position, saying what a bare number means and the smallest deadline that works.
 * Other errors are left alone. */
void socm_cli_explain_deadline(struct socm_campaign *c, struct socm_error *err);
/* A batch plan past its deadline runs anyway: the warning that says by how much
 * (at the deadline key), or NULL when the plan is in time. Caller frees. */
char *socm_cli_deadline_warning(const struct socm_campaign *c, double makespan_min);
/* A campaign without workflows: "FILE:L:C: <what>campaign N has no workflows: ..."
 * (what: "warning: " for validate and plan, which exit 0, "" for run's refusal);
 * NULL when it has workflows. */
char *socm_cli_empty_message(const struct socm_campaign *c, const char *what);
/* Whether the enactor is one of the Slurm ones (sized by runtime and memory). */
bool socm_cli_enactor_is_slurm(const char *name);
/* Whether Slurm can be used here: sbatch is found ($SOCM_SLURM_BINDIR, else PATH)
 * and sinfo answers. If not, why says what failed. */
bool socm_cli_slurm_reachable(struct socm_error *why);

#endif

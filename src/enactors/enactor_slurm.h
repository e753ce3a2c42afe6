/* enactor_slurm.h — what the two Slurm enactors (slurm-jobs, slurm-pilot) share: where
 * their jobs go (account, partition, constraint, as sbatch options) and their log
 * lines. */
#ifndef SOCM_ENACTOR_SLURM_H
#define SOCM_ENACTOR_SLURM_H

#include "socm/enactor.h"
#include "util/str.h"

#include <jansson.h>
#include <stdint.h>

/* NULL = Slurm's default. */
struct socm_slurm_where {
    char *account, *partition, *constraint;
};

/* Account and partition from the site (a, [campaign.sites.NAME]) else
 * [campaign.slurm]; constraint from [campaign.slurm]. spec: the journal's spec. */
void socm_slurm_where_read(struct socm_slurm_where *w, const struct socm_allocation *a,
                           const json_t *spec);
/* Appends --account, --partition and --constraint (those set) to an sbatch argv. */
void socm_slurm_where_args(const struct socm_slurm_where *w, struct socm_strv *args);
void socm_slurm_where_free(struct socm_slurm_where *w);

struct socm_spec;
/* The campaign runs some of its workflows with this enactor (its own, or a site's). */
bool socm_slurm_spec_uses(const struct socm_spec *spec, const char *enactor);

/* `socm cancel` without a manager: scancel of every job of campaign `campaign` (by
 * its job name) that Slurm still has queued or running in state_dir (pilots) or a
 * sandbox under it (slurm-jobs) — those socm recorded and those submitted as the
 * manager died. *n gets how many. */
int socm_slurm_campaign_scancel(const char *state_dir, const char *campaign, size_t *n,
                                struct socm_error *err);

/* The job an sbatch begun at `since` (epoch seconds) may have created when its id
 * was never recorded (the manager died, sbatch timed out): the newest job named
 * `name` with working directory `dir` submitted since then (squeue, then sacct).
 * 0 when there is none, -1 when Slurm could not say (err). */
#define SOCM_SLURM_CLOCK_SLACK_S 2.0 /* the controller's clock against ours */
int64_t socm_slurm_find_job(const char *name, const char *dir, double since, struct socm_error *err);

/* A line for the manager's log (the enactor's log callback, when it has one). */
void socm_slurm_say(struct socm_enactor *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

/* enactor_slurm.h — what the two Slurm enactors (slurm-jobs, slurm-pilot) share: where
 * their jobs go (account, partition, constraint, as sbatch options) and their log
 * lines. */
#ifndef SOCM_ENACTOR_SLURM_H
#define SOCM_ENACTOR_SLURM_H

#include "socm/enactor.h"
#include "util/str.h"

#include <jansson.h>

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
 * its job name) that Slurm still has queued or running in a sandbox under
 * state_dir — those whose ids the journal has and those submitted as the manager
 * died. *n gets how many. */
int socm_slurm_jobs_scancel(const char *state_dir, const char *campaign, size_t *n, struct socm_error *err);

/* A line for the manager's log (the enactor's log callback, when it has one). */
void socm_slurm_say(struct socm_enactor *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

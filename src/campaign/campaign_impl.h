/* campaign_impl.h — what campaign.c (building the model) and campaign_settings.c
 * (the [campaign] settings and resource) share; not part of campaign.h. */
#ifndef SOCM_CAMPAIGN_IMPL_H
#define SOCM_CAMPAIGN_IMPL_H

#include "campaign/campaign.h"

/* The [campaign] settings; each bad one is reported and the rest still read. */
void socm_campaign_read_settings(struct socm_campaign *c, const struct socm_value *camp,
                          const char *first_file, bool report_missing, struct socm_errlist *errs);

/* The target cluster: a named one (catalogue, [resources.NAME], user file) or the
 * campaign's own [campaign.resources] when no name (or "campaign") is given. */
void socm_campaign_resolve_resource(struct socm_campaign *c, const struct socm_value *root,
                             const struct socm_value *camp, const char *first_file,
                             struct socm_errlist *errs);

/* execution_schema = "local": whatever `resource` says, the campaign runs on this
 * machine (its cores, all of them the batch allocation). */
void socm_campaign_use_this_machine(struct socm_campaign *c);

/* A campaign whose resource is a Slurm cluster runs there, as the original's pilot
 * did: slurm-pilot. This machine (resource "local" or none, a [resources.NAME] of
 * the user's, several sites, execution_schema = "local") runs locally. */
const char *socm_campaign_default_enactor(const struct socm_campaign *c);

/* Adds err's message (already "file:line:col: ...") to the list, once. */
void socm_campaign_add_err(struct socm_errlist *errs, const struct socm_error *err);

/* A position to blame when the input has none (an empty file). */
struct socm_pos socm_campaign_fallback_pos(const struct socm_value *v, const char *file);

#endif

/* names.h — the alphabet of campaign, workflow, site and resource names (see names.c). */
#ifndef SOCM_NAMES_H
#define SOCM_NAMES_H

#include "campaign/campaign.h"

#include <stddef.h>

#define SOCM_NAME_MAX 200 /* bytes */

/* NULL when `name` (len bytes) is a valid name, else why not (a static string or
 * one written into buf). */
const char *socm_name_problem(const char *name, size_t len, char *buf, size_t bufsize);

/* Reports every name of the campaign (its own, its workflows', its sites', its
 * resource's) that is not valid, each at the position where it was written. */
void socm_campaign_check_names(const struct socm_campaign *c, const struct socm_value *camp,
                               struct socm_errlist *errs);

#endif

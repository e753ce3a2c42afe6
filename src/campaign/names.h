/* names.h — the alphabet of campaign, workflow, site and resource names (see names.c). */
#ifndef SOCM_NAMES_H
#define SOCM_NAMES_H

#include "campaign/campaign.h"

#include <stddef.h>
#include <stdint.h>

#define SOCM_NAME_MAX 200 /* bytes */

/* The state directory of a campaign (or program) named `name` that gives none:
 * "./socm-NAME", relative to where socm runs. Caller frees. */
char *socm_state_dir_default(const char *name);

/* NULL when `name` (len bytes) is a valid name, else why not (a static string or
 * one written into buf). */
const char *socm_name_problem(const char *name, size_t len, char *buf, size_t bufsize);

/* Adds to errs, at pos, why `name` is not a valid name of a `what` ("program
 * campaign"); nothing when it is one. */
void socm_name_check(const char *what, const char *name, const struct socm_pos *pos,
                     struct socm_errlist *errs);

/* Reports every name of the campaign (its own, its workflows', its sites', its
 * resource's) that is not valid, each at the position where it was written. */
void socm_campaign_check_names(const struct socm_campaign *c, const struct socm_value *camp,
                               struct socm_errlist *errs);

/* Workflow names to indexes in a workflow array: open addressing, 4 bytes a slot
 * (a config table would cost a node, a key and a slot per name). */
struct socm_name_index {
    uint32_t *slots; /* index + 1; 0 = empty */
    size_t mask;
};
void socm_name_index_init(struct socm_name_index *ix, size_t n); /* room for n names */
void socm_name_index_free(struct socm_name_index *ix);
/* The slot of `name`: *slot is its workflow's index + 1, or 0 (an empty slot,
 * where the caller may put the index + 1 of the workflow of that name). */
uint32_t *socm_name_index_slot(const struct socm_name_index *ix, struct socm_workflow *const *wfs,
                               const char *name);

#endif

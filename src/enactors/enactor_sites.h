/* enactor_sites.h — the enactor the bookkeeper drives for a spec: the named one for a
 * single-resource campaign, or one per site behind a single enactor interface for a
 * campaign over several sites (see enactor_sites.c). */
#ifndef SOCM_ENACTOR_SITES_H
#define SOCM_ENACTOR_SITES_H

#include "state/spec.h"
#include "enactors/enactor_fault.h"

/* `name` is the enactor for a single-resource spec (or the override for all, in a
 * simulation); sites use their own. */
struct socm_enactor *socm_enactor_for_spec(const struct socm_spec *spec, const char *name,
                                           const struct socm_allocation *a,
                                           const struct socm_enactor_callbacks *cb,
                                           socm_enactor_fault_fn fault, struct socm_error *err);

/* Sets the accounting callback (struct socm_enactor) of e and of each site's enactor. */
void socm_enactor_set_accounting(struct socm_enactor *e,
                                 void (*fn)(void *ctx, int index, int attempt, double max_rss_mb));
/* The walltime step (minutes, 0 = none) of the enactor that runs workflow `index`. */
double socm_enactor_walltime_step(struct socm_enactor *e, int index);

/* Resolves, without setting anything up, every enactor socm_enactor_for_spec would
 * create (loading plug-ins): a run checks this before it writes any state, so an
 * unknown enactor or a bad plug-in leaves no state directory behind. */
int socm_enactor_check_spec(const struct socm_spec *spec, const char *name, bool simulate,
                            struct socm_error *err);

#endif

/* enactor_fault.h — enactors of socm's own making and where their faults go
 * (socm_enactor_fault, socm/enactor.h): to the manager, which stops with exit 3. */
#ifndef SOCM_ENACTOR_FAULT_H
#define SOCM_ENACTOR_FAULT_H

#include "socm/enactor.h"

/* Receives a fault with the enactor's callbacks' ctx. */
typedef void (*socm_enactor_fault_fn)(void *ctx, const char *msg);

/* socm_enactor_create, with its faults sent to `fault` (NULL: its log callback). */
struct socm_enactor *socm_enactor_create_faults(const char *name, const struct socm_allocation *a,
                                                const struct socm_enactor_callbacks *cb,
                                                socm_enactor_fault_fn fault, struct socm_error *err);
/* A zeroed enactor, faults to `fault`; socm_enactor_destroy frees it. */
struct socm_enactor *socm_enactor_alloc(socm_enactor_fault_fn fault);

#endif

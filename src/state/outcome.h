/* outcome.h — the names of a run's outcomes (enum socm_outcome, socm/enactor.h) as
 * the journal, the agents' result files and the pilot's records spell them: one
 * table, both ways. */
#ifndef SOCM_OUTCOME_H
#define SOCM_OUTCOME_H

#include "socm/enactor.h"

/* "done", "failed", "timeout", "canceled", "lost", "system"; "?" out of range. */
const char *socm_outcome_name(enum socm_outcome o);
/* The outcome named s; an unknown name or NULL is a failure (SOCM_OUT_FAILED). */
enum socm_outcome socm_outcome_parse(const char *s);

#endif

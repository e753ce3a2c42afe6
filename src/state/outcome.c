/* outcome.c — the outcome ↔ name table (see outcome.h). */
#include "state/outcome.h"

#include <string.h>

static const char *const names[] = {
    [SOCM_OUT_DONE] = "done",         [SOCM_OUT_FAILED] = "failed",
    [SOCM_OUT_TIMEOUT] = "timeout",   [SOCM_OUT_CANCELED] = "canceled",
    [SOCM_OUT_LOST] = "lost",         [SOCM_OUT_SYSTEM] = "system",
};
#define N_OUTCOMES (sizeof names / sizeof names[0])

const char *socm_outcome_name(enum socm_outcome o)
{
    return (size_t)o < N_OUTCOMES && names[o] ? names[o] : "?";
}

enum socm_outcome socm_outcome_parse(const char *s)
{
    for (size_t i = 0; s && i < N_OUTCOMES; i++)
        if (names[i] && !strcmp(s, names[i]))
            return (enum socm_outcome)i;
    return SOCM_OUT_FAILED;
}

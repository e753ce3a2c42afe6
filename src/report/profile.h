/* profile.h — `socm report STATE_DIR --profile`: where the time of a past run went,
 * from its journal alone. */
#ifndef SOCM_PROFILE_H
#define SOCM_PROFILE_H

#include "util/error.h"

#include <stdio.h>

/* Prints planning, submission, queue wait and execution (each with its percent of
 * their sum), then the same per workflow type. Returns 0, or -1 with err. */
int socm_profile_report(const char *state_dir, FILE *out, struct socm_error *err);

#endif

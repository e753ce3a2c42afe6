/* profile.h — `socm report STATE_DIR --profile`: where the time of a past run went,
 * from its journal alone. */
#ifndef SOCM_PROFILE_H
#define SOCM_PROFILE_H

#include "util/error.h"

#include <stdio.h>

/* Prints planning, submission, queue wait and execution (each with its percent of
 * their sum), then the same per workflow type. Returns 0, or -1 with err. */
int socm_profile_report(const char *state_dir, FILE *out, struct socm_error *err);

/* A program's state directory: each campaign's wall time (program.jsonl) with its
 * percent of the program's, then socm_profile_report of each campaign. */
int socm_profile_program(const char *dir, FILE *out, struct socm_error *err);

/* `--profile` of run and plan: named phases of this process, printed with their
 * percent of the total. */
struct socm_phase {
    char name[48];
    double s;
};
void socm_profile_print_phases(FILE *out, const struct socm_phase *ph, size_t n);
/* Appends "requirements" and "plan" — "plan SITE" per site for a campaign over
 * several sites — to ph (room for `max`); returns the new count. */
struct socm_sites_plan;
size_t socm_profile_plan_phases(const struct socm_sites_plan *sp, struct socm_phase *ph, size_t n,
                                size_t max);

#endif

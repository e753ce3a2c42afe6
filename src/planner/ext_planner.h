/* ext_planner.h — planners that are external programs speaking the JSON protocol of
 * docs/extending.md: `planner_command = [...]` in [campaign] (policy "command"),
 * or the planners an external plug-in describes (`policy = "NAME"`). socm checks
 * every plan such a program returns (planner/plan_check.h) before using it. */
#ifndef SOCM_EXT_PLANNER_H
#define SOCM_EXT_PLANNER_H

#include "config/value.h"
#include "util/error.h"

/* The policy name `planner_command` registers. */
#define SOCM_EXT_PLANNER_COMMAND "command"

/* Registers planner `name` served by argv (copied); timeout_s <= 0: the default.
 * A name already registered keeps its first planner. */
void socm_ext_planner_register(const char *name, const struct socm_strv *argv, double timeout_s);
/* Reads `planner_command` (and `planner_timeout`) of the [campaign] table: registers
 * it and, unless `policy` names another planner (an error), makes it the policy. */
void socm_ext_planner_from_campaign(const struct socm_value *camp, const char *base_dir,
                                    char **policy, struct socm_errlist *errs);

#endif

/* ext_planner.h — planners that are external programs speaking the JSON protocol of
 * docs/extending.md, made from the declarations the campaign stage collects
 * (campaign/ext_planners.h: `planner_command`, external plug-ins). socm checks every
 * plan such a program returns (planner/plan_check.h) before using it. */
#ifndef SOCM_EXT_PLANNER_H
#define SOCM_EXT_PLANNER_H

#include "campaign/ext_planners.h"
#include "socm/planner.h"

/* The planner for declared name `name`, or NULL when no campaign or plug-in declared
 * it. socm_planner_find asks this after the built-in and registered planners. */
const struct socm_planner *socm_ext_planner_find(const char *name);

#endif

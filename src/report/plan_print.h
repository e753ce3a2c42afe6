/* plan_print.h — a plan as text (the `socm plan` table, also for `socm run
 * --dry-run`) and as JSON: {"policy", "cores", "qos", "makespan_s", "walltime_s",
 * "lower_bound_s", "efficiency", "workflows": [{"id", "name", "cores",
 * "core_range": [first, last], "memory_mb", "start_s", "end_s"}]}: times in seconds
 * from the campaign's start, memory in MB, as docs/json.md says for every command. */
#ifndef SOCM_PLAN_PRINT_H
#define SOCM_PLAN_PRINT_H

#include "campaign/campaign.h"
#include "socm/planner.h"

#include <jansson.h>
#include <stdio.h>

/* names[i] names entry i (workflow id i+1). */
void socm_plan_print_table(FILE *out, const struct socm_plan *plan, const char *const *names);
json_t *socm_plan_report_json(const struct socm_plan *plan, const char *const *names); /* new reference */

/* A whole campaign's plan (planner/sites.h): the same without sites; with sites, a
 * site column (cores numbered per site), a per-site summary (workflows, cores, QoS,
 * makespan, core-hours), and in JSON "site"/"site_core_range" per workflow and "sites". */
struct socm_sites_plan;
void socm_sites_plan_print_table(FILE *out, const struct socm_sites_plan *sp);
json_t *socm_sites_plan_json(const struct socm_sites_plan *sp); /* new reference */

#endif

/* plan_print.h — a plan as text (the `socm plan` table, also for `socm run
 * --dry-run`) and as JSON: {"policy", "cores", "qos", "makespan", "walltime",
 * "lower_bound", "entries": [{"id", "name", "cores": [first, last], "memory",
 * "start", "end"}]} with times in minutes and memory in MB. */
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
 * makespan, core-hours), and in JSON "site"/"site_cores" per entry and "sites". */
struct socm_sites_plan;
void socm_sites_plan_print_table(FILE *out, const struct socm_sites_plan *sp);
json_t *socm_sites_plan_json(const struct socm_sites_plan *sp); /* new reference */

#endif

/* plan_print.c — the plan as a table and as JSON (see plan_print.h). */
#include "report/plan_print.h"
#include "planner/sites.h"

#include <string.h>

/* The entries; with sites, a site column and each site's own core numbers. */
/* The lower bound and where it comes from; the window bound (bounds.c) can exceed
 * both the critical path and work / cores, and then it is the one named. */
static void print_bound(FILE *out, const struct socm_plan *plan)
{
    fprintf(out, "lower bound:    %.1f min (critical path %.1f, work / cores %.1f", plan->lower_bound,
            plan->cp_bound, plan->work_bound);
    if (plan->lower_bound > plan->cp_bound && plan->lower_bound > plan->work_bound)
        fprintf(out, "; window bound %.1f", plan->lower_bound);
    fprintf(out, ")\n");
}

static void print_entries(FILE *out, const struct socm_plan *plan, const char *const *names,
                          const struct socm_sites_plan *sp)
{
    int w = 8, ws = 4;
    for (size_t i = 0; i < plan->n; i++) {
        int l = names && names[i] ? (int)strlen(names[i]) : 0;
        if (l > w)
            w = l;
    }
    for (size_t k = 0; sp && k < sp->nparts; k++)
        if ((int)strlen(sp->parts[k].site->name) > ws)
            ws = (int)strlen(sp->parts[k].site->name);
    fprintf(out, "%-*s  ", w, "workflow");
    if (sp)
        fprintf(out, "%-*s  ", ws, "site");
    fprintf(out, "%15s  %12s  %10s  %10s\n", "cores", "memory_MB", "start_min", "end_min");
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        int64_t off = sp ? sp->parts[sp->site[i]].core_offset : 0;
        char cores[48];
        snprintf(cores, sizeof cores, "%lld-%lld", (long long)(e->core_first - off),
                 (long long)(e->core_last - off));
        fprintf(out, "%-*s  ", w, names && names[i] ? names[i] : "?");
        if (sp)
            fprintf(out, "%-*s  ", ws, sp->parts[sp->site[i]].site->name);
        fprintf(out, "%15s  %12.15g  %10.1f  %10.1f\n", cores, e->memory_mb, e->start, e->end);
    }
    fprintf(out, "\n");
}

void socm_plan_print_table(FILE *out, const struct socm_plan *plan, const char *const *names)
{
    print_entries(out, plan, names, NULL);
    fprintf(out, "policy:         %s\n", plan->policy ? plan->policy : "?");
    fprintf(out, "cores:          %lld\n", (long long)plan->cores);
    fprintf(out, "qos:            %s\n", plan->qos ? plan->qos : "- (batch)");
    fprintf(out, "makespan:       %.1f min\n", plan->makespan);
    fprintf(out, "pilot walltime: %.0f min\n", plan->walltime);
    print_bound(out, plan);
    fprintf(out, "efficiency:     %.3f\n", plan->efficiency);
}

/* Minutes (the planner's unit) to the seconds of every --json output (docs/json.md). */
static double to_s(double min)
{
    return min * 60;
}

json_t *socm_plan_report_json(const struct socm_plan *plan, const char *const *names)
{
    json_t *wfs = json_array();
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        json_array_append_new(
            wfs, json_pack("{s:i, s:s, s:I, s:[I, I], s:f, s:f, s:f}", "id", e->id, "name",
                           names && names[i] ? names[i] : "", "cores",
                           (json_int_t)(e->core_last - e->core_first + 1), "core_range",
                           (json_int_t)e->core_first, (json_int_t)e->core_last, "memory_mb",
                           e->memory_mb, "start_s", to_s(e->start), "end_s", to_s(e->end)));
    }
    return json_pack("{s:s, s:I, s:o, s:f, s:f, s:f, s:f, s:o}", "policy",
                     plan->policy ? plan->policy : "", "cores", (json_int_t)plan->cores, "qos",
                     plan->qos ? json_string(plan->qos) : json_null(), "makespan_s",
                     to_s(plan->makespan), "walltime_s", to_s(plan->walltime), "lower_bound_s",
                     to_s(plan->lower_bound), "efficiency", plan->efficiency, "workflows", wfs);
}

void socm_sites_plan_print_table(FILE *out, const struct socm_sites_plan *sp)
{
    if (!sp->site) {
        socm_plan_print_table(out, &sp->plan, sp->rq.names);
        return;
    }
    print_entries(out, &sp->plan, sp->rq.names, sp);
    fprintf(out, "%-14s %9s %6s %-14s %12s %12s\n", "site", "workflows", "cores", "qos",
            "makespan_min", "core_hours");
    for (size_t k = 0; k < sp->nparts; k++) {
        const struct socm_site_part *p = &sp->parts[k];
        fprintf(out, "%-14s %9zu %6lld %-14s %12.1f %12.2f\n", p->site->name, p->n,
                (long long)p->plan.cores, p->plan.qos ? p->plan.qos : "-", p->plan.makespan,
                p->core_hours);
    }
    fprintf(out, "\n");
    const struct socm_plan *plan = &sp->plan;
    fprintf(out, "policy:         %s\n", plan->policy ? plan->policy : "?");
    fprintf(out, "cores:          %lld (all sites)\n", (long long)plan->cores);
    fprintf(out, "makespan:       %.1f min\n", plan->makespan);
    print_bound(out, plan);
    fprintf(out, "efficiency:     %.3f\n", plan->efficiency);
}

json_t *socm_sites_plan_json(const struct socm_sites_plan *sp)
{
    json_t *j = socm_plan_report_json(&sp->plan, sp->rq.names);
    if (!sp->site)
        return j;
    json_t *wfs = json_object_get(j, "workflows");
    for (size_t i = 0; i < sp->plan.n; i++) {
        const struct socm_site_part *p = &sp->parts[sp->site[i]];
        const struct socm_plan_entry *e = &sp->plan.entries[i];
        json_t *ej = json_array_get(wfs, i);
        json_object_set_new(ej, "site", json_string(p->site->name));
        json_object_set_new(ej, "site_core_range",
                            json_pack("[I, I]", (json_int_t)(e->core_first - p->core_offset),
                                      (json_int_t)(e->core_last - p->core_offset)));
    }
    json_t *sites = json_array();
    for (size_t k = 0; k < sp->nparts; k++) {
        const struct socm_site_part *p = &sp->parts[k];
        json_array_append_new(sites, json_pack("{s:s, s:I, s:I, s:o, s:f, s:f, s:f}", "name",
                                               p->site->name, "n_workflows", (json_int_t)p->n,
                                               "cores", (json_int_t)p->plan.cores, "qos",
                                               p->plan.qos ? json_string(p->plan.qos) : json_null(),
                                               "makespan_s", to_s(p->plan.makespan), "walltime_s",
                                               to_s(p->plan.walltime), "core_hours", p->core_hours));
    }
    json_object_set_new(j, "sites", sites);
    return j;
}

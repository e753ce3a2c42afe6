/* plan_print.c — the plan as a table and as JSON (see plan_print.h). */
#include "report/plan_print.h"
#include "planner/sites.h"
#include "util/human.h"
#include "util/str.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The lower bound and where it comes from; the window bound (bounds.c) can exceed
 * both the critical path and work / cores, and then it is the one named. */
static void print_bound(FILE *out, const struct socm_plan *plan)
{
    char b1[32], b2[32], b3[32];
    fprintf(out, "lower bound:    %s (critical path %s, work / cores %s",
            socm_human_minutes(plan->lower_bound, b1, sizeof b1),
            socm_human_minutes(plan->cp_bound, b2, sizeof b2),
            socm_human_minutes(plan->work_bound, b3, sizeof b3));
    if (plan->lower_bound > plan->cp_bound && plan->lower_bound > plan->work_bound)
        fprintf(out, "; window bound %s", socm_human_minutes(plan->lower_bound, b1, sizeof b1));
    fprintf(out, ")\n");
}

/* The width of a column: its heading's or its widest cell's (cells NCOL apart). */
static int col_width(char (*cells)[32], size_t n, size_t ncol, size_t col, const char *head)
{
    int w = (int)strlen(head);
    for (size_t i = 0; i < n; i++) {
        int l = (int)strlen(cells[i * ncol + col]);
        w = l > w ? l : w;
    }
    return w;
}

/* The entries, one row each, every column as wide as its widest cell (so a long
 * name or site never breaks it): cores, the cores used (numbered per site with
 * sites), memory, start and end from the campaign's start, rounded for people. */
static void print_entries(FILE *out, const struct socm_plan *plan, const char *const *names,
                          const struct socm_sites_plan *sp)
{
    enum { C_CORES, C_RANGE, C_MEM, C_START, C_END, NCOL };
    static const char *const head[NCOL] = {"cores", "on cores", "memory", "start", "end"};
    char(*cells)[32] = socm_xcalloc((plan->n ? plan->n : 1) * NCOL, sizeof *cells);
    int wn = 8, ws = 4;
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        int64_t off = sp ? sp->parts[sp->site[i]].core_offset : 0;
        char(*c)[32] = cells + i * NCOL;
        snprintf(c[C_CORES], 32, "%lld", (long long)(e->core_last - e->core_first + 1));
        snprintf(c[C_RANGE], 32, "%lld-%lld", (long long)(e->core_first - off),
                 (long long)(e->core_last - off));
        socm_human_mb(e->memory_mb, c[C_MEM], 32);
        socm_human_minutes(e->start, c[C_START], 32);
        socm_human_minutes(e->end, c[C_END], 32);
        int l = names && names[i] ? (int)strlen(names[i]) : 1;
        wn = l > wn ? l : wn;
        if (sp) {
            l = (int)strlen(sp->parts[sp->site[i]].site->name);
            ws = l > ws ? l : ws;
        }
    }
    int w[NCOL];
    for (size_t k = 0; k < NCOL; k++)
        w[k] = col_width(cells, plan->n, NCOL, k, head[k]);
    fprintf(out, "%-*s  ", wn, "workflow");
    if (sp)
        fprintf(out, "%-*s  ", ws, "site");
    for (size_t k = 0; k < NCOL; k++)
        fprintf(out, "%*s%s", w[k], head[k], k + 1 < NCOL ? "  " : "\n");
    for (size_t i = 0; i < plan->n; i++) {
        fprintf(out, "%-*s  ", wn, names && names[i] ? names[i] : "?");
        if (sp)
            fprintf(out, "%-*s  ", ws, sp->parts[sp->site[i]].site->name);
        for (size_t k = 0; k < NCOL; k++)
            fprintf(out, "%*s%s", w[k], cells[i * NCOL + k], k + 1 < NCOL ? "  " : "\n");
    }
    fprintf(out, "\n");
    free(cells);
}

/* The summary lines a plan and a plan over several sites share. */
static void print_summary(FILE *out, const struct socm_plan *plan, bool sites)
{
    char b[32];
    fprintf(out, "policy:         %s\n", plan->policy ? plan->policy : "?");
    fprintf(out, "cores:          %lld%s\n", (long long)plan->cores, sites ? " (all sites)" : "");
    if (!sites)
        fprintf(out, "qos:            %s\n", plan->qos ? plan->qos : "- (batch)");
    fprintf(out, "makespan:       %s\n", socm_human_minutes(plan->makespan, b, sizeof b));
    if (!sites)
        fprintf(out, "pilot walltime: %s\n", socm_human_minutes(plan->walltime, b, sizeof b));
    print_bound(out, plan);
    fprintf(out, "efficiency:     %s\n", socm_human_num(plan->efficiency, b, sizeof b));
}

void socm_plan_print_table(FILE *out, const struct socm_plan *plan, const char *const *names)
{
    print_entries(out, plan, names, NULL);
    print_summary(out, plan, false);
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
    int ws = 4, wq = 3;
    for (size_t k = 0; k < sp->nparts; k++) {
        const struct socm_site_part *p = &sp->parts[k];
        int l = (int)strlen(p->site->name);
        ws = l > ws ? l : ws;
        l = p->plan.qos ? (int)strlen(p->plan.qos) : 1;
        wq = l > wq ? l : wq;
    }
    fprintf(out, "%-*s  %9s  %5s  %-*s  %9s  %10s\n", ws, "site", "workflows", "cores", wq, "qos",
            "makespan", "core-hours");
    for (size_t k = 0; k < sp->nparts; k++) {
        const struct socm_site_part *p = &sp->parts[k];
        char b1[32], b2[32];
        fprintf(out, "%-*s  %9zu  %5lld  %-*s  %9s  %10s\n", ws, p->site->name, p->n,
                (long long)p->plan.cores, wq, p->plan.qos ? p->plan.qos : "-",
                socm_human_minutes(p->plan.makespan, b1, sizeof b1),
                socm_human_num(p->core_hours, b2, sizeof b2));
    }
    fprintf(out, "\n");
    print_summary(out, &sp->plan, true);
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

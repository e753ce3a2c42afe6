/* plan_print.c — the plan as a table and as JSON (see plan_print.h). */
#include "report/plan_print.h"

#include <string.h>

void socm_plan_print_table(FILE *out, const struct socm_plan *plan, const char *const *names)
{
    int w = 8;
    for (size_t i = 0; i < plan->n; i++) {
        int l = names && names[i] ? (int)strlen(names[i]) : 0;
        if (l > w)
            w = l;
    }
    fprintf(out, "%-*s  %15s  %12s  %10s  %10s\n", w, "workflow", "cores", "memory_MB", "start_min", "end_min");
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        char cores[48];
        snprintf(cores, sizeof cores, "%lld-%lld", (long long)e->core_first, (long long)e->core_last);
        fprintf(out, "%-*s  %15s  %12.15g  %10.1f  %10.1f\n", w, names && names[i] ? names[i] : "?", cores,
                e->memory_mb, e->start, e->end);
    }
    fprintf(out, "\n");
    fprintf(out, "policy:         %s\n", plan->policy ? plan->policy : "?");
    fprintf(out, "cores:          %lld\n", (long long)plan->cores);
    fprintf(out, "qos:            %s\n", plan->qos ? plan->qos : "- (batch)");
    fprintf(out, "makespan:       %.1f min\n", plan->makespan);
    fprintf(out, "pilot walltime: %.0f min\n", plan->walltime);
    fprintf(out, "lower bound:    %.1f min (critical path %.1f, work / cores %.1f)\n", plan->lower_bound,
            plan->cp_bound, plan->work_bound);
    fprintf(out, "efficiency:     %.3f\n", plan->efficiency);
}

json_t *socm_plan_report_json(const struct socm_plan *plan, const char *const *names)
{
    json_t *entries = json_array();
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        json_array_append_new(
            entries, json_pack("{s:i, s:s, s:[I, I], s:f, s:f, s:f}", "id", e->id, "name",
                               names && names[i] ? names[i] : "", "cores", (json_int_t)e->core_first,
                               (json_int_t)e->core_last, "memory", e->memory_mb, "start", e->start, "end", e->end));
    }
    return json_pack("{s:s, s:I, s:o, s:f, s:f, s:f, s:o}", "policy", plan->policy ? plan->policy : "", "cores",
                     (json_int_t)plan->cores, "qos", plan->qos ? json_string(plan->qos) : json_null(), "makespan",
                     plan->makespan, "walltime", plan->walltime, "lower_bound", plan->lower_bound, "entries", entries);
}

/* run_gantt.h — planned vs actual, one row per workflow, as an SVG Gantt chart: the
 * plan's bar (light, outlined) just above what really happened (filled, coloured by
 * final state), on one time axis that spans the run, with a title, a legend, the
 * deadline and a tooltip on every bar. More workflows than the chart has rows for
 * (SOCM_RUN_GANTT_MAX_ROWS) are aggregated: each row then stands for a run of
 * consecutive workflows, coloured by the worst state among them. The plan-only
 * chart by cores is gantt_svg. */
#ifndef SOCM_RUN_GANTT_H
#define SOCM_RUN_GANTT_H

#include <stdint.h>
#include <stdio.h>

#define SOCM_RUN_GANTT_MAX_ROWS 500

struct socm_gantt_row {
    const char *name;
    const char *state;           /* DONE, FAILED, CANCELED, RUNNING... */
    double plan_start, plan_end; /* minutes from campaign start; <0 = none */
    double start, end;           /* minutes from campaign start; <0 = did not run */
    int64_t cores;
    double memory_mb;
    int attempts;
};

/* What the title says about the run. */
struct socm_run_gantt_opts {
    const char *campaign, *state, *policy, *qos; /* NULL = unknown */
    int64_t cores;                               /* of the plan; 0 = unknown */
    double deadline_min, makespan_min, actual_min;
};

void socm_run_gantt_svg(FILE *out, const struct socm_run_gantt_opts *o,
                        const struct socm_gantt_row *rows, size_t n);

#endif

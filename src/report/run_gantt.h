/* run_gantt.h — planned vs actual, one row per workflow, as an SVG Gantt chart: the
 * plan's bar (outline) above what really happened (filled, coloured by final state).
 * The plan-only chart by cores is gantt_svg (planner); this one compares a run. */
#ifndef SOCM_RUN_GANTT_H
#define SOCM_RUN_GANTT_H

#include <stdio.h>

struct socm_gantt_row {
    const char *name;
    const char *state;          /* DONE, FAILED, CANCELED, RUNNING... */
    double plan_start, plan_end; /* minutes from campaign start; <0 = none */
    double start, end;          /* minutes from campaign start; <0 = did not run */
};

void socm_run_gantt_svg(FILE *out, const char *title, const struct socm_gantt_row *rows,
                        size_t n, double deadline_min);

#endif

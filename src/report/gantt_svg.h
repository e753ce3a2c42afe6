/* gantt_svg.h — a plan as a Gantt chart in SVG: cores on the y axis, time on the x
 * axis (spanning the plan, in s/min/h/days), one bar per workflow coloured by its
 * group (workflow type, or site) with a legend, labels inside the bar or beside it
 * when it is too short, a tooltip on every bar (full name, times, cores, memory),
 * the deadline as a marked line or an arrow when it lies beyond, and a title. */
#ifndef SOCM_GANTT_SVG_H
#define SOCM_GANTT_SVG_H

#include "campaign/campaign.h"
#include "socm/planner.h"

#include <stdio.h>

struct socm_gantt_opts {
    const char *campaign;      /* the title; NULL = "plan" */
    double deadline_min;       /* ≤ 0: none */
    const char *const *groups; /* per entry: its legend group; NULL = one group */
    const char *group_kind;    /* what the groups are ("workflow type", "site") */
};

/* names[i] labels entry i (workflow id i+1). */
void socm_gantt_svg(FILE *out, const struct socm_plan *plan, const char *const *names,
                    const struct socm_gantt_opts *o);
/* Writes the chart to `path`. */
int socm_gantt_svg_write(const char *path, const struct socm_plan *plan, const char *const *names,
                         const struct socm_gantt_opts *o, struct socm_error *err);

#endif

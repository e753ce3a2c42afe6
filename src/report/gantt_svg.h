/* gantt_svg.h — a plan as a Gantt chart in SVG: cores on the y axis, minutes on the
 * x axis, one labelled bar per workflow, and the deadline as a vertical line. */
#ifndef SOCM_GANTT_SVG_H
#define SOCM_GANTT_SVG_H

#include "campaign/campaign.h"
#include "socm/planner.h"

#include <stdio.h>

/* names[i] labels entry i (workflow id i+1); deadline ≤ 0 draws no line. */
void socm_gantt_svg(FILE *out, const struct socm_plan *plan, const char *const *names, double deadline);
/* Writes the chart to `path`. */
int socm_gantt_svg_write(const char *path, const struct socm_plan *plan, const char *const *names,
                         double deadline, struct socm_error *err);

#endif

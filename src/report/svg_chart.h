/* svg_chart.h — what the SVG Gantt charts (plan: gantt_svg, run: run_gantt) share:
 * XML escaping, human durations, a time axis that spans the content (not a far
 * deadline) with ticks at round values in s, min, h or days, the deadline as a
 * marked line (or an arrow at the right edge when it lies beyond the axis), a title
 * block and a legend. Plain SVG 1.1, no script, so a chart opens in any browser and
 * embeds in an HTML page. */
#ifndef SOCM_SVG_CHART_H
#define SOCM_SVG_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes s with &, <, >, " and ' escaped and control characters other than tab and
 * newline dropped (XML and HTML text and attribute values). */
void socm_svg_text(FILE *out, const char *s);

/* The same, cut to about px pixels of the charts' font with "…" when longer. */
void socm_svg_text_fit(FILE *out, const char *s, double px);

/* A duration for people: "40 s", "2.2 min", "1.5 h", "3 days". */
void socm_chart_duration(double minutes, char *buf, size_t n);

/* The time axis: [0, span_min], ticks every step_min, labelled in `unit`
 * ("s", "min", "h" or "days"; unit_min minutes each). */
struct socm_time_axis {
    double span_min, step_min, unit_min;
    const char *unit;
    double deadline_min; /* ≤ 0: none */
    bool deadline_beyond; /* drawn as an arrow at the right edge */
};
/* An axis for content ending at end_min: the deadline is on the axis when it is
 * within a quarter more of the content, else it is "beyond". The span is rounded
 * up to a whole tick. */
void socm_time_axis_make(double end_min, double deadline_min, struct socm_time_axis *ax);

/* A plot area: x from left to left + width px for the axis span, y from top down
 * to top + height. */
struct socm_chart {
    FILE *out;
    double left, top, width, height;
    struct socm_time_axis ax;
};
static inline double socm_chart_x(const struct socm_chart *c, double t_min)
{
    return c->left + t_min * c->width / c->ax.span_min;
}
/* "<svg ...>" with the document's <title> (title, subtitle joined) and the two
 * lines of the title block at the top. */
void socm_chart_begin(FILE *out, double w, double h, const char *title, const char *subtitle);
void socm_chart_end(FILE *out);
/* The plot frame, vertical grid lines and tick labels under it, and the axis name. */
void socm_chart_time_axis(const struct socm_chart *c);
/* The deadline: a dashed red line labelled "deadline 40 s", or an arrow at the
 * right edge "deadline 1 h →" when beyond the axis. */
void socm_chart_deadline(const struct socm_chart *c);

/* One legend entry: a swatch (fill; outline when fill is "none") and a label. */
struct socm_legend_item {
    const char *label;
    const char *fill;
};
/* Lays the legend out in rows from (x, y) within `width` px; returns the height used. */
double socm_chart_legend(FILE *out, double x, double y, double width,
                         const struct socm_legend_item *items, size_t n);
/* Legend rows needed for these labels within width px (to place the plot first). */
double socm_chart_legend_height(double width, const struct socm_legend_item *items, size_t n);

/* Rough width in px of s at the charts' 10 px font (for fitting labels). */
double socm_chart_text_px(const char *s);

/* The smallest of 1, 2, 5 × 10^k that is ≥ raw (> 0). */
double socm_chart_nice(double raw);

/* Distinct colours for legend groups (wraps after SOCM_CHART_PALETTE). */
#define SOCM_CHART_PALETTE 10
const char *socm_chart_colour(size_t i);

#endif

/* run_gantt.c — planned vs actual Gantt chart in SVG (see run_gantt.h). */
#include "report/run_gantt.h"
#include "report/svg_chart.h"
#include "util/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_W 900.0
#define MAX_PLOT_H 1500.0
#define NAME_H 10.0 /* rows this tall carry their workflow's name */

static const char *const states[] = {"DONE", "FAILED", "CANCELED", "RUNNING", "SUBMITTED"};
static const char *const state_fill[] = {"#59a14f", "#e15759", "#9e9e9e", "#4e79a7", "#76b7b2"};
#define NSTATES (sizeof states / sizeof *states)
#define PLAN_FILL "#c3ccd6"
#define PLAN_STROKE "#7d8a99"

static size_t state_index(const char *s)
{
    for (size_t k = 0; k < NSTATES; k++)
        if (!strcmp(s, states[k]))
            return k;
    return NSTATES; /* did not run: NEW, READY */
}

/* Among several workflows, the state a row shows: a failure first, then what is
 * still going, then canceled, then done. */
static int severity(size_t k)
{
    static const int sev[NSTATES + 1] = {1, 5, 2, 4, 3, 0};
    return sev[k];
}

/* One row of the chart: rows [i0, i1) of the input. */
struct agg {
    double ps, pe, s, e;
    size_t state, counts[NSTATES + 1];
};

static void aggregate(const struct socm_gantt_row *rows, const size_t *order, size_t i0, size_t i1, struct agg *a)
{
    *a = (struct agg){-1, -1, -1, -1, NSTATES, {0}};
    for (size_t i = i0; i < i1; i++) {
        const struct socm_gantt_row *r = &rows[order[i]];
        size_t k = state_index(r->state);
        a->counts[k]++;
        if (severity(k) > severity(a->state) || i == i0)
            a->state = k;
        if (r->plan_start >= 0 && r->plan_end >= r->plan_start) {
            if (a->ps < 0 || r->plan_start < a->ps)
                a->ps = r->plan_start;
            if (r->plan_end > a->pe)
                a->pe = r->plan_end;
        }
        if (r->start >= 0 && r->end >= r->start) {
            if (a->s < 0 || r->start < a->s)
                a->s = r->start;
            if (r->end > a->e)
                a->e = r->end;
        }
    }
}

static void tooltip_times(FILE *out, const char *what, double s, double e)
{
    char a[32], b[32], d[32];
    socm_chart_duration(s, a, sizeof a);
    socm_chart_duration(e, b, sizeof b);
    socm_chart_duration(e - s, d, sizeof d);
    fprintf(out, "\n%s %s to %s (%s)", what, a, b, d);
}

/* The tooltip of a row: one workflow's name, state, times and resources, or an
 * aggregated row's range, first and last names and counts by state. */
static void tooltip(FILE *out, const struct socm_gantt_row *rows, const size_t *order, size_t i0, size_t i1,
                    const struct agg *a)
{
    fputs("<title>", out);
    const struct socm_gantt_row *r = &rows[order[i0]];
    if (i1 - i0 == 1) {
        socm_svg_text(out, r->name);
        fprintf(out, ": %s", r->state);
        if (r->attempts > 1)
            fprintf(out, " after %d attempts", r->attempts);
    } else {
        fprintf(out, "%zu workflows (%zu-%zu by planned start): ", i1 - i0, i0 + 1, i1);
        socm_svg_text(out, r->name);
        fputs(" … ", out);
        socm_svg_text(out, rows[order[i1 - 1]].name);
        fputc('\n', out);
        const char *sep = "";
        for (size_t k = 0; k <= NSTATES; k++)
            if (a->counts[k]) {
                fprintf(out, "%s%zu %s", sep, a->counts[k], k < NSTATES ? states[k] : "not run");
                sep = ", ";
            }
    }
    if (a->ps >= 0)
        tooltip_times(out, "planned", a->ps, a->pe);
    if (a->s >= 0)
        tooltip_times(out, "actual", a->s, a->e);
    else
        fputs("\ndid not run", out);
    if (i1 - i0 == 1 && r->cores > 0)
        fprintf(out, "\n%lld core%s, %.0f MB", (long long)r->cores, r->cores == 1 ? "" : "s", r->memory_mb);
    fputs("</title>", out);
}

/* The name in the left column, cut with "…" to fit `px`. */
static void row_name(FILE *out, double x, double y, const char *name, double px)
{
    fprintf(out, "<text class=\"name\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"central\">", x, y);
    socm_svg_text_fit(out, name, px);
    fputs("</text>\n", out);
}

static void legend(FILE *out, double x, double y, const struct socm_gantt_row *rows, size_t n)
{
    struct socm_legend_item items[NSTATES + 1] = {{"planned", PLAN_FILL}};
    size_t ni = 1;
    bool seen[NSTATES + 1] = {false};
    for (size_t i = 0; i < n; i++)
        seen[state_index(rows[i].state)] = true;
    for (size_t k = 0; k < NSTATES; k++)
        if (seen[k])
            items[ni++] = (struct socm_legend_item){states[k], state_fill[k]};
    socm_chart_legend(out, x, y, PLOT_W, items, ni);
}

static void subtitle(const struct socm_run_gantt_opts *o, size_t n, char *buf, size_t len)
{
    char mk[32], act[32], dl[32] = "none", cores[32] = "? cores";
    socm_chart_duration(o->makespan_min, mk, sizeof mk);
    socm_chart_duration(o->actual_min, act, sizeof act);
    if (o->deadline_min > 0)
        socm_chart_duration(o->deadline_min, dl, sizeof dl);
    if (o->cores > 0)
        snprintf(cores, sizeof cores, "%lld core%s", (long long)o->cores, o->cores == 1 ? "" : "s");
    snprintf(buf, len, "run %s: %zu workflow%s, policy %s, %s, QoS %s; planned %s, actual %s, deadline %s",
             o->state ? o->state : "?", n, n == 1 ? "" : "s", o->policy ? o->policy : "?", cores, o->qos ? o->qos : "none", mk, act,
             dl);
}

/* Beside a named row's actual bar, what is not plain success: "FAILED",
 * "RUNNING"; where a workflow never ran, "not run (CANCELED)" in its lane. */
static void state_label(FILE *out, const struct socm_chart *c, const char *state, const struct agg *a, double y,
                        double row_h)
{
    if (a->state == 0) /* DONE */
        return;
    double x = a->s >= 0 ? socm_chart_x(c, a->e) + 4 : a->ps >= 0 ? socm_chart_x(c, a->ps) : c->left + 2;
    const char *fill = a->state == 1 ? state_fill[1] : "#555"; /* FAILED in red */
    char text[64];
    snprintf(text, sizeof text, a->s >= 0 ? "%s" : "not run (%s)", state);
    /* Near the right edge the label goes to the bar's left instead. */
    bool left = x + socm_chart_text_px(text) > c->left + c->width && a->s >= 0;
    fprintf(out, "<text class=\"state\" x=\"%.1f\" y=\"%.1f\" font-size=\"9\" fill=\"%s\"%s "
                 "dominant-baseline=\"central\">%s</text>",
            left ? socm_chart_x(c, a->s) - 4 : x, y + row_h * 0.71, fill, left ? " text-anchor=\"end\"" : "", text);
}

/* Rows in order of planned start (then actual start, then input order): a
 * waterfall, and aggregated rows that hold workflows of about the same time. */
struct order_key {
    double plan, start;
    size_t i;
};

static int cmp_key(const void *a, const void *b)
{
    const struct order_key *x = a, *y = b;
    if (x->plan != y->plan)
        return x->plan < y->plan ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static size_t *row_order(const struct socm_gantt_row *rows, size_t n)
{
    struct order_key *k = socm_xcalloc(n ? n : 1, sizeof *k);
    for (size_t i = 0; i < n; i++)
        /* No plan (or did not run): after those that have one. */
        k[i] = (struct order_key){rows[i].plan_start >= 0 ? rows[i].plan_start : INFINITY,
                                  rows[i].start >= 0 ? rows[i].start : INFINITY, i};
    qsort(k, n, sizeof *k, cmp_key);
    size_t *order = socm_xcalloc(n ? n : 1, sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = k[i].i;
    free(k);
    return order;
}

void socm_run_gantt_svg(FILE *out, const struct socm_run_gantt_opts *o, const struct socm_gantt_row *rows,
                        size_t n)
{
    size_t per = n > SOCM_RUN_GANTT_MAX_ROWS ? (n + SOCM_RUN_GANTT_MAX_ROWS - 1) / SOCM_RUN_GANTT_MAX_ROWS : 1;
    size_t nrows = (n + per - 1) / per;
    double row_h = nrows ? MAX_PLOT_H / (double)nrows : 22;
    row_h = row_h > 22 ? 22 : row_h < 3 ? 3 : row_h;
    bool names = per == 1 && row_h >= NAME_H;
    double name_w = 40;
    for (size_t i = 0; names && i < n; i++) {
        double w = socm_chart_text_px(rows[i].name);
        name_w = w > name_w ? w : name_w;
    }
    name_w = name_w > 200 ? 200 : name_w;
    if (!names)
        name_w = 40; /* counts, and the axis name */
    struct socm_chart c = {.out = out, .left = name_w + 16, .width = PLOT_W, .height = row_h * (double)(nrows ? nrows : 1)};
    double end = o->actual_min;
    for (size_t i = 0; i < n; i++) {
        end = rows[i].plan_end > end ? rows[i].plan_end : end;
        end = rows[i].end > end ? rows[i].end : end;
    }
    socm_time_axis_make(end, o->deadline_min, &c.ax);
    c.top = 50 + 18 + 14;
    char sub[512];
    subtitle(o, n, sub, sizeof sub);
    socm_chart_begin(out, c.left + PLOT_W + 24, c.top + c.height + 40, o->campaign ? o->campaign : "run", sub);
    legend(out, c.left, 48, rows, n);
    socm_chart_time_axis(&c);
    if (!names) { /* counts instead of names */
        size_t step = (size_t)socm_chart_nice((double)n / 10);
        fputs("<g class=\"index\">", out);
        for (size_t k = 0; k < n; k += step ? step : 1)
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"central\">%zu</text>",
                    c.left - 4, c.top + ((double)(k / per) + 0.5) * row_h, k + 1);
        fprintf(out, "</g>\n<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\" "
                     "fill=\"#444\">workflows, by planned start%s</text>\n",
                c.top + c.height / 2, c.top + c.height / 2, per > 1 ? " (several per row)" : "");
    }
    size_t *order = row_order(rows, n);
    for (size_t r = 0; r < nrows; r++) {
        size_t i0 = r * per, i1 = i0 + per < n ? i0 + per : n;
        struct agg a;
        aggregate(rows, order, i0, i1, &a);
        double y = c.top + (double)r * row_h;
        if (names)
            row_name(out, c.left - 6, y + row_h / 2, rows[order[i0]].name, name_w);
        fputs(per > 1 ? "<g class=\"row aggregated\">" : "<g class=\"row\">", out);
        if (a.ps >= 0) {
            double x = socm_chart_x(&c, a.ps), w = socm_chart_x(&c, a.pe) - x;
            fprintf(out, "<rect class=\"planned\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"%s>",
                    x, y + row_h * 0.08, w < 1 ? 1 : w, row_h * 0.4, PLAN_FILL,
                    row_h >= 8 ? " stroke=\"" PLAN_STROKE "\" stroke-width=\"0.7\"" : "");
            tooltip(out, rows, order, i0, i1, &a);
            fputs("</rect>", out);
        }
        if (a.s >= 0) {
            double x = socm_chart_x(&c, a.s), w = socm_chart_x(&c, a.e) - x;
            fprintf(out, "<rect class=\"actual\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\">", x,
                    y + row_h * 0.5, w < 1.5 ? 1.5 : w, row_h * 0.42, a.state < NSTATES ? state_fill[a.state] : "#000");
            tooltip(out, rows, order, i0, i1, &a);
            fputs("</rect>", out);
        }
        if (names)
            state_label(out, &c, rows[order[i0]].state, &a, y, row_h);
        fputs("</g>\n", out);
    }
    free(order);
    socm_chart_deadline(&c);
    socm_chart_end(out);
}

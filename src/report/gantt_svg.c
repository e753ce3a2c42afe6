/* gantt_svg.c — a plan as an SVG Gantt chart, cores × time (see gantt_svg.h). */
#include "report/gantt_svg.h"
#include "report/svg_chart.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PLOT_W 1000.0
#define MARGIN_L 56.0
#define MARGIN_R 24.0
#define LABEL_H 11.0 /* a row this tall takes a 10 px label */
#define MAX_GROUPS (SOCM_CHART_PALETTE - 1) /* the last colour is "other" */

/* Legend groups: the first MAX_GROUPS distinct names, then "other". */
struct groups {
    const char *name[MAX_GROUPS + 1];
    size_t n;
    bool other;
};

static size_t group_of(struct groups *g, const char *name)
{
    if (!name)
        name = "";
    for (size_t k = 0; k < g->n; k++)
        if (!strcmp(g->name[k], name))
            return k;
    if (g->n < MAX_GROUPS) {
        g->name[g->n] = name;
        return g->n++;
    }
    g->other = true;
    return MAX_GROUPS;
}

/* Per core, the sorted start times of the bars on it: where a label beside a bar
 * would run into the next one. Built only when rows are tall enough for labels. */
struct core_starts {
    double **v;
    size_t *n;
    int64_t cores;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void core_starts_build(struct core_starts *cs, const struct socm_plan *plan)
{
    cs->cores = plan->cores;
    cs->v = calloc((size_t)plan->cores, sizeof *cs->v);
    cs->n = calloc((size_t)plan->cores, sizeof *cs->n);
    for (size_t i = 0; i < plan->n; i++)
        for (int64_t c = plan->entries[i].core_first; c <= plan->entries[i].core_last; c++)
            if (c >= 0 && c < plan->cores)
                cs->n[c]++;
    for (int64_t c = 0; c < plan->cores; c++) {
        cs->v[c] = calloc(cs->n[c] ? cs->n[c] : 1, sizeof **cs->v);
        cs->n[c] = 0;
    }
    for (size_t i = 0; i < plan->n; i++)
        for (int64_t c = plan->entries[i].core_first; c <= plan->entries[i].core_last; c++)
            if (c >= 0 && c < plan->cores)
                cs->v[c][cs->n[c]++] = plan->entries[i].start;
    for (int64_t c = 0; c < plan->cores; c++)
        qsort(cs->v[c], cs->n[c], sizeof **cs->v, cmp_double);
}

static void core_starts_free(struct core_starts *cs)
{
    for (int64_t c = 0; cs->v && c < cs->cores; c++)
        free(cs->v[c]);
    free(cs->v);
    free(cs->n);
}

/* The first start at or after t on any of the entry's cores (else `none`). */
static double next_start(const struct core_starts *cs, const struct socm_plan_entry *e, double t, double none)
{
    double best = none;
    for (int64_t c = e->core_first > 0 ? e->core_first : 0; c <= e->core_last && c < cs->cores; c++) {
        size_t lo = 0, hi = cs->n[c];
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cs->v[c][mid] < t - 1e-9)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < cs->n[c] && cs->v[c][lo] < best)
            best = cs->v[c][lo];
    }
    return best;
}

/* The label text at (x, y), cut with "…" to px pixels. */
static void label(FILE *out, double x, double y, const char *name, double px)
{
    fprintf(out, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\">", x, y);
    socm_svg_text_fit(out, name, px);
    fputs("</text>", out);
}

static void bar(const struct socm_chart *c, const struct socm_plan_entry *e, const char *name,
                const char *group, const char *fill, double ys, const struct core_starts *cs)
{
    FILE *out = c->out;
    double x = socm_chart_x(c, e->start), w = socm_chart_x(c, e->end) - x;
    double y = c->top + (double)e->core_first * ys, h = (double)(e->core_last - e->core_first + 1) * ys;
    char s[32], en[32], d[32];
    socm_chart_duration(e->start, s, sizeof s);
    socm_chart_duration(e->end, en, sizeof en);
    socm_chart_duration(e->end - e->start, d, sizeof d);
    int64_t ncores = e->core_last - e->core_first + 1;
    fprintf(out, "<g class=\"bar\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"%s><title>",
            x, y, w < 0.5 ? 0.5 : w, h < 1 ? 1 : h, fill,
            /* Outlines only where they separate bars rather than darken them. */
            h >= 3 && w >= 4 ? " stroke=\"#333\" stroke-width=\"0.5\"" : "");
    socm_svg_text(out, name);
    if (group && *group) {
        fputs(" (", out);
        socm_svg_text(out, group);
        fputc(')', out);
    }
    fprintf(out, "\n%s to %s (%s)\ncores %lld-%lld (%lld core%s), %.0f MB</title></rect>", s, en, d,
            (long long)e->core_first, (long long)e->core_last, (long long)ncores, ncores == 1 ? "" : "s",
            e->memory_mb);
    if (h >= LABEL_H && *name) {
        double tw = socm_chart_text_px(name), right = c->left + c->width;
        double gap = cs ? socm_chart_x(c, next_start(cs, e, e->end, c->ax.span_min)) : x + w;
        if (gap > right)
            gap = right;
        if (w >= tw + 6)
            label(out, x + 3, y + h / 2, name, tw);
        else if (x + w + 3 + tw + 3 <= gap)
            label(out, x + w + 3, y + h / 2, name, tw);
        else if (w >= 6 * 4 + 6) /* room for 3 characters and "…" */
            label(out, x + 3, y + h / 2, name, w - 6);
    }
    fputs("</g>\n", out);
}

/* Core numbers on the y axis at round steps. */
static void core_axis(const struct socm_chart *c, int64_t cores, double ys)
{
    int64_t step = cores > 12 ? (int64_t)socm_chart_nice((double)cores / 10) : 1;
    fputs("<g class=\"cores\">", c->out);
    for (int64_t k = 0; k < cores; k += step)
        fprintf(c->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"central\">%lld</text>",
                c->left - 4, c->top + ((double)k + 0.5) * ys, (long long)k);
    fputs("</g>\n", c->out);
    fprintf(c->out, "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\" "
                    "fill=\"#444\">core</text>\n",
            c->top + c->height / 2, c->top + c->height / 2);
}

void socm_gantt_svg(FILE *out, const struct socm_plan *plan, const char *const *names,
                    const struct socm_gantt_opts *o)
{
    struct socm_chart c = {.out = out, .left = MARGIN_L, .width = PLOT_W};
    double end = plan->makespan;
    for (size_t i = 0; i < plan->n; i++)
        if (plan->entries[i].end > end)
            end = plan->entries[i].end;
    socm_time_axis_make(end, o->deadline_min, &c.ax);
    int64_t cores = plan->cores > 0 ? plan->cores : 1;
    /* A row per core where that fits in 800 px; beyond, several cores share a pixel. */
    c.height = cores * 16.0 < 160 ? 160 : cores * 16.0 > 800 ? 800 : (double)cores * 16;
    double ys = c.height / (double)cores;

    struct groups g = {0};
    size_t *gi = calloc(plan->n ? plan->n : 1, sizeof *gi);
    for (size_t i = 0; i < plan->n; i++)
        gi[i] = group_of(&g, o->groups ? o->groups[i] : NULL);
    struct socm_legend_item items[MAX_GROUPS + 1];
    size_t nitems = 0;
    for (size_t k = 0; k < g.n; k++)
        items[nitems++] = (struct socm_legend_item){g.name[k][0] ? g.name[k] : "workflow", socm_chart_colour(k)};
    if (g.other)
        items[nitems++] = (struct socm_legend_item){"other", socm_chart_colour(MAX_GROUPS)};

    double legend_h = socm_chart_legend_height(PLOT_W, items, nitems);
    c.top = 50 + legend_h + 14;
    double W = MARGIN_L + PLOT_W + MARGIN_R, H = c.top + c.height + 40;
    char title[512], sub[512], mk[32], dl[32] = "none";
    snprintf(title, sizeof title, "%s", o->campaign ? o->campaign : "plan");
    socm_chart_duration(plan->makespan, mk, sizeof mk);
    if (o->deadline_min > 0)
        socm_chart_duration(o->deadline_min, dl, sizeof dl);
    snprintf(sub, sizeof sub, "plan: policy %s, %lld core%s, QoS %s, %zu workflow%s, makespan %s, deadline %s%s%s",
             plan->policy ? plan->policy : "?", (long long)plan->cores, plan->cores == 1 ? "" : "s",
             plan->qos ? plan->qos : "none", plan->n, plan->n == 1 ? "" : "s", mk, dl, o->group_kind ? "; colour = " : "", o->group_kind ? o->group_kind : "");
    socm_chart_begin(out, W, H, title, sub);
    socm_chart_legend(out, MARGIN_L, 48, PLOT_W, items, nitems);
    socm_chart_time_axis(&c);
    core_axis(&c, cores, ys);

    struct core_starts cs = {0};
    bool labels = ys >= LABEL_H;
    if (labels)
        core_starts_build(&cs, plan);
    for (size_t i = 0; i < plan->n; i++)
        bar(&c, &plan->entries[i], names && names[i] ? names[i] : "", o->groups ? o->groups[i] : NULL,
            items[gi[i] < g.n ? gi[i] : nitems - 1].fill, ys, labels ? &cs : NULL);
    core_starts_free(&cs);
    free(gi);
    socm_chart_deadline(&c);
    socm_chart_end(out);
}

int socm_gantt_svg_write(const char *path, const struct socm_plan *plan, const char *const *names,
                         const struct socm_gantt_opts *o, struct socm_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return socm_error_errno(err, "cannot write %s", path);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    socm_gantt_svg(f, plan, names, o);
    if (ferror(f)) {
        fclose(f);
        return socm_error_errno(err, "cannot write %s", path);
    }
    if (fclose(f) != 0)
        return socm_error_errno(err, "cannot write %s", path);
    return 0;
}

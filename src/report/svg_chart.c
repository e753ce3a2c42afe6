/* svg_chart.c — the parts the SVG Gantt charts share (see svg_chart.h). */
#include "report/svg_chart.h"

#include "util/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FONT_PX 10.0
#define CHAR_PX 6.0 /* average width of a character of the 10 px sans-serif font */

void socm_svg_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* Other control characters are not allowed in XML 1.0. */
            if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n')
                fputc(*s, out);
        }
    }
}

void socm_svg_text_fit(FILE *out, const char *s, double px)
{
    if (socm_chart_text_px(s) <= px) {
        socm_svg_text(out, s);
        return;
    }
    /* Whole characters (UTF-8 code points) that fit with the ellipsis. */
    size_t keep = px > 2 * CHAR_PX ? (size_t)(px / CHAR_PX) - 1 : 1, seen = 0, cut = strlen(s);
    for (size_t i = 0; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && seen++ == keep) {
            cut = i;
            break;
        }
    char *head = socm_strndup(s, cut);
    socm_svg_text(out, head);
    free(head);
    fputs("…", out);
}

double socm_chart_text_px(const char *s)
{
    size_t chars = 0;
    for (; *s; s++)
        chars += ((unsigned char)*s & 0xC0) != 0x80; /* UTF-8: count lead bytes only */
    return (double)chars * CHAR_PX;
}

void socm_chart_duration(double minutes, char *buf, size_t n)
{
    /* The smaller unit up to twice the larger one, unless the value is a whole
     * number of the larger: "90 s", "1 min", "90 min", "1 h", "36 h", "3 days". */
    double s = minutes * 60;
    bool whole_min = fabs(s - 60 * round(s / 60)) < 1e-6, whole_h = fabs(minutes - 60 * round(minutes / 60)) < 1e-6;
    if (!(s >= 0))
        snprintf(buf, n, "-");
    else if (s < 119.5 && !(s >= 60 && whole_min))
        snprintf(buf, n, "%.3g s", s);
    else if (minutes < 119.5 && !(minutes >= 60 && whole_h))
        snprintf(buf, n, "%.3g min", minutes);
    else if (minutes < 48 * 60)
        snprintf(buf, n, "%.3g h", minutes / 60);
    else
        snprintf(buf, n, "%.3g days", minutes / 1440);
}

double socm_chart_nice(double raw)
{
    double p = pow(10, floor(log10(raw)));
    for (int i = 0; i < 3; i++) {
        double m = (double[]){1, 2, 5}[i] * p;
        if (m >= raw * (1 - 1e-9))
            return m;
    }
    return 10 * p;
}

/* A round step of unit u for about 5 to 10 ticks over span_u: the unit's own round
 * numbers (seconds by 5, 15, 30; hours by 3, 6, 12) and 1-2-5 outside them. */
static double round_step(double span_u, const double *cands, size_t n)
{
    double raw = span_u / 8;
    if (raw < cands[0] || raw > cands[n - 1])
        return socm_chart_nice(raw);
    for (size_t i = 0; i < n; i++)
        if (cands[i] >= raw)
            return cands[i];
    return cands[n - 1];
}

void socm_time_axis_make(double end_min, double deadline_min, struct socm_time_axis *ax)
{
    static const double secs[] = {1, 2, 5, 10, 15, 20, 30};
    static const double hours[] = {1, 2, 3, 6, 12, 24};
    double end = end_min > 0 && isfinite(end_min) ? end_min : 0;
    ax->deadline_min = deadline_min > 0 && isfinite(deadline_min) ? deadline_min : 0;
    ax->deadline_beyond = false;
    double span = end;
    if (ax->deadline_min > 0 && ax->deadline_min <= end * 1.25)
        span = end > ax->deadline_min ? end : ax->deadline_min;
    else if (ax->deadline_min > 0 && end > 0)
        ax->deadline_beyond = true;
    else if (ax->deadline_min > 0)
        span = ax->deadline_min; /* nothing to show but the deadline */
    if (!(span > 0))
        span = 1;
    double s = span * 60;
    if (s <= 120) {
        ax->unit = "s";
        ax->unit_min = 1.0 / 60;
        ax->step_min = round_step(s, secs, 7) / 60;
    } else if (span <= 180) {
        ax->unit = "min";
        ax->unit_min = 1;
        ax->step_min = round_step(span, secs, 7);
    } else if (span <= 72 * 60) {
        ax->unit = "h";
        ax->unit_min = 60;
        ax->step_min = round_step(span / 60, hours, 6) * 60;
    } else {
        ax->unit = "days";
        ax->unit_min = 1440;
        ax->step_min = socm_chart_nice(span / 1440 / 8) * 1440;
    }
    /* Up to the next whole tick (a hair of slack against rounding). */
    ax->span_min = ceil(span / ax->step_min - 1e-9) * ax->step_min;
}

void socm_chart_begin(FILE *out, double w, double h, const char *title, const char *subtitle)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"%.0f\">\n<title>",
            w, h, w, h, FONT_PX);
    socm_svg_text(out, title);
    fputs(" — ", out);
    socm_svg_text(out, subtitle);
    fprintf(out, "</title>\n<rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n", w, h);
    fputs("<text class=\"title\" x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">", out);
    socm_svg_text(out, title);
    fputs("</text>\n<text class=\"subtitle\" x=\"10\" y=\"37\" font-size=\"11\" fill=\"#444\">", out);
    socm_svg_text(out, subtitle);
    fputs("</text>\n", out);
}

void socm_chart_end(FILE *out)
{
    fputs("</svg>\n", out);
}

void socm_chart_time_axis(const struct socm_chart *c)
{
    const struct socm_time_axis *ax = &c->ax;
    FILE *out = c->out;
    double bottom = c->top + c->height;
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#fafafa\" stroke=\"#999\"/>\n",
            c->left, c->top, c->width, c->height);
    long nticks = lround(ax->span_min / ax->step_min);
    fputs("<g class=\"ticks\">\n", out);
    for (long k = 0; k <= nticks; k++) {
        double t = ax->step_min * (double)k, x = socm_chart_x(c, t);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", x,
                c->top, x, bottom);
        /* %.6g of the value in the unit: 0.5, 15, 120 — never 0.0333. */
        fprintf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.6g</text>\n", x,
                bottom + 13, t / ax->unit_min);
    }
    fputs("</g>\n", out);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">time since the start (%s)</text>\n",
            c->left + c->width / 2, bottom + 28, ax->unit);
}

void socm_chart_deadline(const struct socm_chart *c)
{
    const struct socm_time_axis *ax = &c->ax;
    if (!(ax->deadline_min > 0))
        return;
    char d[32];
    socm_chart_duration(ax->deadline_min, d, sizeof d);
    FILE *out = c->out;
    if (ax->deadline_beyond) {
        double x = c->left + c->width, y = c->top - 6;
        fprintf(out,
                "<g class=\"deadline beyond\"><path d=\"M%.1f %.1f l-8 -4 v8 z\" fill=\"#c62828\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c62828\" text-anchor=\"end\">deadline %s (beyond) →</text></g>\n",
                x, y, x - 10, y + 3, d);
        return;
    }
    double x = socm_chart_x(c, ax->deadline_min);
    fprintf(out,
            "<g class=\"deadline\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c62828\" "
            "stroke-width=\"2\" stroke-dasharray=\"6,4\"/><text x=\"%.1f\" y=\"%.1f\" fill=\"#c62828\" "
            "text-anchor=\"end\">deadline %s</text></g>\n",
            x, c->top - 2, x, c->top + c->height, x, c->top - 5, d);
}

#define SWATCH 12.0

static double item_px(const struct socm_legend_item *it)
{
    return SWATCH + 5 + socm_chart_text_px(it->label) + 16;
}

double socm_chart_legend_height(double width, const struct socm_legend_item *items, size_t n)
{
    if (n == 0)
        return 0;
    double x = 0, rows = 1;
    for (size_t i = 0; i < n; i++) {
        double w = item_px(&items[i]);
        if (x > 0 && x + w > width) {
            rows++;
            x = 0;
        }
        x += w;
    }
    return rows * 18;
}

double socm_chart_legend(FILE *out, double x0, double y0, double width,
                         const struct socm_legend_item *items, size_t n)
{
    if (n == 0)
        return 0;
    double x = 0, y = 0;
    fputs("<g class=\"legend\">\n", out);
    for (size_t i = 0; i < n; i++) {
        double w = item_px(&items[i]);
        if (x > 0 && x + w > width) {
            y += 18;
            x = 0;
        }
        bool outline = !strcmp(items[i].fill, "none");
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\" stroke=\"%s\"/>",
                x0 + x, y0 + y, SWATCH, SWATCH, items[i].fill, outline ? "#555" : "#333");
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x0 + x + SWATCH + 5, y0 + y + 10);
        socm_svg_text(out, items[i].label);
        fputs("</text>\n", out);
        x += w;
    }
    fputs("</g>\n", out);
    return y + 18;
}

const char *socm_chart_colour(size_t i)
{
    /* Tableau 10 (light): distinct, and readable under black text. */
    static const char *const pal[SOCM_CHART_PALETTE] = {"#a0cbe8", "#ffbe7d", "#8cd17d", "#ff9d9a", "#86bcb6",
                                                        "#f1ce63", "#d4a6c8", "#fabfd2", "#d7b5a6", "#bab0ac"};
    return pal[i % SOCM_CHART_PALETTE];
}

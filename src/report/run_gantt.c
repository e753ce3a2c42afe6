/* run_gantt.c — planned vs actual Gantt chart in SVG (see run_gantt.h). */
#include "report/run_gantt.h"

#include <string.h>

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

static const char *colour(const char *state)
{
    if (!strcmp(state, "DONE"))
        return "#4caf50";
    if (!strcmp(state, "FAILED"))
        return "#e53935";
    if (!strcmp(state, "CANCELED"))
        return "#9e9e9e";
    return "#1e88e5";
}

void socm_run_gantt_svg(FILE *out, const char *title, const struct socm_gantt_row *rows,
                        size_t n, double deadline_min)
{
    double tmax = deadline_min > 0 ? deadline_min : 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].plan_end > tmax)
            tmax = rows[i].plan_end;
        if (rows[i].end > tmax)
            tmax = rows[i].end;
    }
    if (tmax <= 0)
        tmax = 1;
    const double left = 180, width = 800, rowh = 22, top = 40;
    double height = top + rowh * (double)n + 40;
    double sx = width / tmax;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                 "font-family=\"sans-serif\" font-size=\"11\">\n",
            left + width + 20, height);
    fputs("<text x=\"10\" y=\"20\" font-size=\"14\">", out);
    xml_text(out, title);
    fputs(" — planned (outline) vs actual (filled), minutes</text>\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct socm_gantt_row *r = &rows[i];
        double y = top + rowh * (double)i;
        fprintf(out, "<text x=\"10\" y=\"%.1f\">", y + 14);
        xml_text(out, r->name);
        fputs("</text>\n", out);
        if (r->plan_end > r->plan_start && r->plan_start >= 0)
            fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"8\" fill=\"none\" "
                         "stroke=\"#555\"><title>planned %.2f–%.2f min</title></rect>\n",
                    left + r->plan_start * sx, y + 2, (r->plan_end - r->plan_start) * sx,
                    r->plan_start, r->plan_end);
        if (r->start >= 0 && r->end >= r->start) {
            double w = (r->end - r->start) * sx;
            fprintf(out, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"8\" fill=\"%s\">"
                         "<title>%s %.2f–%.2f min</title></rect>\n",
                    left + r->start * sx, y + 11, w < 1 ? 1 : w, colour(r->state), r->state,
                    r->start, r->end);
        }
    }
    if (deadline_min > 0)
        fprintf(out, "<line x1=\"%.2f\" y1=\"%.0f\" x2=\"%.2f\" y2=\"%.0f\" stroke=\"red\" "
                     "stroke-dasharray=\"4\"/><text x=\"%.2f\" y=\"%.0f\" fill=\"red\">deadline</text>\n",
                left + deadline_min * sx, top - 5, left + deadline_min * sx, height - 25,
                left + deadline_min * sx - 20, height - 10);
    fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#000\"/>\n", left,
            height - 30, left + width, height - 30);
    for (int k = 0; k <= 10; k++)
        fprintf(out, "<text x=\"%.1f\" y=\"%.0f\">%.3g</text>\n", left + width * k / 10.0 - 5,
                height - 16, tmax * k / 10.0);
    fputs("</svg>\n", out);
}

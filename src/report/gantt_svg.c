/* gantt_svg.c — a plan as an SVG Gantt chart (see gantt_svg.h). Plain SVG 1.1, no
 * script, so that it opens in any browser and embeds in reports. */
#include "report/gantt_svg.h"
#include "util/str.h"

#include <errno.h>
#include <math.h>

#define CHART_W 1000.0 /* plot area, px */
#define MARGIN_L 60.0
#define MARGIN_T 30.0
#define MARGIN_B 40.0

static void xml_text(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* Control characters are not allowed in XML 1.0. */
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, out);
        }
    }
}

/* A distinct, stable colour per workflow id. */
static void colour(int id, char *buf, size_t n)
{
    double h = fmod((double)id * 137.508, 360.0);
    snprintf(buf, n, "hsl(%.0f,55%%,65%%)", h);
}

void socm_gantt_svg(FILE *out, const struct socm_plan *plan, const char *const *names, double deadline)
{
    double tmax = plan->makespan > deadline ? plan->makespan : deadline;
    if (!(tmax > 0))
        tmax = 1;
    double cores = plan->cores > 0 ? (double)plan->cores : 1;
    /* Tall enough to read a bar per core on small plans, bounded on large ones. */
    double chart_h = cores * 12 < 200 ? 200 : cores * 12 > 800 ? 800 : cores * 12;
    double xs = CHART_W / tmax, ys = chart_h / cores;
    double W = MARGIN_L + CHART_W + 20, H = MARGIN_T + chart_h + MARGIN_B;
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"sans-serif\" font-size=\"10\">\n",
            W, H, W, H);
    fprintf(out, "<title>");
    xml_text(out, plan->policy ? plan->policy : "plan");
    fprintf(out, ": %lld cores, makespan %.1f min</title>\n", (long long)plan->cores, plan->makespan);
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f8f8f8\" stroke=\"#999\"/>\n",
            MARGIN_L, MARGIN_T, CHART_W, chart_h);
    /* Axes: ticks every tenth of the span, cores at the bottom and top. */
    for (int i = 0; i <= 10; i++) {
        double t = tmax * i / 10, x = MARGIN_L + t * xs;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x, MARGIN_T, x,
                MARGIN_T + chart_h);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n", x, MARGIN_T + chart_h + 14, t);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">minutes</text>\n", MARGIN_L + CHART_W / 2,
            MARGIN_T + chart_h + 30);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">0</text>\n", MARGIN_L - 4, MARGIN_T + 8);
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%lld</text>\n", MARGIN_L - 4, MARGIN_T + chart_h,
            (long long)plan->cores - 1);
    fprintf(out, "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">cores</text>\n",
            MARGIN_T + chart_h / 2, MARGIN_T + chart_h / 2);
    for (size_t i = 0; i < plan->n; i++) {
        const struct socm_plan_entry *e = &plan->entries[i];
        double x = MARGIN_L + e->start * xs, w = (e->end - e->start) * xs;
        double y = MARGIN_T + (double)e->core_first * ys, h = (double)(e->core_last - e->core_first + 1) * ys;
        const char *name = names && names[i] ? names[i] : "";
        char fill[32];
        colour(e->id, fill, sizeof fill);
        fprintf(out, "<g><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\" stroke=\"#333\" "
                     "stroke-width=\"0.5\"><title>",
                x, y, w < 0.5 ? 0.5 : w, h, fill);
        xml_text(out, name);
        fprintf(out, ": cores %lld-%lld, %.1f-%.1f min, %g MB</title></rect>", (long long)e->core_first,
                (long long)e->core_last, e->start, e->end, e->memory_mb);
        /* A label only where it can be read. */
        if (h >= 9 && w >= 30) {
            fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" dominant-baseline=\"middle\">", x + 2, y + h / 2);
            xml_text(out, name);
            fputs("</text>", out);
        }
        fputs("</g>\n", out);
    }
    if (deadline > 0) {
        double x = MARGIN_L + deadline * xs;
        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"red\" stroke-width=\"2\" "
                "stroke-dasharray=\"6,4\"/>\n<text x=\"%.1f\" y=\"%.1f\" fill=\"red\" text-anchor=\"end\">deadline "
                "%.0f min</text>\n",
                x, MARGIN_T - 5, x, MARGIN_T + chart_h, x, MARGIN_T - 8, deadline);
    }
    fputs("</svg>\n", out);
}

int socm_gantt_svg_write(const char *path, const struct socm_plan *plan, const char *const *names, double deadline,
                         struct socm_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return socm_error_errno(err, "cannot write %s", path);
    socm_gantt_svg(f, plan, names, deadline);
    if (fclose(f) != 0)
        return socm_error_errno(err, "cannot write %s", path);
    return 0;
}

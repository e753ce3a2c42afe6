/* cmd_report.c — `socm report STATE_DIR`: planned vs actual per workflow, as a table,
 * JSON (--json), an SVG Gantt chart (--gantt FILE.svg) or one self-contained HTML
 * page (--html FILE.html). */
#include "cli/cli.h"
#include "manager/bookkeeper.h"
#include "api/program.h"
#include "report/profile.h"
#include "report/html_report.h"
#include "report/run_rows.h"
#include "util/human.h"

#include <math.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The chart to `path` (0, or the exit code after saying why). */
static int write_gantt(const char *path, const struct socm_run_rows *rr)
{
    struct socm_error err = {0};
    FILE *f = fopen(path, "we");
    if (!f) {
        socm_error_errno(&err, "cannot write %s", path);
        return socm_cli_fail("report", &err);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    socm_run_gantt_svg(f, &rr->o, rr->v, rr->n);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        socm_error_errno(&err, "cannot write %s", path);
        return socm_cli_fail("report", &err);
    }
    printf("wrote %s\n", path);
    return 0;
}

/* Minutes from the campaign's start (<0: none) as seconds, or null. */
static json_t *offset_s(double min)
{
    return min >= 0 ? json_real(min * 60) : json_null();
}

/* Planned vs actual as JSON: seconds and MB, null for what is not known
 * (docs/json.md). */
static void report_json(const struct socm_bk *bk, const struct socm_run_rows *rr)
{
    json_t *a = json_array();
    for (size_t i = 0; i < bk->spec.n; i++) {
        const struct socm_gantt_row *r = &rr->v[i];
        const struct socm_wfstate *w = &bk->w[i];
        /* measured only once an attempt ended (a dependant canceled unrun has none) */
        bool ended = w->attempts > 0 && (w->state == SOCM_W_DONE || w->state == SOCM_W_FAILED ||
                                         (w->state == SOCM_W_CANCELED && w->end > 0));
        json_t *o = json_pack("{s:i,s:s,s:s,s:i,s:I,s:f}", "id", bk->spec.tasks[i].id, "name",
                              r->name, "state", r->state, "attempts", w->attempts, "cores",
                              (json_int_t)r->cores, "memory_mb", r->memory_mb);
        json_object_set_new(o, "plan_start_s", offset_s(r->plan_start));
        json_object_set_new(o, "plan_end_s", offset_s(r->plan_end));
        json_object_set_new(o, "start_s", offset_s(r->start));
        json_object_set_new(o, "end_s", offset_s(r->end));
        json_object_set_new(o, "max_rss_mb", ended && isfinite(w->max_rss_mb) /* NAN: not known yet */
                                                   ? json_real(w->max_rss_mb) : json_null());
        json_object_set_new(o, "cpu_s", ended ? json_real(w->cpu_s) : json_null());
        json_array_append_new(a, o);
    }
    json_t *j = json_pack("{s:s,s:s}", "campaign", bk->spec.campaign, "state",
                          socm_cstate_name(bk->cstate));
    json_object_set_new(j, "deadline_s", json_real(bk->spec.deadline_min * 60));
    json_object_set_new(j, "planned_makespan_s", json_real(bk->spec.makespan_min * 60));
    json_object_set_new(j, "actual_makespan_s", bk->t_end >= bk->t_begin && bk->t_begin > 0
                                                    ? json_real(bk->t_end - bk->t_begin)
                                                    : json_null());
    json_object_set_new(j, "workflows", a);
    socm_cli_json_print(j);
    json_decref(j);
}

/* A time of the table: minutes from the start for people ("1.1 min", "20 s"), or "-". */
static const char *cell(double min, char *buf, size_t n)
{
    if (min < 0)
        return "-";
    return socm_human_minutes(min, buf, n);
}

/* Planned vs actual as a table whose name column is as wide as the longest name. */
static void report_text(const struct socm_bk *bk, const struct socm_run_rows *rr)
{
    char b1[32], b2[32], b3[32], b4[32], b5[32];
    printf("campaign %s: %s — planned makespan %s, actual %s\n", bk->spec.campaign,
           socm_cstate_name(bk->cstate), socm_human_minutes(bk->spec.makespan_min, b1, sizeof b1),
           socm_human_minutes((bk->t_end - bk->t_begin) / 60, b2, sizeof b2));
    int w = 8;
    for (size_t i = 0; i < rr->n; i++) {
        size_t l = strlen(rr->v[i].name);
        w = l > (size_t)w && l < 1000 ? (int)l : w;
    }
    printf("%4s  %-*s %-9s %9s %9s %9s %9s %9s\n", "id", w, "workflow", "state", "plan.beg",
           "plan.end", "act.beg", "act.end", "max RSS");
    for (size_t i = 0; i < bk->spec.n; i++) {
        const struct socm_gantt_row *r = &rr->v[i];
        const struct socm_wfstate *ws = &bk->w[i];
        bool ran = ws->attempts > 0 && (ws->state == SOCM_W_DONE || ws->state == SOCM_W_FAILED ||
                                        ws->end > 0);
        printf("%4d  %-*s %-9s %9s %9s %9s %9s %9s\n", bk->spec.tasks[i].id, w, r->name, r->state,
               cell(r->plan_start, b1, sizeof b1), cell(r->plan_end, b2, sizeof b2),
               cell(r->start, b3, sizeof b3), cell(r->end, b4, sizeof b4),
               ran && isfinite(ws->max_rss_mb) ? socm_human_mb(ws->max_rss_mb, b5, sizeof b5) : "-");
    }
}

int socm_cmd_report(int argc, char **argv)
{
    const char *dir = NULL, *gantt = NULL, *html = NULL;
    bool json = false, profile = false;
    enum { O_GANTT = 0x100, O_HTML, O_JSON, O_PROFILE };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},       {"gantt", required_argument, NULL, O_GANTT},
        {"html", required_argument, NULL, O_HTML},
        {"json", no_argument, NULL, O_JSON},    {"profile", no_argument, NULL, O_PROFILE},
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("report", argc, argv, "h", opts)) != -1) {
        if (ch == 'h') {
            puts("usage: socm report STATE_DIR [--gantt FILE.svg] [--html FILE.html] [--json]\n"
                 "                   [--profile]\n"
                 "\n"
                 "Planned vs actual for each workflow of a campaign (from its journal): a\n"
                 "table, JSON (--json: times in seconds from the campaign's start, null for\n"
                 "what did not happen), or a Gantt chart in SVG with the planned bar above the actual\n"
                 "(coloured by state; rows aggregated beyond 500 workflows; hover a bar for\n"
                 "its name, times and resources).\n"
                 "--html writes one self-contained page (no network needed to view it): the\n"
                 "summary, the run's and the plan's charts, the failures with the tail of\n"
                 "their stderr, the table of workflows (click a heading to sort) and the\n"
                 "profile.\n"
                 "--profile prints the recorded time of planning, submission, queue wait and\n"
                 "execution, with percent of total, overall, per workflow type and per site\n"
                 "(a campaign over several sites); for a program's state directory, each\n"
                 "campaign's wall time, then each campaign's profile.\n"
                 "\n"
                 "example:\n"
                 "  socm report ./socm-quickstart --gantt quickstart.svg\n"
                 "  socm report ./socm-quickstart --html quickstart.html");
            return 0;
        } else if (ch == O_GANTT)
            gantt = optarg;
        else if (ch == O_HTML)
            html = optarg;
        else if (ch == O_JSON)
            json = true;
        else if (ch == O_PROFILE)
            profile = true;
        else
            return 2;
    }
    for (int i = optind; i < argc; i++)
        if (socm_cli_state_dir_arg("report", argv[i], &dir) != 0)
            return 2;
    if (!dir)
        return socm_cli_usage("report", "no state directory given");
    if ((gantt && socm_cli_output_outside("report", gantt, dir) != 0) ||
        (html && socm_cli_output_outside("report", html, dir) != 0))
        return 2;
    struct socm_error err = {0};
    if (profile && socm_program_is_state_dir(dir))
        return socm_profile_program(dir, stdout, &err) == 0 ? 0 : socm_cli_fail("report", &err);
    if (profile)
        return socm_profile_report(dir, stdout, &err) == 0 ? 0 : socm_cli_fail("report", &err);
    struct socm_bk *bk = socm_bk_load(dir, &err);
    if (!bk)
        return socm_cli_fail("report", &err);
    struct socm_run_rows rr;
    socm_run_rows_of(bk, &rr);
    int code = 0;
    if (gantt || html) {
        if (gantt)
            code = write_gantt(gantt, &rr);
        if (html && code == 0) {
            if (socm_html_report_write(html, dir, bk, &err) == 0)
                printf("wrote %s\n", html);
            else
                code = socm_cli_fail("report", &err);
        }
    } else if (json) {
        report_json(bk, &rr);
    } else {
        report_text(bk, &rr);
    }
    socm_run_rows_free(&rr);
    socm_bk_free(bk);
    return code;
}

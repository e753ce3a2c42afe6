/* cmd_report.c — `socm report STATE_DIR`: planned vs actual per workflow, as a table,
 * JSON (--json), an SVG Gantt chart (--gantt FILE.svg) or one self-contained HTML
 * page (--html FILE.html). */
#include "cli/cli.h"
#include "manager/bookkeeper.h"
#include "api/program.h"
#include "report/profile.h"
#include "report/html_report.h"
#include "report/run_rows.h"

#include <getopt.h>
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
                 "table, JSON, or a Gantt chart in SVG with the planned bar above the actual\n"
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
    const struct socm_gantt_row *rows = rr.v;
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
        json_t *a = json_array();
        for (size_t i = 0; i < bk->spec.n; i++)
            json_array_append_new(
                a, json_pack("{s:i,s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:f}", "id", bk->spec.tasks[i].id,
                             "name", rows[i].name, "state", rows[i].state, "plan_start",
                             rows[i].plan_start, "plan_end", rows[i].plan_end, "start",
                             rows[i].start, "end", rows[i].end, "max_rss_mb", bk->w[i].max_rss_mb,
                             "cpu_s", bk->w[i].cpu_s));
        json_t *j = json_pack("{s:s,s:s,s:f,s:f,s:o}", "campaign", bk->spec.campaign, "state",
                              socm_cstate_name(bk->cstate), "planned_makespan_min",
                              bk->spec.makespan_min, "actual_min", (bk->t_end - bk->t_begin) / 60,
                              "workflows", a);
        char *t = json_dumps(j, JSON_INDENT(2));
        puts(t);
        free(t);
        json_decref(j);
    } else {
        printf("campaign %s: %s — planned makespan %.2f min, actual %.2f min\n",
               bk->spec.campaign, socm_cstate_name(bk->cstate), bk->spec.makespan_min,
               (bk->t_end - bk->t_begin) / 60);
        printf("%4s  %-28s %-9s %9s %9s %9s %9s %8s\n", "id", "workflow", "state", "plan.beg",
               "plan.end", "act.beg", "act.end", "RSS MB");
        for (size_t i = 0; i < bk->spec.n; i++)
            printf("%4d  %-28s %-9s %9.2f %9.2f %9.2f %9.2f %8.0f\n", bk->spec.tasks[i].id,
                   rows[i].name, rows[i].state, rows[i].plan_start, rows[i].plan_end,
                   rows[i].start, rows[i].end, bk->w[i].max_rss_mb);
    }
    socm_run_rows_free(&rr);
    socm_bk_free(bk);
    return code;
}

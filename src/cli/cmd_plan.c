/* cmd_plan.c — `socm plan FILE...`: load a campaign, work out each workflow's
 * requirements, plan it with the chosen policy (deadline search, QoS, bounds) and
 * print the plan as a table or JSON; optionally write a Gantt SVG and the DAG in
 * DOT. */
#include "cli/cli.h"
#include "cli/cli_checks.h"
#include "predict/predict.h"
#include "predict/requirements.h"
#include "report/dot.h"
#include "report/gantt_svg.h"
#include "report/plan_print.h"
#include "report/profile.h"
#include "planner/sites.h"
#include "socm/planner.h"
#include "util/human.h"
#include "util/proc.h"
#include "util/str.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void plan_help(void)
{
    puts("usage: socm plan [--policy NAME] [--json] [--gantt FILE.svg] [--dot FILE.dot]\n"
         "                 [--predict [--explain] [--history-db PATH]] FILE...\n"
         "       socm plan -t FILE [-t FILE...] | -y FILE   (the original's forms)\n"
         "\n"
         "Plans a campaign without running it: for each workflow a core range, memory,\n"
         "start and end (minutes from the campaign's start); then the policy, the\n"
         "allocation (cores), the QoS, the makespan, the pilot walltime, the lower bound\n"
         "(critical path, total work / cores) and the efficiency (bound / makespan).\n"
         "Requirements come from each workflow's resources: cores = ranks x threads,\n"
         "memory = memory (MB), walltime = runtime x 1.1 -- or, with --predict (or\n"
         "`predict = true` in [campaign]), walltime and memory predicted from the run\n"
         "history; then the requested and predicted values of each workflow and the\n"
         "core-hours saved are printed too.\n"
         "\n"
         "options:\n"
         "  --policy NAME     planner policy (default: the campaign's `policy`, else\n"
         "                    \"time\"; \"heft-socm\" gives the original tool's plan)\n"
         "  --json            print the plan as JSON (times in seconds, memory in MB)\n"
         "  --gantt FILE.svg  write a Gantt chart (cores x time, coloured by workflow\n"
         "                    type, or by site over several sites; the deadline)\n"
         "  --dot FILE.dot    write the DAG in Graphviz DOT\n"
         "  --predict         plan with walltime and memory predicted from history\n"
         "  --explain         (implies --predict) each workflow's model and margin, or\n"
         "                    why it fell back to its request\n"
         "  --profile         print the time spent loading, in requirements and planning\n"
         "                    (per site for a campaign over several sites) on stderr\n"
         "  --history-db PATH the history database (default: the campaign's\n"
         "                    history_db, $SOCM_HISTORY_DB, ~/.local/share/socm/history.db)\n"
         "  -t, --toml FILE, -y, --yaml FILE   campaign files (same as positional FILE)\n"
         "  -h, --help        this help\n"
         "\n"
         "The campaign may name a planner in a shared object: planner_plugin =\n"
         "\"path/lib.so\" in [campaign] (exporting `socm_planner_plugin`).\n"
         "\n"
         "example:\n"
         "  socm plan examples/quickstart.toml\n"
         "  socm plan --policy heft-socm --json --gantt plan.svg campaign.toml\n"
         "  socm plan --predict --explain campaign.toml\n"
         "\n"
         "exit status: 0 planned, 2 bad input, impossible deadline or memory, or no QoS.");
}

static void print_plan_profile(double t_load, const struct socm_sites_plan *sp)
{
    struct socm_phase ph[40] = {{"parse+expand", t_load}};
    size_t n = socm_profile_plan_phases(sp, ph, 1, 40);
    socm_profile_print_phases(stderr, ph, n);
}

/* Requested vs predicted per workflow, and the core-hours saved (seconds and MB, as
 * every --json output). */
static json_t *predictions_json(const struct socm_requirements *rq)
{
    json_t *a = json_array();
    for (size_t i = 0; i < rq->in.n; i++) {
        const struct socm_prediction *pr = &rq->preds[i];
        /* a fallback adds no margin: null, not 0 (docs/json.md) */
        json_t *margin = pr->walltime.predicted ? json_real(pr->walltime.margin) : json_null();
        json_array_append_new(
            a, json_pack("{s:s,s:s?,s:f,s:f,s:b,s:f,s:f,s:b,s:o,s:s,s:s}", "name", rq->names[i],
                         "job_name", pr->job_name, "requested_walltime_s",
                         rq->requested[i].walltime_min * 60, "walltime_s",
                         rq->reqs[i].walltime_min * 60, "walltime_predicted", pr->walltime.predicted,
                         "requested_memory_mb", rq->requested[i].memory_mb, "memory_mb",
                         rq->reqs[i].memory_mb, "memory_predicted", pr->memory.predicted,
                         "walltime_margin", margin, "walltime_why", pr->walltime.why,
                         "memory_why", pr->memory.why));
    }
    return json_pack("{s:o,s:f}", "workflows", a, "core_hours_saved",
                     socm_requirements_core_hours_saved(rq));
}

/* The plan as JSON: the campaign and its deadline, then the plan (plan_print.h). */
json_t *socm_cli_plan_json(const struct socm_campaign *c, const struct socm_sites_plan *sp)
{
    json_t *j = json_pack("{s:s,s:f}", "campaign", c->name, "deadline_s", c->deadline_min * 60);
    json_t *p = socm_sites_plan_json(sp);
    json_object_update(j, p);
    json_decref(p);
    if (sp->rq.preds)
        json_object_set_new(j, "predictions", predictions_json(&sp->rq));
    return j;
}

static void print_predictions(const struct socm_requirements *rq, bool explain)
{
    int w = 8;
    for (size_t i = 0; i < rq->in.n; i++) {
        int l = (int)strlen(rq->names[i]);
        w = l > w && l < 1000 ? l : w;
    }
    printf("\npredictions (requested -> planned):\n");
    printf("  %-*s  %9s  %10s  %9s  %10s\n", w, "workflow", "walltime", "predicted", "memory",
           "predicted");
    for (size_t i = 0; i < rq->in.n; i++) {
        const struct socm_prediction *pr = &rq->preds[i];
        char b1[32], b2[32], b3[32], b4[32];
        printf("  %-*s  %9s  %9s%s  %9s  %9s%s\n", w, rq->names[i],
               socm_human_minutes(rq->requested[i].walltime_min, b1, sizeof b1),
               socm_human_minutes(rq->reqs[i].walltime_min, b2, sizeof b2),
               pr->walltime.predicted ? " " : "*", socm_human_mb(rq->requested[i].memory_mb, b3, sizeof b3),
               socm_human_mb(rq->reqs[i].memory_mb, b4, sizeof b4), pr->memory.predicted ? " " : "*");
        if (explain)
            printf("    walltime: %s\n    memory:   %s\n", pr->walltime.why, pr->memory.why);
    }
    printf("  (* = fell back to the request%s)\n", explain ? "" : "; --explain says why");
    printf("core-hours saved: %.2f\n", socm_requirements_core_hours_saved(rq));
}

static int write_outputs(const struct socm_campaign *c, const struct socm_sites_plan *sp, const char *gantt,
                         const char *dot, struct socm_error *err)
{
    const struct socm_requirements *rq = &sp->rq;
    const struct socm_plan *plan = &sp->plan;
    if (gantt) {
        /* Colour by site on a campaign over several sites, else by workflow type
         * (a subcampaign's members are "SUB.MEMBER"). */
        const char **groups = calloc(plan->n ? plan->n : 1, sizeof *groups);
        for (size_t i = 0; i < c->n_wfs && i < plan->n; i++)
            groups[i] = sp->site ? c->sites[sp->site[i]].name : c->wfs[i]->type;
        struct socm_gantt_opts go = {c->name, c->deadline_min, groups, sp->site ? "site" : "workflow type"};
        int rc = socm_gantt_svg_write(gantt, plan, rq->names, &go, err);
        free(groups);
        if (rc < 0)
            return -1;
    }
    if (dot && socm_dot_write(dot, c->name, &c->dag, rq->names, rq->reqs, err) < 0)
        return -1;
    return 0;
}

int socm_cmd_plan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"policy", required_argument, NULL, 'p'}, {"json", no_argument, NULL, 'j'},
        {"gantt", required_argument, NULL, 'g'},  {"dot", required_argument, NULL, 'd'},
        {"toml", required_argument, NULL, 't'},   {"yaml", required_argument, NULL, 'y'},
        {"predict", no_argument, NULL, 'P'},      {"explain", no_argument, NULL, 'x'},
        {"history-db", required_argument, NULL, 'H'}, {"profile", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    struct socm_strv files = SOCM_STRV_INIT;
    const char *policy = NULL, *gantt = NULL, *dot = NULL, *history_db = NULL;
    bool json = false, predict = false, explain = false, profile = false;
    int ch;
    socm_cli_getopt_start();
    while ((ch = socm_cli_getopt("plan", argc, argv, "t:y:h", opts)) != -1) {
        switch (ch) {
        case 'p': policy = optarg; break;
        case 'j': json = true; break;
        case 'g': gantt = optarg; break;
        case 'd': dot = optarg; break;
        case 'P': predict = true; break;
        case 'x': explain = predict = true; break;
        case 'H': history_db = optarg; break;
        case 'F': profile = true; break;
        case 't':
        case 'y': socm_strv_push(&files, optarg); break;
        case 'h':
            socm_strv_free(&files);
            plan_help();
            return 0;
        default: /* the usage error is printed */
            socm_strv_free(&files);
            return 2;
        }
    }
    int rc = 0;
    double t_load = socm_mono();
    struct socm_campaign *c = socm_cli_load_campaign("plan", argc, argv, optind, &files, &rc);
    t_load = socm_mono() - t_load;
    if (!c)
        return rc;

    struct socm_error err = {0};
    struct socm_sites_plan sp;
    struct socm_plan_request req = {policy, predict, history_db};
    if (socm_sites_plan_make(c, &req, &sp, &err) < 0) {
        socm_cli_explain_deadline(c, &err);
        socm_campaign_free(c);
        return socm_cli_fail("plan", &err);
    }
    char *late = socm_cli_deadline_warning(c, sp.plan.makespan);
    if (late)
        fprintf(stderr, "%s\n", late);
    free(late);
    char *empty = socm_cli_empty_message(c, "warning: ");
    if (empty)
        fprintf(stderr, "%s\n", empty);
    free(empty);
    const struct socm_requirements *rq = &sp.rq;
    if (json) {
        json_t *j = socm_cli_plan_json(c, &sp);
        socm_cli_json_print(j);
        json_decref(j);
    } else {
        socm_sites_plan_print_table(stdout, &sp);
        if (rq->preds)
            print_predictions(rq, explain);
    }
    if (profile)
        print_plan_profile(t_load, &sp);
    if (write_outputs(c, &sp, gantt, dot, &err) < 0)
        rc = socm_cli_fail("plan", &err);
    socm_sites_plan_free(&sp);
    socm_campaign_free(c);
    return rc;
}

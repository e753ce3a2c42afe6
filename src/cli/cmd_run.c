/* cmd_run.c — `socm run FILE...`: load, plan and execute a campaign (also reached
 * through the original tool's forms `socm -t FILE`, `socm spectra -y FILE`). */
#include "campaign/campaign.h"
#include "cli/cli.h"
#include "cli/cli_checks.h"
#include "config/config.h"
#include "manager/bookkeeper.h"
#include "api/program.h"
#include "api/run_pipeline.h"
#include "state/spec.h"
#include "planner/sites.h"
#include "report/plan_print.h"
#include "report/profile.h"
#include "socm/planner.h"
#include "util/proc.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(void)
{
    puts("usage: socm run FILE... [--dry-run] [--simulate] [--enactor NAME] [--cores N]\n"
         "                [--memory SIZE] [--state-dir DIR] [--resume] [--profile] [--quiet]\n"
         "                [--predict] [--json] [-t FILE] [-y FILE] [-D KEY=VALUE]...\n"
         "                [--values FILE]\n"
         "\n"
         "Plans the campaign in FILE (TOML or YAML; several files are merged) and runs it\n"
         "(a program file with [[campaign_set]] entries runs its campaigns as a DAG, see\n"
         "docs/programs-and-sites.md)\n"
         "to the end. Progress is journaled in the state directory (default\n"
         "./socm-<campaign>/); a killed run continues with `socm resume DIR` or\n"
         "`socm run FILE --resume`, never re-running finished work.\n"
         "\n"
         "  --dry-run        print the plan and run nothing\n"
         "  --simulate       replay the plan on a virtual clock (dryrun enactor), with the\n"
         "                   same events and journal as a real run (in DIR-simulate)\n"
         "  --enactor NAME   local, dryrun, slurm-pilot, slurm-jobs or a plug-in .so\n"
         "                   (default: the campaign's; slurm-pilot on a Slurm cluster)\n"
         "  --cores N        cores the local enactor may use (default: all)\n"
         "  --memory SIZE    memory it may use (default: MemAvailable), e.g. 8G\n"
         "  --state-dir DIR  where the journal and sandboxes go\n"
         "  --resume         continue the campaign's existing state directory\n"
         "  --profile        print the time spent in each phase\n"
         "  --predict        plan with walltime and memory predicted from the run history\n"
         "                   (as `predict = true` in [campaign]; see `socm plan --explain`)\n"
         "  -D KEY=VALUE     a variable for FILE.j2 templates (a TOML value, else a string)\n"
         "  --values FILE    variables for templates from a TOML/YAML file (-D wins)\n"
         "  --json           when the run ends, print `socm status --json` of it; with\n"
         "                   --dry-run, the plan as `socm plan --json` prints it\n"
         "\n"
         "exit codes: 0 done, 1 failed, 2 bad input (a deadline no plan can meet and a\n"
         "campaign without workflows too), 3 the system refused, 130/143 stopped by\n"
         "SIGINT/SIGTERM.\n"
         "\n"
         "example:\n"
         "  socm run examples/quickstart.toml --cores 2\n"
         "  socm run campaign.toml.j2 -D 'bands=[\"f090\",\"f150\"]' -D deadline=8h");
}

/* This process's phases, then — from the journal — where the workflows' time went,
 * per phase, workflow type and site. */
static void print_profile(const struct socm_phase *ph, size_t n, const char *state_dir)
{
    socm_profile_print_phases(stderr, ph, n);
    struct socm_error err = {0};
    if (socm_profile_report(state_dir, stderr, &err) != 0)
        fprintf(stderr, "socm run: profile: %s\n", err.msg);
}

/* A program's profile: each campaign's wall time, then each one's phases. */
static void print_program_profile(const char *dir)
{
    struct socm_error err = {0};
    if (socm_profile_program(dir, stderr, &err) != 0)
        fprintf(stderr, "socm run: profile: %s\n", err.msg);
}

/* Whether the enactor can run this campaign here, before any state is written: it
 * exists, its workflows fit (local) or are sized (Slurm), and Slurm's commands are
 * there when a Slurm enactor — the default on a Slurm cluster — is to be used. */
static int check_can_run(const struct socm_campaign *c, const struct socm_run_opts *o)
{
    struct socm_errlist errs = {0};
    socm_cli_check_enactors(c, o->enactor, o->cores, o->memory_mb, &errs);
    for (size_t i = 0; i < errs.n; i++) {
        socm_cli_note_error(errs.msgs[i]);
        fprintf(stderr, "socm run: %s\n", errs.msgs[i]);
    }
    size_t n = errs.n;
    socm_errlist_free(&errs);
    if (n)
        return -1;
    bool slurm = socm_cli_enactor_is_slurm(o->enactor ? o->enactor : c->enactor);
    for (size_t k = 0; k < c->n_sites && !o->enactor; k++)
        slurm |= socm_cli_enactor_is_slurm(c->sites[k].enactor);
    struct socm_error why = {0};
    if (slurm && !socm_cli_slurm_reachable(&why)) {
        char *msg = socm_asprintf(
            "campaign %s runs on %s with the %s enactor%s, but Slurm cannot be "
            "used here (%s): see the plan with --dry-run, or run on this machine with "
            "enactor = \"local\" in [campaign] or --enactor local",
            c->name, c->resource_name ? c->resource_name : "its resource",
            o->enactor ? o->enactor : c->enactor,
            o->enactor || (c->config && socm_value_path(c->config, "campaign.enactor"))
                ? "" : " (the default for a Slurm cluster)",
            why.msg);
        socm_cli_note_error(msg);
        fprintf(stderr, "socm run: %s\n", msg);
        free(msg);
        return -1;
    }
    return 0;
}

/* What `socm run` adds to the run pipeline (api/run_pipeline.h). */
struct run_ctx {
    const struct socm_run_opts *o;
    bool dry, profile;
    struct socm_phase ph[40];
    size_t nph;
};

static void run_load_failed(void *ctx, const struct socm_errlist *errs)
{
    for (size_t i = 0; i < errs->n; i++) {
        socm_cli_note_error(errs->msgs[i]);
        fprintf(stderr, "socm run: %s\n", errs->msgs[i]);
    }
}

static int run_loaded(void *ctx, const struct socm_campaign *c)
{
    const struct run_ctx *rc = ctx;
    /* Nothing to run: refused before a state directory is made (a run that did
     * nothing is not a success); --dry-run prints the empty plan with the warning. */
    char *empty = socm_cli_empty_message(c, rc->dry ? "warning: " : "");
    if (empty && !rc->dry) {
        socm_cli_note_error(empty);
        fprintf(stderr, "socm run: %s\n", empty);
        free(empty);
        return 2;
    }
    if (empty)
        fprintf(stderr, "%s\n", empty);
    free(empty);
    if (!rc->dry && !rc->o->simulate && check_can_run(c, rc->o) != 0)
        return 2;
    return SOCM_PIPELINE_GO;
}

static void run_plan_failed(void *ctx, struct socm_campaign *c, struct socm_error *err)
{
    socm_cli_explain_deadline(c, err);
}

static int run_planned(void *ctx, const struct socm_campaign *c, const struct socm_sites_plan *sp)
{
    struct run_ctx *rc = ctx;
    rc->nph = socm_profile_plan_phases(sp, rc->ph, rc->nph, 39);
    char *late = socm_cli_deadline_warning(c, sp->plan.makespan);
    if (late)
        fprintf(stderr, "%s\n", late);
    free(late);
    if (!rc->dry)
        return SOCM_PIPELINE_GO;
    if (socm_cli_json_on()) {
        json_t *j = socm_cli_plan_json(c, sp);
        socm_cli_json_print(j);
        json_decref(j);
    } else {
        socm_sites_plan_print_table(stdout, sp);
    }
    if (rc->profile)
        socm_profile_print_phases(stderr, rc->ph, rc->nph);
    return 0;
}

int socm_cmd_run(int argc, char **argv)
{
    struct socm_strv files = SOCM_STRV_INIT;
    struct socm_strv defs = SOCM_STRV_INIT;
    const char *values = NULL;
    bool dry = false, resume = false, profile = false, predict = false;
    struct socm_run_opts o = {0};
    const char *state_dir = NULL;
    struct socm_error err = {0};
    enum { O_DRY = SOCM_CLI_OPT_FIRST_FREE, O_SIMULATE, O_RESUME, O_PROFILE, O_PREDICT, O_VALUES,
           O_STATE_DIR };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"dry-run", no_argument, NULL, O_DRY},
        {"simulate", no_argument, NULL, O_SIMULATE},
        {"resume", no_argument, NULL, O_RESUME},
        {"profile", no_argument, NULL, O_PROFILE},
        {"predict", no_argument, NULL, O_PREDICT},
        {"define", required_argument, NULL, 'D'},
        {"values", required_argument, NULL, O_VALUES},
        {"state-dir", required_argument, NULL, O_STATE_DIR},
        {"toml", required_argument, NULL, 't'},
        {"yaml", required_argument, NULL, 'y'},
        SOCM_CLI_EXEC_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("run", argc, argv, "hqD:t:y:", opts)) != -1) {
        int used = socm_cli_exec_option("run", ch, optarg, &o);
        if (used == 1)
            continue;
        switch (used < 0 ? '?' : ch) {
        case 'h':
            help();
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return 0;
        case O_DRY: dry = true; break;
        case O_SIMULATE: o.simulate = true; break;
        case O_RESUME: resume = true; break;
        case O_PROFILE: profile = true; break;
        case O_PREDICT: predict = true; break;
        case 'D': socm_strv_push(&defs, optarg); break;
        case O_VALUES: values = optarg; break;
        case O_STATE_DIR: state_dir = optarg; break;
        case 't':
        case 'y': socm_strv_push(&files, optarg); break;
        default:
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return 2;
        }
    }
    for (int i = optind; i < argc; i++)
        socm_strv_push(&files, argv[i]);
    if (files.n == 0) {
        socm_strv_free(&files);
        socm_strv_free(&defs);
        return socm_cli_usage("run", "no campaign file given");
    }
    o.tty = isatty(2);
    if (files.n == 1) {
        /* A program of campaigns runs as a DAG of campaigns. */
        struct socm_value *root = socm_config_load_file(files.v[0], &err);
        bool is_prog = socm_program_detect(root);
        socm_value_free(root);
        if (is_prog && dry) {
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return socm_cli_usage("run", "--dry-run plans one campaign; run it on each "
                                  "campaign file of the program");
        }
        if (is_prog) {
            o.tty = false; /* several campaigns: log lines, not one live line */
            socm_cli_outlive_terminal();
            /* The state directory for --json and --profile before the run: the
             * program file may be edited or gone by its end. */
            bool after = socm_cli_json_on() || profile;
            char *pd = after ? socm_program_state_dir(files.v[0], state_dir, &err) : NULL;
            int code = after && !pd ? -1
                                    : socm_program_run(files.v[0], state_dir, &o, resume, &err);
            if (code >= 0 && profile)
                print_program_profile(pd);
            if (code >= 0 && socm_cli_json_on() && socm_cli_program_json_print(pd, &err) != 0)
                code = -1;
            free(pd);
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return code < 0 ? socm_cli_fail("run", &err) : code;
        }
        memset(&err, 0, sizeof err);
    }
    struct run_ctx rc = {.o = &o, .dry = dry, .profile = profile, .ph = {{"parse+expand", 0}},
                         .nph = 1};
    struct socm_pipeline p = {
        .files = (const char *const *)files.v, .nfiles = files.n,
        .vars = {(const char *const *)defs.v, defs.n, values},
        .state_dir = state_dir, .resume = resume, .predict = predict, .opts = &o,
        .ctx = &rc, .load_failed = run_load_failed, .loaded = run_loaded,
        .plan_failed = run_plan_failed, .planned = run_planned,
    };
    /* A run replaces its campaign by its tasks a piece at a time and then holds them
     * for hours: its large blocks must go back to the system when freed, not leave
     * holes in the heap that stay resident (a sixth of the peak). */
    socm_memory_fix_mmap_threshold();
    int code = socm_pipeline_run(&p, &err);
    socm_strv_free(&defs);
    socm_strv_free(&files);
    if (code >= 0 && profile && p.ran_dir) {
        rc.ph[0].s = p.load_s;
        rc.ph[rc.nph++] = (struct socm_phase){"execute", p.exec_s};
        print_profile(rc.ph, rc.nph, p.ran_dir);
    }
    if (code >= 0 && p.ran_dir && socm_cli_json_on())
        socm_cli_status_json_print(p.ran_dir);
    free(p.ran_dir);
    return code < 0 ? socm_cli_fail("run", &err) : code;
}

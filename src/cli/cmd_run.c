/* cmd_run.c — `socm run FILE...`: load, plan and execute a campaign (also reached
 * through the original tool's forms `socm -t FILE`, `socm spectra -y FILE`). */
#include "campaign/campaign.h"
#include "cli/cli.h"
#include "cli/cli_checks.h"
#include "config/config.h"
#include "exec/bookkeeper.h"
#include "exec/program.h"
#include "exec/spec.h"
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
static void print_program_profile(const char *file, const char *state_dir)
{
    struct socm_error err = {0};
    char *dir = socm_program_state_dir(file, state_dir, &err);
    if (!dir || socm_profile_program(dir, stderr, &err) != 0)
        fprintf(stderr, "socm run: profile: %s\n", err.msg);
    free(dir);
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
            int code = socm_program_run(files.v[0], state_dir, &o, resume, &err);
            if (code >= 0 && profile)
                print_program_profile(files.v[0], state_dir);
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return code < 0 ? socm_cli_fail("run", &err) : code;
        }
        memset(&err, 0, sizeof err);
    }
    struct socm_phase ph[40] = {{"parse+expand", 0}};
    size_t nph = 1;
    double t0 = socm_mono();
    struct socm_errlist errs = {0};
    struct socm_template_vars tv = {(const char *const *)defs.v, defs.n, values};
    struct socm_campaign *c =
        socm_campaign_load_vars((const char *const *)files.v, files.n, &tv, &errs);
    socm_strv_free(&defs);
    socm_strv_free(&files);
    ph[0].s = socm_mono() - t0;
    if (!c) {
        for (size_t i = 0; i < errs.n; i++) {
            socm_cli_note_error(errs.msgs[i]);
            fprintf(stderr, "socm run: %s\n", errs.msgs[i]);
        }
        socm_errlist_free(&errs);
        return 2;
    }
    socm_errlist_free(&errs);
    /* Nothing to run: refused before a state directory is made (a run that did
     * nothing is not a success); --dry-run prints the empty plan with the warning. */
    char *empty = socm_cli_empty_message(c, dry ? "warning: " : "");
    if (empty && !dry) {
        socm_cli_note_error(empty);
        fprintf(stderr, "socm run: %s\n", empty);
        free(empty);
        socm_campaign_free(c);
        return 2;
    }
    if (empty)
        fprintf(stderr, "%s\n", empty);
    free(empty);
    if (!dry && !o.simulate && check_can_run(c, &o) != 0) {
        socm_campaign_free(c);
        return 2;
    }
    int code;
    if (resume) {
        char *sd = state_dir ? socm_strdup(state_dir)
                   : c->state_dir ? socm_strdup(c->state_dir)
                                  : socm_asprintf("./socm-%s", c->name);
        char *jp = socm_asprintf("%s/journal.jsonl", sd);
        bool exists = access(jp, F_OK) == 0;
        free(jp);
        if (exists) {
            socm_campaign_free(c);
            double t1 = socm_mono();
            code = socm_bk_resume(sd, &o, &err);
            ph[nph++] = (struct socm_phase){"execute", socm_mono() - t1};
            if (code >= 0 && profile)
                print_profile(ph, nph, sd);
            if (code >= 0 && socm_cli_json_on())
                socm_cli_status_json_print(sd);
            free(sd);
            return code < 0 ? socm_cli_fail("run", &err) : code;
        }
        free(sd); /* nothing to resume: a fresh run */
    }
    struct socm_sites_plan sp;
    struct socm_plan_request req = {NULL, predict, NULL};
    if (socm_sites_plan_make(c, &req, &sp, &err) < 0) {
        socm_cli_explain_deadline(c, &err);
        socm_campaign_free(c);
        return socm_cli_fail("run", &err);
    }
    nph = socm_profile_plan_phases(&sp, ph, nph, 39);
    char *late = socm_cli_deadline_warning(c, sp.plan.makespan);
    if (late)
        fprintf(stderr, "%s\n", late);
    free(late);
    if (dry && socm_cli_json_on()) {
        json_t *j = socm_cli_plan_json(c, &sp);
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        fputc('\n', stdout);
        json_decref(j);
    } else if (dry) {
        socm_sites_plan_print_table(stdout, &sp);
    }
    if (dry) {
        socm_sites_plan_free(&sp);
        socm_campaign_free(c);
        if (profile)
            socm_profile_print_phases(stderr, ph, nph);
        return 0;
    }
    /* A simulation journals like a real run, but must not take the real run's place. */
    char *sim_dir = NULL;
    if (o.simulate && !state_dir)
        state_dir = sim_dir = c->state_dir ? socm_asprintf("%s-simulate", c->state_dir)
                                           : socm_asprintf("./socm-%s-simulate", c->name);
    struct socm_spec spec;
    int rc = socm_spec_from_sites_plan(c, &sp, state_dir, &spec, &err);
    free(sim_dir);
    socm_sites_plan_free(&sp);
    socm_campaign_free(c);
    if (rc != 0)
        return socm_cli_fail("run", &err);
    char *sd = socm_strdup(spec.state_dir);
    t0 = socm_mono();
    code = socm_bk_run(&spec, &o, &err);
    ph[nph++] = (struct socm_phase){"execute", socm_mono() - t0};
    if (code >= 0 && profile)
        print_profile(ph, nph, sd);
    if (code >= 0 && socm_cli_json_on())
        socm_cli_status_json_print(sd);
    free(sd);
    return code < 0 ? socm_cli_fail("run", &err) : code;
}

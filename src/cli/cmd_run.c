/* cmd_run.c — `socm run FILE...`: load, plan and execute a campaign (also reached
 * through the original tool's forms `socm -t FILE`, `socm spectra -y FILE`). */
#include "campaign/campaign.h"
#include "cli/cli.h"
#include "config/config.h"
#include "exec/bookkeeper.h"
#include "exec/program.h"
#include "exec/spec.h"
#include "planner/sites.h"
#include "report/plan_print.h"
#include "report/profile.h"
#include "socm/planner.h"
#include "util/proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void help(void)
{
    puts("usage: socm run FILE... [--dry-run] [--simulate] [--enactor NAME] [--cores N]\n"
         "                [--memory SIZE] [--state-dir DIR] [--resume] [--profile] [--quiet]\n"
         "                [--predict] [-t FILE] [-y FILE] [-D KEY=VALUE]... [--values FILE]\n"
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
         "  --enactor NAME   local (default), dryrun, or a plug-in .so\n"
         "  --cores N        cores the local enactor may use (default: all)\n"
         "  --memory SIZE    memory it may use (default: MemAvailable), e.g. 8G\n"
         "  --state-dir DIR  where the journal and sandboxes go\n"
         "  --resume         continue the campaign's existing state directory\n"
         "  --profile        print the time spent in each phase\n"
         "  --predict        plan with walltime and memory predicted from the run history\n"
         "                   (as `predict = true` in [campaign]; see `socm plan --explain`)\n"
         "  -D KEY=VALUE     a variable for FILE.j2 templates (a TOML value, else a string)\n"
         "  --values FILE    variables for templates from a TOML/YAML file (-D wins)\n"
         "\n"
         "exit codes: 0 done, 1 failed (or cannot meet its deadline), 2 bad input,\n"
         "130/143 stopped by SIGINT/SIGTERM.\n"
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

int socm_cmd_run(int argc, char **argv)
{
    struct socm_strv files = SOCM_STRV_INIT;
    struct socm_strv defs = SOCM_STRV_INIT;
    const char *values = NULL;
    bool dry = false, resume = false, profile = false, predict = false;
    struct socm_run_opts o = {0};
    const char *state_dir = NULL;
    struct socm_error err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = NULL;
#define VAL(opt) (!strcmp(a, opt) ? (i + 1 < argc ? (v = argv[++i]) : NULL) \
                  : (!strncmp(a, opt "=", strlen(opt) + 1) ? (v = a + strlen(opt) + 1) : NULL))
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help();
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return 0;
        } else if (!strcmp(a, "--dry-run"))
            dry = true;
        else if (!strcmp(a, "--simulate"))
            o.simulate = true;
        else if (!strcmp(a, "--resume"))
            resume = true;
        else if (!strcmp(a, "--profile"))
            profile = true;
        else if (!strcmp(a, "--predict"))
            predict = true;
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            o.quiet = true;
        else if (VAL("--enactor"))
            o.enactor = v;
        else if (VAL("-D") || VAL("--define"))
            socm_strv_push(&defs, v);
        else if (!strncmp(a, "-D", 2) && a[2])
            socm_strv_push(&defs, a + 2);
        else if (VAL("--values"))
            values = v;
        else if (VAL("--state-dir"))
            state_dir = v;
        else if (VAL("--cores")) {
            char *e;
            o.cores = strtoll(v, &e, 10);
            if (*e || o.cores <= 0 || o.cores > SOCM_MAX_CORES) {
                socm_strv_free(&files);
                socm_strv_free(&defs);
                return socm_cli_usage("run", "--cores needs a positive integer of at most %lld, "
                                      "not '%s'", (long long)SOCM_MAX_CORES, v);
            }
        } else if (VAL("--memory")) {
            if (socm_units_parse_memory_mb(v, &o.memory_mb, &err) != 0 || o.memory_mb <= 0) {
                socm_strv_free(&files);
                socm_strv_free(&defs);
                return socm_cli_usage("run", "--memory: %s", err.msg[0] ? err.msg : "must be > 0");
            }
        } else if (VAL("-t") || VAL("--toml") || VAL("-y") || VAL("--yaml"))
            socm_strv_push(&files, v);
        else if (a[0] == '-' && a[1]) {
            socm_strv_free(&files);
            socm_strv_free(&defs);
            return socm_cli_usage("run", "unknown option '%s'", a);
        } else
            socm_strv_push(&files, a);
#undef VAL
    }
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
    socm_config_set_template_vars((const char *const *)defs.v, defs.n, values);
    struct socm_campaign *c = socm_campaign_load((const char *const *)files.v, files.n, &errs);
    socm_config_set_template_vars(NULL, 0, NULL);
    socm_strv_free(&defs);
    socm_strv_free(&files);
    ph[0].s = socm_mono() - t0;
    if (!c) {
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "socm run: %s\n", errs.msgs[i]);
        socm_errlist_free(&errs);
        return 2;
    }
    socm_errlist_free(&errs);
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
            free(sd);
            return code < 0 ? socm_cli_fail("run", &err) : code;
        }
        free(sd); /* nothing to resume: a fresh run */
    }
    struct socm_sites_plan sp;
    struct socm_plan_request req = {NULL, predict, NULL};
    if (socm_sites_plan_make(c, &req, &sp, &err) < 0) {
        socm_campaign_free(c);
        return socm_cli_fail("run", &err);
    }
    nph = socm_profile_plan_phases(&sp, ph, nph, 39);
    if (dry) {
        socm_sites_plan_print_table(stdout, &sp);
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
    free(sd);
    return code < 0 ? socm_cli_fail("run", &err) : code;
}

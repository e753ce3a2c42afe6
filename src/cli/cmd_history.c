/* cmd_history.c — `socm history`: the database of past runs that prediction learns
 * from — list, show, export as CSV, prune, train models, and record runs made
 * outside socm (from Slurm's sacct, or from given measures). */
#include "cli/cli.h"
#include "cli/history_import.h"
#include "cli/history_models.h"
#include "cli/history_train.h"
#include "config/config.h"
#include "predict/history.h"
#include "predict/jobspec.h"
#include "predict/predict.h"
#include "slurm/slurm.h"
#include "util/str.h"

#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const usage_text =
    "usage: socm history ACTION [options]\n"
    "\n"
    "The history database holds one row per finished workflow run (what it asked for,\n"
    "what it used). socm records every run it executes; prediction learns from it.\n"
    "\n"
    "actions:\n"
    "  list [--job-name N] [--campaign C] [--limit N] [--json]\n"
    "                                             runs, oldest first (--limit: newest N),\n"
    "                                             with the campaign each came from\n"
    "  show ID [--json]                           one run, every field, and its models\n"
    "  export --csv [--job-name N] [--campaign C] [-o FILE]\n"
    "                                             all runs as CSV (to stdout by default)\n"
    "  prune [--older-than D] [--job-name N] [--campaign C]\n"
    "                                             delete runs (D: 30d, 12h, 90m; number = days)\n"
    "        [--all]                              ...or every run\n"
    "  train [--job-name N] [--model M] [--degree 1-3] [--k K] [--seed S]\n"
    "        [--min-runs N] [--config FILE] [--verbose] [--json]\n"
    "                                             fit one model per job name, categories\n"
    "                                             and target; held-out R2, RMSE, error\n"
    "  evaluate [--folds 5] [--model M] [--job-name N] [--config FILE] [--json]\n"
    "                                             cross-validate every model kind (or M)\n"
    "  import --csv FILE [--skip-bad]             runs from CSV: export's columns, or at least\n"
    "                                             job_name, elapsed_s, max_rss_mb and one\n"
    "                                             column per feature (FILE - = stdin)\n"
    "  import --sacct [--user U] [--since 90d] [--job-name PATTERN] [--config FILE]\n"
    "                                             finished Slurm jobs (one sacct query);\n"
    "                                             features by [predict.job.NAME] job_spec\n"
    "  record --job-name NAME [--sacct JOBID[.STEP]] [--cmd \"COMMAND\" --config FILE]\n"
    "        [--elapsed S --max-rss MB --cpu S --state STATE] [--workflow TYPE]\n"
    "        [--resource NAME] [--numeric JSON] [--categorical JSON]\n"
    "        [--request-memory MB] [--request-runtime MIN]\n"
    "                                             add a run made outside socm\n"
    "\n"
    "models M: poly, knn, random_forest, and gbtree (alias xgboost) when built with\n"
    "XGBoost. --config FILE reads [predict] and [slurmise] (model_type, model_path,\n"
    "numeric_features, categorical_features, targets, training_data_path): train\n"
    "imports training_data_path first and saves the models to model_path.\n"
    "\n"
    "options for every action:\n"
    "  --history-db PATH   the database (default ~/.local/share/socm/history.db,\n"
    "                      or $SOCM_HISTORY_DB)\n"
    "\n"
    "With --sacct, Slurm's accounting gives Elapsed, MaxRSS x NTasks and TotalCPU\n"
    "(`sacct -P -n -j JOBID -o JobID,Elapsed,MaxRSS,NTasks,TotalCPU,State`). With --cmd\n"
    "and --config, the command line is parsed by the job's [predict.job.NAME] job_spec\n"
    "into the run's features.\n"
    "\n"
    "examples:\n"
    "  socm history list --job-name mapmaker\n"
    "  socm history list --campaign quickstart\n"
    "  socm history list --json --history-db ./h.db\n"
    "  socm history record --sacct 123456.0 --job-name nupack \\\n"
    "      --cmd \"nupack monomer -T 4 -C hard in.fa\" --config slurmise.toml\n"
    "  socm history train --model knn\n"
    "  socm history train --config slurmise.toml\n"
    "  socm history evaluate --folds 5 --json\n"
    "  socm history import --csv jobs.csv --skip-bad\n"
    "  socm history import --sacct --since 180d --config slurmise.toml\n"
    "  socm history prune --older-than 180d\n"
    "  socm history export --csv -o runs.csv\n";

struct opts {
    const char *db, *job_name, *model, *output, *sacct, *cmd, *config, *workflow, *resource;
    const char *numeric, *categorical, *state, *older_than, *campaign;
    double elapsed, max_rss, cpu, req_mem, req_min;
    long limit, degree, k, seed, min_runs, folds;
    bool json, csv, all, verbose, skip_bad, sacct_all;
    const char *user, *since;
    struct socm_strv pos; /* action and its operands */
};

enum {
    O_DB = 1000, O_JOB, O_MODEL, O_SACCT, O_CMD, O_CONFIG, O_WORKFLOW, O_RESOURCE, O_NUMERIC,
    O_CATEGORICAL, O_STATE, O_OLDER, O_ELAPSED, O_MAXRSS, O_CPU, O_REQMEM, O_REQMIN, O_LIMIT,
    O_DEGREE, O_K, O_SEED, O_MINRUNS, O_JSON, O_CSV, O_ALL, O_HELP, O_CAMPAIGN, O_VERBOSE, O_SKIPBAD, O_FOLDS, O_SACCT_ALL, O_USER, O_SINCE,
};

static const struct option long_opts[] = {
    {"history-db", required_argument, NULL, O_DB}, {"job-name", required_argument, NULL, O_JOB},
    {"model", required_argument, NULL, O_MODEL}, {"output", required_argument, NULL, 'o'},
    {"sacct", required_argument, NULL, O_SACCT}, {"cmd", required_argument, NULL, O_CMD},
    {"config", required_argument, NULL, O_CONFIG}, {"workflow", required_argument, NULL, O_WORKFLOW},
    {"resource", required_argument, NULL, O_RESOURCE}, {"numeric", required_argument, NULL, O_NUMERIC},
    {"categorical", required_argument, NULL, O_CATEGORICAL}, {"state", required_argument, NULL, O_STATE},
    {"older-than", required_argument, NULL, O_OLDER}, {"elapsed", required_argument, NULL, O_ELAPSED},
    {"max-rss", required_argument, NULL, O_MAXRSS}, {"cpu", required_argument, NULL, O_CPU},
    {"request-memory", required_argument, NULL, O_REQMEM},
    {"request-runtime", required_argument, NULL, O_REQMIN},
    {"limit", required_argument, NULL, O_LIMIT}, {"degree", required_argument, NULL, O_DEGREE},
    {"k", required_argument, NULL, O_K}, {"seed", required_argument, NULL, O_SEED},
    {"min-runs", required_argument, NULL, O_MINRUNS}, {"json", no_argument, NULL, O_JSON},
    {"csv", no_argument, NULL, O_CSV}, {"all", no_argument, NULL, O_ALL},
    {"help", no_argument, NULL, O_HELP}, {"campaign", required_argument, NULL, O_CAMPAIGN},
    {"verbose", no_argument, NULL, O_VERBOSE}, {"skip-bad", no_argument, NULL, O_SKIPBAD},
    {"folds", required_argument, NULL, O_FOLDS}, {"sacct-all", no_argument, NULL, O_SACCT_ALL},
    {"user", required_argument, NULL, O_USER}, {"since", required_argument, NULL, O_SINCE},
    {NULL, 0, NULL, 0},
};

static int number_arg(const char *opt, const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < 0)
        return socm_cli_usage("history", "%s wants a non-negative number, not \"%s\"", opt, s);
    *out = v;
    return 0;
}

static int long_arg(const char *opt, const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0)
        return socm_cli_usage("history", "%s wants a non-negative integer, not \"%s\"", opt, s);
    *out = v;
    return 0;
}

/* Returns -1 to continue, or the exit code. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    socm_cli_getopt_start();
    int c;
    while ((c = socm_cli_getopt("history", argc, argv, "-o:h", long_opts)) != -1) {
        int rc = 0;
        switch (c) {
        case 1: socm_strv_push(&o->pos, optarg); break;
        case O_DB: o->db = optarg; break;
        case O_JOB: o->job_name = optarg; break;
        case O_MODEL: o->model = optarg; break;
        case 'o': o->output = optarg; break;
        case O_SACCT: o->sacct = optarg; break;
        case O_CMD: o->cmd = optarg; break;
        case O_CONFIG: o->config = optarg; break;
        case O_WORKFLOW: o->workflow = optarg; break;
        case O_RESOURCE: o->resource = optarg; break;
        case O_NUMERIC: o->numeric = optarg; break;
        case O_CATEGORICAL: o->categorical = optarg; break;
        case O_STATE: o->state = optarg; break;
        case O_OLDER: o->older_than = optarg; break;
        case O_ELAPSED: rc = number_arg("--elapsed", optarg, &o->elapsed); break;
        case O_MAXRSS: rc = number_arg("--max-rss", optarg, &o->max_rss); break;
        case O_CPU: rc = number_arg("--cpu", optarg, &o->cpu); break;
        case O_REQMEM: rc = number_arg("--request-memory", optarg, &o->req_mem); break;
        case O_REQMIN: rc = number_arg("--request-runtime", optarg, &o->req_min); break;
        case O_LIMIT: rc = long_arg("--limit", optarg, &o->limit); break;
        case O_DEGREE: rc = long_arg("--degree", optarg, &o->degree); break;
        case O_K: rc = long_arg("--k", optarg, &o->k); break;
        case O_SEED: rc = long_arg("--seed", optarg, &o->seed); break;
        case O_MINRUNS: rc = long_arg("--min-runs", optarg, &o->min_runs); break;
        case O_JSON: o->json = true; break;
        case O_CSV: o->csv = true; break;
        case O_ALL: o->all = true; break;
        case O_CAMPAIGN: o->campaign = optarg; break;
        case O_VERBOSE: o->verbose = true; break;
        case O_SKIPBAD: o->skip_bad = true; break;
        case O_FOLDS: rc = long_arg("--folds", optarg, &o->folds); break;
        case O_SACCT_ALL: o->sacct_all = true; break;
        case O_USER: o->user = optarg; break;
        case O_SINCE: o->since = optarg; break;
        case 'h':
        case O_HELP: fputs(usage_text, stdout); return 0;
        default: return 2; /* the usage error is printed */
        }
        if (rc)
            return rc;
    }
    return -1;
}

/* ---- output helpers ---- */

/* A timestamp (epoch seconds), or null when not recorded. */
static json_t *when_json(double t)
{
    return t > 0 ? json_real(t) : json_null();
}

/* One run as JSON: the CSV's columns, but with the runtime in seconds like every
 * --json output (docs/json.md). */
static json_t *run_json(const struct socm_history_run *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "job_name", json_string(r->job_name));
    json_object_set_new(o, "workflow", json_string(r->workflow));
    json_object_set_new(o, "command", json_string(r->command));
    json_object_set_new(o, "categorical", socm_history_json_or_text(r->categorical_json));
    json_object_set_new(o, "numeric", socm_history_json_or_text(r->numeric_json));
    json_object_set_new(o, "ranks", json_integer(r->ranks));
    json_object_set_new(o, "threads", json_integer(r->threads));
    /* 0: not requested (a run recorded from outside a campaign) */
    json_object_set_new(o, "req_memory_mb", r->req_memory_mb > 0 ? json_real(r->req_memory_mb) : json_null());
    json_object_set_new(o, "req_runtime_s",
                        r->req_runtime_min > 0 ? json_real(r->req_runtime_min * 60) : json_null());
    json_object_set_new(o, "elapsed_s", json_real(r->elapsed_s));
    json_object_set_new(o, "max_rss_mb", json_real(r->max_rss_mb));
    json_object_set_new(o, "cpu_s", json_real(r->cpu_s));
    json_object_set_new(o, "state", json_string(r->state));
    json_object_set_new(o, "resource", json_string(r->resource));
    json_object_set_new(o, "where", json_string(r->location));
    json_object_set_new(o, "started_at", when_json(r->started_at));
    json_object_set_new(o, "finished_at", when_json(r->finished_at));
    json_object_set_new(o, "recorded_at", when_json(r->recorded_at));
    json_object_set_new(o, "campaign", r->campaign && *r->campaign ? json_string(r->campaign) : json_null());
    return o;
}

static void put_json(json_t *j)
{
    socm_cli_json_print(j);
}

static void format_time(double t, char *buf, size_t n)
{
    if (t <= 0) {
        snprintf(buf, n, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static struct socm_history *open_db(const struct opts *o, struct socm_error *err)
{
    return socm_history_open(o->db, err);
}

/* ---- actions ---- */

/* Width of the widest of a column's values (at least its heading's, at most max). */
static int col_width(const struct socm_history_runs *runs, size_t off, const char *head, int max)
{
    int w = (int)strlen(head);
    for (size_t i = 0; i < runs->n; i++) {
        const char *v = *(const char *const *)((const char *)&runs->v[i] + off);
        int n = v && *v ? (int)strlen(v) : 1;
        w = n > w ? n : w;
    }
    return w > max ? max : w;
}

/* The runs as a table whose name columns are as wide as their longest value (up to
 * a limit; longer values push the row rather than break the column's alignment
 * for all the others). */
static void print_runs(const struct socm_history_runs *runs)
{
    int wj = col_width(runs, offsetof(struct socm_history_run, job_name), "JOB", 32);
    int wc = col_width(runs, offsetof(struct socm_history_run, campaign), "CAMPAIGN", 24);
    int ww = col_width(runs, offsetof(struct socm_history_run, workflow), "WORKFLOW", 20);
    printf("%-6s %-*s %-*s %-*s %-10s %10s %11s %10s %-14s %s\n", "ID", wc, "CAMPAIGN", wj, "JOB", ww,
           "WORKFLOW", "STATE", "ELAPSED_S", "MAX_RSS_MB", "CPU_S", "WHERE", "FINISHED");
    for (size_t i = 0; i < runs->n; i++) {
        const struct socm_history_run *r = &runs->v[i];
        char when[32];
        format_time(r->finished_at, when, sizeof when);
        printf("%-6lld %-*s %-*s %-*s %-10s %10.1f %11.1f %10.1f %-14s %s\n", (long long)r->id, wc,
               r->campaign && *r->campaign ? r->campaign : "-", wj, r->job_name, ww,
               r->workflow[0] ? r->workflow : "-", r->state[0] ? r->state : "-", r->elapsed_s, r->max_rss_mb,
               r->cpu_s, r->location[0] ? r->location : "-", when);
    }
}

static int do_list(const struct opts *o)
{
    struct socm_error err = {0};
    struct socm_history *h = open_db(o, &err);
    if (!h)
        return socm_cli_fail("history", &err);
    struct socm_history_filter f = {.job_name = o->job_name, .campaign = o->campaign, .limit = (size_t)o->limit};
    struct socm_history_runs runs = {0};
    int rc = socm_history_query(h, &f, &runs, &err);
    if (rc == 0 && o->json) {
        json_t *root = json_object(), *arr = json_array();
        for (size_t i = 0; i < runs.n; i++)
            json_array_append_new(arr, run_json(&runs.v[i]));
        json_object_set_new(root, "runs", arr);
        put_json(root);
        json_decref(root);
    } else if (rc == 0) {
        print_runs(&runs);
        if (runs.n == 0)
            printf("(no runs%s%s in %s)\n", o->campaign ? " of campaign " : "", o->campaign ? o->campaign : "",
                   socm_history_path(h));
    }
    socm_history_runs_free(&runs);
    socm_history_close(h);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

static void print_models(struct socm_history *h, const struct socm_history_run *r);

static int do_show(const struct opts *o)
{
    if (o->pos.n != 2)
        return socm_cli_usage("history", "show wants one run ID (see `socm history list`)");
    char *end;
    long long id = strtoll(o->pos.v[1], &end, 10);
    if (*end || id <= 0)
        return socm_cli_usage("history", "\"%s\" is not a run ID", o->pos.v[1]);
    struct socm_error err = {0};
    struct socm_history *h = open_db(o, &err);
    if (!h)
        return socm_cli_fail("history", &err);
    struct socm_history_filter f = {.id = id};
    struct socm_history_runs runs = {0};
    int rc = socm_history_query(h, &f, &runs, &err);
    if (rc == 0 && runs.n == 0) {
        fprintf(stderr, "socm history: no run %lld in %s\n", id, socm_history_path(h));
        rc = 2;
    } else if (rc == 0 && o->json) {
        json_t *j = run_json(&runs.v[0]);
        put_json(j);
        json_decref(j);
    } else if (rc == 0) {
        const struct socm_history_run *r = &runs.v[0];
        char s[32], e[32], rec[32];
        format_time(r->started_at, s, sizeof s);
        format_time(r->finished_at, e, sizeof e);
        format_time(r->recorded_at, rec, sizeof rec);
        printf("run %lld\n  job name     %s\n  workflow     %s\n  command      %s\n"
               "  categorical  %s\n  numeric      %s\n  requested    %lld ranks x %lld threads, "
               "%.6g MB, %.6g min\n  used         %.3f s elapsed, %.1f MB max RSS, %.3f s CPU\n"
               "  state        %s\n  where        %s on %s\n  started      %s\n  finished     %s\n"
               "  recorded     %s\n  campaign     %s\n",
               (long long)r->id, r->job_name, r->workflow, r->command, r->categorical_json,
               r->numeric_json, (long long)r->ranks, (long long)r->threads, r->req_memory_mb,
               r->req_runtime_min, r->elapsed_s, r->max_rss_mb, r->cpu_s, r->state,
               r->location[0] ? r->location : "-", r->resource[0] ? r->resource : "-", s, e, rec,
               r->campaign && *r->campaign ? r->campaign : "-");
        print_models(h, r);
    }
    socm_history_runs_free(&runs);
    socm_history_close(h);
    if (rc < 0)
        return socm_cli_fail("history", &err);
    return rc;
}

/* The stored models of a run's group (used by show). */
static void print_models(struct socm_history *h, const struct socm_history_run *r)
{
    struct socm_predictor *p = NULL;
    struct socm_predict_options po;
    socm_predict_options_default(&po);
    po.auto_train = false;
    p = socm_predictor_new(h, &po);
    struct socm_prediction pr;
    struct socm_error err = {0};
    if (socm_predict_features(p, r->job_name, r->categorical_json, r->numeric_json,
                              r->req_runtime_min, r->req_memory_mb, true, &pr, &err) == 0) {
        printf("  model now    walltime %.4g min: %s\n", pr.walltime.value, pr.walltime.why);
        printf("               memory %.4g MB: %s\n", pr.memory.value, pr.memory.why);
        socm_prediction_clear(&pr);
    }
    socm_predictor_close(p);
}

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static int do_export(const struct opts *o)
{
    if (!o->csv)
        return socm_cli_usage("history", "export needs a format: --csv");
    struct socm_error err = {0};
    struct socm_history *h = open_db(o, &err);
    if (!h)
        return socm_cli_fail("history", &err);
    struct socm_history_filter f = {.job_name = o->job_name, .campaign = o->campaign};
    struct socm_history_runs runs = {0};
    if (socm_history_query(h, &f, &runs, &err) != 0) {
        socm_history_close(h);
        return socm_cli_fail("history", &err);
    }
    FILE *out = o->output ? fopen(o->output, "w") : stdout;
    if (!out) {
        socm_error_errno(&err, "cannot write %s", o->output);
        socm_history_runs_free(&runs);
        socm_history_close(h);
        return socm_cli_fail("history", &err);
    }
    fputs("id,job_name,workflow,command,categorical,numeric,ranks,threads,req_memory_mb,"
          "req_runtime_min,elapsed_s,max_rss_mb,cpu_s,state,resource,where,started_at,"
          "finished_at,recorded_at,campaign\n", out);
    for (size_t i = 0; i < runs.n; i++) {
        const struct socm_history_run *r = &runs.v[i];
        fprintf(out, "%lld,", (long long)r->id);
        const char *texts[] = {r->job_name, r->workflow, r->command, r->categorical_json, r->numeric_json};
        for (size_t k = 0; k < 5; k++) {
            csv_field(out, texts[k]);
            fputc(',', out);
        }
        fprintf(out, "%lld,%lld,%.17g,%.17g,%.17g,%.17g,%.17g,", (long long)r->ranks,
                (long long)r->threads, r->req_memory_mb, r->req_runtime_min, r->elapsed_s,
                r->max_rss_mb, r->cpu_s);
        csv_field(out, r->state);
        fputc(',', out);
        csv_field(out, r->resource);
        fputc(',', out);
        csv_field(out, r->location);
        fprintf(out, ",%.17g,%.17g,%.17g,", r->started_at, r->finished_at, r->recorded_at);
        csv_field(out, r->campaign ? r->campaign : "");
        fputc('\n', out);
    }
    int bad = out != stdout ? fclose(out) : fflush(out);
    socm_history_runs_free(&runs);
    socm_history_close(h);
    if (bad) {
        socm_error_errno(&err, "cannot write %s", o->output ? o->output : "stdout");
        return socm_cli_fail("history", &err);
    }
    return 0;
}

/* "30d", "12h", "90m", "45s", "2w"; a bare number is days. */
static int parse_age_s(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0 || !isfinite(v))
        return -1;
    double f = !*end ? 86400 : !strcmp(end, "d") ? 86400 : !strcmp(end, "h") ? 3600
             : !strcmp(end, "m") ? 60 : !strcmp(end, "s") ? 1 : !strcmp(end, "w") ? 604800 : 0;
    if (f == 0)
        return -1;
    *out = v * f;
    return 0;
}

static int do_prune(const struct opts *o)
{
    if (!o->older_than && !o->job_name && !o->campaign && !o->all)
        return socm_cli_usage("history", "prune needs --older-than D, --job-name N, --campaign C or --all");
    struct socm_history_filter f = {.job_name = o->job_name, .campaign = o->campaign};
    if (o->older_than) {
        double age;
        if (parse_age_s(o->older_than, &age) != 0)
            return socm_cli_usage("history", "--older-than wants an age like 30d, 12h, 90m (not \"%s\")",
                                  o->older_than);
        f.finished_before = (double)time(NULL) - age;
    }
    struct socm_error err = {0};
    struct socm_history *h = open_db(o, &err);
    if (!h)
        return socm_cli_fail("history", &err);
    int64_t n = 0;
    int rc = socm_history_prune(h, &f, &n, &err);
    if (rc == 0)
        printf("pruned %lld run%s from %s\n", (long long)n, n == 1 ? "" : "s", socm_history_path(h));
    socm_history_close(h);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

static int do_models(const struct opts *o, bool evaluate)
{
    struct socm_history_model_args a = {
        .db = o->db, .job_name = o->job_name, .model = o->model, .config = o->config, .degree = o->degree,
        .k = o->k, .seed = o->seed, .min_runs = o->min_runs, .folds = o->folds, .json = o->json,
        .verbose = o->verbose, .skip_bad = o->skip_bad};
    return evaluate ? socm_history_evaluate_cmd(&a) : socm_history_train_cmd(&a);
}

/* Features of --cmd through the job specifications of --config. */
static int features_from_cmd(const struct opts *o, struct socm_history_run *run, struct socm_error *err)
{
    struct socm_value *cfg = socm_config_load_file(o->config, err);
    if (!cfg)
        return -1;
    struct socm_jobspecs *specs = socm_jobspecs_from_config(socm_table_get(cfg, "predict"), err);
    int rc = -1;
    if (specs) {
        const struct socm_jobspec *j = socm_jobspecs_find(specs, o->job_name);
        if (!j)
            socm_error_set(err, SOCM_E_INPUT, "%s has no [predict.job.%s]", o->config, o->job_name);
        else {
            free(run->categorical_json);
            free(run->numeric_json);
            run->categorical_json = run->numeric_json = NULL;
            rc = socm_jobspec_parse(specs, j, o->cmd, &run->categorical_json, &run->numeric_json, err);
        }
    }
    socm_jobspecs_free(specs);
    socm_value_free(cfg);
    return rc;
}

/* Asks sacct about the job (or step) and takes its measures into run. */
static int measures_from_sacct(const char *jobid, struct socm_history_run *run, struct socm_error *err)
{
    for (const char *p = jobid; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '+')
            return socm_error_set(err, SOCM_E_INPUT, "\"%s\" is not a Slurm job ID", jobid);
    struct socm_strv ids = SOCM_STRV_INIT;
    socm_strv_push(&ids, jobid);
    struct socm_sacct acct;
    int rc = socm_slurm_sacct(NULL, &ids, NULL, &acct, err);
    if (rc == 0)
        rc = socm_history_run_from_sacct(&acct, jobid, run, err);
    socm_sacct_free(&acct);
    socm_strv_free(&ids);
    return rc;
}

static int check_json_object(const char *opt, const char *s)
{
    json_t *j = json_loads(s, 0, NULL);
    bool ok = json_is_object(j);
    json_decref(j);
    return ok ? 0 : socm_cli_usage("history", "%s wants a JSON object, e.g. '{\"n\": 3}'", opt);
}

/* Canonical form (sorted keys) so that equal categories group together. */
static char *canonical_json(const char *s)
{
    json_t *j = json_loads(s, 0, NULL);
    char *d = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
    char *c = socm_strdup(d ? d : "{}");
    free(d);
    json_decref(j);
    return c;
}

static int parse_age_s(const char *s, double *out);

/* import --csv FILE (the file is the operand after the action: --csv is a flag, as
 * for export), or import --sacct (see socm_cmd_history). */
static int do_import(const struct opts *o)
{
    if (o->sacct_all) {
        double since = 90 * 86400.0;
        if (o->since && parse_age_s(o->since, &since) != 0)
            return socm_cli_usage("history", "--since wants an age like 90d, 12h (not \"%s\")", o->since);
        if (o->pos.n != 1 || o->csv)
            return socm_cli_usage("history", "import --sacct takes no file");
        struct socm_sacct_import_args a = {o->db, o->config, o->user, o->job_name, since};
        return socm_history_import_sacct_cmd(&a);
    }
    if (!o->csv)
        return socm_cli_usage("history", "import needs a source: --csv FILE or --sacct");
    if (o->pos.n != 2)
        return socm_cli_usage("history", "import --csv wants one FILE (- for stdin)");
    return socm_history_import_csv_cmd(o->db, o->pos.v[1], o->skip_bad);
}

static int do_record(const struct opts *o)
{
    if (!o->job_name)
        return socm_cli_usage("history", "record needs --job-name NAME");
    if (o->cmd && !o->config && !o->numeric && !o->categorical)
        fprintf(stderr, "socm history: note: without --config, --cmd is stored but not parsed into features\n");
    if (o->config && !o->cmd)
        return socm_cli_usage("history", "--config parses --cmd; give the command line too");
    if (!o->sacct && o->elapsed <= 0)
        return socm_cli_usage("history", "record needs --sacct JOBID or --elapsed SECONDS");
    if ((o->numeric && check_json_object("--numeric", o->numeric)) ||
        (o->categorical && check_json_object("--categorical", o->categorical)))
        return 2;
    struct socm_history_run run = {0};
    run.job_name = socm_strdup(o->job_name);
    run.workflow = socm_strdup(o->workflow ? o->workflow : "external");
    run.command = socm_strdup(o->cmd ? o->cmd : "");
    run.categorical_json = canonical_json(o->categorical ? o->categorical : "{}");
    run.numeric_json = canonical_json(o->numeric ? o->numeric : "{}");
    run.req_memory_mb = o->req_mem;
    run.req_runtime_min = o->req_min;
    run.elapsed_s = o->elapsed;
    run.max_rss_mb = o->max_rss;
    run.cpu_s = o->cpu;
    run.state = socm_strdup(o->state ? o->state : SOCM_HISTORY_COMPLETED);
    run.resource = socm_strdup(o->resource ? o->resource : o->sacct ? "slurm" : "local");
    run.location = socm_strdup(o->sacct ? o->sacct : "local");
    run.campaign = socm_strdup(o->campaign ? o->campaign : "");
    run.finished_at = (double)time(NULL);
    struct socm_error err = {0};
    int rc = 0;
    if (o->config)
        rc = features_from_cmd(o, &run, &err);
    if (rc == 0 && o->sacct)
        rc = measures_from_sacct(o->sacct, &run, &err);
    if (rc == 0 && o->state) { /* an explicit state wins over sacct's */
        free(run.state);
        run.state = socm_strdup(o->state);
    }
    if (rc == 0 && run.elapsed_s > 0)
        run.started_at = run.finished_at - run.elapsed_s;
    struct socm_history *h = rc == 0 ? open_db(o, &err) : NULL;
    if (h)
        rc = socm_history_record(h, &run, &err);
    else
        rc = -1;
    if (rc == 0)
        printf("recorded run %lld: %s, %.3f s elapsed, %.1f MB max RSS, %s, features %s %s\n",
               (long long)run.id, run.job_name, run.elapsed_s, run.max_rss_mb, run.state,
               run.numeric_json, run.categorical_json);
    socm_history_close(h);
    socm_history_run_clear(&run);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

int socm_cmd_history(int argc, char **argv)
{
    /* `import --sacct` takes no job id (record's --sacct does): spelled apart so that
     * the option after it is not taken for one */
    bool importing = false;
    for (int i = 1; i < argc && !importing; i++)
        importing = !strcmp(argv[i], "import");
    for (int i = 1; importing && i < argc; i++)
        if (!strcmp(argv[i], "--sacct"))
            argv[i] = (char *)"--sacct-all";
    struct opts o = {0};
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0) {
        socm_strv_free(&o.pos);
        return rc;
    }
    const char *action = o.pos.n ? o.pos.v[0] : NULL;
    if (action && strcmp(action, "show") != 0 && strcmp(action, "import") != 0 && o.pos.n > 1)
        rc = socm_cli_usage("history", "unexpected argument \"%s\"", o.pos.v[1]);
    else if (!action)
        rc = socm_cli_usage("history", "which action? list, show, export, import, prune, train, evaluate or record");
    else if (!strcmp(action, "list"))
        rc = do_list(&o);
    else if (!strcmp(action, "show"))
        rc = do_show(&o);
    else if (!strcmp(action, "export"))
        rc = do_export(&o);
    else if (!strcmp(action, "prune"))
        rc = do_prune(&o);
    else if (!strcmp(action, "train"))
        rc = do_models(&o, false);
    else if (!strcmp(action, "evaluate"))
        rc = do_models(&o, true);
    else if (!strcmp(action, "record"))
        rc = do_record(&o);
    else if (!strcmp(action, "import"))
        rc = do_import(&o);
    else
        rc = socm_cli_usage("history", "unknown action \"%s\"", action);
    socm_strv_free(&o.pos);
    return rc;
}

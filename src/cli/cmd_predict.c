/* cmd_predict.c — `socm predict`: the walltime and memory a command line will need,
 * predicted from the history of its job (features parsed by the job's
 * [predict.job.NAME] job_spec), with the features shown and every fallback said. */
#include "cli/cli.h"
#include "config/config.h"
#include "predict/jobspec.h"
#include "predict/predict.h"
#include "predict/slurmise.h"
#include "util/str.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const usage_text =
    "usage: socm predict [--job-name NAME] [--config FILE] [--history-db PATH]\n"
    "                    [--model M] [--json] \"COMMAND LINE\"\n"
    "\n"
    "Predicts the walltime and memory of a command from past runs of its job, the way\n"
    "slurmise does: the job's `job_spec` in FILE turns the command line into numeric\n"
    "and categorical features; the model of (job, categories) predicts; a safety\n"
    "margin from its held-out error is added. With too little or too poor history the\n"
    "job's default_time / default_mem are used, and the output says why.\n"
    "\n"
    "  --job-name NAME     the job (default: the one whose job_prefix starts the command)\n"
    "  --config FILE       TOML/YAML with [predict.job.NAME] tables (see below)\n"
    "  --history-db PATH   the history (default ~/.local/share/socm/history.db)\n"
    "  --model M           model kind to train with when none is stored (default poly)\n"
    "  --json              machine-readable output (walltime in seconds, memory in MB)\n"
    "Options may follow the command line when it is one quoted argument; after an\n"
    "unquoted command line every word is the command's.\n"
    "\n"
    "config example:\n"
    "  [predict]\n"
    "  minimum_mem = 100          # MB\n"
    "  minimum_time = 1           # minutes\n"
    "  [predict.job.nupack]\n"
    "  job_spec = \"monomer -T {threads:numeric} -C {complexity:category} {input:file}\"\n"
    "  default_mem = \"2G\"\n"
    "  default_time = \"1h\"\n"
    "  file_parsers.input = \"file_size,epochs\"\n"
    "  [predict.file_parsers.epochs]\n"
    "  awk_script = \"/^epochs:/ {print $2}\"\n"
    "  return_type = \"numeric\"\n"
    "\n"
    "example:\n"
    "  socm predict --config slurmise.toml \"nupack monomer -T 4 -C hard input.fa\"\n";

struct popts {
    const char *job_name, *config, *db, *model;
    bool json;
    struct socm_strv words;
};

static const struct option predict_options[] = {
    {"job-name", required_argument, NULL, 'j'}, {"config", required_argument, NULL, 'c'},
    {"history-db", required_argument, NULL, 'd'}, {"model", required_argument, NULL, 'm'},
    {"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

/* Options until getopt ends (-1), 0 after --help, 2 after a usage error. */
static int parse_options(int argc, char **argv, const char *shortopts, struct popts *o)
{
    int c;
    while ((c = socm_cli_getopt("predict", argc, argv, shortopts, predict_options)) != -1) {
        switch (c) {
        case 'j': o->job_name = optarg; break;
        case 'c': o->config = optarg; break;
        case 'd': o->db = optarg; break;
        case 'm': o->model = optarg; break;
        case 'J': o->json = true; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return 2; /* the usage error is printed */
        }
    }
    return -1;
}

static int parse(int argc, char **argv, struct popts *o)
{
    socm_cli_getopt_start();
    /* '+': the command line after the first word is the job's, not ours */
    int rc = parse_options(argc, argv, "+h", o);
    if (rc >= 0)
        return rc;
    int first = optind;
    if (first < argc && strpbrk(argv[first], " \t") && first + 1 < argc) {
        /* The command line given quoted, as one argument: what follows it is ours
         * (`socm predict "nupack -T 4" --json`), and a second operand is a mistake. */
        int n = argc - first;
        char **rest = socm_xcalloc((size_t)n + 1, sizeof *rest);
        rest[0] = argv[0];
        for (int i = 1; i < n; i++)
            rest[i] = argv[first + i];
        socm_cli_getopt_start();
        rc = parse_options(n, rest, "h", o);
        const char *extra = rc < 0 && optind < n ? rest[optind] : NULL;
        free(rest);
        if (rc >= 0)
            return rc;
        if (extra)
            return socm_cli_usage("predict", "unexpected '%s' after the quoted command line (give "
                                  "the whole command line as one argument, in quotes)", extra);
        socm_strv_push(&o->words, argv[first]);
    } else {
        for (int i = first; i < argc; i++)
            socm_strv_push(&o->words, argv[i]);
    }
    if (o->words.n == 0)
        return socm_cli_usage("predict", "give the command line to predict, in quotes");
    if (o->model && !socm_model_find(o->model))
        return socm_cli_usage("predict", "unknown model \"%s\" (poly, knn, random_forest, gbtree)", o->model);
    return -1;
}

/* scale: from the predictor's unit (minutes, MB) to the key's (seconds, MB). */
static json_t *predicted_json(const struct socm_predicted *p, double scale)
{
    json_t *o = json_object();
    json_object_set_new(o, "value", json_real(p->value * scale));
    json_object_set_new(o, "predicted", json_boolean(p->predicted));
    json_object_set_new(o, "fallback", json_real(p->requested * scale));
    /* null for what is not known (docs/json.md): no model output, or no margin
     * added because the value is a fallback */
    json_object_set_new(o, "raw", isfinite(p->raw) ? json_real(p->raw * scale) : json_null());
    json_object_set_new(o, "margin", p->predicted ? json_real(p->margin) : json_null());
    json_object_set_new(o, "error_pct", isfinite(p->error_pct) ? json_real(p->error_pct) : json_null());
    json_object_set_new(o, "why", json_string(p->why));
    return o;
}

static void print(const struct popts *o, const struct socm_prediction *pr, const char *cmd)
{
    if (o->json) {
        json_t *root = json_object();
        json_object_set_new(root, "job_name", json_string(pr->job_name));
        json_object_set_new(root, "command", json_string(cmd));
        json_t *num = json_loads(pr->numeric_json, 0, NULL), *cat = json_loads(pr->categorical_json, 0, NULL);
        json_object_set_new(root, "numeric", num ? num : json_object());
        json_object_set_new(root, "categorical", cat ? cat : json_object());
        json_object_set_new(root, "walltime_s", predicted_json(&pr->walltime, 60));
        json_object_set_new(root, "memory_mb", predicted_json(&pr->memory, 1));
        socm_cli_json_print(root);
        json_decref(root);
        return;
    }
    printf("job          %s\n", pr->job_name);
    printf("numeric      %s\n", pr->numeric_json);
    printf("categorical  %s\n", pr->categorical_json);
    printf("walltime     %.4g min  %s\n", pr->walltime.value, pr->walltime.why);
    printf("memory       %.4g MB  %s\n", pr->memory.value, pr->memory.why);
}

static int run(const struct popts *o, const char *cmd)
{
    struct socm_error err = {0};
    struct socm_value *cfg = NULL;
    if (o->config && !(cfg = socm_config_load_file(o->config, &err)))
        return socm_cli_fail("predict", &err);
    const struct socm_value *ptab = cfg ? socm_table_get(cfg, "predict") : NULL;
    struct socm_jobspecs *specs = socm_jobspecs_from_config(ptab, &err);
    struct socm_predict_options po;
    /* [predict] and [slurmise] (its model_path, feature lists, model_type) */
    int rc = specs ? socm_predict_options_from_root(cfg, &po, NULL, &err) : -1;
    const struct socm_jobspec *j = NULL;
    if (rc == 0) {
        j = o->job_name ? socm_jobspecs_find(specs, o->job_name) : socm_jobspecs_match(specs, cmd);
        if (!j && !o->job_name)
            rc = socm_error_set(&err, SOCM_E_INPUT, "no [predict.job.NAME] in %s has a job_prefix that "
                                "starts \"%s\"; give --job-name", o->config ? o->config : "(no --config)", cmd);
    }
    char *cat = NULL, *num = NULL;
    if (rc == 0 && j)
        rc = socm_jobspec_parse(specs, j, cmd, &cat, &num, &err);
    if (rc == 0 && o->model)
        po.model = o->model;
    const char *db = o->db;
    if (rc == 0 && !db && ptab)
        rc = socm_table_get_string(ptab, "history_db", &db, &err);
    struct socm_history *h = rc == 0 ? socm_history_open(db, &err) : NULL;
    if (rc == 0 && !h)
        rc = -1;
    struct socm_prediction pr = {0};
    if (rc == 0) {
        /* without a job spec the run has no features: the model is the job's mean */
        const char *name = j ? socm_jobspec_name(j) : o->job_name;
        struct socm_predictor *p = socm_predictor_new(h, &po);
        rc = socm_predict_features(p, name, cat ? cat : "{}", num ? num : "{}",
                                   socm_jobspec_default_time_min(specs, j),
                                   socm_jobspec_default_mem_mb(specs, j), false, &pr, &err);
        if (rc == 0)
            print(o, &pr, cmd);
        socm_prediction_clear(&pr);
        socm_predictor_close(p);
    }
    socm_history_close(h);
    free(cat);
    free(num);
    socm_jobspecs_free(specs);
    socm_value_free(cfg);
    return rc == 0 ? 0 : socm_cli_fail("predict", &err);
}

int socm_cmd_predict(int argc, char **argv)
{
    struct popts o = {0};
    int rc = parse(argc, argv, &o);
    if (rc < 0) {
        char *cmd = socm_strv_join(&o.words, " ");
        rc = run(&o, cmd);
        free(cmd);
    }
    socm_strv_free(&o.words);
    return rc;
}

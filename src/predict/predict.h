/* predict.h — resource prediction from history: training one model per (job name,
 * categorical values) and target (runtime, memory), and predicting a workflow's
 * walltime and memory with a safety margin — or falling back to what the workflow
 * asked for, saying why. This is what the planner's requirements stage calls. */
#ifndef SOCM_PREDICT_PREDICT_H
#define SOCM_PREDICT_PREDICT_H

#include "campaign/campaign.h"
#include "predict/history.h"
#include "predict/model.h"

#include <stdbool.h>

/* Settings, from the `[predict]` table (all optional):
 *   model = "poly" | "knn" | "random_forest" | "gbtree" ("xgboost")   default "poly"
 *   degree = 1..3 (poly; default: chosen), k = 5 (knn), n_trees = 100 (forest)
 *   max_error_percent = 25    held-out mean percent error above which we fall back
 *   min_runs = 10             fewer completed runs than this: fall back
 *   seed = 42                 the 20 % hold-out split
 *   auto_train = true         (re)train a group when it has no model or is stale
 *   minimum_mem (MB), minimum_time (minutes; or strings "2G", "30m")
 *   history_db = PATH         (also `[campaign] history_db`)                     */
struct socm_predict_options {
    const char *model;
    struct socm_model_params params;
    double max_error_percent;
    size_t min_runs;
    double test_fraction;
    bool auto_train;
    double minimum_mem_mb, minimum_time_min;
    double margin_percentile; /* of held-out under-prediction, the safety margin (default 95) */
    /* From `[slurmise]` (see slurmise.h): */
    unsigned targets; /* bits 1u << enum socm_target; 0 = runtime and memory */
    /* Arrays of strings (borrowed from the config) or NULL: when either is given,
     * they decide which features are numbers (model inputs) and which are
     * categories (one model each), whatever the run recorded. */
    const struct socm_value *numeric_features, *categorical_features;
    char model_path[4096];         /* "" = models stay in the history database only */
    char training_data_path[4096]; /* "" = none; a CSV imported before training */
};
void socm_predict_options_default(struct socm_predict_options *o);
/* Reads `predict` (a table; NULL = defaults) into o; errors carry positions. */
int socm_predict_options_from_config(const struct socm_value *predict,
                                     struct socm_predict_options *o, struct socm_error *err);

/* Config values: memory as MB or "2G" (decimal units as config/), durations as
 * minutes or "30m", "2h", "1h30m". Errors carry the value's position. */
int socm_predict_memory_value(const struct socm_value *v, double *mb, struct socm_error *err);
int socm_predict_duration_value(const struct socm_value *v, double *min, struct socm_error *err);

/* ---- Training ---- */

/* What a model predicts: runtime (elapsed seconds), memory (max RSS, MB),
 * cpu_efficiency (CPU time / (elapsed x ranks x threads)) and cpu_cores (CPU time /
 * elapsed: the cores kept busy on average); the last two only from runs whose CPU
 * time was measured. */
enum socm_target { SOCM_TARGET_RUNTIME, SOCM_TARGET_MEMORY, SOCM_TARGET_CPU_EFFICIENCY, SOCM_TARGET_CPU_CORES };
#define SOCM_TARGET_COUNT 4
const char *socm_target_name(enum socm_target t); /* "runtime", "memory", ... */
/* By name ("walltime" is "runtime"); -1 if unknown. */
int socm_target_from_name(const char *name);
/* The target's value for a run; 0 when the run does not measure it. */
double socm_target_value(enum socm_target t, const struct socm_history_run *run);
/* Whether o trains target t. */
bool socm_predict_wants_target(const struct socm_predict_options *o, enum socm_target t);

/* A trained model as stored (metrics from the 20 % held out). */
struct socm_model_info {
    char *job_name, *categorical, *kind, *features_json, *detail;
    enum socm_target target;
    size_t n_train, n_test, n_runs;
    double mean_pct_error, mse;
    double r2;     /* coefficient of determination on the held-out runs */
    double margin; /* margin_percentile of (actual/predicted - 1) on held-out runs, ≥ 0 */
};
void socm_model_info_clear(struct socm_model_info *mi);

/* Called once per model trained (or skipped: then mi->kind is NULL and
 * mi->detail says why). */
typedef void (*socm_train_report_fn)(const struct socm_model_info *mi, void *arg);

/* Trains every (job name, categories) group of completed runs — only job_name's when
 * given — and stores the models and their metrics in the database. */
int socm_predict_train(struct socm_history *h, const char *job_name,
                       const struct socm_predict_options *o, socm_train_report_fn report,
                       void *arg, struct socm_error *err);
/* One group, one target. Returns 1 if trained, 0 if skipped (why in mi->detail). */
int socm_predict_train_group(struct socm_history *h, const char *job_name,
                             const char *categorical, enum socm_target target,
                             const struct socm_predict_options *o, struct socm_model_info *mi,
                             struct socm_error *err);

/* Calls fn for every (job name, categories) group of completed runs — only
 * job_name's when given — with the group's runs (features re-split by o's lists);
 * stops at the first -1. */
typedef int (*socm_group_fn)(const char *job, const char *cat, const struct socm_history_runs *runs, void *arg,
                             struct socm_error *err);
int socm_predict_each_group(struct socm_history *h, const char *job_name, const struct socm_predict_options *o,
                            socm_group_fn fn, void *arg, struct socm_error *err);
/* The training matrix of runs for target t: the numeric features every run has
 * (names sorted), rows whose target is not measured left out. x is n × p row-major. */
struct socm_dataset {
    struct socm_strv names;
    double *x, *y;
    size_t n, p;
};
void socm_dataset_build(const struct socm_history_runs *runs, enum socm_target t, struct socm_dataset *d);
void socm_dataset_free(struct socm_dataset *d);
/* Held-out figures of a fitted model on rows (x, y): mean percent error, MSE, R²
 * and margin into mi. */
int socm_model_evaluate(const struct socm_model_kind *kind, const void *model, const double *x, const double *y,
                        size_t n, double margin_percentile, struct socm_model_info *mi, struct socm_error *err);

/* Completed runs in a group (after the feature lists' split, when o has them). */
int socm_predict_group_count(struct socm_history *h, const struct socm_predict_options *o, const char *job,
                             const char *cat, int64_t *n, struct socm_error *err);

/* ---- Prediction ---- */

struct socm_predictor;

/* `config` is the whole merged config (may be NULL): settings from `[predict]`, else
 * `[campaign.predict]`; the database from `history_db` there or in `[campaign]`;
 * `history_db` (non-NULL) overrides the path. */
struct socm_predictor *socm_predictor_open(const struct socm_value *config, const char *history_db,
                                           struct socm_error *err);
/* With explicit options and an already open history (borrowed). */
struct socm_predictor *socm_predictor_new(struct socm_history *h,
                                          const struct socm_predict_options *o);
void socm_predictor_close(struct socm_predictor *p);
struct socm_history *socm_predictor_history(struct socm_predictor *p);

/* One target's outcome. */
struct socm_predicted {
    double value;      /* minutes (walltime) or MB (memory): what to plan with */
    double requested;  /* what the workflow asked for (0 = not given) */
    double raw;        /* the model's output before margin and minimum (NAN if none) */
    double margin;     /* fraction added (0.12 = +12 %); 0 unless predicted */
    double error_pct;  /* held-out mean percent error of the model (NAN if none) */
    bool predicted;    /* false = fallback */
    char why[512];     /* the explanation, e.g. for `socm plan --explain` */
};

struct socm_prediction {
    struct socm_predicted walltime, memory;
    char *job_name;
    char *categorical_json, *numeric_json; /* the features used */
};
void socm_prediction_clear(struct socm_prediction *pr);

/* Predicts a workflow's walltime and memory. A fallback is not an error: it returns 0
 * with predicted = false and the reason; -1 only when the database fails. */
int socm_predict_workflow(struct socm_predictor *p, const struct socm_workflow *wf,
                          struct socm_prediction *out, struct socm_error *err);
/* The same from features (used by job specifications): `req_walltime_min` and
 * `req_memory_mb` are the fallbacks (walltime fallback gets +10 % when
 * `pad_fallback`). */
int socm_predict_features(struct socm_predictor *p, const char *job_name,
                          const char *categorical_json, const char *numeric_json,
                          double req_walltime_min, double req_memory_mb, bool pad_fallback,
                          struct socm_prediction *out, struct socm_error *err);

/* ---- For the planner's requirements stage ---- */

struct socm_req;
/* Whether `[campaign] predict = true`, or a `[campaign.predict]` settings table
 * without `enabled = false`. */
bool socm_campaign_wants_prediction(const struct socm_campaign *c);
/* Replaces the walltime and memory of reqs[i] (workflow id i+1, c->n_wfs entries) by
 * the predictions; a fallback keeps the request (walltime × 1.1). `preds` (NULL or
 * c->n_wfs entries, cleared by the caller) receives each outcome and its reason,
 * for `socm plan --explain`. */
int socm_predict_requirements(struct socm_predictor *p, const struct socm_campaign *c,
                              struct socm_req *reqs, struct socm_prediction *preds,
                              struct socm_error *err);

/* Flattens a numeric-features JSON object into sorted names and values: a list
 * "x": [a, b] gives "x[0]", "x[1]". Returns the count, or -1 if not an object. */
int socm_features_flatten(const char *numeric_json, struct socm_strv *names, double **values);

#endif

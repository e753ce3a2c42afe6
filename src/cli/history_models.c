/* history_models.c — `socm history train` and `socm history evaluate`: the settings
 * from --config ([predict] and [slurmise]) with the command line's options over
 * them; training imports the [slurmise] training_data_path first and saves the
 * models to model_path after; evaluate cross-validates the model kinds. */
#include "cli/history_models.h"

#include "cli/history_import.h"
#include "cli/history_train.h"
#include "config/config.h"
#include "predict/evaluate.h"
#include "predict/slurmise.h"
#include "util/str.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int unknown_model(const char *name)
{
    struct socm_strv names = SOCM_STRV_INIT;
    socm_model_names(&names);
    char *list = socm_strv_join(&names, ", ");
    int rc = socm_cli_usage("history", "unknown model \"%s\" (available: %s)", name, list);
    free(list);
    socm_strv_free(&names);
    return rc;
}

/* Options: defaults, then --config's tables, then the command line. Returns -1 to go
 * on, else the exit code. *cfg (freed by the caller) holds the borrowed values. */
static int build_options(const struct socm_history_model_args *a, struct socm_predict_options *po,
                         struct socm_value **cfg, const char **db)
{
    socm_predict_options_default(po);
    *cfg = NULL;
    *db = a->db;
    struct socm_error err = {0};
    if (a->config) {
        *cfg = socm_config_load_file(a->config, &err);
        const char *cdb = NULL;
        if (!*cfg || socm_predict_options_from_root(*cfg, po, &cdb, &err) != 0)
            return socm_cli_fail("history", &err);
        if (!*db)
            *db = cdb;
    }
    if (a->model) {
        if (!socm_model_find(a->model))
            return unknown_model(a->model);
        po->model = a->model;
    }
    if (a->degree > 3)
        return socm_cli_usage("history", "--degree is 1, 2 or 3");
    if (a->degree)
        po->params.degree = (int)a->degree;
    if (a->k)
        po->params.k = (int)a->k;
    if (a->seed)
        po->params.seed = (uint64_t)a->seed;
    if (a->min_runs)
        po->min_runs = (size_t)a->min_runs;
    return -1;
}

static void put_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(s ? s : "null");
    free(s);
}

int socm_history_train_cmd(const struct socm_history_model_args *a)
{
    struct socm_predict_options po;
    struct socm_value *cfg;
    const char *db;
    int rc = build_options(a, &po, &cfg, &db);
    if (rc >= 0) {
        socm_value_free(cfg);
        return rc;
    }
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(db, &err);
    if (!h) {
        socm_value_free(cfg);
        return socm_cli_fail("history", &err);
    }
    FILE *note = a->json ? stderr : stdout;
    rc = 0;
    if (po.training_data_path[0]) {
        size_t added = 0, total = 0;
        rc = socm_history_import_csv_file(h, po.training_data_path, a->skip_bad, &added, &total, &err);
        if (rc == 0)
            fprintf(note, "imported %zu new run%s from training_data_path %s (%zu already in the history)\n",
                    added, added == 1 ? "" : "s", po.training_data_path, total - added);
    }
    struct socm_train_out t;
    socm_train_out_init(&t, a->json, a->verbose);
    if (rc == 0)
        rc = socm_predict_train(h, a->job_name, &po, socm_train_out_report, &t, &err);
    int64_t saved = 0;
    if (rc == 0 && po.model_path[0])
        rc = socm_models_save(h, po.model_path, &saved, &err);
    if (rc == 0 && a->json) {
        json_t *root = json_object();
        json_object_set_new(root, "models", t.arr);
        t.arr = NULL;
        if (po.model_path[0])
            json_object_set_new(root, "model_path", json_string(po.model_path));
        put_json(root);
        json_decref(root);
    } else if (rc == 0) {
        socm_train_out_summary(&t, stdout);
        if (po.model_path[0])
            printf("saved %lld model%s to %s\n", (long long)saved, saved == 1 ? "" : "s", po.model_path);
    }
    socm_train_out_free(&t);
    socm_history_close(h);
    socm_value_free(cfg);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

struct eval_out {
    bool json;
    json_t *arr;
    size_t skipped;
};

static void eval_report(const struct socm_cv_result *r, void *arg)
{
    struct eval_out *e = arg;
    if (r->skipped && !r->kind) {
        e->skipped++;
        if (e->json) {
            json_t *o = json_pack("{s:s, s:o, s:s, s:n, s:s}", "job_name", r->job_name, "categorical",
                                  socm_history_json_or_text(r->categorical), "target",
                                  socm_target_name(r->target), "model", "skipped", r->skipped);
            json_array_append_new(e->arr, o);
        }
        return;
    }
    if (e->json) {
        json_t *o = json_object();
        json_object_set_new(o, "job_name", json_string(r->job_name));
        json_object_set_new(o, "categorical", socm_history_json_or_text(r->categorical));
        json_object_set_new(o, "target", json_string(socm_target_name(r->target)));
        json_object_set_new(o, "model", json_string(r->kind));
        json_object_set_new(o, "n_runs", json_integer((json_int_t)r->n));
        json_object_set_new(o, "folds", json_integer((json_int_t)r->folds));
        if (r->skipped) {
            json_object_set_new(o, "skipped", json_string(r->skipped));
        } else {
            json_object_set_new(o, "r2", json_real(r->r2));
            json_object_set_new(o, "rmse", json_real(r->rmse));
            json_object_set_new(o, "mean_pct_error", json_real(r->mean_pct_error));
            json_object_set_new(o, "train_s", json_real(r->train_s));
        }
        json_array_append_new(e->arr, o);
        return;
    }
    if (r->skipped)
        printf("%-20s %-14s %-32s %-14s %s\n", r->job_name, socm_target_name(r->target), r->categorical, r->kind,
               r->skipped);
    else
        printf("%-20s %-14s %-32s %-14s %5zu %8.3f %12.4g %8.2f %9.3f\n", r->job_name, socm_target_name(r->target),
               r->categorical, r->kind, r->n, r->r2, r->rmse, r->mean_pct_error, r->train_s);
}

int socm_history_evaluate_cmd(const struct socm_history_model_args *a)
{
    if (a->folds == 1 || a->folds > 100)
        return socm_cli_usage("history", "--folds is 2 to 100");
    struct socm_predict_options po;
    struct socm_value *cfg;
    const char *db;
    int rc = build_options(a, &po, &cfg, &db);
    if (rc >= 0) {
        socm_value_free(cfg);
        return rc;
    }
    struct socm_strv kinds = SOCM_STRV_INIT;
    if (a->model)
        socm_strv_push(&kinds, socm_model_find(a->model)->name);
    else
        socm_model_names(&kinds);
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(db, &err);
    rc = h ? 0 : -1;
    struct eval_out e = {.json = a->json, .arr = a->json ? json_array() : NULL};
    size_t folds = a->folds ? (size_t)a->folds : 5;
    if (rc == 0 && !a->json)
        printf("%-20s %-14s %-32s %-14s %5s %8s %12s %8s %9s\n", "JOB", "TARGET", "CATEGORIES", "MODEL", "RUNS", "R2",
               "RMSE", "ERR_%", "TRAIN_S");
    if (rc == 0)
        rc = socm_predict_cross_validate(h, a->job_name, &po, &kinds, folds, eval_report, &e, &err);
    if (rc == 0 && a->json) {
        json_t *root = json_pack("{s:i, s:o}", "folds", (json_int_t)folds, "results", e.arr);
        e.arr = NULL;
        put_json(root);
        json_decref(root);
    } else if (rc == 0) {
        printf("(%zu-fold cross-validation: each run predicted by a model that did not see it%s)\n", folds,
               e.skipped ? "; groups with too few runs skipped" : "");
    }
    json_decref(e.arr);
    socm_strv_free(&kinds);
    socm_history_close(h);
    socm_value_free(cfg);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

/* predict.c — walltime and memory for a workflow from its history group's models,
 * with the safety margin, or the workflow's own request when the history cannot be
 * trusted (too few runs, too large a held-out error, an absurd prediction). Every
 * outcome carries a sentence saying how it was obtained. */
#include "predict/predict.h"

#include "predict/slurmise.h"
#include "socm/planner.h"
#include "util/str.h"

#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A model loaded from the database (or the reason there is none), kept for the
 * life of the predictor: a campaign has many workflows of one job. */
struct cached_model {
    char *job_name, *categorical;
    enum socm_target target;
    const struct socm_model_kind *kind;
    void *model;
    struct socm_model_info mi;
    struct socm_strv features;
    char *why_none; /* set when model is NULL */
    int64_t n_runs; /* completed runs of the group when first asked */
    bool saved;     /* loaded from model_path: used as it is, never retrained */
    struct cached_model *next;
};

struct socm_predictor {
    struct socm_history *h;
    bool own_history;
    struct socm_predict_options o;
    struct cached_model *cache;
    sqlite3 *saved; /* model_path, read-only, when it exists */
};

struct socm_predictor *socm_predictor_new(struct socm_history *h,
                                          const struct socm_predict_options *o)
{
    struct socm_predictor *p = socm_xcalloc(1, sizeof *p);
    p->h = h;
    if (o)
        p->o = *o;
    else
        socm_predict_options_default(&p->o);
    /* saved models (`socm history train` with a model_path); a missing file means
     * none saved yet: the history's own models are used */
    if (p->o.model_path[0] &&
        sqlite3_open_v2(p->o.model_path, &p->saved, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(p->saved);
        p->saved = NULL;
    }
    return p;
}

struct socm_predictor *socm_predictor_open(const struct socm_value *config, const char *history_db,
                                           struct socm_error *err)
{
    /* settings: [predict] (else [campaign.predict]) and [slurmise] */
    struct socm_predict_options o;
    const char *path = history_db;
    if (socm_predict_options_from_root(config, &o, &path, err) != 0)
        return NULL;
    struct socm_history *h = socm_history_open(path, err);
    if (!h)
        return NULL;
    struct socm_predictor *p = socm_predictor_new(h, &o);
    p->own_history = true;
    return p;
}

struct socm_history *socm_predictor_history(struct socm_predictor *p) { return p->h; }

static void cached_free(struct cached_model *c)
{
    if (c->model)
        c->kind->free(c->model);
    socm_model_info_clear(&c->mi);
    socm_strv_free(&c->features);
    free(c->job_name);
    free(c->categorical);
    free(c->why_none);
    free(c);
}

void socm_predictor_close(struct socm_predictor *p)
{
    if (!p)
        return;
    while (p->cache) {
        struct cached_model *n = p->cache->next;
        cached_free(p->cache);
        p->cache = n;
    }
    if (p->own_history)
        socm_history_close(p->h);
    sqlite3_close(p->saved);
    free(p);
}

void socm_prediction_clear(struct socm_prediction *pr)
{
    free(pr->job_name);
    free(pr->categorical_json);
    free(pr->numeric_json);
    memset(pr, 0, sizeof *pr);
}

/* Reads the stored model of a group into c from db; 1 found, 0 none, -1 error. */
static int read_model_from(sqlite3 *db, struct cached_model *c, struct socm_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT kind, features, n_train, n_test, n_runs, mean_pct_error, mse, margin,"
                      " blob, r2 FROM models WHERE job_name = ? AND categorical = ? AND target = ?";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        /* the history failing is the system's; model_path not being models, the user's */
        return socm_error_set(err, c->saved ? SOCM_E_INPUT : SOCM_E_SYSTEM, "%s%s: %s",
                              c->saved ? "model_path " : "history database ", sqlite3_db_filename(db, "main"),
                              sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, c->job_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->categorical, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, socm_target_name(c->target), -1, SQLITE_STATIC);
    int found = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        c->kind = socm_model_find(kind);
        socm_model_info_clear(&c->mi);
        c->mi.kind = socm_strdup(kind);
        c->mi.features_json = socm_strdup((const char *)sqlite3_column_text(st, 1));
        c->mi.n_train = (size_t)sqlite3_column_int64(st, 2);
        c->mi.n_test = (size_t)sqlite3_column_int64(st, 3);
        c->mi.n_runs = (size_t)sqlite3_column_int64(st, 4);
        c->mi.mean_pct_error = sqlite3_column_double(st, 5);
        c->mi.mse = sqlite3_column_double(st, 6);
        c->mi.margin = sqlite3_column_double(st, 7);
        c->mi.r2 = sqlite3_column_double(st, 9);
        struct socm_error e = {0};
        if (c->kind) {
            c->model = c->kind->load(sqlite3_column_blob(st, 8), (size_t)sqlite3_column_bytes(st, 8), &e);
            if (c->model)
                c->mi.detail = c->kind->describe(c->model);
        }
        if (!c->model)
            c->why_none = c->kind ? socm_asprintf("stored %s model unusable: %s", kind, e.msg)
                                  : socm_asprintf("stored model kind \"%s\" is not available", kind);
        json_t *a = json_loads(c->mi.features_json, 0, NULL);
        for (size_t i = 0; i < json_array_size(a); i++)
            socm_strv_push(&c->features, json_string_value(json_array_get(a, i)));
        json_decref(a);
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

static int read_model(struct socm_predictor *p, struct cached_model *c, struct socm_error *err)
{
    return read_model_from(socm_history_sqlite(p->h), c, err);
}

static void cached_reset(struct cached_model *c)
{
    if (c->model)
        c->kind->free(c->model);
    c->model = NULL;
    socm_model_info_clear(&c->mi);
    socm_strv_free(&c->features);
    free(c->why_none);
    c->why_none = NULL;
}

/* The group's model: from the cache, the database, or (auto_train) trained now when
 * missing or stale (the group has 20 % more or fewer runs than it was trained on). */
static struct cached_model *get_model(struct socm_predictor *p, const char *job, const char *cat,
                                      enum socm_target target, struct socm_error *err)
{
    for (struct cached_model *c = p->cache; c; c = c->next)
        if (c->target == target && strcmp(c->job_name, job) == 0 && strcmp(c->categorical, cat) == 0)
            return c;
    struct cached_model *c = socm_xcalloc(1, sizeof *c);
    c->job_name = socm_strdup(job);
    c->categorical = socm_strdup(cat);
    c->target = target;
    /* a saved model (model_path) is used whatever this machine's history holds */
    c->saved = p->saved != NULL; /* for read_model_from's message */
    int saved = p->saved ? read_model_from(p->saved, c, err) : 0;
    c->saved = false;
    if (saved < 0) { /* model_path is there but is not a file of models */
        cached_free(c);
        return NULL;
    }
    if (saved == 1) {
        c->saved = true;
        c->n_runs = (int64_t)c->mi.n_runs;
        c->next = p->cache;
        p->cache = c;
        return c;
    }
    cached_reset(c);
    int64_t n_runs = 0;
    if (socm_predict_group_count(p->h, &p->o, job, cat, &n_runs, err) != 0) {
        cached_free(c);
        return NULL;
    }
    c->n_runs = n_runs;
    size_t min_runs = p->o.min_runs ? p->o.min_runs : 10;
    if ((size_t)n_runs < min_runs) { /* nothing to load or train: the caller says why */
        c->next = p->cache;
        p->cache = c;
        return c;
    }
    int found = read_model(p, c, err);
    bool stale = found == 1 && fabs((double)n_runs - (double)c->mi.n_runs) > 0.2 * (double)c->mi.n_runs;
    if (found >= 0 && (found == 0 || stale) && p->o.auto_train) {
        struct socm_model_info mi;
        int rc = socm_predict_train_group(p->h, job, cat, target, &p->o, &mi, err);
        cached_reset(c);
        if (rc == 1)
            found = read_model(p, c, err);
        else if (rc == 0) {
            found = 0;
            c->why_none = socm_asprintf("cannot train: %s", mi.detail ? mi.detail : "no data");
        } else {
            found = -1;
        }
        socm_model_info_clear(&mi);
    }
    if (found < 0) {
        cached_free(c);
        return NULL;
    }
    if (found == 0 && !c->why_none)
        c->why_none = socm_strdup("no trained model (run `socm history train`)");
    c->next = p->cache;
    p->cache = c;
    return c;
}

static void say(struct socm_predicted *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct socm_predicted *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->why, sizeof o->why, fmt, ap);
    va_end(ap);
}

static void fallback(struct socm_predicted *o, enum socm_target t, bool pad, const char *reason)
{
    o->predicted = false;
    double f = t == SOCM_TARGET_RUNTIME && pad ? 1.1 : 1.0;
    o->value = o->requested * f;
    const char *unit = t == SOCM_TARGET_RUNTIME ? "min" : "MB";
    if (o->requested > 0)
        say(o, "%s %.6g %s%s (fallback: %s)", pad ? "requested" : "default", o->requested, unit,
            f > 1 ? " + 10 %" : "", reason);
    else
        say(o, "no request and no prediction (fallback: %s)", reason);
}

static int predict_target(struct socm_predictor *p, const char *job, const char *cat,
                          const struct socm_strv *names, const double *values,
                          enum socm_target t, bool pad, struct socm_predicted *o,
                          struct socm_error *err)
{
    char reason[400];
    o->raw = o->error_pct = NAN; /* not known until a model answers */
    struct cached_model *c = get_model(p, job, cat, t, err);
    if (!c)
        return -1;
    size_t min_runs = p->o.min_runs ? p->o.min_runs : 10;
    if ((size_t)c->n_runs < min_runs) {
        snprintf(reason, sizeof reason, "only %lld completed runs of \"%s\" with these categories, need %zu",
                 (long long)c->n_runs, job, min_runs);
        fallback(o, t, pad, reason);
        return 0;
    }
    if (!c->model) {
        fallback(o, t, pad, c->why_none);
        return 0;
    }
    o->error_pct = c->mi.mean_pct_error;
    if (!(c->mi.mean_pct_error <= p->o.max_error_percent)) {
        snprintf(reason, sizeof reason, "%s model's held-out error %.1f %% is above max_error_percent %.6g %%",
                 c->mi.kind, c->mi.mean_pct_error, p->o.max_error_percent);
        fallback(o, t, pad, reason);
        return 0;
    }
    double *x = socm_xmalloc((c->features.n ? c->features.n : 1) * sizeof *x);
    for (size_t j = 0; j < c->features.n; j++) {
        long k = -1;
        for (size_t i = 0; i < names->n && k < 0; i++)
            if (strcmp(names->v[i], c->features.v[j]) == 0)
                k = (long)i;
        if (k < 0) {
            snprintf(reason, sizeof reason, "input \"%s\" of the model is missing here", c->features.v[j]);
            fallback(o, t, pad, reason);
            free(x);
            return 0;
        }
        x[j] = values[k];
    }
    double raw = NAN;
    struct socm_error e = {0};
    int rc = c->kind->predict(c->model, x, 1, &raw, &e);
    free(x);
    if (rc != 0) {
        fallback(o, t, pad, e.msg);
        return 0;
    }
    if (t == SOCM_TARGET_RUNTIME)
        raw /= 60.0; /* the model learns seconds; plans are in minutes */
    o->raw = raw;
    const char *unit = t == SOCM_TARGET_RUNTIME ? "min" : "MB";
    if (!(raw > 0)) {
        snprintf(reason, sizeof reason, "%s predicted %.6g %s, not positive", c->mi.kind, raw, unit);
        fallback(o, t, pad, reason);
        return 0;
    }
    if (o->requested > 0 && raw > 100 * o->requested) {
        snprintf(reason, sizeof reason, "%s predicted %.6g %s, more than 100 x the request",
                 c->mi.kind, raw, unit);
        fallback(o, t, pad, reason);
        return 0;
    }
    o->predicted = true;
    o->margin = c->mi.margin;
    o->value = raw * (1 + c->mi.margin);
    double minimum = t == SOCM_TARGET_RUNTIME ? p->o.minimum_time_min : p->o.minimum_mem_mb;
    char floor_note[80] = "";
    if (o->value < minimum) {
        o->value = minimum;
        snprintf(floor_note, sizeof floor_note, ", raised to the minimum %.6g %s", minimum, unit);
    }
    say(o, "predicted %.6g %s by %s (%s%s) from %zu runs, held-out error %.1f %% on %zu; "
           "+%.1f %% margin (90th percentile of held-out under-prediction)%s",
        raw, unit, c->mi.kind, c->mi.detail ? c->mi.detail : "", c->saved ? ", saved in model_path" : "",
        c->mi.n_train, c->mi.mean_pct_error, c->mi.n_test, 100 * c->mi.margin, floor_note);
    return 0;
}

int socm_predict_features(struct socm_predictor *p, const char *job_name,
                          const char *categorical_json, const char *numeric_json,
                          double req_walltime_min, double req_memory_mb, bool pad_fallback,
                          struct socm_prediction *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    out->job_name = socm_strdup(job_name);
    out->categorical_json = socm_strdup(categorical_json ? categorical_json : "{}");
    out->numeric_json = socm_strdup(numeric_json ? numeric_json : "{}");
    out->walltime.requested = req_walltime_min;
    out->memory.requested = req_memory_mb;
    if (socm_predict_has_feature_lists(&p->o)) {
        char *c = NULL, *n = NULL;
        if (socm_features_resplit(&p->o, out->categorical_json, out->numeric_json, &c, &n) == 0) {
            free(out->categorical_json);
            free(out->numeric_json);
            out->categorical_json = c;
            out->numeric_json = n;
        }
    }
    struct socm_strv names = SOCM_STRV_INIT;
    double *values = NULL;
    if (socm_features_flatten(out->numeric_json, &names, &values) < 0) {
        socm_prediction_clear(out);
        return socm_error_set(err, SOCM_E_INPUT, "numeric features are not a JSON object");
    }
    int rc = predict_target(p, job_name, out->categorical_json, &names, values,
                            SOCM_TARGET_RUNTIME, pad_fallback, &out->walltime, err);
    if (rc == 0)
        rc = predict_target(p, job_name, out->categorical_json, &names, values,
                            SOCM_TARGET_MEMORY, pad_fallback, &out->memory, err);
    socm_strv_free(&names);
    free(values);
    if (rc != 0) /* callers own `out` only on success */
        socm_prediction_clear(out);
    return rc;
}

int socm_predict_workflow(struct socm_predictor *p, const struct socm_workflow *wf,
                          struct socm_prediction *out, struct socm_error *err)
{
    struct socm_history_run run;
    if (socm_history_run_from_workflow(wf, &run, err) != 0)
        return -1;
    int rc = socm_predict_features(p, run.job_name, run.categorical_json, run.numeric_json,
                                   wf->res.runtime_min, wf->res.memory_mb, true, out, err);
    socm_history_run_clear(&run);
    return rc;
}

bool socm_campaign_wants_prediction(const struct socm_campaign *c)
{
    const struct socm_value *camp = c->config ? socm_table_get(c->config, "campaign") : NULL;
    const struct socm_value *v = camp && camp->type == SOCM_V_TABLE ? socm_table_get(camp, "predict") : NULL;
    if (v && v->type == SOCM_V_TABLE) { /* [campaign.predict] settings: on unless enabled = false */
        const struct socm_value *e = socm_table_get(v, "enabled");
        return !e || e->type != SOCM_V_BOOL || e->u.b;
    }
    return v && v->type == SOCM_V_BOOL && v->u.b;
}

int socm_predict_requirements(struct socm_predictor *p, const struct socm_campaign *c,
                              struct socm_req *reqs, struct socm_prediction *preds,
                              struct socm_error *err)
{
    for (size_t i = 0; i < c->n_wfs; i++) {
        struct socm_prediction pr;
        if (socm_predict_workflow(p, c->wfs[i], &pr, err) != 0)
            return -1;
        if (pr.walltime.predicted)
            reqs[i].walltime_min = pr.walltime.value;
        if (pr.memory.predicted)
            reqs[i].memory_mb = pr.memory.value;
        if (preds)
            preds[i] = pr;
        else
            socm_prediction_clear(&pr);
    }
    return 0;
}

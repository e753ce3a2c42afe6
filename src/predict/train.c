/* train.c — training models from the history: one per (job name, categorical values)
 * and target, on the completed runs' numeric fields. 20 % of the runs (seeded
 * shuffle) are held out; their mean percent error, MSE and 90th-percentile
 * under-prediction (the safety margin) are stored with the serialized model. */
#include "predict/predict.h"

#include "predict/slurmise.h"
#include "util/str.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const target_names[SOCM_TARGET_COUNT] = {"runtime", "memory", "cpu_efficiency", "cpu_cores"};

const char *socm_target_name(enum socm_target t)
{
    return (unsigned)t < SOCM_TARGET_COUNT ? target_names[t] : "?";
}

int socm_target_from_name(const char *name)
{
    if (strcmp(name, "walltime") == 0)
        return SOCM_TARGET_RUNTIME;
    for (int t = 0; t < SOCM_TARGET_COUNT; t++)
        if (strcmp(name, target_names[t]) == 0)
            return t;
    return -1;
}

double socm_target_value(enum socm_target t, const struct socm_history_run *r)
{
    double cores = (double)(r->ranks > 0 ? r->ranks : 1) * (double)(r->threads > 0 ? r->threads : 1);
    bool cpu = r->cpu_s > 0 && r->elapsed_s > 0;
    switch (t) {
    case SOCM_TARGET_RUNTIME: return r->elapsed_s;
    case SOCM_TARGET_MEMORY: return r->max_rss_mb;
    case SOCM_TARGET_CPU_EFFICIENCY: return cpu ? r->cpu_s / (r->elapsed_s * cores) : 0;
    case SOCM_TARGET_CPU_CORES: return cpu ? r->cpu_s / r->elapsed_s : 0;
    }
    return 0;
}

bool socm_predict_wants_target(const struct socm_predict_options *o, enum socm_target t)
{
    unsigned want = o->targets ? o->targets : (1u << SOCM_TARGET_RUNTIME) | (1u << SOCM_TARGET_MEMORY);
    return want & (1u << t);
}

void socm_predict_options_default(struct socm_predict_options *o)
{
    memset(o, 0, sizeof *o);
    o->model = "poly";
    o->max_error_percent = 25;
    o->min_runs = 10;
    o->test_fraction = 0.2;
    o->auto_train = true;
    o->params.seed = 42;
    o->margin_percentile = 95;
}

/* "2G" → 2000 MB (decimal, as config/ units), "512M", "1.5T", "64000K"; a number is MB. */
static int memory_mb(const struct socm_value *v, double *mb, struct socm_error *err)
{
    if (socm_value_is_number(v)) {
        *mb = socm_value_as_double(v);
        return 0;
    }
    char *end;
    double x = v->type == SOCM_V_STRING ? strtod(v->u.str.s, &end) : NAN;
    static const struct { const char *suffix; double f; } units[] = {
        {"", 1}, {"K", 1e-3}, {"KB", 1e-3}, {"M", 1}, {"MB", 1}, {"G", 1e3}, {"GB", 1e3},
        {"T", 1e6}, {"TB", 1e6}, {"KiB", 1.024e-3}, {"MiB", 1.048576}, {"GiB", 1073.741824},
        {"TiB", 1099511.627776}};
    for (size_t i = 0; isfinite(x) && i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(end, units[i].suffix) == 0) {
            *mb = x * units[i].f;
            return 0;
        }
    return socm_error_at(err, &v->pos, "not a memory size (e.g. 2000 or \"2G\")");
}

/* "30m", "2h", "90s", "1d", "1h30m"; a number is minutes (as slurmise). */
static int duration_min(const struct socm_value *v, double *min, struct socm_error *err)
{
    if (socm_value_is_number(v)) {
        *min = socm_value_as_double(v);
        return 0;
    }
    const char *s = v->type == SOCM_V_STRING ? v->u.str.s : "";
    double total = 0;
    int parts = 0;
    while (*s) {
        char *end;
        double x = strtod(s, &end);
        if (end == s)
            break;
        double f = *end == 's' ? 1.0 / 60 : *end == 'm' ? 1 : *end == 'h' ? 60 : *end == 'd' ? 1440 : 0;
        if (f == 0)
            break;
        total += x * f;
        parts++;
        s = end + 1;
    }
    if (*s || parts == 0)
        return socm_error_at(err, &v->pos, "not a duration (e.g. 30 or \"2h\", \"1h30m\")");
    *min = total;
    return 0;
}

int socm_predict_memory_value(const struct socm_value *v, double *mb, struct socm_error *err)
{
    return memory_mb(v, mb, err);
}
int socm_predict_duration_value(const struct socm_value *v, double *min, struct socm_error *err)
{
    return duration_min(v, min, err);
}

int socm_predict_options_from_config(const struct socm_value *t, struct socm_predict_options *o,
                                     struct socm_error *err)
{
    socm_predict_options_default(o);
    if (!t)
        return 0;
    if (t->type != SOCM_V_TABLE)
        return socm_error_at(err, &t->pos, "[predict] must be a table");
    int64_t i;
    double d;
    const char *s;
    if (socm_table_get_string(t, "model", &o->model, err) != 0)
        return -1;
    if (!socm_model_find(o->model)) {
        const struct socm_value *v = socm_table_get(t, "model");
        return socm_error_at(err, &v->pos, "unknown model \"%s\" (poly, knn, random_forest, gbtree)", o->model);
    }
    i = 0;
    if (socm_table_get_int(t, "degree", &i, err) != 0)
        return -1;
    o->params.degree = (int)i;
    i = 0;
    if (socm_table_get_int(t, "k", &i, err) != 0)
        return -1;
    o->params.k = (int)i;
    i = 0;
    if (socm_table_get_int(t, "n_trees", &i, err) != 0)
        return -1;
    o->params.n_trees = (int)i;
    i = 42;
    if (socm_table_get_int(t, "seed", &i, err) != 0)
        return -1;
    o->params.seed = (uint64_t)i;
    i = (int64_t)o->min_runs;
    if (socm_table_get_int(t, "min_runs", &i, err) != 0)
        return -1;
    o->min_runs = i > 2 ? (size_t)i : 2;
    d = o->max_error_percent;
    if (socm_table_get_number(t, "max_error_percent", &d, err) != 0)
        return -1;
    o->max_error_percent = d;
    if (socm_table_get_bool(t, "auto_train", &o->auto_train, err) != 0)
        return -1;
    const struct socm_value *v;
    d = o->margin_percentile;
    if (socm_table_get_number(t, "margin_percentile", &d, err) != 0)
        return -1;
    if (!(d >= 50 && d <= 100))
        return socm_error_at(err, &socm_table_get(t, "margin_percentile")->pos,
                             "margin_percentile is between 50 and 100");
    o->margin_percentile = d;
    if ((v = socm_table_get(t, "minimum_mem")) && memory_mb(v, &o->minimum_mem_mb, err) != 0)
        return -1;
    if ((v = socm_table_get(t, "minimum_time")) && duration_min(v, &o->minimum_time_min, err) != 0)
        return -1;
    if (o->params.degree < 0 || o->params.degree > 3)
        return socm_error_at(err, &socm_table_get(t, "degree")->pos, "degree must be 1, 2 or 3");
    if (o->params.k < 0)
        return socm_error_at(err, &socm_table_get(t, "k")->pos, "k must be at least 1");
    (void)s;
    return 0;
}

void socm_model_info_clear(struct socm_model_info *mi)
{
    free(mi->job_name);
    free(mi->categorical);
    free(mi->kind);
    free(mi->features_json);
    free(mi->detail);
    memset(mi, 0, sizeof *mi);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int socm_features_flatten(const char *numeric_json, struct socm_strv *names, double **values)
{
    json_t *o = json_loads(numeric_json ? numeric_json : "{}", 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    struct socm_strv tmp = SOCM_STRV_INIT;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (json_is_number(v))
            socm_strv_push(&tmp, key);
        else if (json_is_array(v))
            for (size_t i = 0; i < json_array_size(v); i++)
                if (json_is_number(json_array_get(v, i)))
                    socm_strv_pushf(&tmp, "%s[%zu]", key, i);
    }
    if (tmp.n)
        qsort(tmp.v, tmp.n, sizeof *tmp.v, cmp_str);
    double *vals = socm_xmalloc((tmp.n ? tmp.n : 1) * sizeof *vals);
    for (size_t i = 0; i < tmp.n; i++) {
        char *br = strchr(tmp.v[i], '[');
        if (br) {
            char *k = socm_strndup(tmp.v[i], (size_t)(br - tmp.v[i]));
            vals[i] = json_number_value(json_array_get(json_object_get(o, k), strtoul(br + 1, NULL, 10)));
            free(k);
        } else {
            vals[i] = json_number_value(json_object_get(o, tmp.v[i]));
        }
        socm_strv_push(names, tmp.v[i]);
    }
    int n = (int)tmp.n;
    socm_strv_free(&tmp);
    json_decref(o);
    *values = vals;
    return n;
}

static long find_name(const struct socm_strv *names, const char *name)
{
    for (size_t i = 0; i < names->n; i++)
        if (strcmp(names->v[i], name) == 0)
            return (long)i;
    return -1;
}

void socm_dataset_free(struct socm_dataset *d)
{
    socm_strv_free(&d->names);
    free(d->x);
    free(d->y);
    memset(d, 0, sizeof *d);
}

void socm_dataset_build(const struct socm_history_runs *runs, enum socm_target target,
                        struct socm_dataset *d)
{
    memset(d, 0, sizeof *d);
    struct socm_strv *rn = socm_xcalloc(runs->n ? runs->n : 1, sizeof *rn);
    double **rv = socm_xcalloc(runs->n ? runs->n : 1, sizeof *rv);
    bool first = true;
    for (size_t i = 0; i < runs->n; i++) {
        if (socm_features_flatten(runs->v[i].numeric_json, &rn[i], &rv[i]) < 0) {
            rv[i] = NULL;
            continue;
        }
        if (first) {
            socm_strv_copy(&d->names, &rn[i]);
            first = false;
            continue;
        }
        /* keep only the names this run has too */
        struct socm_strv keep = SOCM_STRV_INIT;
        for (size_t j = 0; j < d->names.n; j++)
            if (find_name(&rn[i], d->names.v[j]) >= 0)
                socm_strv_push(&keep, d->names.v[j]);
        socm_strv_free(&d->names);
        d->names = keep;
    }
    d->p = d->names.n;
    d->x = socm_xmalloc((runs->n * d->p > 0 ? runs->n * d->p : 1) * sizeof *d->x);
    d->y = socm_xmalloc((runs->n ? runs->n : 1) * sizeof *d->y);
    for (size_t i = 0; i < runs->n; i++) {
        double y = socm_target_value(target, &runs->v[i]);
        if (rv[i] && y > 0 && isfinite(y)) {
            for (size_t j = 0; j < d->p; j++)
                d->x[d->n * d->p + j] = rv[i][find_name(&rn[i], d->names.v[j])];
            d->y[d->n++] = y;
        }
        socm_strv_free(&rn[i]);
        free(rv[i]);
    }
    free(rn);
    free(rv);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Gathers rows `idx` of d into contiguous arrays. */
static void gather(const struct socm_dataset *d, const size_t *idx, size_t n, double *x, double *y)
{
    for (size_t i = 0; i < n; i++) {
        memcpy(x + i * d->p, d->x + idx[i] * d->p, d->p * sizeof *x);
        y[i] = d->y[idx[i]];
    }
}

int socm_model_evaluate(const struct socm_model_kind *kind, const void *model, const double *x,
                    const double *y, size_t n, double margin_percentile, struct socm_model_info *mi,
                    struct socm_error *err)
{
    double *pred = socm_xmalloc((n ? n : 1) * sizeof *pred);
    double *under = socm_xmalloc((n ? n : 1) * sizeof *under);
    if (kind->predict(model, x, n, pred, err) != 0) {
        free(pred);
        free(under);
        return -1;
    }
    double pe = 0, se = 0, mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    for (size_t i = 0; i < n; i++) {
        pe += fabs(pred[i] - y[i]) / y[i];
        se += (pred[i] - y[i]) * (pred[i] - y[i]);
        /* how much the actual exceeded the prediction (a non-positive prediction
         * is an unbounded miss) */
        under[i] = pred[i] > 0 ? y[i] / pred[i] - 1 : INFINITY;
    }
    qsort(under, n, sizeof *under, cmp_double);
    double pct = margin_percentile > 0 && margin_percentile <= 100 ? margin_percentile : 95;
    size_t q = (size_t)ceil(pct / 100 * (double)n);
    double p90 = n ? under[(q ? q : 1) - 1] : 0;
    mi->mean_pct_error = n ? 100 * pe / (double)n : INFINITY;
    mi->mse = n ? se / (double)n : INFINITY;
    /* 1 - SSE/SS of the held-out targets; a constant target explained exactly is 1 */
    mi->r2 = ss > 0 ? 1 - se / ss : se == 0 ? 1 : 0;
    mi->margin = isfinite(p90) ? (p90 > 0 ? p90 : 0) : 10; /* capped: the error check rejects it */
    free(pred);
    free(under);
    return 0;
}

static int store_model(struct socm_history *h, const struct socm_model_info *mi,
                       const struct socm_buf *blob, struct socm_error *err)
{
    sqlite3 *db = socm_history_sqlite(h);
    static const char *sql =
        "INSERT OR REPLACE INTO models (job_name, categorical, target, kind, features, n_train,"
        " n_test, n_runs, mean_pct_error, mse, margin, blob, trained_at, r2)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        int i = 1;
        sqlite3_bind_text(st, i++, mi->job_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, mi->categorical, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, socm_target_name(mi->target), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, mi->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, mi->features_json, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, i++, (sqlite3_int64)mi->n_train);
        sqlite3_bind_int64(st, i++, (sqlite3_int64)mi->n_test);
        sqlite3_bind_int64(st, i++, (sqlite3_int64)mi->n_runs);
        sqlite3_bind_double(st, i++, mi->mean_pct_error);
        sqlite3_bind_double(st, i++, mi->mse);
        sqlite3_bind_double(st, i++, mi->margin);
        sqlite3_bind_blob(st, i++, blob->data, (int)blob->len, SQLITE_STATIC);
        sqlite3_bind_double(st, i++, (double)time(NULL));
        sqlite3_bind_double(st, i++, isfinite(mi->r2) ? mi->r2 : 0);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        socm_error_set(err, SOCM_E_SYSTEM, "history database %s: storing model: %s",
                       socm_history_path(h), sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : -1;
}

static char *names_json(const struct socm_strv *names)
{
    json_t *a = json_array();
    for (size_t i = 0; i < names->n; i++)
        json_array_append_new(a, json_string(names->v[i]));
    char *s = json_dumps(a, JSON_COMPACT);
    char *c = socm_strdup(s ? s : "[]");
    free(s);
    json_decref(a);
    return c;
}

/* The completed runs of a job — of one group when `cat` is given — with their
 * features re-split by o's feature lists (groups are then made after the split, so
 * they cannot be selected by SQL). */
static int group_runs(struct socm_history *h, const struct socm_predict_options *o, const char *job,
                      const char *cat, struct socm_history_runs *runs, struct socm_error *err)
{
    bool lists = socm_predict_has_feature_lists(o);
    struct socm_history_filter f = {.job_name = job, .categorical_json = lists ? NULL : cat,
                                    .state = SOCM_HISTORY_COMPLETED};
    memset(runs, 0, sizeof *runs);
    if (socm_history_query(h, &f, runs, err) != 0)
        return -1;
    if (!lists)
        return 0;
    size_t kept = 0;
    for (size_t i = 0; i < runs->n; i++) {
        struct socm_history_run *r = &runs->v[i];
        char *c = NULL, *n = NULL;
        if (socm_features_resplit(o, r->categorical_json, r->numeric_json, &c, &n) != 0) {
            c = socm_strdup(r->categorical_json);
            n = socm_strdup("{}");
        }
        free(r->categorical_json);
        free(r->numeric_json);
        r->categorical_json = c;
        r->numeric_json = n;
        if (cat && strcmp(c, cat) != 0)
            socm_history_run_clear(r);
        else
            runs->v[kept++] = *r;
    }
    runs->n = kept;
    return 0;
}

int socm_predict_group_count(struct socm_history *h, const struct socm_predict_options *o, const char *job,
                             const char *cat, int64_t *n, struct socm_error *err)
{
    if (!socm_predict_has_feature_lists(o)) {
        struct socm_history_filter f = {.job_name = job, .categorical_json = cat, .state = SOCM_HISTORY_COMPLETED};
        return socm_history_count(h, &f, n, err);
    }
    struct socm_history_runs runs;
    if (group_runs(h, o, job, cat, &runs, err) != 0)
        return -1;
    *n = (int64_t)runs.n;
    socm_history_runs_free(&runs);
    return 0;
}

/* Trains one target on the runs of one group (all of `runs`). */
static int train_on_runs(struct socm_history *h, const char *job_name, const char *categorical,
                         enum socm_target target, const struct socm_predict_options *o,
                         const struct socm_history_runs *runs, struct socm_model_info *mi,
                         struct socm_error *err)
{
    memset(mi, 0, sizeof *mi);
    mi->job_name = socm_strdup(job_name);
    mi->categorical = socm_strdup(categorical);
    mi->target = target;
    const struct socm_model_kind *kind = socm_model_find(o->model);
    if (!kind)
        return socm_error_set(err, SOCM_E_INPUT, "unknown model \"%s\"", o->model);
    struct socm_dataset d;
    socm_dataset_build(runs, target, &d);
    mi->n_runs = runs->n;
    size_t min_runs = o->min_runs ? o->min_runs : 10;
    if (d.n < min_runs) {
        mi->detail = socm_asprintf("only %zu completed runs with a measured %s (need %zu)", d.n,
                                   socm_target_name(target), min_runs);
        socm_dataset_free(&d);
        return 0;
    }
    size_t *idx = socm_xmalloc(d.n * sizeof *idx);
    for (size_t i = 0; i < d.n; i++)
        idx[i] = i;
    socm_shuffle(idx, d.n, o->params.seed ? o->params.seed : 42);
    size_t n_test = (size_t)llround((o->test_fraction > 0 ? o->test_fraction : 0.2) * (double)d.n);
    if (n_test < 1)
        n_test = 1;
    size_t n_train = d.n - n_test;
    double *xtr = socm_xmalloc((n_train * d.p > 0 ? n_train * d.p : 1) * sizeof *xtr);
    double *ytr = socm_xmalloc(n_train * sizeof *ytr);
    double *xte = socm_xmalloc((n_test * d.p > 0 ? n_test * d.p : 1) * sizeof *xte);
    double *yte = socm_xmalloc(n_test * sizeof *yte);
    gather(&d, idx, n_train, xtr, ytr);
    gather(&d, idx + n_train, n_test, xte, yte);
    int rc = -1;
    void *model = kind->train(&o->params, xtr, ytr, n_train, d.p, err);
    if (model && socm_model_evaluate(kind, model, xte, yte, n_test, o->margin_percentile, mi, err) == 0) {
        struct socm_buf blob = SOCM_BUF_INIT;
        mi->kind = socm_strdup(kind->name);
        mi->features_json = names_json(&d.names);
        mi->detail = kind->describe(model);
        mi->n_train = n_train;
        mi->n_test = n_test;
        if (kind->save(model, &blob, err) == 0 && store_model(h, mi, &blob, err) == 0)
            rc = 1;
        socm_buf_free(&blob);
    }
    if (model)
        kind->free(model);
    free(xtr);
    free(ytr);
    free(xte);
    free(yte);
    free(idx);
    socm_dataset_free(&d);
    return rc;
}

int socm_predict_train_group(struct socm_history *h, const char *job_name,
                             const char *categorical, enum socm_target target,
                             const struct socm_predict_options *o, struct socm_model_info *mi,
                             struct socm_error *err)
{
    struct socm_history_runs runs;
    if (group_runs(h, o, job_name, categorical, &runs, err) != 0) {
        memset(mi, 0, sizeof *mi);
        return -1;
    }
    int rc = train_on_runs(h, job_name, categorical, target, o, &runs, mi, err);
    socm_history_runs_free(&runs);
    return rc;
}

int socm_predict_each_group(struct socm_history *h, const char *job_name, const struct socm_predict_options *o,
                            socm_group_fn fn, void *arg, struct socm_error *err)
{
    sqlite3 *db = socm_history_sqlite(h);
    sqlite3_stmt *st = NULL;
    const char *sql = job_name
        ? "SELECT DISTINCT job_name FROM runs WHERE state = 'COMPLETED' AND job_name = ? ORDER BY 1"
        : "SELECT DISTINCT job_name FROM runs WHERE state = 'COMPLETED' ORDER BY 1";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return socm_error_set(err, SOCM_E_SYSTEM, "history database: %s", sqlite3_errmsg(db));
    if (job_name)
        sqlite3_bind_text(st, 1, job_name, -1, SQLITE_STATIC);
    struct socm_strv jobs = SOCM_STRV_INIT;
    while (sqlite3_step(st) == SQLITE_ROW)
        socm_strv_push(&jobs, (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    int rc = 0;
    for (size_t j = 0; j < jobs.n && rc == 0; j++) {
        /* the job's runs are read once and grouped by their categories */
        struct socm_history_runs all;
        if (group_runs(h, o, jobs.v[j], NULL, &all, err) != 0) {
            rc = -1;
            break;
        }
        struct socm_strv cats = SOCM_STRV_INIT;
        for (size_t i = 0; i < all.n; i++)
            if (find_name(&cats, all.v[i].categorical_json) < 0)
                socm_strv_push(&cats, all.v[i].categorical_json);
        if (cats.n)
            qsort(cats.v, cats.n, sizeof *cats.v, cmp_str);
        struct socm_history_runs sub = {socm_xmalloc((all.n ? all.n : 1) * sizeof *sub.v), 0, all.n};
        for (size_t c = 0; c < cats.n && rc == 0; c++) {
            sub.n = 0; /* borrowed rows: freed with `all` */
            for (size_t i = 0; i < all.n; i++)
                if (strcmp(all.v[i].categorical_json, cats.v[c]) == 0)
                    sub.v[sub.n++] = all.v[i];
            rc = fn(jobs.v[j], cats.v[c], &sub, arg, err);
        }
        free(sub.v);
        socm_strv_free(&cats);
        socm_history_runs_free(&all);
    }
    socm_strv_free(&jobs);
    return rc;
}

struct train_ctx {
    struct socm_history *h;
    const struct socm_predict_options *o;
    socm_train_report_fn report;
    void *arg;
};

static int train_group_fn(const char *job, const char *cat, const struct socm_history_runs *runs, void *arg,
                          struct socm_error *err)
{
    struct train_ctx *t = arg;
    for (int k = 0; k < SOCM_TARGET_COUNT; k++) {
        if (!socm_predict_wants_target(t->o, (enum socm_target)k))
            continue;
        struct socm_model_info mi;
        int rc = train_on_runs(t->h, job, cat, (enum socm_target)k, t->o, runs, &mi, err);
        if (rc >= 0 && t->report)
            t->report(&mi, t->arg);
        socm_model_info_clear(&mi);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int socm_predict_train(struct socm_history *h, const char *job_name,
                       const struct socm_predict_options *o, socm_train_report_fn report,
                       void *arg, struct socm_error *err)
{
    struct train_ctx t = {h, o, report, arg};
    return socm_predict_each_group(h, job_name, o, train_group_fn, &t, err);
}

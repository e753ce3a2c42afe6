/* slurmise.c — the `[slurmise]` table (model_type, model_path, numeric_features,
 * categorical_features, targets, training_data_path) over the `[predict]` settings;
 * the feature lists' split of a run's features into numbers and categories; and
 * the trained models saved to model_path atomically (a SQLite file holding the
 * models table, renamed into place only when complete). */
#include "predict/slurmise.h"

#include "campaign/schema.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The same keys as the campaign schema's [slurmise] (campaign/schema.c), which
 * checks campaign files; this reader checks any file given to --config. */
static int unknown_key(const struct socm_kv *kv, struct socm_error *err)
{
    if (strcmp(kv->key, "job") == 0 || strcmp(kv->key, "file_parsers") == 0)
        return socm_error_at(err, &kv->key_pos, "unknown key '%s' in [slurmise]: job specifications go in "
                             "[predict.job.NAME] (and [predict.file_parsers.NAME])", kv->key);
    const char *const *lists[] = {socm_schema_slurmise.keys, NULL};
    const char *best = socm_schema_nearest(kv->key, lists);
    if (best)
        return socm_error_at(err, &kv->key_pos, "unknown key '%s' in [slurmise]; did you mean '%s'?", kv->key, best);
    return socm_error_at(err, &kv->key_pos,
                         "unknown key '%s' in [slurmise] (known: model_type, model_path, numeric_features, "
                         "categorical_features, targets, training_data_path)", kv->key);
}

/* A path as written, or relative to the directory of the file it is written in. */
static int path_value(const struct socm_value *v, const char *key, char *out, size_t n, struct socm_error *err)
{
    if (v->type != SOCM_V_STRING || !*v->u.str.s || strlen(v->u.str.s) != v->u.str.len)
        return socm_error_at(err, &v->pos, "%s must be a path (a non-empty string)", key);
    const char *s = v->u.str.s, *file = socm_pos_file(&v->pos);
    const char *slash = file ? strrchr(file, '/') : NULL;
    int len = s[0] == '/' || !slash ? snprintf(out, n, "%s", s)
                                    : snprintf(out, n, "%.*s/%s", (int)(slash - file), file, s);
    if (len < 0 || (size_t)len >= n)
        return socm_error_at(err, &v->pos, "%s is too long", key);
    return 0;
}

/* An array of distinct non-empty strings. */
static int name_list(const struct socm_value *v, const char *key, struct socm_error *err)
{
    if (v->type != SOCM_V_ARRAY)
        return socm_error_at(err, &v->pos, "%s must be a list of names, e.g. [\"data_size\"]", key);
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const struct socm_value *e = v->u.arr.items[i];
        if (e->type != SOCM_V_STRING || !*e->u.str.s)
            return socm_error_at(err, &e->pos, "%s: each entry is a feature name (a non-empty string)", key);
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->u.arr.items[j]->u.str.s, e->u.str.s) == 0)
                return socm_error_at(err, &e->pos, "%s: \"%s\" is listed twice", key, e->u.str.s);
    }
    return 0;
}

static bool list_has(const struct socm_value *list, const char *name)
{
    for (size_t i = 0; list && i < list->u.arr.n; i++)
        if (strcmp(list->u.arr.items[i]->u.str.s, name) == 0)
            return true;
    return false;
}

static int read_targets(const struct socm_value *v, unsigned *targets, struct socm_error *err)
{
    if (v->type != SOCM_V_ARRAY || v->u.arr.n == 0)
        return socm_error_at(err, &v->pos, "targets must be a non-empty list, e.g. [\"walltime\", \"memory\"]");
    *targets = 0;
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const struct socm_value *e = v->u.arr.items[i];
        int t = e->type == SOCM_V_STRING ? socm_target_from_name(e->u.str.s) : -1;
        if (t < 0)
            return socm_error_at(err, &e->pos, "unknown target (walltime, memory, cpu_efficiency, cpu_cores)");
        *targets |= 1u << t;
    }
    return 0;
}

int socm_predict_options_from_slurmise(const struct socm_value *t, struct socm_predict_options *o,
                                       struct socm_error *err)
{
    if (!t)
        return 0;
    if (t->type != SOCM_V_TABLE)
        return socm_error_at(err, &t->pos, "[slurmise] must be a table");
    for (size_t i = 0; i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        const struct socm_value *v = kv->value;
        int rc = 0;
        if (!strcmp(kv->key, "model_type")) {
            if (v->type != SOCM_V_STRING || !socm_model_find(v->u.str.s)) {
                struct socm_strv names = SOCM_STRV_INIT;
                socm_model_names(&names);
                char *list = socm_strv_join(&names, ", ");
                rc = socm_error_at(err, &v->pos, "unknown model_type (%s)", list);
                free(list);
                socm_strv_free(&names);
            } else {
                o->model = v->u.str.s;
            }
        } else if (!strcmp(kv->key, "model_path")) {
            rc = path_value(v, kv->key, o->model_path, sizeof o->model_path, err);
        } else if (!strcmp(kv->key, "training_data_path")) {
            rc = path_value(v, kv->key, o->training_data_path, sizeof o->training_data_path, err);
        } else if (!strcmp(kv->key, "numeric_features")) {
            if ((rc = name_list(v, kv->key, err)) == 0)
                o->numeric_features = v;
        } else if (!strcmp(kv->key, "categorical_features")) {
            if ((rc = name_list(v, kv->key, err)) == 0)
                o->categorical_features = v;
        } else if (!strcmp(kv->key, "targets")) {
            rc = read_targets(v, &o->targets, err);
        } else {
            rc = unknown_key(kv, err);
        }
        if (rc)
            return -1;
    }
    for (size_t i = 0; o->categorical_features && i < o->categorical_features->u.arr.n; i++) {
        const struct socm_value *e = o->categorical_features->u.arr.items[i];
        if (list_has(o->numeric_features, e->u.str.s))
            return socm_error_at(err, &e->pos, "\"%s\" is in both numeric_features and categorical_features",
                                 e->u.str.s);
    }
    return 0;
}

int socm_predict_options_from_root(const struct socm_value *config, struct socm_predict_options *o,
                                   const char **history_db, struct socm_error *err)
{
    const struct socm_value *camp = config ? socm_table_get(config, "campaign") : NULL;
    const struct socm_value *t = config ? socm_table_get(config, "predict") : NULL;
    if (!t && camp && camp->type == SOCM_V_TABLE) {
        const struct socm_value *cp = socm_table_get(camp, "predict");
        t = cp && cp->type == SOCM_V_TABLE ? cp : NULL;
    }
    if (socm_predict_options_from_config(t, o, err) != 0)
        return -1;
    if (socm_predict_options_from_slurmise(config ? socm_table_get(config, "slurmise") : NULL, o, err) != 0)
        return -1;
    if (history_db && !*history_db && t && socm_table_get_string(t, "history_db", history_db, err) != 0)
        return -1;
    if (history_db && !*history_db && camp && camp->type == SOCM_V_TABLE &&
        socm_table_get_string(camp, "history_db", history_db, err) != 0)
        return -1;
    return 0;
}

bool socm_predict_has_feature_lists(const struct socm_predict_options *o)
{
    return o->numeric_features || o->categorical_features;
}

/* A JSON value as a category's text: strings as they are, numbers as written. */
static json_t *as_category(json_t *v)
{
    if (json_is_string(v))
        return json_incref(v);
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_t *c = json_string(s ? s : "?");
    free(s);
    return c;
}

/* A JSON value as a number (or list of numbers); NULL when it is not one. */
static json_t *as_number(json_t *v)
{
    if (json_is_number(v) || json_is_array(v))
        return json_incref(v);
    if (json_is_string(v)) {
        char *end;
        double x = strtod(json_string_value(v), &end);
        if (end != json_string_value(v) && !*end && isfinite(x))
            return json_real(x);
    }
    return NULL;
}

static char *dump(json_t *o)
{
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    char *c = socm_strdup(s ? s : "{}");
    free(s);
    return c;
}

int socm_features_resplit(const struct socm_predict_options *o, const char *categorical_json,
                          const char *numeric_json, char **cat_out, char **num_out)
{
    json_t *cat = json_loads(categorical_json ? categorical_json : "{}", 0, NULL);
    json_t *num = json_loads(numeric_json ? numeric_json : "{}", 0, NULL);
    if (!json_is_object(cat) || !json_is_object(num)) {
        json_decref(cat);
        json_decref(num);
        return -1;
    }
    json_t *nc = json_object(), *nn = json_object();
    json_t *both[2] = {cat, num};
    for (int k = 0; k < 2; k++) {
        const char *key;
        json_t *v;
        json_object_foreach(both[k], key, v) {
            /* a listed name goes where its list says; an unlisted one keeps its kind
             * unless the other list is the only one given (then it is left out) */
            bool to_num = list_has(o->numeric_features, key);
            bool to_cat = list_has(o->categorical_features, key);
            if (!to_num && !to_cat) {
                bool keep = k == 1 ? !o->numeric_features : !o->categorical_features;
                if (!keep)
                    continue;
                to_num = k == 1;
                to_cat = k == 0;
            }
            json_t *conv = to_num ? as_number(v) : as_category(v);
            if (conv) /* a category that is not a number cannot be a model input */
                json_object_set_new(to_num ? nn : nc, key, conv);
        }
    }
    *cat_out = dump(nc);
    *num_out = dump(nn);
    json_decref(nc);
    json_decref(nn);
    json_decref(cat);
    json_decref(num);
    return 0;
}

/* fsync of the directory holding path, so that the rename is durable. */
static int sync_dir(const char *path, struct socm_error *err)
{
    char *dir = socm_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : socm_error_errno(err, "cannot sync the directory of %s", path);
    if (fd >= 0)
        close(fd);
    free(dir);
    return rc;
}

int socm_models_save(struct socm_history *h, const char *path, int64_t *n_models, struct socm_error *err)
{
    char *tmp = socm_asprintf("%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        socm_error_errno(err, "cannot create a file next to model_path %s", path);
        free(tmp);
        return -1;
    }
    close(fd);
    sqlite3 *db = socm_history_sqlite(h);
    char *sql = sqlite3_mprintf("ATTACH DATABASE %Q AS saved;"
                                "BEGIN IMMEDIATE;"
                                "CREATE TABLE saved.models AS SELECT * FROM main.models;"
                                "COMMIT;", tmp);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        socm_error_set(err, SOCM_E_SYSTEM, "saving models to %s: %s", tmp, msg ? msg : sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
    }
    sqlite3_free(msg);
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK && sqlite3_prepare_v2(db, "SELECT count(*) FROM saved.models", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        *n_models = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_exec(db, "DETACH DATABASE saved;", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        /* the content is on disk before the name points at it */
        fd = open(tmp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
        bool synced = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0 && close(fd) != 0)
            synced = false;
        if (!synced) {
            socm_error_errno(err, "cannot write %s", tmp);
            rc = SQLITE_ERROR;
        } else if (rename(tmp, path) != 0) {
            socm_error_errno(err, "cannot replace model_path %s", path);
            rc = SQLITE_ERROR;
        } else if (sync_dir(path, err) != 0) {
            rc = SQLITE_ERROR;
        }
    }
    if (rc != SQLITE_OK)
        unlink(tmp);
    free(tmp);
    return rc == SQLITE_OK ? 0 : -1;
}

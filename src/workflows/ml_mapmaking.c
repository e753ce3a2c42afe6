/* ml_mapmaking.c — the `ml-mapmaking` workflow type (maximum-likelihood map making
 * with sotodlib's so-site-pipeline make-ml-map) and the helpers the null tests reuse:
 * reading an ML section, querying its observations, building its command line
 * token for token as the original tool does. */
#include "workflows/so_types.h"

#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const socm_so_socm_keys[] = {"depends", "max_retries", "grow_walltime_on_timeout", "job_name", "type",
                                         "features", "preferred_resource", "workdir", NULL};

static const char *const socm_ml_required[] = {"context", "area", "output_dir", "preprocess_config",
                                               NULL};

static bool socm_in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

void socm_so_words(struct socm_strv *argv, const char *s)
{
    while (s && *s) {
        while (isspace((unsigned char)*s))
            s++;
        const char *e = s;
        while (*e && !isspace((unsigned char)*e))
            e++;
        if (e > s)
            socm_strv_push_owned(argv, socm_strndup(s, (size_t)(e - s)));
        s = e;
    }
}

static int socm_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **socm_so_sorted_keys(const struct socm_value *tbl, size_t *n)
{
    *n = tbl ? tbl->u.tbl.n : 0;
    const char **keys = socm_xcalloc(*n + 1, sizeof *keys);
    for (size_t i = 0; i < *n; i++)
        keys[i] = tbl->u.tbl.items[i].key;
    qsort(keys, *n, sizeof *keys, socm_cmp_str);
    return keys;
}

char *socm_so_value_text(const struct socm_value *v)
{
    if (v->type == SOCM_V_STRING && socm_str_startswith(v->u.str.s, "file://"))
        return socm_path_absolute(socm_uri_strip_file(v->u.str.s), NULL);
    return socm_value_to_text(v);
}

/* "200,200" (or "200", or an array) → a list of integers, as the original's
 * Union[int, List[int]] accepts; a plain integer stays one. */
static int socm_ml_int_list(struct socm_value *fields, const char *key, struct socm_error *err)
{
    struct socm_value *v = socm_table_get(fields, key);
    if (!v || v->type == SOCM_V_INTEGER)
        return 0;
    if (v->type == SOCM_V_ARRAY) {
        for (size_t i = 0; i < v->u.arr.n; i++)
            if (v->u.arr.items[i]->type != SOCM_V_INTEGER)
                return socm_error_at(err, &v->u.arr.items[i]->pos,
                                     "'%s' must be a list of integers", key);
        return 0;
    }
    if (v->type != SOCM_V_STRING)
        return socm_error_at(err, &v->pos, "'%s' must be an integer or a list like \"200,200\"", key);
    struct socm_value *arr = socm_value_array(&v->pos);
    int count = 0;
    for (const char *s = v->u.str.s;; count++) {
        const char *comma = strchr(s, ',');
        char *item = comma ? socm_strndup(s, (size_t)(comma - s)) : socm_strdup(s);
        char *end;
        errno = 0;
        long long x = strtoll(item, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        bool ok = end != item && *end == '\0' && errno == 0;
        free(item);
        if (!ok) {
            socm_value_free(arr);
            return socm_error_at(err, &v->pos, "'%s' must be integers separated by commas, not \"%s\"",
                                 key, v->u.str.s);
        }
        socm_array_push(arr, socm_value_integer(x, &v->pos));
        if (!comma)
            break;
        s = comma + 1;
    }
    if (count == 0) {
        /* a single number stays a number */
        struct socm_value *one = socm_value_clone(arr->u.arr.items[0]);
        socm_value_free(arr);
        socm_table_set(fields, key, one);
        return 0;
    }
    socm_table_set(fields, key, arr);
    return 0;
}

/* Every "file://" string, and the area and preprocess_config paths the command
 * always makes absolute, become "file://<absolute path>" now, while the campaign's
 * directory is known; the command line later drops the prefix. */
void socm_so_absolutize(struct socm_value *fields, const char *base_dir)
{
    for (size_t i = 0; i < fields->u.tbl.n; i++) {
        struct socm_value *v = fields->u.tbl.items[i].value;
        const char *key = fields->u.tbl.items[i].key;
        if (v->type != SOCM_V_STRING)
            continue;
        if (!socm_str_startswith(v->u.str.s, "file://") && strcmp(key, "area") != 0 &&
            strcmp(key, "preprocess_config") != 0)
            continue;
        char *abs = socm_path_absolute(socm_uri_strip_file(v->u.str.s), base_dir);
        char *uri = socm_asprintf("file://%s", abs);
        struct socm_value *nv = socm_value_string(uri, strlen(uri), &v->pos);
        fields->u.tbl.items[i].value = nv;
        socm_value_free(v);
        free(uri);
        free(abs);
    }
}

int socm_so_ml_fill(struct socm_workflow *wf, const struct socm_value *section,
                    const char *default_name, const char *base_dir, struct socm_error *err)
{
    if (socm_workflow_fill_common(wf, section, default_name, err) < 0)
        return -1;
    if (!wf->executable)
        socm_workflow_set_str(&wf->executable, "so-site-pipeline");
    if (!wf->subcommand)
        socm_workflow_set_str(&wf->subcommand, "make-ml-map");
    for (size_t i = 0; socm_ml_required[i]; i++) {
        const struct socm_value *v = socm_table_get(wf->fields, socm_ml_required[i]);
        if (!v)
            return socm_error_at(err, &section->pos, "missing required key '%s'", socm_ml_required[i]);
        if (v->type != SOCM_V_STRING)
            return socm_error_at(err, &v->pos, "'%s' must be a string, not %s", socm_ml_required[i],
                                 socm_vtype_name(v->type));
    }
    const struct socm_value *q = socm_table_get(wf->fields, "query");
    if (q && q->type != SOCM_V_STRING)
        return socm_error_at(err, &q->pos, "'query' must be a string, not %s", socm_vtype_name(q->type));
    if (socm_ml_int_list(wf->fields, "maxiter", err) < 0 ||
        socm_ml_int_list(wf->fields, "downsample", err) < 0)
        return -1;
    socm_so_absolutize(wf->fields, base_dir);
    return 0;
}

static const char *socm_field_str(const struct socm_workflow *wf, const char *key, const char *dflt)
{
    const struct socm_value *v = socm_table_get(wf->fields, key);
    return v && v->type == SOCM_V_STRING ? v->u.str.s : dflt;
}

int socm_so_query(const struct socm_workflow *wf, const char *base_dir, struct socm_obslist *out,
                  struct socm_error *err)
{
    const struct socm_value *cv = socm_table_get(wf->fields, "context");
    const struct socm_value *qv = socm_table_get(wf->fields, "query");
    const struct socm_pos *qpos = qv ? &qv->pos : &wf->pos;
    struct socm_error inner = {0};
    struct socm_context ctx;
    if (!cv || cv->type != SOCM_V_STRING)
        return socm_error_at(err, &wf->pos, "missing required key 'context'");
    if (socm_context_load(cv->u.str.s, base_dir, &ctx, &inner) < 0)
        return socm_error_at(err, &cv->pos, "%s", inner.msg);
    const char *query = socm_field_str(wf, "query", "1");
    char *where = socm_obsdb_where(query, base_dir, &inner);
    int rc = where ? socm_obsdb_query(ctx.obsdb_path, where, out, &inner) : -1;
    free(where);
    socm_context_free(&ctx);
    if (rc < 0)
        return socm_error_at(err, qpos, "%s", inner.msg);
    if (out->n == 0)
        return socm_error_at(err, qpos, "query \"%s\" matches no observation", query);
    return 0;
}

static char *socm_abs_arg(const char *s)
{
    return socm_path_absolute(socm_uri_strip_file(s), NULL);
}

int socm_so_ml_argv(const struct socm_workflow *wf, const char *const *exclude,
                    struct socm_strv *argv, struct socm_error *err)
{
    socm_strv_push(argv, "srun");
    socm_strv_push(argv, "--cpu_bind=cores");
    socm_strv_push(argv, "--export=ALL");
    socm_strv_pushf(argv, "--ntasks-per-node=%" PRId64, wf->res.ranks);
    socm_strv_pushf(argv, "--cpus-per-task=%" PRId64, wf->res.threads);
    socm_so_words(argv, wf->executable);
    socm_so_words(argv, wf->subcommand);
    const char *query = socm_field_str(wf, "query", "1");
    socm_strv_push_owned(argv, socm_str_startswith(query, "file://") ? socm_abs_arg(query)
                                                                      : socm_strdup(query));
    const char *area = socm_field_str(wf, "area", NULL);
    const char *out = socm_field_str(wf, "output_dir", NULL);
    const char *pre = socm_field_str(wf, "preprocess_config", NULL);
    if (!area || !out || !pre)
        return socm_error_at(err, &wf->pos, "workflow '%s' lacks area, output_dir or preprocess_config",
                             wf->name);
    socm_strv_push_owned(argv, socm_abs_arg(area));
    socm_strv_push(argv, out);
    socm_strv_push_owned(argv, socm_abs_arg(pre));
    size_t n;
    const char **keys = socm_so_sorted_keys(wf->fields, &n);
    for (size_t i = 0; i < n; i++) {
        if (socm_in_list(exclude, keys[i]) || socm_in_list(socm_so_socm_keys, keys[i]))
            continue;
        char *text = socm_so_value_text(socm_table_get(wf->fields, keys[i]));
        socm_strv_pushf(argv, "--%s=%s", keys[i], text);
        free(text);
    }
    free(keys);
    return 0;
}

static const char *const socm_ml_exclude[] = {
    "area", "output_dir", "executable", "query", "id", "environment",
    "resources", "datasize", "preprocess_config", NULL,
};

static int socm_ml_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                          const struct socm_value *section, struct socm_wflist *out,
                          struct socm_error *err)
{
    struct socm_workflow *wf = socm_workflow_new();
    struct socm_obslist obs = {0};
    /* [campaign.ml-mapmaking] is the original's ml_mapmaking_workflow; a section
     * [campaign.ml-mapmaking-f090] (or type = "ml-mapmaking") is named after itself. */
    const char *dname = strcmp(ctx->section_name, type->name) ? ctx->section_name
                                                               : "ml_mapmaking_workflow";
    if (socm_so_ml_fill(wf, section, dname, ctx->base_dir, err) < 0 ||
        socm_so_query(wf, ctx->base_dir, &obs, err) < 0) {
        socm_obslist_free(&obs);
        socm_workflow_free(wf);
        return -1;
    }
    int64_t datasize = 0;
    for (size_t i = 0; i < obs.n; i++)
        datasize += obs.v[i].n_samples;
    socm_obslist_free(&obs);
    socm_table_set(wf->fields, "datasize", socm_value_integer(datasize, &section->pos));
    socm_wflist_push(out, wf);
    return 0;
}

static int socm_ml_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                              struct socm_error *err)
{
    return socm_so_ml_argv(wf, socm_ml_exclude, argv, err);
}

static const char *const socm_ml_feature_exclude[] = {"area", "output_dir", "query",
                                                      "preprocess_config", NULL};

const char *const socm_so_ml_keys[] = {"query", "area", "output_dir", "preprocess_config",
                                        "maxiter", "downsample", NULL};

const struct socm_workflow_type socm_wftype_ml_mapmaking = {
    .name = "ml-mapmaking",
    .expand = socm_ml_expand,
    .build_argv = socm_ml_build_argv,
    .feature_exclude = socm_ml_feature_exclude,
    .data = NULL,
    .keys = socm_so_ml_keys,
    .flags = SOCM_WFTYPE_OPTION_KEYS,
};

/* workflow.c — one workflow: construction, freeing, lists, and the fields every
 * workflow type reads the same way (name, executable, resources with units,
 * depends, environment...). */
#include "campaign/campaign.h"
#include "socm/workflow.h"
#include "config/config.h"

#include <inttypes.h>
#include <string.h>

struct socm_workflow *socm_workflow_new(void)
{
    struct socm_workflow *wf = socm_xcalloc(1, sizeof *wf);
    wf->res.ranks = 1;
    wf->res.threads = 1;
    wf->max_retries = -1;
    wf->site_pref = -1;
    wf->grow_walltime = -1;
    return wf;
}

void socm_workflow_free(struct socm_workflow *wf)
{
    if (!wf)
        return;
    socm_istr_put(wf->name);
    socm_istr_put(wf->type);
    socm_istr_put(wf->executable);
    socm_istr_put(wf->subcommand);
    socm_istr_put(wf->context);
    socm_strv_free(&wf->env);
    socm_value_free(wf->res.extra);
    socm_strv_free(&wf->depends);
    free(wf->depends_pos);
    socm_value_free(wf->fields);
    socm_strv_free(&wf->argv);
    socm_istr_put(wf->job_name);
    free(wf);
}

void socm_workflow_set_str(const char **field, const char *s)
{
    const char *old = *field;
    *field = socm_istr(s);
    socm_istr_put(old);
}

void socm_wflist_push(struct socm_wflist *l, struct socm_workflow *wf)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = socm_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = wf;
}

void socm_wflist_free(struct socm_wflist *l)
{
    for (size_t i = 0; i < l->n; i++)
        socm_workflow_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* An optional string key; replaces *dst when present. */
static int get_str(const struct socm_value *t, const char *key, const char **dst,
                   struct socm_error *err)
{
    const char *s = NULL;
    if (socm_table_get_string(t, key, &s, err) < 0)
        return -1;
    if (s)
        socm_workflow_set_str(dst, s);
    return 0;
}

/* ranks and threads: positive integers (a float like 4.0 is accepted as 4). */
static int get_count(const struct socm_value *res, const char *key, int64_t *out,
                     struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(res, key);
    if (!v)
        return 0;
    int64_t n;
    if (v->type == SOCM_V_INTEGER)
        n = v->u.i;
    else if (v->type == SOCM_V_FLOAT && v->u.f == (double)(int64_t)v->u.f)
        n = (int64_t)v->u.f;
    else
        return socm_error_at(err, &v->pos, "'%s' must be a positive integer, not %s", key,
                             socm_vtype_name(v->type));
    if (n <= 0)
        return socm_error_at(err, &v->pos, "'%s' must be a positive integer, not %" PRId64, key, n);
    if (n > 1000000000)
        return socm_error_at(err, &v->pos, "'%s' is too large (%" PRId64 ")", key, n);
    *out = n;
    return 0;
}

static int fill_resources(struct socm_workflow *wf, const struct socm_value *res,
                          struct socm_error *err)
{
    if (res->type != SOCM_V_TABLE)
        return socm_error_at(err, &res->pos, "'resources' must be a table, not %s",
                             socm_vtype_name(res->type));
    if (get_count(res, "ranks", &wf->res.ranks, err) < 0 ||
        get_count(res, "threads", &wf->res.threads, err) < 0)
        return -1;
    const struct socm_value *v;
    if ((v = socm_table_get(res, "memory")) &&
        socm_units_memory_mb(v, "memory", &wf->res.memory_mb, err) < 0)
        return -1;
    if ((v = socm_table_get(res, "runtime")) &&
        socm_units_duration_min(v, "runtime", &wf->res.runtime_min, err) < 0)
        return -1;
    socm_value_free(wf->res.extra);
    wf->res.extra = NULL;
    for (size_t i = 0; i < res->u.tbl.n; i++) {
        const struct socm_kv *kv = &res->u.tbl.items[i];
        if (!strcmp(kv->key, "ranks") || !strcmp(kv->key, "threads") ||
            !strcmp(kv->key, "memory") || !strcmp(kv->key, "runtime"))
            continue;
        if (!wf->res.extra)
            wf->res.extra = socm_value_table(&res->pos);
        socm_table_add(wf->res.extra, kv->key, kv->keylen, &kv->key_pos,
                       socm_value_clone(kv->value));
    }
    return 0;
}

static void push_depend(struct socm_workflow *wf, const char *name, const struct socm_pos *pos)
{
    socm_strv_push(&wf->depends, name);
    wf->depends_pos = socm_xrealloc(wf->depends_pos, wf->depends.n * sizeof *wf->depends_pos);
    wf->depends_pos[wf->depends.n - 1] = *pos;
}

/* depends: absent, null (the YAML stages say `depends: null`), a name, or a list. */
static int fill_depends(struct socm_workflow *wf, const struct socm_value *v, struct socm_error *err)
{
    socm_strv_free(&wf->depends);
    free(wf->depends_pos);
    wf->depends_pos = NULL;
    if (v->type == SOCM_V_NULL)
        return 0;
    if (v->type == SOCM_V_STRING) {
        push_depend(wf, v->u.str.s, &v->pos);
        return 0;
    }
    if (v->type != SOCM_V_ARRAY)
        return socm_error_at(err, &v->pos, "'depends' must be a list of workflow names, not %s",
                             socm_vtype_name(v->type));
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const struct socm_value *d = v->u.arr.items[i];
        if (d->type != SOCM_V_STRING)
            return socm_error_at(err, &d->pos, "'depends' entries must be workflow names, not %s",
                                 socm_vtype_name(d->type));
        push_depend(wf, d->u.str.s, &d->pos);
    }
    socm_strv_pack(&wf->depends); /* one allocation: read, not grown, from now on */
    return 0;
}

static int fill_environment(struct socm_workflow *wf, const struct socm_value *v,
                            struct socm_error *err)
{
    if (v->type != SOCM_V_TABLE)
        return socm_error_at(err, &v->pos, "'environment' must be a table of NAME = value, not %s",
                             socm_vtype_name(v->type));
    socm_strv_free(&wf->env);
    for (size_t i = 0; i < v->u.tbl.n; i++) {
        const struct socm_kv *kv = &v->u.tbl.items[i];
        if (!socm_value_is_scalar(kv->value) || kv->value->type == SOCM_V_NULL)
            return socm_error_at(err, &kv->value->pos, "environment variable '%s' must be a scalar",
                                 kv->key);
        if (!kv->key[0] || strchr(kv->key, '=') || strlen(kv->key) != kv->keylen)
            return socm_error_at(err, &kv->key_pos, "invalid environment variable name '%s'",
                                 kv->key);
        char *text = socm_value_to_text(kv->value);
        socm_strv_pushf(&wf->env, "%s=%s", kv->key, text);
        free(text);
    }
    socm_strv_pack(&wf->env); /* one allocation: read, not grown, from now on */
    return 0;
}

static int fill_common(struct socm_workflow *wf, const struct socm_value *section,
                       const char *default_name, enum socm_fields_share share,
                       struct socm_error *err)
{
    if (!section || section->type != SOCM_V_TABLE)
        return socm_error_at(err, section ? &section->pos : NULL, "a workflow section must be a table");
    wf->pos = section->pos;
    if (!wf->name && default_name)
        socm_workflow_set_str(&wf->name, default_name);
    if (get_str(section, "name", &wf->name, err) < 0 ||
        get_str(section, "executable", &wf->executable, err) < 0 ||
        get_str(section, "subcommand", &wf->subcommand, err) < 0 ||
        get_str(section, "context", &wf->context, err) < 0 ||
        get_str(section, "job_name", &wf->job_name, err) < 0)
        return -1;
    if (!wf->name || !wf->name[0])
        return socm_error_at(err, &section->pos, "workflow has no name");
    const struct socm_value *v;
    if ((v = socm_table_get(section, "environment")) && fill_environment(wf, v, err) < 0)
        return -1;
    if ((v = socm_table_get(section, "resources")) && fill_resources(wf, v, err) < 0)
        return -1;
    if ((v = socm_table_get(section, "depends")) && fill_depends(wf, v, err) < 0)
        return -1;
    int64_t retries = wf->max_retries;
    if (socm_table_get_int(section, "max_retries", &retries, err) < 0)
        return -1;
    if ((v = socm_table_get(section, "max_retries")) && (retries < 0 || retries > 1000))
        return socm_error_at(err, &v->pos, "'max_retries' must be between 0 and 1000");
    wf->max_retries = (int)retries;
    if (socm_table_get(section, "grow_walltime_on_timeout")) {
        bool grow = false;
        if (socm_table_get_bool(section, "grow_walltime_on_timeout", &grow, err) < 0)
            return -1;
        wf->grow_walltime = grow;
    }
    socm_value_free(wf->fields);
    wf->fields = share == SOCM_FIELDS_SHARE         ? socm_value_share(section)
                 : share == SOCM_FIELDS_SHARE_VALUES ? socm_value_clone_shallow(section)
                                                     : socm_value_clone(section);
    return 0;
}

int socm_workflow_fill_common(struct socm_workflow *wf, const struct socm_value *section,
                              const char *default_name, struct socm_error *err)
{
    return fill_common(wf, section, default_name, SOCM_FIELDS_COPY, err);
}

int socm_workflow_fill_common_shared(struct socm_workflow *wf, const struct socm_value *section,
                                     const char *default_name, enum socm_fields_share share,
                                     struct socm_error *err)
{
    return fill_common(wf, section, default_name, share, err);
}

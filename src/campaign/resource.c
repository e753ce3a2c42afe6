/* resource.c — the clusters socm knows and their QoS policies: the built-in
 * catalogue (as the original ships it), `[resources.NAME]` tables in the campaign,
 * and ~/.config/socm/resources.toml. User definitions win over built-ins. */
#include "campaign/campaign.h"
#include "campaign/schema.h"
#include "config/config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

struct builtin_qos {
    const char *name;
    double max_walltime_min;
    int64_t max_jobs, max_cores;
};

struct builtin_resource {
    const char *name;
    int64_t nodes, cores_per_node;
    double memory_per_node_mb;
    struct builtin_qos qos[8]; /* ends at name == NULL */
};

/* Exactly the original's catalogue, QoS in its preference order. */
static const struct builtin_resource builtins[] = {
    {"tiger3", 492, 112, 1000000,
     {{"test", 60, 1, 8000},
      {"vshort", 300, 2000, 55104},
      {"short", 1440, 50, 8000},
      {"medium", 4320, 80, 4000},
      {"long", 8640, 16, 1000},
      {"vlong", 21600, 8, 900}}},
    {"perlmutter", 3072, 128, 1000000,
     {{"regular", 2880, 5000, 393216},
      {"interactive", 240, 2, 512},
      {"shared_interactive", 240, 2, 64},
      {"debug", 30, 5, 1024}}},
    {"universe", 28, 224, 1000000, {{"main", 43200, 5000, 6272}}},
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

static struct socm_resource *from_builtin(const struct builtin_resource *b)
{
    struct socm_resource *r = socm_xcalloc(1, sizeof *r);
    r->name = socm_strdup(b->name);
    r->nodes = b->nodes;
    r->cores_per_node = b->cores_per_node;
    r->memory_per_node_mb = b->memory_per_node_mb;
    while (r->n_qos < 8 && b->qos[r->n_qos].name)
        r->n_qos++;
    r->qos = socm_xcalloc(r->n_qos, sizeof *r->qos);
    for (size_t i = 0; i < r->n_qos; i++) {
        r->qos[i].name = socm_strdup(b->qos[i].name);
        r->qos[i].max_walltime_min = b->qos[i].max_walltime_min;
        r->qos[i].max_jobs = b->qos[i].max_jobs;
        r->qos[i].max_cores = b->qos[i].max_cores;
    }
    return r;
}

void socm_resource_free(struct socm_resource *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_qos; i++)
        free(r->qos[i].name);
    free(r->qos);
    free(r->name);
    free(r);
}

struct socm_resource *socm_resource_clone(const struct socm_resource *r)
{
    if (!r)
        return NULL;
    struct socm_resource *c = socm_xcalloc(1, sizeof *c);
    *c = *r;
    c->name = socm_strdup(r->name);
    c->qos = socm_xcalloc(r->n_qos ? r->n_qos : 1, sizeof *c->qos);
    for (size_t i = 0; i < r->n_qos; i++) {
        c->qos[i] = r->qos[i];
        c->qos[i].name = socm_strdup(r->qos[i].name);
    }
    return c;
}

/* A key spelled with '_' or '-' (the original's README uses cores-per-node). */
static const struct socm_value *get2(const struct socm_value *t, const char *key)
{
    const struct socm_value *v = socm_table_get(t, key);
    if (v)
        return v;
    char alt[64];
    snprintf(alt, sizeof alt, "%s", key);
    for (char *p = alt; *p; p++)
        if (*p == '_')
            *p = '-';
    return socm_table_get(t, alt);
}

static int positive_int(const struct socm_value *t, const char *key, bool required, int64_t *out,
                        struct socm_error *err)
{
    const struct socm_value *v = get2(t, key);
    if (!v) {
        if (required)
            return socm_error_at(err, &t->pos, "resource needs '%s'", key);
        return 0;
    }
    if (v->type != SOCM_V_INTEGER || v->u.i <= 0)
        return socm_error_at(err, &v->pos, "'%s' must be a positive integer", key);
    *out = v->u.i;
    return 0;
}

static int qos_from_table(struct socm_qos *q, const struct socm_value *t, struct socm_error *err)
{
    if (t->type != SOCM_V_TABLE)
        return socm_error_at(err, &t->pos, "each qos must be a table {name, max_walltime, max_jobs, max_cores}");
    const char *name = NULL;
    if (socm_table_get_string(t, "name", &name, err) < 0)
        return -1;
    if (!name || !name[0])
        return socm_error_at(err, &t->pos, "qos needs a 'name'");
    q->name = socm_strdup(name);
    const struct socm_value *w = get2(t, "max_walltime");
    if (!w)
        return socm_error_at(err, &t->pos, "qos '%s' needs 'max_walltime'", name);
    if (socm_units_duration_min(w, "max_walltime", &q->max_walltime_min, err) < 0)
        return -1;
    if (q->max_walltime_min <= 0)
        return socm_error_at(err, &w->pos, "'max_walltime' must be positive");
    q->max_jobs = INT32_MAX;
    q->max_cores = INT64_MAX;
    if (positive_int(t, "max_jobs", false, &q->max_jobs, err) < 0 ||
        positive_int(t, "max_cores", false, &q->max_cores, err) < 0)
        return -1;
    return 0;
}

struct socm_resource *socm_resource_from_table(const char *name, const struct socm_value *t,
                                               struct socm_error *err)
{
    if (!t || t->type != SOCM_V_TABLE) {
        socm_error_at(err, t ? &t->pos : NULL, "resource '%s' must be a table", name);
        return NULL;
    }
    /* Every source (campaign, resources file) is checked for unknown keys here. */
    struct socm_errlist unknown = {0};
    char *path = strcmp(name, "campaign") ? socm_asprintf("resources.%s", name)
                                          : socm_strdup("campaign.resources");
    socm_schema_check(t, &socm_schema_cluster, path, &unknown);
    free(path);
    if (unknown.n) {
        socm_error_set(err, SOCM_E_INPUT, "%s", unknown.msgs[0]);
        socm_errlist_free(&unknown);
        return NULL;
    }
    struct socm_resource *r = socm_xcalloc(1, sizeof *r);
    r->name = socm_strdup(name);
    if (positive_int(t, "nodes", true, &r->nodes, err) < 0 ||
        positive_int(t, "cores_per_node", true, &r->cores_per_node, err) < 0)
        goto fail;
    if (r->nodes > SOCM_MAX_CORES / r->cores_per_node) {
        socm_error_at(err, &t->pos, "resource '%s' has more than %" PRId64 " cores (nodes x "
                      "cores_per_node)", name, SOCM_MAX_CORES);
        goto fail;
    }
    const struct socm_value *m = get2(t, "memory_per_node");
    if (!m) {
        /* The original's README form: nodes and cores only. */
        r->memory_unchecked = true;
        r->memory_per_node_mb = SOCM_MEMORY_UNCHECKED;
    } else if (socm_units_memory_mb(m, "memory_per_node", &r->memory_per_node_mb, err) < 0)
        goto fail;
    if (r->memory_per_node_mb <= 0) {
        socm_error_at(err, &m->pos, "'memory_per_node' must be positive");
        goto fail;
    }
    const struct socm_value *q = socm_table_get(t, "qos");
    if (q && q->type != SOCM_V_ARRAY) {
        socm_error_at(err, &q->pos, "'qos' must be an array of tables");
        goto fail;
    }
    if (q && q->u.arr.n) {
        r->qos = socm_xcalloc(q->u.arr.n, sizeof *r->qos);
        for (size_t i = 0; i < q->u.arr.n; i++) {
            r->n_qos = i + 1;
            if (qos_from_table(&r->qos[i], q->u.arr.items[i], err) < 0)
                goto fail;
        }
    } else {
        /* No QoS given: one unlimited policy, so that planning can proceed. */
        r->qos = socm_xcalloc(1, sizeof *r->qos);
        r->n_qos = 1;
        r->qos[0].name = socm_strdup("default");
        r->qos[0].max_walltime_min = 1e9;
        r->qos[0].max_jobs = INT32_MAX;
        r->qos[0].max_cores = r->nodes * r->cores_per_node;
    }
    return r;
fail:
    socm_resource_free(r);
    return NULL;
}

/* ~/.config/socm/resources.toml ($XDG_CONFIG_HOME honoured); NULL if absent. */
static struct socm_value *user_file(struct socm_error *err, int *rc)
{
    *rc = 0;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *path;
    if (xdg && xdg[0])
        path = socm_asprintf("%s/socm/resources.toml", xdg);
    else if (home && home[0])
        path = socm_asprintf("%s/.config/socm/resources.toml", home);
    else
        return NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        free(path);
        return NULL;
    }
    fclose(f);
    size_t len;
    struct socm_value *root = NULL;
    char *data = socm_file_read(path, &len, err);
    if (data)
        root = socm_toml_parse(data, len, socm_intern(path), err);
    free(data);
    free(path);
    if (!root)
        *rc = -1;
    return root;
}

/* The table holding NAME = {...}: a file may be [resources.NAME] or bare [NAME]. */
static const struct socm_value *file_resources(const struct socm_value *root)
{
    const struct socm_value *r = socm_table_get(root, "resources");
    return r && r->type == SOCM_V_TABLE ? r : root;
}

struct socm_resource *socm_resource_lookup(const char *name, const struct socm_value *user,
                                           struct socm_error *err)
{
    if (!name) {
        socm_error_set(err, SOCM_E_INPUT, "no resource name");
        return NULL;
    }
    const struct socm_value *t = user ? socm_table_get(user, name) : NULL;
    if (t)
        return socm_resource_from_table(name, t, err);
    int rc;
    struct socm_value *file = user_file(err, &rc);
    if (rc < 0)
        return NULL;
    if (file && (t = socm_table_get(file_resources(file), name))) {
        struct socm_resource *r = socm_resource_from_table(name, t, err);
        socm_value_free(file);
        return r;
    }
    socm_value_free(file);
    for (size_t i = 0; i < NBUILTINS; i++)
        if (!strcmp(builtins[i].name, name))
            return from_builtin(&builtins[i]);
    struct socm_strv names = SOCM_STRV_INIT;
    socm_resource_list(user, &names);
    char *known = socm_strv_join(&names, ", ");
    socm_error_set(err, SOCM_E_INPUT, "unknown resource '%s' (known: %s)", name, known);
    free(known);
    socm_strv_free(&names);
    return NULL;
}

bool socm_resource_is_builtin(const char *name)
{
    for (size_t i = 0; name && i < NBUILTINS; i++)
        if (!strcmp(builtins[i].name, name))
            return true;
    return false;
}

static bool strv_has(const struct socm_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (!strcmp(sv->v[i], s))
            return true;
    return false;
}

void socm_resource_list(const struct socm_value *user, struct socm_strv *names)
{
    for (size_t i = 0; i < NBUILTINS; i++)
        socm_strv_push(names, builtins[i].name);
    struct socm_error err;
    int rc;
    struct socm_value *file = user_file(&err, &rc);
    const struct socm_value *tables[2] = {user, file ? file_resources(file) : NULL};
    for (int k = 0; k < 2; k++) {
        const struct socm_value *t = tables[k];
        for (size_t i = 0; t && t->type == SOCM_V_TABLE && i < t->u.tbl.n; i++)
            if (t->u.tbl.items[i].value->type == SOCM_V_TABLE &&
                !strv_has(names, t->u.tbl.items[i].key))
                socm_strv_push(names, t->u.tbl.items[i].key);
    }
    socm_value_free(file);
}

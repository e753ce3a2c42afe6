/* null_tests.c — the `ml-null-tests` subcampaign: nine ML map-making null tests.
 * Each member splits its query's observations into groups (by time, wafer, scan
 * direction, pwv, day/night, moon up/down, elevation, distance to the Sun or Moon),
 * cuts every group into time-ordered chunks dealt round-robin to nsplits splits, and
 * expands into one ML workflow per non-empty split. Expansion writes each split's
 * <output_dir>/<split>/query.txt (creating directories) for the workflow to read. */
#include "workflows/so_types.h"

#include "util/str.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- what a member does ---- */

struct socm_nt_params {
    const char *site;
    double pwv_limit, elevation_threshold, distance_threshold, fov_radius;
};

/* A group of observations (indexes into the query's rows) with its name prefix. */
struct socm_nt_group {
    char *prefix; /* "direction_rising", "day", "wafer_ws0", "mission" */
    char *wafer;  /* wafer tests: the workflow's `wafer` */
    size_t *idx;
    size_t n;
};

struct socm_nt_groups {
    struct socm_nt_group *v;
    size_t n;
};

typedef int (*socm_nt_grouper)(const struct socm_obslist *obs, const struct socm_nt_params *p,
                               struct socm_nt_groups *g, const struct socm_value *section,
                               struct socm_error *err);

struct socm_nt_kind {
    const char *member;       /* "mission-tests" */
    const char *default_name; /* the original's class default (when no split is made) */
    int64_t nsplits;
    bool count_nonempty;      /* mission: <k> counts only non-empty splits */
    socm_nt_grouper group;
};

static struct socm_nt_group *socm_nt_add(struct socm_nt_groups *g, const char *prefix, size_t cap)
{
    g->v = socm_xrealloc(g->v, (g->n + 1) * sizeof *g->v);
    struct socm_nt_group *gr = &g->v[g->n++];
    memset(gr, 0, sizeof *gr);
    gr->prefix = socm_strdup(prefix);
    gr->idx = socm_xcalloc(cap ? cap : 1, sizeof *gr->idx);
    return gr;
}

static void socm_nt_groups_free(struct socm_nt_groups *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].prefix);
        free(g->v[i].wafer);
        free(g->v[i].idx);
    }
    free(g->v);
    memset(g, 0, sizeof *g);
}

/* Two-way (or three-way) classification: labels in emission order, fn picks one. */
typedef int (*socm_nt_classify)(const struct socm_obs *o, const struct socm_nt_params *p,
                                struct socm_error *err);

static int socm_nt_by_label(const struct socm_obslist *obs, const struct socm_nt_params *p,
                            struct socm_nt_groups *g, const char *const *prefixes, size_t nlabels,
                            socm_nt_classify fn, struct socm_error *err)
{
    for (size_t l = 0; l < nlabels; l++)
        socm_nt_add(g, prefixes[l], obs->n);
    for (size_t i = 0; i < obs->n; i++) {
        int l = fn(&obs->v[i], p, err);
        if (l < 0)
            return -1;
        g->v[l].idx[g->v[l].n++] = i;
    }
    return 0;
}

static int socm_nt_need(double x, const struct socm_obs *o, const char *col, struct socm_error *err)
{
    if (isnan(x))
        return socm_error_set(err, SOCM_E_INPUT, "observation %s has no %s", o->obs_id, col);
    return 0;
}

/* ---- the nine members ---- */

static int socm_nt_mission(const struct socm_obslist *obs, const struct socm_nt_params *p,
                           struct socm_nt_groups *g, const struct socm_value *section,
                           struct socm_error *err)
{
    struct socm_nt_group *gr = socm_nt_add(g, "mission", obs->n);
    for (size_t i = 0; i < obs->n; i++)
        gr->idx[gr->n++] = i;
    return 0;
}

static const char *const socm_wafers_sat[] = {"st1:ws0", "st1:ws1", "st1:ws2", "st1:ws3",
                                              "st1:ws4", "st1:ws5", "st1:ws6", NULL};
static const char *const socm_wafers_act[] = {"st1:ws0", NULL};
static const char *const socm_wafers_lat[] = {
    "c1:ws0", "c1:ws1", "c1:ws2", "i1:ws0", "i1:ws1", "i1:ws2", "i2:ws0",
    "i2:ws1", "i2:ws2", "i3:ws0", "i3:ws1", "i3:ws2", "i4:ws0", "i4:ws1",
    "i4:ws2", "i5:ws0", "i5:ws1", "i5:ws2", "i6:ws0", "i6:ws1", "i6:ws2", NULL};

static const char *const *socm_site_wafers(const char *site)
{
    if (!strcmp(site, "sat") || !strcmp(site, "so_sat"))
        return socm_wafers_sat;
    if (!strcmp(site, "lat") || !strcmp(site, "so_lat"))
        return socm_wafers_lat;
    if (!strcmp(site, "act"))
        return socm_wafers_act;
    return NULL;
}

/* Whether `ws` is one of the comma-separated items of list (exact match, as
 * Python's `ws in list.split(",")`). */
static bool socm_list_has(const char *list, const char *ws)
{
    size_t n = strlen(ws);
    for (const char *s = list;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == n && strncmp(s, ws, n) == 0)
            return true;
        if (!comma)
            return false;
        s = comma + 1;
    }
}

static int socm_nt_wafer(const struct socm_obslist *obs, const struct socm_nt_params *p,
                         struct socm_nt_groups *g, const struct socm_value *section,
                         struct socm_error *err)
{
    for (size_t i = 1; i < obs->n; i++)
        if (strcmp(obs->v[i].tube_slot, obs->v[0].tube_slot) != 0)
            return socm_error_set(err, SOCM_E_INPUT,
                                  "all observations must be from the same tube slot; found %s (%s) and %s (%s)",
                                  obs->v[0].tube_slot, obs->v[0].obs_id, obs->v[i].tube_slot,
                                  obs->v[i].obs_id);
    for (const char *const *tw = socm_site_wafers(p->site); *tw; tw++) {
        const char *colon = strchr(*tw, ':');
        char *tube = socm_strndup(*tw, (size_t)(colon - *tw));
        const char *ws = colon + 1;
        char *prefix = socm_asprintf("wafer_%s", ws);
        struct socm_nt_group *gr = socm_nt_add(g, prefix, obs->n);
        gr->wafer = socm_strdup(ws);
        for (size_t i = 0; i < obs->n; i++)
            if (socm_list_has(obs->v[i].wafer_slots_list, ws) && strstr(obs->v[i].tube_slot, tube))
                gr->idx[gr->n++] = i;
        free(prefix);
        free(tube);
    }
    return 0;
}

static int socm_cls_direction(const struct socm_obs *o, const struct socm_nt_params *p,
                              struct socm_error *err)
{
    if (socm_nt_need(o->az_center, o, "az_center", err) < 0)
        return -1;
    double az = fmod(o->az_center, 360.0);
    if (az < 0)
        az += 360.0;
    if (fabs(az - 180.0) <= 1e-8 + 1e-5 * 180.0) /* numpy.isclose */
        return 2;
    return az > 180.0 ? 1 : 0;
}

static int socm_nt_direction(const struct socm_obslist *obs, const struct socm_nt_params *p,
                             struct socm_nt_groups *g, const struct socm_value *section,
                             struct socm_error *err)
{
    static const char *const l[] = {"direction_rising", "direction_setting", "direction_middle"};
    return socm_nt_by_label(obs, p, g, l, 3, socm_cls_direction, err);
}

static int socm_cls_pwv(const struct socm_obs *o, const struct socm_nt_params *p,
                        struct socm_error *err)
{
    return o->pwv > p->pwv_limit ? 0 : 1;
}

static int socm_nt_pwv(const struct socm_obslist *obs, const struct socm_nt_params *p,
                       struct socm_nt_groups *g, const struct socm_value *section,
                       struct socm_error *err)
{
    static const char *const l[] = {"pwv_high", "pwv_low"};
    return socm_nt_by_label(obs, p, g, l, 2, socm_cls_pwv, err);
}

static int socm_cls_elevation(const struct socm_obs *o, const struct socm_nt_params *p,
                              struct socm_error *err)
{
    if (socm_nt_need(o->el_center, o, "el_center", err) < 0)
        return -1;
    return o->el_center < p->elevation_threshold ? 0 : 1;
}

static int socm_nt_elevation(const struct socm_obslist *obs, const struct socm_nt_params *p,
                             struct socm_nt_groups *g, const struct socm_value *section,
                             struct socm_error *err)
{
    static const char *const l[] = {"elevation_low", "elevation_high"};
    return socm_nt_by_label(obs, p, g, l, 2, socm_cls_elevation, err);
}

static int socm_cls_day(const struct socm_obs *o, const struct socm_nt_params *p,
                        struct socm_error *err)
{
    return socm_ephem_is_day(o->timestamp) ? 0 : 1;
}

static int socm_nt_day_night(const struct socm_obslist *obs, const struct socm_nt_params *p,
                             struct socm_nt_groups *g, const struct socm_value *section,
                             struct socm_error *err)
{
    if (socm_ephem_check("day-night null tests", err) < 0)
        return -1;
    static const char *const l[] = {"day", "night"};
    return socm_nt_by_label(obs, p, g, l, 2, socm_cls_day, err);
}

static int socm_cls_moon_sky(const struct socm_obs *o, const struct socm_nt_params *p,
                             struct socm_error *err)
{
    return socm_ephem_moon_in_sky(o->timestamp) ? 0 : 1;
}

static int socm_nt_moonrise_set(const struct socm_obslist *obs, const struct socm_nt_params *p,
                                struct socm_nt_groups *g, const struct socm_value *section,
                                struct socm_error *err)
{
    if (socm_ephem_check("moonrise-set null tests", err) < 0)
        return -1;
    static const char *const l[] = {"moon_insky", "moon_outsky"};
    return socm_nt_by_label(obs, p, g, l, 2, socm_cls_moon_sky, err);
}

static int socm_cls_sun_close(const struct socm_obs *o, const struct socm_nt_params *p,
                              struct socm_error *err)
{
    if (socm_nt_need(o->az_center, o, "az_center", err) < 0 ||
        socm_nt_need(o->el_center, o, "el_center", err) < 0)
        return -1;
    double d = socm_ephem_sun_distance(o->timestamp, o->az_center, o->el_center);
    return d <= p->distance_threshold + p->fov_radius ? 0 : 1;
}

static int socm_nt_sun_close(const struct socm_obslist *obs, const struct socm_nt_params *p,
                             struct socm_nt_groups *g, const struct socm_value *section,
                             struct socm_error *err)
{
    if (socm_ephem_check("sun-close null tests", err) < 0)
        return -1;
    static const char *const l[] = {"sun_close", "sun_far"};
    return socm_nt_by_label(obs, p, g, l, 2, socm_cls_sun_close, err);
}

static int socm_cls_moon_close(const struct socm_obs *o, const struct socm_nt_params *p,
                               struct socm_error *err)
{
    if (socm_nt_need(o->az_center, o, "az_center", err) < 0 ||
        socm_nt_need(o->el_center, o, "el_center", err) < 0)
        return -1;
    double d = socm_ephem_moon_distance(o->timestamp, o->az_center, o->el_center);
    return d <= p->distance_threshold + p->fov_radius ? 0 : 1;
}

static int socm_nt_moon_close(const struct socm_obslist *obs, const struct socm_nt_params *p,
                              struct socm_nt_groups *g, const struct socm_value *section,
                              struct socm_error *err)
{
    if (socm_ephem_check("moon-close null tests", err) < 0)
        return -1;
    static const char *const l[] = {"moon_close", "moon_far"};
    return socm_nt_by_label(obs, p, g, l, 2, socm_cls_moon_close, err);
}

/* ---- splitting ---- */

static const struct socm_obslist *socm_nt_sort_obs; /* qsort has no context argument */

static int socm_nt_cmp_time(const void *a, const void *b)
{
    const struct socm_obs *x = &socm_nt_sort_obs->v[*(const size_t *)a];
    const struct socm_obs *y = &socm_nt_sort_obs->v[*(const size_t *)b];
    if (x->timestamp != y->timestamp)
        return x->timestamp < y->timestamp ? -1 : 1;
    return strcmp(x->obs_id, y->obs_id);
}

void socm_so_null_split(const struct socm_obslist *obs, size_t *idx, size_t n, int64_t chunk_nobs,
                   int64_t nsplits, size_t *split_of)
{
    socm_nt_sort_obs = obs;
    qsort(idx, n, sizeof *idx, socm_nt_cmp_time);
    socm_nt_sort_obs = NULL;
    if (n == 0)
        return;
    size_t k = (n + (size_t)chunk_nobs - 1) / (size_t)chunk_nobs;
    size_t base = n / k, extra = n % k, j = 0;
    for (size_t c = 0; c < k; c++) {
        size_t len = base + (c < extra ? 1 : 0);
        for (size_t m = 0; m < len; m++)
            split_of[j++] = c % (size_t)nsplits;
    }
}

/* ---- one workflow per split ---- */

static int socm_mkdirs(const char *path, struct socm_error *err)
{
    char *p = socm_strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            socm_error_errno(err, "cannot create directory %s", p);
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = 0;
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = socm_error_errno(err, "cannot create directory %s", p);
    free(p);
    return rc;
}

static int socm_write_query_file(const char *path, const struct socm_obslist *obs,
                                 const size_t *ids, size_t n, struct socm_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return socm_error_errno(err, "cannot write %s", path);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\n", obs->v[ids[i]].obs_id);
    if (fclose(f) != 0)
        return socm_error_errno(err, "cannot write %s", path);
    return 0;
}

struct socm_nt_run {
    const struct socm_value *section;
    const struct socm_wf_ctx *ctx;
    const char *output_dir;
    const struct socm_obslist *obs;
    struct socm_wflist *out;
};

static int socm_nt_emit(const struct socm_nt_run *r, const char *split_name, const char *wafer,
                        const size_t *ids, size_t n, struct socm_error *err)
{
    char *dir = socm_asprintf("%s/%s", r->output_dir, split_name);
    char *qfile = socm_asprintf("%s/query.txt", dir);
    char *qabs = socm_path_absolute(qfile, r->ctx->base_dir);
    char *dabs = socm_path_absolute(dir, r->ctx->base_dir);
    int rc = socm_mkdirs(dabs, err);
    if (rc == 0)
        rc = socm_write_query_file(qabs, r->obs, ids, n, err);
    struct socm_workflow *wf = NULL;
    if (rc == 0) {
        wf = socm_workflow_new();
        char *name = socm_asprintf("%s_null_test_workflow", split_name);
        rc = socm_so_ml_fill(wf, r->section, name, r->ctx->base_dir, err);
        socm_workflow_set_str(&wf->name, name);
        free(name);
    }
    if (rc == 0) {
        const struct socm_pos *pos = &r->section->pos;
        char *uri = socm_asprintf("file://%s", qabs);
        socm_table_set(wf->fields, "name", socm_value_string(wf->name, strlen(wf->name), pos));
        socm_table_set(wf->fields, "query", socm_value_string(uri, strlen(uri), pos));
        socm_table_set(wf->fields, "output_dir", socm_value_string(dir, strlen(dir), pos));
        socm_table_set(wf->fields, "chunk_nobs", socm_value_integer(1, pos));
        if (wafer)
            socm_table_set(wf->fields, "wafer", socm_value_string(wafer, strlen(wafer), pos));
        int64_t datasize = 0;
        for (size_t i = 0; i < n; i++)
            datasize += r->obs->v[ids[i]].n_samples;
        socm_table_set(wf->fields, "datasize", socm_value_integer(datasize, pos));
        free(uri);
        socm_wflist_push(r->out, wf);
        wf = NULL;
    }
    socm_workflow_free(wf);
    free(dabs);
    free(qabs);
    free(qfile);
    free(dir);
    return rc;
}

static int socm_nt_emit_group(const struct socm_nt_run *r, const struct socm_nt_kind *kind,
                              const struct socm_nt_group *gr, int64_t chunk_nobs, int64_t nsplits,
                              struct socm_error *err)
{
    size_t *split_of = socm_xcalloc(gr->n + 1, sizeof *split_of);
    size_t *ids = socm_xcalloc(gr->n + 1, sizeof *ids);
    socm_so_null_split(r->obs, gr->idx, gr->n, chunk_nobs, nsplits, split_of);
    int rc = 0, emitted = 0;
    for (int64_t s = 0; s < nsplits && rc == 0; s++) {
        size_t n = 0;
        for (size_t j = 0; j < gr->n; j++)
            if (split_of[j] == (size_t)s)
                ids[n++] = gr->idx[j];
        if (n == 0)
            continue; /* empty splits are skipped but keep their number */
        emitted++;
        char *split_name = socm_asprintf("%s_split_%lld", gr->prefix,
                                         (long long)(kind->count_nonempty ? emitted : s + 1));
        rc = socm_nt_emit(r, split_name, gr->wafer, ids, n, err);
        free(split_name);
    }
    free(ids);
    free(split_of);
    return rc;
}

/* ---- reading the section ---- */

static int socm_nt_int(const struct socm_value *section, const char *key, int64_t *out,
                       struct socm_error *err)
{
    if (socm_table_get_int(section, key, out, err) < 0)
        return -1;
    const struct socm_value *v = socm_table_get(section, key);
    if (v && *out < 1)
        return socm_error_at(err, &v->pos, "'%s' must be at least 1", key);
    return 0;
}

static int socm_nt_params_read(const struct socm_value *section, struct socm_nt_params *p,
                               struct socm_error *err)
{
    p->site = "so_lat";
    p->pwv_limit = 2.0;
    p->elevation_threshold = 45.0;
    p->distance_threshold = 10.0;
    p->fov_radius = 1.0; /* sat, act, lat — and so_sat, so_lat, where the original fails */
    if (socm_table_get_string(section, "site", &p->site, err) < 0 ||
        socm_table_get_number(section, "pwv_limit", &p->pwv_limit, err) < 0 ||
        socm_table_get_number(section, "elevation_threshold", &p->elevation_threshold, err) < 0 ||
        socm_table_get_number(section, "sun_distance_threshold", &p->distance_threshold, err) < 0)
        return -1;
    if (!socm_site_wafers(p->site)) {
        const struct socm_value *v = socm_table_get(section, "site");
        return socm_error_at(err, &v->pos,
                             "unknown site '%s' (known: so_sat, so_lat, sat, lat, act)", p->site);
    }
    return 0;
}

static int socm_nt_chunking(const struct socm_value *section, int64_t *chunk_nobs,
                            struct socm_error *err)
{
    const struct socm_value *nobs = socm_table_get(section, "chunk_nobs");
    const struct socm_value *dur = socm_table_get(section, "chunk_duration");
    if (nobs && dur)
        return socm_error_at(err, &dur->pos, "set only one of chunk_nobs and chunk_duration");
    if (dur)
        return socm_error_at(err, &dur->pos,
                             "chunk_duration is not supported yet (as in the original); set chunk_nobs");
    if (!nobs)
        return socm_error_at(err, &section->pos, "one of chunk_nobs or chunk_duration must be set");
    return socm_nt_int(section, "chunk_nobs", chunk_nobs, err);
}

static int socm_nt_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                          const struct socm_value *section, struct socm_wflist *out,
                          struct socm_error *err)
{
    const struct socm_nt_kind *kind = type->data;
    struct socm_nt_params p;
    int64_t chunk_nobs = 0, nsplits = kind->nsplits;
    if (socm_nt_params_read(section, &p, err) < 0 || socm_nt_chunking(section, &chunk_nobs, err) < 0 ||
        socm_nt_int(section, "nsplits", &nsplits, err) < 0)
        return -1;
    /* The section's own reading (required keys, query) before any split exists. */
    struct socm_workflow *probe = socm_workflow_new();
    struct socm_obslist obs = {0};
    struct socm_nt_groups groups = {0};
    int rc = socm_so_ml_fill(probe, section, kind->default_name, ctx->base_dir, err);
    if (rc == 0)
        rc = socm_so_query(probe, ctx->base_dir, &obs, err);
    if (rc == 0) {
        struct socm_error inner = {0};
        if (kind->group(&obs, &p, &groups, section, &inner) < 0) {
            const struct socm_value *q = socm_table_get(section, "query");
            rc = socm_error_at(err, q ? &q->pos : &section->pos, "%s", inner.msg);
        }
    }
    const struct socm_value *od = socm_table_get(probe->fields, "output_dir");
    struct socm_nt_run run = {section, ctx, od ? od->u.str.s : ".", &obs, out};
    for (size_t i = 0; rc == 0 && i < groups.n; i++)
        rc = socm_nt_emit_group(&run, kind, &groups.v[i], chunk_nobs, nsplits, err);
    socm_nt_groups_free(&groups);
    socm_obslist_free(&obs);
    socm_workflow_free(probe);
    return rc;
}

static const char *const socm_nt_exclude[] = {
    "area", "output_dir", "executable", "query", "id", "environment", "resources",
    "datasize", "preprocess_config", "chunk_nobs", "nsplits", "wafers", "subcommand",
    "name", "chunk_duration", NULL,
};

static int socm_nt_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                              struct socm_error *err)
{
    return socm_so_ml_argv(wf, socm_nt_exclude, argv, err);
}

static const char *const socm_nt_keys[] = {
    "query", "area", "output_dir", "preprocess_config", "maxiter", "downsample", "site",
    "pwv_limit", "elevation_threshold", "sun_distance_threshold", "chunk_nobs", "chunk_duration",
    "nsplits", NULL};

static const char *const socm_nt_feature_exclude[] = {"area", "output_dir", "query",
                                                      "preprocess_config", "wafer", NULL};

#define SOCM_NT_KIND(var, member, dname, ns, nonempty, fn)                                       \
    static const struct socm_nt_kind var##_kind = {member, dname, ns, nonempty, fn};             \
    const struct socm_workflow_type var = {                                                    \
        .name = "ml-null-tests." member,                                                       \
        .expand = socm_nt_expand,                                                              \
        .build_argv = socm_nt_build_argv,                                                      \
        .feature_exclude = socm_nt_feature_exclude,                                            \
        .data = (void *)&var##_kind,                                                           \
        .keys = socm_nt_keys,                                                                  \
        .flags = SOCM_WFTYPE_OPTION_KEYS,                                                      \
    };

SOCM_NT_KIND(socm_wftype_ml_null_mission, "mission-tests", "mission_null_test_workflow", 8, true,
             socm_nt_mission)
SOCM_NT_KIND(socm_wftype_ml_null_wafer, "wafer-tests", "wafer_null_test_workflow", 8, false,
             socm_nt_wafer)
SOCM_NT_KIND(socm_wftype_ml_null_direction, "direction-tests", "direction_null_test_workflow", 2,
             false, socm_nt_direction)
SOCM_NT_KIND(socm_wftype_ml_null_pwv, "pwv-tests", "pwv_null_test_workflow", 2, false, socm_nt_pwv)
SOCM_NT_KIND(socm_wftype_ml_null_day_night, "day-night-tests", "day_night_null_test_workflow", 2,
             false, socm_nt_day_night)
SOCM_NT_KIND(socm_wftype_ml_null_moonrise_set, "moonrise-set-tests",
             "moonrise_set_null_test_workflow", 2, false, socm_nt_moonrise_set)
SOCM_NT_KIND(socm_wftype_ml_null_elevation, "elevation-tests", "elevation_null_test_workflow", 2,
             false, socm_nt_elevation)
SOCM_NT_KIND(socm_wftype_ml_null_sun_close, "sun-close-tests", "sun_close_far_null_test_workflow", 2,
             false, socm_nt_sun_close)
SOCM_NT_KIND(socm_wftype_ml_null_moon_close, "moon-close-tests",
             "moon_close_far_null_test_workflow", 2, false, socm_nt_moon_close)

static const char *const socm_ml_null_members[] = {
    "mission-tests",   "wafer-tests",     "direction-tests",
    "pwv-tests",       "day-night-tests", "moonrise-set-tests",
    "elevation-tests", "sun-close-tests", "moon-close-tests",
    NULL,
};

const struct socm_subcampaign socm_subcampaign_ml_null_tests = {
    .name = "ml-null-tests",
    .members = socm_ml_null_members,
};

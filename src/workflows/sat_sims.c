/* sat_sims.c — the `sat-sims` workflow type: TOAST simulations of the SAT
 * (toast_so_sim). Its command line lists every field of the original's model, set
 * or not, sorted by name, booleans as --<k>.enable/--<k>.disable, unset optionals as
 * None, four fields renamed to TOAST's dotted options. */
#include "workflows/so_types.h"

#include "util/str.h"

#include <inttypes.h>
#include <string.h>

/* The original model's fields and defaults; NULL value = optional, unset (None). */
struct socm_sat_field {
    const char *key;
    enum socm_vtype type; /* SOCM_V_NULL = optional string */
    const char *s;
    int64_t i;
};

static const struct socm_sat_field socm_sat_fields[] = {
    {"bands", SOCM_V_STRING, "SAT_f090", 0},
    {"wafer_slots", SOCM_V_STRING, "w25", 0},
    {"sample_rate", SOCM_V_INTEGER, NULL, 37},
    {"sim_noise", SOCM_V_BOOL, NULL, 0},
    {"scan_map", SOCM_V_BOOL, NULL, 0},
    {"sim_atmosphere", SOCM_V_BOOL, NULL, 0},
    {"sim_sss", SOCM_V_BOOL, NULL, 0},
    {"sim_hwpss", SOCM_V_BOOL, NULL, 0},
    {"pixels_healpix_radec_nside", SOCM_V_INTEGER, NULL, 512},
    {"schedule", SOCM_V_NULL, NULL, 0},
    {"sim_hwpss_atmo_data", SOCM_V_NULL, NULL, 0},
    {"filterbin_name", SOCM_V_NULL, NULL, 0},
    {"processing_mask_file", SOCM_V_NULL, NULL, 0},
    {"context", SOCM_V_NULL, NULL, 0},
    {NULL, SOCM_V_NULL, NULL, 0},
};

static const char *const socm_sat_renames[][2] = {
    {"sim_hwpss_atmo_data", "sim_hwpss.atmo_data"},
    {"pixels_healpix_radec_nside", "pixels_healpix_radec.nside"},
    {"filterbin_name", "filterbin.name"},
    {"processing_mask_file", "processing_mask.file"},
};

static const char *const socm_sat_exclude[] = {"name", "output_dir", "executable", "id",
                                               "environment", "resources", "depends", NULL};

static bool socm_sat_excluded(const char *k)
{
    for (size_t i = 0; socm_sat_exclude[i]; i++)
        if (!strcmp(socm_sat_exclude[i], k))
            return true;
    for (size_t i = 0; socm_so_socm_keys[i]; i++)
        if (!strcmp(socm_so_socm_keys[i], k))
            return true;
    return false;
}

static const char *socm_sat_option(const char *k)
{
    for (size_t i = 0; i < sizeof socm_sat_renames / sizeof socm_sat_renames[0]; i++)
        if (!strcmp(socm_sat_renames[i][0], k))
            return socm_sat_renames[i][1];
    return k;
}

static int socm_sat_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                           const struct socm_value *section, struct socm_wflist *out,
                           struct socm_error *err)
{
    struct socm_workflow *wf = socm_workflow_new();
    const char *dname = strcmp(ctx->section_name, type->name) ? ctx->section_name : "sat_sims";
    if (socm_workflow_fill_common(wf, section, dname, err) < 0)
        goto fail;
    if (!wf->executable)
        socm_workflow_set_str(&wf->executable, "toast_so_sim");
    if (!wf->subcommand)
        socm_workflow_set_str(&wf->subcommand, "");
    const struct socm_value *od = socm_table_get(wf->fields, "output_dir");
    if (!od) {
        socm_error_at(err, &section->pos, "missing required key 'output_dir'");
        goto fail;
    }
    if (od->type != SOCM_V_STRING) {
        socm_error_at(err, &od->pos, "'output_dir' must be a string, not %s", socm_vtype_name(od->type));
        goto fail;
    }
    for (const struct socm_sat_field *f = socm_sat_fields; f->key; f++) {
        const struct socm_value *v = socm_table_get(wf->fields, f->key);
        if (v && f->type == SOCM_V_BOOL && v->type != SOCM_V_BOOL) {
            socm_error_at(err, &v->pos, "'%s' must be true or false, not %s", f->key,
                          socm_vtype_name(v->type));
            goto fail;
        }
        if (v && f->type == SOCM_V_INTEGER && v->type != SOCM_V_INTEGER) {
            socm_error_at(err, &v->pos, "'%s' must be an integer, not %s", f->key,
                          socm_vtype_name(v->type));
            goto fail;
        }
    }
    /* Paths are made absolute against the campaign file's directory, the place
     * relative paths are read from. */
    struct socm_value *fields = wf->fields;
    for (size_t i = 0; i < fields->u.tbl.n; i++) {
        struct socm_value *v = fields->u.tbl.items[i].value;
        if (v->type == SOCM_V_STRING && socm_str_startswith(v->u.str.s, "file://")) {
            char *abs = socm_path_absolute(socm_uri_strip_file(v->u.str.s), ctx->base_dir);
            char *uri = socm_asprintf("file://%s", abs);
            fields->u.tbl.items[i].value = socm_value_string(uri, strlen(uri), &v->pos);
            socm_value_free(v);
            free(uri);
            free(abs);
        }
    }
    socm_wflist_push(out, wf);
    return 0;
fail:
    socm_workflow_free(wf);
    return -1;
}

/* The model as the original dumps it: defaults, then the section's keys. */
static struct socm_value *socm_sat_model(const struct socm_workflow *wf)
{
    struct socm_value *m = socm_value_table(NULL);
    for (const struct socm_sat_field *f = socm_sat_fields; f->key; f++) {
        struct socm_value *v;
        switch (f->type) {
        case SOCM_V_STRING: v = socm_value_string(f->s, strlen(f->s), NULL); break;
        case SOCM_V_INTEGER: v = socm_value_integer(f->i, NULL); break;
        case SOCM_V_BOOL: v = socm_value_bool(f->i != 0, NULL); break;
        default: v = socm_value_new(SOCM_V_NULL, NULL); break;
        }
        socm_table_set(m, f->key, v);
    }
    for (size_t i = 0; i < wf->fields->u.tbl.n; i++)
        socm_table_set(m, wf->fields->u.tbl.items[i].key,
                       socm_value_clone(wf->fields->u.tbl.items[i].value));
    const char *sub = wf->subcommand ? wf->subcommand : "";
    socm_table_set(m, "subcommand", socm_value_string(sub, strlen(sub), NULL));
    return m;
}

static int socm_sat_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                               struct socm_error *err)
{
    const struct socm_value *od = socm_table_get(wf->fields, "output_dir");
    if (!od || od->type != SOCM_V_STRING)
        return socm_error_at(err, &wf->pos, "workflow '%s' has no output_dir", wf->name);
    socm_strv_push(argv, "srun");
    socm_strv_push(argv, "--cpu_bind=cores");
    socm_strv_push(argv, "--export=ALL");
    socm_strv_pushf(argv, "--ntasks-per-node=%" PRId64, wf->res.ranks);
    socm_strv_pushf(argv, "--cpus-per-task=%" PRId64, wf->res.threads);
    socm_so_words(argv, wf->executable);
    /* One token even when empty: the original's command has a double space there. */
    socm_strv_push(argv, wf->subcommand ? wf->subcommand : "");
    socm_strv_pushf(argv, "--job_group_size=%" PRId64, wf->res.ranks);
    socm_strv_push(argv, "--out");
    socm_strv_push(argv, od->u.str.s);
    struct socm_value *m = socm_sat_model(wf);
    size_t n;
    const char **keys = socm_so_sorted_keys(m, &n);
    for (size_t i = 0; i < n; i++) {
        if (socm_sat_excluded(keys[i]))
            continue;
        const struct socm_value *v = socm_table_get(m, keys[i]);
        if (v->type == SOCM_V_BOOL) {
            socm_strv_pushf(argv, "--%s.%s", keys[i], v->u.b ? "enable" : "disable");
            continue;
        }
        char *text = socm_so_value_text(v);
        socm_strv_pushf(argv, "--%s=%s", socm_sat_option(keys[i]), text);
        free(text);
    }
    free(keys);
    socm_value_free(m);
    return 0;
}

static const char *const socm_sat_feature_exclude[] = {"output_dir", "schedule", "filterbin_name",
                                                       "processing_mask_file", NULL};

/* The original model's fields and output_dir; any other key becomes an option. */
static const char *const socm_sat_keys[] = {
    "output_dir", "bands", "wafer_slots", "sample_rate", "sim_noise", "scan_map",
    "sim_atmosphere", "sim_sss", "sim_hwpss", "pixels_healpix_radec_nside", "schedule",
    "sim_hwpss_atmo_data", "filterbin_name", "processing_mask_file", NULL};

const struct socm_workflow_type socm_wftype_sat_sims = {
    .name = "sat-sims",
    .expand = socm_sat_expand,
    .build_argv = socm_sat_build_argv,
    .feature_exclude = socm_sat_feature_exclude,
    .data = NULL,
    .keys = socm_sat_keys,
    .flags = SOCM_WFTYPE_OPTION_KEYS,
};

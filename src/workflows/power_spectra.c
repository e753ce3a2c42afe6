/* power_spectra.c — the `power-spectra` workflow type: one stage of the original's
 * YAML `stages:` format (PSpipe). The command is the original's:
 *   srun --cpu_bind=cores --export=ALL --ntasks-per-node=R --cpus-per-task=T
 *        <executable words> <script> <script-args> <--flags> <--k=v sorted>
 * A `file://` script argument is the text after its last "file://", made absolute
 * against the directory socm was started in exactly as Python's Path.absolute()
 * does it (the original's rule). Plain script arguments, which the original drops,
 * are passed: relative ones made absolute against base-path (the stage's, else the
 * campaign's, else the current directory), which expansion resolves and stores in
 * the workflow's fields, since the command runs in its own sandbox. */
#include "workflows/common.h"

#include "obsdb/obsdb.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

static const char *base_path_of(const struct socm_value *t, struct socm_error *err, int *rc)
{
    const char *s = NULL;
    *rc = 0;
    if (!t)
        return NULL;
    if (socm_table_get_string(t, "base-path", &s, err) < 0 ||
        (!s && socm_table_get_string(t, "base_path", &s, err) < 0))
        *rc = -1;
    return s;
}

/* Absolute form of `p` (relative to the current directory, like os.path.abspath). */
static char *absolute(const char *p)
{
    if (p[0] == '/')
        return socm_strdup(p);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return socm_strdup(p);
    if (!p[0] || !strcmp(p, "."))
        return socm_strdup(cwd);
    return socm_asprintf("%s/%s", cwd, p);
}

/* The base-path node of a stage: the previous stage's when it has the same text
 * (stages mostly share one base path; its node is then one, not one per stage),
 * else a new one at the stage. A shared node keeps the position of the first stage
 * of the run that has it, the first that a problem with it is reported for. */
static struct socm_value *base_path_value(const struct socm_workflow_type *type,
                                          const struct socm_wflist *out, const char *abs,
                                          const struct socm_pos *pos)
{
    const struct socm_workflow *prev = out->n ? out->v[out->n - 1] : NULL;
    const struct socm_value *v =
        prev && prev->wtype == type ? socm_table_get(prev->fields, "base-path") : NULL;
    if (v && v->type == SOCM_V_STRING && !strcmp(v->u.str.s, abs))
        return socm_value_share(v);
    return socm_value_string(abs, strlen(abs), pos);
}

static int ps_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                     const struct socm_value *section, struct socm_wflist *out,
                     struct socm_error *err)
{
    if (socm_wfargv_check_list(section, "script-args", err) < 0 ||
        socm_wfargv_check_kwargs(section, "script-kwargs", err) < 0 ||
        socm_wfargv_check_list(section, "script-flags", err) < 0)
        return -1;
    const char *script = NULL;
    if (socm_table_get_string(section, "script", &script, err) < 0)
        return -1;
    int rc;
    const char *base = base_path_of(section, err, &rc);
    if (rc < 0)
        return -1;
    if (!base && !(base = base_path_of(ctx->campaign, err, &rc)) && rc < 0)
        return -1;

    struct socm_workflow *wf = socm_workflow_new();
    /* Only a top-level key (base-path) is set below: the values can be shared. */
    if (socm_workflow_fill_common_shared(wf, section, ctx->section_name,
                                         SOCM_FIELDS_SHARE_VALUES, err) < 0)
        goto fail;
    if (!wf->executable || !wf->executable[0]) {
        socm_error_at(err, &section->pos, "stage '%s' needs an 'executable'", wf->name);
        goto fail;
    }
    if (!script || !script[0]) {
        socm_error_at(err, &section->pos, "stage '%s' needs a 'script'", wf->name);
        goto fail;
    }
    socm_workflow_set_str(&wf->subcommand, script);
    socm_workflow_set_str(&wf->type, type->name);
    char *abs = absolute(base ? base : ".");
    socm_table_set(wf->fields, "base-path", base_path_value(type, out, abs, &section->pos));
    free(abs);
    socm_wflist_push(out, wf);
    return 0;
fail:
    socm_workflow_free(wf);
    return -1;
}

/* A script argument as the stage's command gets it. */
static char *ps_arg(const struct socm_value *v, const char *base)
{
    char *text = socm_wfargv_pystr(v);
    if (v->type != SOCM_V_STRING)
        return text;
    char *r;
    if (socm_str_startswith(text, "file://"))
        r = socm_path_absolute(socm_uri_strip_file(text), NULL); /* Path(...).absolute() */
    else if (text[0] == '/' || text[0] == '-' || !text[0])
        r = socm_strdup(text);
    else
        r = socm_asprintf("%s/%s", base, text);
    free(text);
    return r;
}

static int ps_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                         struct socm_error *err)
{
    const struct socm_value *bp = socm_table_get(wf->fields, "base-path");
    const char *base = bp && bp->type == SOCM_V_STRING ? bp->u.str.s : ".";
    socm_strv_push(argv, "srun");
    socm_strv_push(argv, "--cpu_bind=cores");
    socm_strv_push(argv, "--export=ALL");
    socm_strv_pushf(argv, "--ntasks-per-node=%lld", (long long)wf->res.ranks);
    socm_strv_pushf(argv, "--cpus-per-task=%lld", (long long)wf->res.threads);
    socm_wfargv_words(argv, wf->executable);
    if (wf->subcommand)
        socm_strv_push(argv, wf->subcommand);
    const struct socm_value *args = socm_table_get(wf->fields, "script-args");
    for (size_t i = 0; args && args->type == SOCM_V_ARRAY && i < args->u.arr.n; i++)
        socm_strv_push_owned(argv, ps_arg(args->u.arr.items[i], base));
    /* The original's order: flags before the sorted options. */
    socm_wfargv_flags(argv, socm_table_get(wf->fields, "script-flags"));
    socm_wfargv_kwargs(argv, socm_table_get(wf->fields, "script-kwargs"));
    (void)err;
    return 0;
}

/* Strict: a misspelt script-args is an error, not a lost argument. */
static const char *const ps_keys[] = {"script", "script-args", "script-kwargs", "script-flags",
                                      "base-path", "base_path", NULL};

static const char *const ps_exclude[] = {"script", "script-args", "script-kwargs", "script-flags",
                                         "base-path", NULL};

const struct socm_workflow_type socm_wftype_power_spectra = {
    .name = "power-spectra",
    .expand = ps_expand,
    .build_argv = ps_build_argv,
    .feature_exclude = ps_exclude,
    .keys = ps_keys,
};

/* generic.c — the `generic` workflow type: any tool, no code. `executable`,
 * optional `subcommand`, `args = [...]` (positional), `kwargs = {k = v}` (→ --k=v,
 * sorted by key) and `flags = [...]` (→ --flag). */
#include "workflows/common.h"

static int generic_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                          const struct socm_value *section, struct socm_wflist *out,
                          struct socm_error *err)
{
    if (socm_wfargv_check_list(section, "args", err) < 0 ||
        socm_wfargv_check_kwargs(section, "kwargs", err) < 0 ||
        socm_wfargv_check_list(section, "flags", err) < 0)
        return -1;
    struct socm_workflow *wf = socm_workflow_new();
    /* generic never changes wf->fields: share the section, not a copy of it. */
    if (socm_workflow_fill_common_shared(wf, section, ctx->section_name, SOCM_FIELDS_SHARE, err) < 0) {
        socm_workflow_free(wf);
        return -1;
    }
    if (!wf->executable || !wf->executable[0]) {
        socm_workflow_free(wf);
        return socm_error_at(err, &section->pos, "workflow '%s' (generic) needs an 'executable'",
                             ctx->section_name);
    }
    socm_workflow_set_str(&wf->type, type->name);
    socm_wflist_push(out, wf);
    return 0;
}

static int generic_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                              struct socm_error *err)
{
    socm_wfargv_words(argv, wf->executable);
    if (wf->subcommand && wf->subcommand[0])
        socm_strv_push(argv, wf->subcommand);
    const struct socm_value *args = socm_table_get(wf->fields, "args");
    for (size_t i = 0; args && args->type == SOCM_V_ARRAY && i < args->u.arr.n; i++)
        socm_strv_push_owned(argv, socm_value_to_text(args->u.arr.items[i]));
    socm_wfargv_kwargs(argv, socm_table_get(wf->fields, "kwargs"));
    socm_wfargv_flags(argv, socm_table_get(wf->fields, "flags"));
    if (argv->n == 0)
        return socm_error_at(err, &wf->pos, "workflow '%s' has an empty command", wf->name);
    return 0;
}

static const char *const generic_exclude[] = {"args", "kwargs", "flags", NULL};
static const char *const generic_keys[] = {"args", "kwargs", "flags", NULL};

const struct socm_workflow_type socm_wftype_generic = {
    .name = "generic",
    .expand = generic_expand,
    .build_argv = generic_build_argv,
    .feature_exclude = generic_exclude,
    .keys = generic_keys,
};

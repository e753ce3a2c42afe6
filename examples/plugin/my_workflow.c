/* my_workflow.c — an example socm plug-in: the workflow type `my-custom-workflow`,
 * built like the original tool's MyCustomWorkflow example. A section
 *
 *     [campaign.my-analysis]
 *     type = "my-custom-workflow"
 *     context = "context.yaml"
 *     custom_param1 = "alpha"
 *     custom_param2 = 7          # optional
 *     threshold = 0.5
 *
 * runs `my-tool --context C --param1 P1 --threshold T [--param2 P2]`.
 * Build: see examples/plugin/README.md (only the installed headers and
 * `pkg-config --cflags --libs socm`); load with `plugins = ["path/to/lib.so"]` in
 * [campaign] or with SOCM_PLUGIN_PATH. */
#include "socm/plugin.h"

#include <stdlib.h>

#ifdef SOCM_EXAMPLE_WRONG_API
/* Built only to test that socm refuses a plug-in made for another API version. */
const int socm_plugin_api_version = SOCM_PLUGIN_API_VERSION + 41;
#else
const int socm_plugin_api_version = SOCM_PLUGIN_API_VERSION;
#endif

static const struct socm_plugin_api *host;

static int my_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                     const struct socm_value *section, struct socm_wflist *out,
                     struct socm_error *err)
{
    static const char *const required[] = {"context", "custom_param1", "threshold"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!socm_table_get(section, required[i]))
            return socm_value_error(err, section, "%s: '%s' is required", type->name,
                                    required[i]);
    struct socm_workflow *wf = socm_workflow_new();
    if (host->fill_common(wf, section, ctx->section_name, err) < 0) {
        socm_workflow_free(wf);
        return -1;
    }
    socm_workflow_set_type(wf, type->name);
    socm_wflist_push(out, wf);
    return 0;
}

static void push_option(struct socm_strv *argv, const char *flag, const struct socm_value *v)
{
    socm_strv_push(argv, flag);
    socm_strv_push_owned(argv, socm_value_to_text(v));
}

static int my_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                         struct socm_error *err)
{
    const struct socm_value *fields = socm_workflow_fields(wf);
    (void)err; /* every key was checked by my_expand */
    socm_strv_push(argv, "my-tool");
    push_option(argv, "--context", socm_table_get(fields, "context"));
    push_option(argv, "--param1", socm_table_get(fields, "custom_param1"));
    push_option(argv, "--threshold", socm_table_get(fields, "threshold"));
    const struct socm_value *p2 = socm_table_get(fields, "custom_param2");
    if (p2)
        push_option(argv, "--param2", p2);
    return 0;
}

/* The keys this type reads besides every workflow's (name, resources, depends...):
 * any other key in its section is reported with "did you mean". */
static const char *const my_keys[] = {"custom_param1", "custom_param2", "threshold", NULL};

static const struct socm_workflow_type my_type = {
    .name = "my-custom-workflow",
    .expand = my_expand,
    .build_argv = my_build_argv,
    .keys = my_keys,
};

int socm_plugin_init(const struct socm_plugin_api *api)
{
    host = api;
    return api->register_workflow_type(&my_type) == 0 ? 0 : api->fail("could not register my-custom-workflow");
}

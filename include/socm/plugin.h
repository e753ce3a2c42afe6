/* socm/plugin.h — what a plug-in (a shared object loaded with dlopen) sees. A
 * plug-in exports two symbols:
 *
 *     const int socm_plugin_api_version = SOCM_PLUGIN_API_VERSION;
 *     int socm_plugin_init(const struct socm_plugin_api *api);
 *
 * socm checks the version before calling anything, then calls socm_plugin_init,
 * which registers workflow types, subcampaigns, planners or enactors through `api`
 * and returns 0 (or -1 after api->fail(...) to refuse loading). The structs it
 * registers must live as long as the process (static storage); `api` itself does
 * too, so a plug-in may keep the pointer for later calls (api->path changes with
 * each plug-in loaded).
 *
 * Build one against an installed socm with only what pkg-config says:
 *
 *     cc -shared -fPIC my_plugin.c $(pkg-config --cflags --libs socm) -o libmy.so
 *
 * Versions. socm refuses a plug-in whose socm_plugin_api_version is not its own
 * SOCM_PLUGIN_API_VERSION, with a message saying both. Within one API version (any
 * number of socm releases) only these changes are made, so a plug-in built once
 * keeps working:
 *   - new functions are added (in any header here);
 *   - new fields are appended at the end of the structs socm allocates and hands
 *     to the plug-in, which never allocates them: struct socm_plugin_api,
 *     struct socm_enactor, struct socm_launch, struct socm_allocation,
 *     struct socm_wf_ctx, struct socm_plan_input;
 *   - new values at the end of an enum that only plug-ins produce (enum
 *     socm_outcome), or a new return value a plug-in may give (reattach);
 *   - what the opaque handles of socm/model.h hold (their layout is not the ABI).
 * Anything else raises SOCM_PLUGIN_API_VERSION: removing or changing a function or a
 * field, reordering fields, adding a field to a struct the plug-in allocates
 * (struct socm_workflow_type, struct socm_subcampaign, struct socm_planner,
 * struct socm_enactor_ops, struct socm_result, struct socm_plan, struct
 * socm_plan_entry, struct socm_req), or a new value socm may hand to a plug-in
 * that it must understand (enum socm_schema, a callback's argument).
 * The same version is libsocm.so's SONAME: programs that embed socm (socm/socm.h)
 * get the same promise. */
#ifndef SOCM_PUBLIC_PLUGIN_H
#define SOCM_PUBLIC_PLUGIN_H

#include "socm/model.h"
#include "socm/planner.h"
#include "socm/version.h"
#include "socm/workflow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* socm/version.h. 2: the public headers stand alone, socm's data is reached
 * through socm/model.h; struct socm_workflow_type declares its keys and flags. */
#define SOCM_PLUGIN_API_VERSION SOCM_API_VERSION

struct socm_enactor_ops; /* socm/enactor.h */

struct socm_plugin_api {
    int version; /* SOCM_PLUGIN_API_VERSION of the loading socm */
    const char *path; /* the shared object being loaded */
    int (*register_workflow_type)(const struct socm_workflow_type *type);
    int (*register_subcampaign)(const struct socm_subcampaign *sub);
    int (*register_planner)(const struct socm_planner *planner);
    int (*register_enactor)(const struct socm_enactor_ops *enactor_ops);
    /* What socm_workflow_fill_common (socm/workflow.h) does, passed so that a
     * workflow-type plug-in needs no other symbol. */
    int (*fill_common)(struct socm_workflow *wf, const struct socm_value *section,
                       const char *default_name, struct socm_error *err);
    /* Records why init refused; returns -1. */
    int (*fail)(const char *message);
};

#ifdef __cplusplus
}
#endif

#endif

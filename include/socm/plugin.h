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
 * each plug-in loaded). */
#ifndef SOCM_PUBLIC_PLUGIN_H
#define SOCM_PUBLIC_PLUGIN_H

#include "socm/planner.h"
#include "socm/workflow.h"

/* Raised whenever a struct reachable from this header changes incompatibly. */
#define SOCM_PLUGIN_API_VERSION 2 /* 2: struct socm_workflow_type keys, flags */

struct socm_plugin_api {
    int version; /* SOCM_PLUGIN_API_VERSION of the loading socm */
    const char *path; /* the shared object being loaded */
    int (*register_workflow_type)(const struct socm_workflow_type *type);
    int (*register_subcampaign)(const struct socm_subcampaign *sub);
    int (*register_planner)(const struct socm_planner *planner);
    /* A const struct socm_enactor_ops * (socm/enactor.h); void here to keep this
     * header small. */
    int (*register_enactor)(const void *enactor_ops);
    /* Helpers a workflow type needs, passed so a plug-in links against nothing. */
    int (*fill_common)(struct socm_workflow *wf, const struct socm_value *section,
                       const char *default_name, struct socm_error *err);
    /* Records why init refused; returns -1. */
    int (*fail)(const char *message);
};

#endif

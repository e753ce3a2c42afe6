/* plugin.h — loading plug-ins (shared objects) named by `plugins = [...]` in a
 * campaign file or by $SOCM_PLUGIN_PATH, before workflow sections are expanded. */
#ifndef SOCM_PLUGIN_H
#define SOCM_PLUGIN_H

#include "config/value.h"
#include "socm/enactor.h"
#include "socm/planner.h"

/* Loads one shared object; loading the same path twice is a no-op. */
int socm_plugin_load(const char *path, struct socm_error *err);
/* Loads every entry of $SOCM_PLUGIN_PATH (colon-separated files, or directories
 * whose *.so files are loaded in name order). */
int socm_plugin_load_env(struct socm_error *err);
/* Loads `plugins` (array of paths, relative to base_dir) found at the top level or
 * in [campaign] of a config tree; errors carry the entry's position. */
int socm_plugin_load_config(const struct socm_value *root, const char *base_dir,
                            struct socm_error *err);
/* The planners and enactors plug-ins registered (socm_plugin_api), in order. Kept
 * here, where plug-ins load, and read by the planner and enactor registries when
 * they look a name up (a built-in of the same name comes first), so that loading a
 * campaign calls nothing of a later stage. */
size_t socm_plugin_planner_count(void);
const struct socm_planner *socm_plugin_planner_at(size_t i);
size_t socm_plugin_enactor_count(void);
const struct socm_enactor_ops *socm_plugin_enactor_at(size_t i);

/* Every source of workflow types a campaign may use, before its sections are
 * expanded: $SOCM_PLUGIN_PATH, its `plugins`, then its `[types.NAME]` (external
 * programs, ext_type.h); each problem is added to errs. */
void socm_plugin_load_types(const struct socm_value *root, const char *base_dir,
                            struct socm_errlist *errs);

#endif

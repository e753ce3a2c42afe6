/* plugin.h — loading plug-ins (shared objects) named by `plugins = [...]` in a
 * campaign file or by $SOCM_PLUGIN_PATH, before workflow sections are expanded. */
#ifndef SOCM_PLUGIN_H
#define SOCM_PLUGIN_H

#include "config/value.h"

/* Loads one shared object; loading the same path twice is a no-op. */
int socm_plugin_load(const char *path, struct socm_error *err);
/* Loads every entry of $SOCM_PLUGIN_PATH (colon-separated files, or directories
 * whose *.so files are loaded in name order). */
int socm_plugin_load_env(struct socm_error *err);
/* Loads `plugins` (array of paths, relative to base_dir) found at the top level or
 * in [campaign] of a config tree; errors carry the entry's position. */
int socm_plugin_load_config(const struct socm_value *root, const char *base_dir,
                            struct socm_error *err);
/* Every source of workflow types a campaign may use, before its sections are
 * expanded: $SOCM_PLUGIN_PATH, its `plugins`, then its `[types.NAME]` (external
 * programs, ext_type.h); each problem is added to errs. */
void socm_plugin_load_types(const struct socm_value *root, const char *base_dir,
                            struct socm_errlist *errs);

#endif

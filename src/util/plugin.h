/* plugin.h — opening a plug-in shared object and finding its entry symbol: the one
 * way socm loads every kind of plug-in (`plugins = [...]` and $SOCM_PLUGIN_PATH,
 * enactor = "path/lib.so", planner_plugin = "path/lib.so"), with one shape of error. */
#ifndef SOCM_UTIL_PLUGIN_H
#define SOCM_UTIL_PLUGIN_H

#include "util/error.h"

/* Opens the shared object at `path` (dlopen, RTLD_NOW | RTLD_LOCAL) and returns the
 * address of `symbol` in it. With expected_api > 0 the object must also export
 * `const int socm_plugin_api_version` equal to expected_api. Errors are SOCM_E_INPUT
 * and read "<label> <path>: <why>" (label names the setting: "plug-in",
 * "planner_plugin", ...). On failure the object is closed and NULL returned; on
 * success it stays open for the life of the process (the symbol lives in it) and
 * *handle, when handle is not NULL, receives it so that a caller refusing what the
 * symbol holds can dlclose it. */
void *socm_plugin_open(const char *path, const char *label, const char *symbol, int expected_api,
                       void **handle, struct socm_error *err);

#endif

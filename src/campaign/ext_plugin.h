/* ext_plugin.h — external plug-ins: a program (`plugins = ["exec:PROGRAM"]`) or a
 * Python module (`plugins = ["python:MODULE"]`, run by the socm Python package)
 * that describes the workflow types, subcampaigns and planners it provides, each
 * then served by the same program over the JSON protocol (docs/extending.md). */
#ifndef SOCM_EXT_PLUGIN_H
#define SOCM_EXT_PLUGIN_H

#include "config/value.h"
#include "util/error.h"

#include <stdbool.h>

/* Whether a `plugins` entry names an external plug-in ("python:" or "exec:"). */
bool socm_ext_plugin_is(const char *entry);
/* Asks the plug-in to describe itself and registers what it provides. A module or
 * program given relative is looked for beside the campaign (base_dir). */
int socm_ext_plugin_load(const char *entry, const char *base_dir, struct socm_error *err);

#endif

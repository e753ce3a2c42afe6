/* ext_type.h — workflow types whose expansion is an external program speaking the
 * JSON protocol of docs/extending.md: `[types.NAME] command = [...]` in a campaign
 * file, or the types an external plug-in (`plugins = ["python:MODULE"]`,
 * `plugins = ["exec:PROGRAM"]`) describes. */
#ifndef SOCM_EXT_TYPE_H
#define SOCM_EXT_TYPE_H

#include "config/value.h"
#include "util/error.h"

/* Registers workflow type `name` expanded by argv (copied; the program gets one
 * "expand" request per section). timeout_s <= 0: the default. */
void socm_ext_type_register(const char *name, const struct socm_strv *argv, double timeout_s);
/* Registers every `[types.NAME]` of a config tree (keys: command, timeout); each
 * problem is reported with its position. */
void socm_ext_types_load(const struct socm_value *root, const char *base_dir,
                         struct socm_errlist *errs);

#endif

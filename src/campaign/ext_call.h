/* ext_call.h — one request to an external extension (a workflow type, a planner, a
 * plug-in description; docs/extending.md): an argv run without a shell, the request
 * as one JSON object on its stdin, its reply one JSON object on its stdout, within a
 * timeout. Every way the extension can fail becomes one clear SOCM_E_INPUT error. */
#ifndef SOCM_EXT_CALL_H
#define SOCM_EXT_CALL_H

#include "util/error.h"
#include "util/str.h"

#include "config/value.h"

#include <jansson.h>

/* The protocol version socm speaks; requests carry it, replies must repeat it. */
#define SOCM_EXT_PROTOCOL 1
/* Default timeout of one request, seconds. */
#define SOCM_EXT_TIMEOUT_S 60.0
/* Largest reply (stdout + stderr) read from an extension. */
#define SOCM_EXT_MAX_REPLY (16u * 1024u * 1024u)

/* Sends `request` (borrowed; "protocol" is added) to argv and returns the reply
 * object (caller json_decref's), or NULL with err: "<what>: <why>" where why is a
 * start failure, a timeout, a non-zero exit with the tail of its stderr, output that
 * is not one JSON object, or a reply for another protocol version. */
json_t *socm_ext_call(const char *what, const struct socm_strv *argv, json_t *request,
                      double timeout_s, struct socm_error *err);

/* Reads an extension's command from a campaign value: a non-empty array of strings
 * (`command = ["python3", "tool.py"]`); a first word with a '/' that is not absolute
 * is relative to base_dir. Errors carry the value's position. */
int socm_ext_command(const struct socm_value *v, const char *key, const char *base_dir,
                     struct socm_strv *argv, struct socm_error *err);

#endif

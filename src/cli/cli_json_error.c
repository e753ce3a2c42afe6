/* cli_json_error.c — errors as JSON for `--json`: every command accepts --json, and
 * with it a command that fails prints {"error": {"message", "file", "line", "column",
 * "exit_code"}} on stdout (as well as the usual message on stderr and the exit code),
 * so a script reads one format whatever went wrong. The error helpers of cli.h
 * (socm_cli_fail, socm_cli_usage, the campaign loader) note the first error; main
 * prints it once the command has returned. */
#include "cli/cli.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool json_errors;
static bool noted;
static char first_msg[2048];

void socm_cli_json_errors(bool on)
{
    json_errors = on;
}

void socm_cli_json_print(const json_t *j)
{
    char *t = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    puts(t ? t : "null");
    free(t);
    fflush(stdout);
}

bool socm_cli_json_on(void)
{
    return json_errors;
}

FILE *socm_cli_human_out(void)
{
    return json_errors ? stderr : stdout;
}

void socm_cli_note_error(const char *msg)
{
    if (noted || !msg || !msg[0])
        return;
    snprintf(first_msg, sizeof first_msg, "%s", msg);
    noted = true;
}

/* "file:line:col: message": the first ":L:C: " with L and C digits ends the file name
 * (a file name may itself contain colons). Returns the message's start, or NULL. */
static const char *split_position(const char *msg, char **file, long *line, long *col)
{
    for (const char *p = strchr(msg, ':'); p; p = strchr(p + 1, ':')) {
        char *e1, *e2;
        if (p[1] < '0' || p[1] > '9')
            continue;
        long l = strtol(p + 1, &e1, 10);
        if (*e1 != ':' || e1[1] < '0' || e1[1] > '9')
            continue;
        long c = strtol(e1 + 1, &e2, 10);
        if (e2[0] != ':' || e2[1] != ' ' || p == msg)
            continue;
        *file = strndup(msg, (size_t)(p - msg));
        *line = l, *col = c;
        return e2 + 2;
    }
    return NULL;
}

static json_t *utf8_string(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : json_string("(not UTF-8)");
}

int socm_cli_json_error_finish(int rc)
{
    if (!json_errors || rc == 0 || (!noted && rc == 1))
        return rc; /* 1 without an error: the campaign failed, and its output says so */
    char *file = NULL;
    long line = 0, col = 0;
    const char *msg = noted ? first_msg : "failed (the message is on stderr)";
    const char *text = split_position(msg, &file, &line, &col);
    json_t *e = json_object();
    json_object_set_new(e, "message", utf8_string(text ? text : msg));
    json_object_set_new(e, "file", file ? utf8_string(file) : json_null());
    json_object_set_new(e, "line", file ? json_integer(line) : json_null());
    json_object_set_new(e, "column", file ? json_integer(col) : json_null());
    json_object_set_new(e, "exit_code", json_integer(rc));
    json_t *doc = json_pack("{s:o}", "error", e);
    char *t = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (t)
        puts(t);
    free(t);
    json_decref(doc);
    free(file);
    fflush(stdout);
    return rc;
}

/* ext_call.c — one JSON request to an external extension and its checked reply
 * (see ext_call.h). The child runs through util/child.c: argv, own process group,
 * killed at the deadline. */
#include "campaign/ext_call.h"
#include "util/child.h"

#include <string.h>

/* The last lines of what the extension wrote on stderr (at most ~600 bytes), the
 * part that usually says what went wrong. */
static void stderr_tail(const char *text, size_t len, struct socm_buf *out)
{
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    size_t start = len > 600 ? len - 600 : 0;
    if (start > 0) {
        const char *nl = memchr(text + start, '\n', len - start);
        if (nl)
            start = (size_t)(nl - text) + 1;
    }
    for (size_t i = start; i < len; i++)
        socm_buf_putc(out, text[i] == '\n' ? '|' : text[i] == '\0' ? '?' : text[i]);
}

json_t *socm_ext_call(const char *what, const struct socm_strv *argv, json_t *request,
                      double timeout_s, struct socm_error *err)
{
    if (timeout_s <= 0)
        timeout_s = SOCM_EXT_TIMEOUT_S;
    json_object_set_new(request, "protocol", json_integer(SOCM_EXT_PROTOCOL));
    char *text = json_dumps(request, JSON_COMPACT | JSON_ENSURE_ASCII);
    size_t len = strlen(text);
    text = socm_xrealloc(text, len + 2);
    text[len++] = '\n';
    struct socm_child_result r;
    struct socm_error cerr = {0};
    int rc = socm_child_run_input((const char *const *)argv->v, text, len, timeout_s,
                                  SOCM_EXT_MAX_REPLY, &r, &cerr);
    free(text);
    if (rc < 0) {
        socm_error_set(err, SOCM_E_INPUT, "%s: %s", what, cerr.msg);
        return NULL;
    }
    json_t *reply = NULL;
    struct socm_buf tail = SOCM_BUF_INIT;
    stderr_tail(r.errtext, r.err_len, &tail);
    const char *sep = tail.len ? ": " : "";
    const char *tl = tail.len ? tail.data : "";
    if (r.timed_out) {
        socm_error_set(err, SOCM_E_INPUT, "%s: %s did not reply within %.6g s (killed)%s%s", what,
                       argv->v[0], timeout_s, sep, tl);
    } else if (r.too_long) {
        socm_error_set(err, SOCM_E_INPUT, "%s: %s wrote more than %u bytes (killed)", what,
                       argv->v[0], SOCM_EXT_MAX_REPLY);
    } else if (r.status != 0) {
        socm_error_set(err, SOCM_E_INPUT, "%s: %s failed (exit status %d)%s%s", what, argv->v[0],
                       r.status, sep, tl);
    } else {
        json_error_t je;
        reply = json_loadb(r.out, r.out_len, JSON_REJECT_DUPLICATES, &je);
        json_t *proto = reply ? json_object_get(reply, "protocol") : NULL;
        if (!reply) {
            socm_error_set(err, SOCM_E_INPUT, "%s: %s replied with invalid JSON (line %d, column %d: %s)",
                           what, argv->v[0], je.line, je.column, je.text);
        } else if (!json_is_object(reply)) {
            socm_error_set(err, SOCM_E_INPUT, "%s: %s's reply must be a JSON object", what, argv->v[0]);
        } else if (!json_is_integer(proto) || json_integer_value(proto) != SOCM_EXT_PROTOCOL) {
            socm_error_set(err, SOCM_E_INPUT,
                           "%s: %s's reply must say \"protocol\": %d (the version socm speaks)", what,
                           argv->v[0], SOCM_EXT_PROTOCOL);
        } else {
            socm_buf_free(&tail);
            socm_child_result_free(&r);
            return reply;
        }
        json_decref(reply);
        reply = NULL;
    }
    socm_buf_free(&tail);
    socm_child_result_free(&r);
    return NULL;
}

int socm_ext_command(const struct socm_value *v, const char *key, const char *base_dir,
                     struct socm_strv *argv, struct socm_error *err)
{
    if (!v || v->type != SOCM_V_ARRAY || v->u.arr.n == 0)
        return socm_error_at(err, v ? &v->pos : NULL,
                             "'%s' must be a non-empty array of strings (a command and its "
                             "arguments, run without a shell)", key);
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const struct socm_value *w = v->u.arr.items[i];
        if (w->type != SOCM_V_STRING || (i == 0 && !w->u.str.s[0]))
            return socm_error_at(err, &w->pos, "'%s' entries must be non-empty strings", key);
    }
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const char *w = v->u.arr.items[i]->u.str.s;
        if (i == 0 && w[0] != '/' && strchr(w, '/') && base_dir)
            socm_strv_push_owned(argv, socm_asprintf("%s/%s", base_dir, w));
        else
            socm_strv_push(argv, w);
    }
    return 0;
}

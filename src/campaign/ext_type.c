/* ext_type.c — a workflow type whose `expand` asks an external program (see
 * ext_type.h, docs/extending.md "Workflow types"): socm sends the section's keys
 * with the place of each and the campaign's settings; the reply lists the workflows
 * (name, argv, environment, resources, features, depends) or the errors in the
 * section, which socm reports at the place the program names. */
#include "campaign/ext_type.h"
#include "campaign/campaign.h"
#include "campaign/schema.h"
#include "config/config.h"
#include "socm/workflow.h"
#include "campaign/ext_call.h"

#include <stdlib.h>
#include <limits.h>
#include <string.h>

struct ext_type {
    struct socm_workflow_type t; /* first: the registry hands back &t */
    char *name;
    struct socm_strv argv;
    double timeout_s;
};

/* Registered types live for the whole process (the registry keeps pointers). */
static struct ext_type **all;
static size_t n_all;

static json_t *pos_json(const struct socm_pos *p)
{
    json_t *o = json_object();
    const char *file = socm_pos_file(p);
    json_object_set_new(o, "file", json_string(file ? file : ""));
    json_object_set_new(o, "line", json_integer(p->line));
    json_object_set_new(o, "column", json_integer(p->col));
    return o;
}

static json_t *expand_request(const struct ext_type *x, const struct socm_wf_ctx *ctx,
                              const struct socm_value *section)
{
    json_t *req = json_object();
    json_object_set_new(req, "request", json_string("expand"));
    json_object_set_new(req, "type", json_string(x->name));
    json_t *sec = pos_json(&section->pos);
    json_object_set_new(sec, "name", json_string(ctx->section_name));
    json_object_set_new(sec, "keys", socm_value_to_json(section));
    json_t *where = json_object();
    for (size_t i = 0; i < section->u.tbl.n; i++) {
        const struct socm_kv *kv = &section->u.tbl.items[i];
        json_t *k = json_string(kv->key);
        if (k)
            json_object_set_new(where, kv->key, pos_json(&kv->value->pos));
        json_decref(k);
    }
    json_object_set_new(sec, "positions", where);
    json_object_set_new(req, "section", sec);
    json_t *camp = json_object();
    /* The campaign's settings; its tables are other workflows' sections. */
    const struct socm_value *c = ctx->campaign;
    for (size_t i = 0; c && c->type == SOCM_V_TABLE && i < c->u.tbl.n; i++)
        if (c->u.tbl.items[i].value->type != SOCM_V_TABLE)
            json_object_set_new(camp, c->u.tbl.items[i].key,
                                socm_value_to_json(c->u.tbl.items[i].value));
    json_t *context = json_object();
    json_object_set_new(context, "settings", camp);
    json_object_set_new(context, "base_dir", json_string(ctx->base_dir ? ctx->base_dir : "."));
    json_object_set_new(req, "campaign", context);
    return req;
}

static bool has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* The reply's errors as "file:line:col: message" lines: an error names a `key` of
 * the section, or a `line` (and `column`, `file`), else it is the section's. */
static int reply_errors(const struct ext_type *x, const json_t *errors,
                        const struct socm_value *section, struct socm_error *err)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i < json_array_size(errors); i++) {
        const json_t *e = json_array_get(errors, i);
        const char *msg = json_string_value(json_object_get(e, "message"));
        const char *key = json_string_value(json_object_get(e, "key"));
        json_t *line = json_object_get(e, "line");
        struct socm_pos pos = section->pos;
        const struct socm_value *kv = key ? socm_table_get(section, key) : NULL;
        if (kv)
            pos = kv->pos;
        else if (json_is_integer(line) && json_integer_value(line) > 0 &&
                 json_integer_value(line) <= INT_MAX) {
            /* A program's positions are taken only when they can be positions. */
            json_int_t col = json_integer_value(json_object_get(e, "column"));
            pos.line = (int)json_integer_value(line);
            pos.col = col > 0 && col <= INT_MAX ? (int)col : 0;
            const char *file = json_string_value(json_object_get(e, "file"));
            if (file && file[0] && !has_control(file))
                pos.file_id = socm_intern_id(file);
        }
        char where[1024];
        socm_pos_format(&pos, where, sizeof where);
        socm_buf_printf(&b, "%s%s: ", b.len ? "\n" : "", where);
        /* The message goes to a terminal: its control characters are shown escaped,
         * never sent (an escape sequence, a forged line). */
        if (!msg)
            msg = "(the error has no \"message\")";
        socm_buf_put_escaped(&b, msg, strlen(msg));
    }
    (void)x;
    socm_error_set(err, SOCM_E_INPUT, "%s", b.data ? b.data : "");
    socm_buf_free(&b);
    return -1;
}

static const char *const wf_reply_keys[] = {"name", "argv", "environment", "resources",
                                            "features", "depends", "max_retries", "job_name", NULL};

/* Checks one workflow of the reply against the schema of docs/extending.md. */
static int check_reply_wf(const struct ext_type *x, const json_t *w, size_t i,
                          const struct socm_value *section, struct socm_error *err)
{
    const char *bad = NULL;
    if (!json_is_object(w))
        bad = "must be an object";
    else if (!json_is_string(json_object_get(w, "name")) ||
             !json_string_length(json_object_get(w, "name")))
        bad = "needs a \"name\" (a non-empty string)";
    else {
        json_t *argv = json_object_get(w, "argv");
        if (!json_is_array(argv) || json_array_size(argv) == 0)
            bad = "needs an \"argv\" (a non-empty array of strings)";
        for (size_t k = 0; !bad && k < json_array_size(argv); k++)
            if (!json_is_string(json_array_get(argv, k)))
                bad = "\"argv\" entries must be strings";
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)w, key, v)
        {
            bool known = false;
            for (size_t k = 0; wf_reply_keys[k]; k++)
                known |= !strcmp(wf_reply_keys[k], key);
            if (!known && !bad)
                return socm_error_at(err, &section->pos,
                                     "workflow type '%s' replied with workflow %zu with unknown key "
                                     "\"%s\" (known: name, argv, environment, resources, features, "
                                     "depends, max_retries, job_name)", x->name, i, key);
        }
        if (!bad && (v = json_object_get(w, "environment")) && !json_is_object(v))
            bad = "\"environment\" must be an object of strings";
        if (!bad && (v = json_object_get(w, "resources")) && !json_is_object(v))
            bad = "\"resources\" must be an object";
        if (!bad && (v = json_object_get(w, "features")) && !json_is_object(v))
            bad = "\"features\" must be an object";
        if (!bad && (v = json_object_get(w, "depends")) && !json_is_array(v))
            bad = "\"depends\" must be an array of names";
    }
    if (bad)
        return socm_error_at(err, &section->pos, "workflow type '%s' replied with workflow %zu that %s",
                             x->name, i, bad);
    return 0;
}

/* One workflow from the reply: the section's keys (features for prediction), with
 * what the reply decided put over them, read by the common reader. */
static struct socm_workflow *reply_wf(const struct ext_type *x, const json_t *w,
                                      const struct socm_value *section, struct socm_error *err)
{
    struct socm_value *t = socm_value_clone(section);
    const char *replaced[] = {"name", "environment", "resources", "depends", "features",
                              "max_retries", "job_name"};
    for (size_t k = 0; k < sizeof replaced / sizeof *replaced; k++) {
        json_t *v = json_object_get(w, replaced[k]);
        if (v)
            socm_table_set(t, replaced[k], socm_value_from_json(v, &section->pos));
    }
    struct socm_workflow *wf = socm_workflow_new();
    if (socm_workflow_fill_common(wf, t, NULL, err) < 0) {
        socm_value_free(t);
        socm_workflow_free(wf);
        /* The message points at the section; say whose values these are. */
        char *msg = socm_asprintf("%s (in the reply of workflow type '%s')", err->msg, x->name);
        socm_error_set(err, SOCM_E_INPUT, "%s", msg);
        free(msg);
        return NULL;
    }
    socm_value_free(t);
    json_t *argv = json_object_get(w, "argv");
    for (size_t k = 0; k < json_array_size(argv); k++)
        socm_strv_push(&wf->argv, json_string_value(json_array_get(argv, k)));
    if (!wf->executable)
        socm_workflow_set_str(&wf->executable, wf->argv.v[0]);
    socm_workflow_set_str(&wf->type, x->name);
    return wf;
}

static int ext_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                      const struct socm_value *section, struct socm_wflist *out,
                      struct socm_error *err)
{
    const struct ext_type *x = (const struct ext_type *)type;
    if (section->type != SOCM_V_TABLE)
        return socm_error_at(err, &section->pos, "a workflow section must be a table");
    json_t *req = expand_request(x, ctx, section);
    char *what = socm_asprintf("workflow type '%s'", x->name);
    struct socm_error cerr = {0};
    json_t *reply = socm_ext_call(what, &x->argv, req, x->timeout_s, &cerr);
    free(what);
    json_decref(req);
    if (!reply)
        return socm_error_at(err, &section->pos, "%s", cerr.msg);
    int rc = 0;
    json_t *errors = json_object_get(reply, "errors");
    json_t *wfs = json_object_get(reply, "workflows");
    if (json_is_array(errors) && json_array_size(errors) > 0)
        rc = reply_errors(x, errors, section, err);
    else if (!json_is_array(wfs))
        rc = socm_error_at(err, &section->pos,
                           "workflow type '%s' replied without \"workflows\" (an array) or "
                           "\"errors\"", x->name);
    for (size_t i = 0; rc == 0 && i < json_array_size(wfs); i++)
        rc = check_reply_wf(x, json_array_get(wfs, i), i, section, err);
    /* Only a reply that is whole becomes workflows. */
    for (size_t i = 0; rc == 0 && i < json_array_size(wfs); i++) {
        struct socm_workflow *wf = reply_wf(x, json_array_get(wfs, i), section, err);
        if (!wf)
            rc = -1;
        else
            socm_wflist_push(out, wf);
    }
    json_decref(reply);
    return rc;
}

static int ext_build_argv(const struct socm_workflow *wf, struct socm_strv *argv,
                          struct socm_error *err)
{
    /* expand filled wf->argv from the reply; this is only called with it. */
    if (argv != &wf->argv)
        socm_strv_copy(argv, &wf->argv);
    if (argv->n == 0)
        return socm_error_at(err, &wf->pos, "workflow '%s' has an empty command", wf->name);
    return 0;
}

void socm_ext_type_register(const char *name, const struct socm_strv *argv, double timeout_s)
{
    struct ext_type *x = socm_xcalloc(1, sizeof *x);
    x->name = socm_strdup(name);
    socm_strv_copy(&x->argv, argv);
    x->timeout_s = timeout_s;
    x->t.name = x->name;
    x->t.expand = ext_expand;
    x->t.build_argv = ext_build_argv;
    x->t.keys = NULL; /* the program checks its section and replies with errors */
    all = socm_xrealloc(all, (n_all + 1) * sizeof *all);
    all[n_all++] = x;
    socm_workflow_type_register(&x->t);
}

static const char *const type_keys[] = {"command", "timeout", NULL};

void socm_ext_types_load(const struct socm_value *root, const char *base_dir,
                         struct socm_errlist *errs)
{
    const struct socm_value *types = socm_table_get(root, "types");
    if (!types)
        return;
    if (types->type != SOCM_V_TABLE) {
        socm_errlist_addf(errs, &types->pos, "'types' must be a table of [types.NAME] tables");
        return;
    }
    for (size_t i = 0; i < types->u.tbl.n; i++) {
        const struct socm_kv *kv = &types->u.tbl.items[i];
        const struct socm_value *t = kv->value;
        if (t->type != SOCM_V_TABLE) {
            socm_errlist_addf(errs, &t->pos, "[types.%s] must be a table with a 'command'", kv->key);
            continue;
        }
        bool ok = true;
        for (size_t k = 0; k < t->u.tbl.n; k++) {
            const struct socm_kv *tk = &t->u.tbl.items[k];
            bool known = !strcmp(tk->key, type_keys[0]) || !strcmp(tk->key, type_keys[1]);
            if (!known) {
                const char *const *lists[] = {type_keys, NULL};
                char *path = socm_asprintf("types.%s", kv->key);
                socm_schema_unknown(errs, &tk->key_pos, "key", tk->key, path, lists);
                free(path);
                ok = false;
            }
        }
        struct socm_strv argv = SOCM_STRV_INIT;
        struct socm_error err;
        double timeout = 0;
        const struct socm_value *cmd = socm_table_get(t, "command");
        if (!cmd) {
            socm_errlist_addf(errs, &t->pos, "[types.%s] needs a 'command' (an array of strings)",
                              kv->key);
            ok = false;
        } else if (socm_ext_command(cmd, "command", base_dir, &argv, &err) < 0) {
            socm_errlist_add(errs, err.msg);
            ok = false;
        }
        const struct socm_value *to = socm_table_get(t, "timeout");
        if (to && (!socm_value_is_number(to) || socm_value_as_double(to) <= 0)) {
            socm_errlist_addf(errs, &to->pos, "'timeout' must be a positive number of seconds");
            ok = false;
        } else if (to)
            timeout = socm_value_as_double(to);
        if (ok)
            socm_ext_type_register(kv->key, &argv, timeout);
        socm_strv_free(&argv);
    }
}

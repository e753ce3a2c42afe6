/* ext_plugin.c — loads an external plug-in (see ext_plugin.h): one "describe"
 * request, whose reply names the types, subcampaigns and planners the program
 * serves; each is registered to be served by the same program. A Python module is
 * run as `python3 -m socm.ext --path BASE_DIR MODULE` ($SOCM_PYTHON for another
 * interpreter), so that a module beside the campaign file is found. */
#include "campaign/ext_plugin.h"
#include "campaign/ext_type.h"
#include "campaign/ext_planners.h"
#include "socm/workflow.h"
#include "campaign/ext_call.h"

#include <stdlib.h>
#include <string.h>

bool socm_ext_plugin_is(const char *entry)
{
    return socm_str_startswith(entry, "python:") || socm_str_startswith(entry, "exec:");
}

/* Subcampaign maps live as long as the process (the registry keeps pointers). */
static void register_subcampaign(const char *name, const json_t *members,
                                 const struct socm_strv *argv)
{
    struct socm_subcampaign *sub = socm_xcalloc(1, sizeof *sub);
    const char **m = socm_xcalloc(json_array_size(members) + 1, sizeof *m);
    for (size_t i = 0; i < json_array_size(members); i++) {
        m[i] = socm_strdup(json_string_value(json_array_get(members, i)));
        /* Member M of S is served as type "S.M". */
        char *type = socm_asprintf("%s.%s", name, m[i]);
        socm_ext_type_register(type, argv, 0);
        free(type);
    }
    sub->name = socm_strdup(name);
    sub->members = m;
    socm_subcampaign_register(sub);
}

static int names_ok(const json_t *a)
{
    if (!a)
        return 1;
    if (!json_is_array(a))
        return 0;
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *s = json_array_get(a, i);
        if (!json_is_string(s) || !json_string_length(s))
            return 0;
    }
    return 1;
}

static int register_described(const char *entry, const struct socm_strv *argv, const json_t *reply,
                              struct socm_error *err)
{
    const json_t *types = json_object_get(reply, "types");
    const json_t *planners = json_object_get(reply, "planners");
    const json_t *subs = json_object_get(reply, "subcampaigns");
    bool subs_ok = !subs || json_is_object(subs);
    const char *k;
    json_t *v;
    if (subs_ok && subs)
        json_object_foreach((json_t *)subs, k, v) subs_ok &= names_ok(v) && json_is_array(v);
    if (!names_ok(types) || !names_ok(planners) || !subs_ok)
        return socm_error_set(err, SOCM_E_INPUT,
                              "plug-in %s: its description must give \"types\" and \"planners\" as "
                              "arrays of names and \"subcampaigns\" as an object of name to member "
                              "names", entry);
    for (size_t i = 0; i < json_array_size(types); i++)
        socm_ext_type_register(json_string_value(json_array_get(types, i)), argv, 0);
    for (size_t i = 0; i < json_array_size(planners); i++)
        socm_ext_planner_declare(json_string_value(json_array_get(planners, i)), argv, 0);
    if (subs)
        json_object_foreach((json_t *)subs, k, v) register_subcampaign(k, v, argv);
    return 0;
}

int socm_ext_plugin_load(const char *entry, const char *base_dir, struct socm_error *err)
{
    struct socm_strv argv = SOCM_STRV_INIT;
    if (socm_str_startswith(entry, "python:")) {
        const char *py = getenv("SOCM_PYTHON");
        socm_strv_push(&argv, py && *py ? py : "python3");
        socm_strv_push(&argv, "-m");
        socm_strv_push(&argv, "socm.ext");
        socm_strv_push(&argv, "--path");
        socm_strv_push(&argv, base_dir ? base_dir : ".");
        socm_strv_push(&argv, entry + strlen("python:"));
    } else {
        const char *p = entry + strlen("exec:");
        if (p[0] != '/' && strchr(p, '/') && base_dir)
            socm_strv_push_owned(&argv, socm_asprintf("%s/%s", base_dir, p));
        else
            socm_strv_push(&argv, p);
    }
    if (!argv.v[argv.n - 1][0]) {
        socm_strv_free(&argv);
        return socm_error_set(err, SOCM_E_INPUT, "plug-in %s: no module or program named", entry);
    }
    json_t *req = json_object();
    json_object_set_new(req, "request", json_string("describe"));
    char *what = socm_asprintf("plug-in %s", entry);
    json_t *reply = socm_ext_call(what, &argv, req, 0, err);
    free(what);
    json_decref(req);
    int rc = reply ? register_described(entry, &argv, reply, err) : -1;
    json_decref(reply);
    socm_strv_free(&argv);
    return rc;
}

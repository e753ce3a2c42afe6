/* plugin.c — loads plug-ins (util/plugin.h: dlopen, API version) and lets them
 * register workflow types, subcampaigns, planners and enactors (see socm/plugin.h). */
#include "campaign/plugin.h"
#include "campaign/ext_plugin.h"
#include "campaign/ext_type.h"
#include "socm/enactor.h"
#include "socm/plugin.h"
#include "util/plugin.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Paths already loaded (realpath), so a plug-in named twice registers once. */
static struct socm_strv loaded = SOCM_STRV_INIT;
static char init_failure[512];

static int plugin_fail(const char *message)
{
    snprintf(init_failure, sizeof init_failure, "%s", message ? message : "refused to load");
    return -1;
}

/* What plug-ins registered; a name twice is refused, as the registries do. */
static const struct socm_planner **planners;
static size_t n_planners;
static const struct socm_enactor_ops **enactors;
static size_t n_enactors;

size_t socm_plugin_planner_count(void) { return n_planners; }
const struct socm_planner *socm_plugin_planner_at(size_t i) { return i < n_planners ? planners[i] : NULL; }
size_t socm_plugin_enactor_count(void) { return n_enactors; }
const struct socm_enactor_ops *socm_plugin_enactor_at(size_t i)
{
    return i < n_enactors ? enactors[i] : NULL;
}

static int plugin_register_enactor(const struct socm_enactor_ops *e)
{
    if (!e || !e->name)
        return -1;
    for (size_t i = 0; i < n_enactors; i++)
        if (!strcmp(enactors[i]->name, e->name))
            return enactors[i] == e ? 0 : -1;
    enactors = socm_xrealloc(enactors, (n_enactors + 1) * sizeof *enactors);
    enactors[n_enactors++] = e;
    return 0;
}

static int plugin_register_planner(const struct socm_planner *p)
{
    if (!p || !p->name || !p->schedule)
        return -1;
    for (size_t i = 0; i < n_planners; i++)
        if (!strcmp(planners[i]->name, p->name))
            return -1;
    planners = socm_xrealloc(planners, (n_planners + 1) * sizeof *planners);
    planners[n_planners++] = p;
    return 0;
}

int socm_plugin_load(const char *path, struct socm_error *err)
{
    char real[PATH_MAX];
    if (!realpath(path, real))
        return socm_error_errno(err, "plug-in %s", path);
    for (size_t i = 0; i < loaded.n; i++)
        if (!strcmp(loaded.v[i], real))
            return 0;
    int (*init)(const struct socm_plugin_api *) = (int (*)(const struct socm_plugin_api *))
        socm_plugin_open(real, "plug-in", "socm_plugin_init", SOCM_PLUGIN_API_VERSION, NULL, err);
    if (!init)
        return -1;
    /* Static: plug-ins keep the pointer for their callbacks (socm/plugin.h). */
    static char api_path[PATH_MAX];
    snprintf(api_path, sizeof api_path, "%s", real);
    static const struct socm_plugin_api api = {
        .version = SOCM_PLUGIN_API_VERSION,
        .path = api_path,
        .register_workflow_type = socm_workflow_type_register,
        .register_subcampaign = socm_subcampaign_register,
        .register_planner = plugin_register_planner,
        .register_enactor = plugin_register_enactor,
        .fill_common = socm_workflow_fill_common,
        .fail = plugin_fail,
    };
    init_failure[0] = '\0';
    if (init(&api) != 0) {
        /* Registrations may point into the object: it stays loaded, but unused. */
        return socm_error_set(err, SOCM_E_INPUT, "plug-in %s: %s", path,
                              init_failure[0] ? init_failure : "initialisation failed");
    }
    socm_strv_push(&loaded, real);
    return 0;
}

static int plugin_load_dir(const char *dir, struct socm_error *err)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return socm_error_errno(err, "SOCM_PLUGIN_PATH entry %s", dir);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (rc == 0 && socm_str_endswith(names[i]->d_name, ".so")) {
            char *p = socm_asprintf("%s/%s", dir, names[i]->d_name);
            rc = socm_plugin_load(p, err);
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int socm_plugin_load_env(struct socm_error *err)
{
    const char *env = getenv("SOCM_PLUGIN_PATH");
    if (!env || !*env)
        return 0;
    char *copy = socm_strdup(env), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ":", &save); tok && rc == 0; tok = strtok_r(NULL, ":", &save)) {
        DIR *d = opendir(tok);
        if (d) {
            closedir(d);
            rc = plugin_load_dir(tok, err);
        } else {
            rc = socm_plugin_load(tok, err);
        }
    }
    free(copy);
    return rc;
}

static int plugin_load_list(const struct socm_value *list, const char *base_dir, struct socm_error *err)
{
    if (!list)
        return 0;
    if (list->type != SOCM_V_ARRAY)
        return socm_error_at(err, &list->pos, "'plugins' must be an array of paths");
    for (size_t i = 0; i < list->u.arr.n; i++) {
        const struct socm_value *item = list->u.arr.items[i];
        if (item->type != SOCM_V_STRING)
            return socm_error_at(err, &item->pos, "'plugins' entries must be strings (paths)");
        const char *p = item->u.str.s;
        if (socm_ext_plugin_is(p)) {
            struct socm_error e;
            if (socm_ext_plugin_load(p, base_dir, &e) < 0)
                return socm_error_at(err, &item->pos, "%s", e.msg);
            continue;
        }
        char *path = (p[0] == '/' || !base_dir) ? socm_strdup(p) : socm_asprintf("%s/%s", base_dir, p);
        struct socm_error e;
        int rc = socm_plugin_load(path, &e);
        free(path);
        if (rc < 0)
            return socm_error_at(err, &item->pos, "%s", e.msg);
    }
    return 0;
}

int socm_plugin_load_config(const struct socm_value *root, const char *base_dir,
                            struct socm_error *err)
{
    if (plugin_load_list(socm_table_get(root, "plugins"), base_dir, err) < 0)
        return -1;
    return plugin_load_list(socm_value_path(root, "campaign.plugins"), base_dir, err);
}

void socm_plugin_load_types(const struct socm_value *root, const char *base_dir,
                            struct socm_errlist *errs)
{
    struct socm_error err;
    if (socm_plugin_load_env(&err) < 0 || socm_plugin_load_config(root, base_dir, &err) < 0)
        socm_errlist_add(errs, err.msg);
    socm_ext_types_load(root, base_dir, errs);
}

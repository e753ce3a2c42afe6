/* registry.c — workflow types and subcampaign maps by name. Built-in types are one
 * line each in the static tables below; plug-ins (dlopen) and tests register more at
 * run time. A run-time registration with a built-in's name replaces it. */
#include "socm/workflow.h"
#include "workflows/so_types.h"

#include <string.h>

extern const struct socm_workflow_type socm_wftype_generic;
extern const struct socm_workflow_type socm_wftype_power_spectra;

/* Adding a built-in type: write src/workflows/<type>.c defining the struct, then add
 * it here. */
static const struct socm_workflow_type *const builtin_types[] = {
    &socm_wftype_generic,
    &socm_wftype_power_spectra,
    /* Simons Observatory (so_types.h) */
    &socm_wftype_ml_mapmaking,
    &socm_wftype_sat_sims,
    &socm_wftype_ml_null_mission,
    &socm_wftype_ml_null_wafer,
    &socm_wftype_ml_null_direction,
    &socm_wftype_ml_null_pwv,
    &socm_wftype_ml_null_day_night,
    &socm_wftype_ml_null_moonrise_set,
    &socm_wftype_ml_null_elevation,
    &socm_wftype_ml_null_sun_close,
    &socm_wftype_ml_null_moon_close,
};

/* Built-in subcampaign maps. */
static const struct socm_subcampaign *const builtin_subcampaigns[] = {
    &socm_subcampaign_ml_null_tests,
    NULL,
};

static const struct socm_workflow_type **extra_types;
static size_t n_extra_types;
static const struct socm_subcampaign **extra_subs;
static size_t n_extra_subs;

int socm_workflow_type_register(const struct socm_workflow_type *type)
{
    if (!type || !type->name || !type->expand || !type->build_argv)
        return -1;
    for (size_t i = 0; i < n_extra_types; i++)
        if (!strcmp(extra_types[i]->name, type->name)) {
            extra_types[i] = type;
            return 0;
        }
    extra_types = socm_xrealloc(extra_types, (n_extra_types + 1) * sizeof *extra_types);
    extra_types[n_extra_types++] = type;
    return 0;
}

const struct socm_workflow_type *socm_workflow_type_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = n_extra_types; i > 0; i--)
        if (!strcmp(extra_types[i - 1]->name, name))
            return extra_types[i - 1];
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (!strcmp(builtin_types[i]->name, name))
            return builtin_types[i];
    return NULL;
}

const struct socm_workflow_type *socm_workflow_type_find_prefix(const char *section)
{
    struct socm_strv names = SOCM_STRV_INIT;
    socm_workflow_type_names(&names);
    const char *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; section && i < names.n; i++) {
        size_t len = strlen(names.v[i]);
        if (len > best_len && !strncmp(section, names.v[i], len) && section[len] == '-' &&
            section[len + 1]) {
            best = names.v[i];
            best_len = len;
        }
    }
    const struct socm_workflow_type *t = best ? socm_workflow_type_find(best) : NULL;
    socm_strv_free(&names);
    return t;
}

int socm_subcampaign_register(const struct socm_subcampaign *sub)
{
    if (!sub || !sub->name || !sub->members)
        return -1;
    for (size_t i = 0; i < n_extra_subs; i++)
        if (!strcmp(extra_subs[i]->name, sub->name)) {
            extra_subs[i] = sub;
            return 0;
        }
    extra_subs = socm_xrealloc(extra_subs, (n_extra_subs + 1) * sizeof *extra_subs);
    extra_subs[n_extra_subs++] = sub;
    return 0;
}

const struct socm_subcampaign *socm_subcampaign_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = n_extra_subs; i > 0; i--)
        if (!strcmp(extra_subs[i - 1]->name, name))
            return extra_subs[i - 1];
    for (size_t i = 0; builtin_subcampaigns[i]; i++)
        if (!strcmp(builtin_subcampaigns[i]->name, name))
            return builtin_subcampaigns[i];
    return NULL;
}

void socm_workflow_registry_reset(void)
{
    free(extra_types);
    free(extra_subs);
    extra_types = NULL;
    extra_subs = NULL;
    n_extra_types = n_extra_subs = 0;
}

static void push_unique(struct socm_strv *names, const char *name)
{
    for (size_t i = 0; i < names->n; i++)
        if (!strcmp(names->v[i], name))
            return;
    socm_strv_push(names, name);
}

void socm_workflow_type_names(struct socm_strv *names)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        push_unique(names, builtin_types[i]->name);
    for (size_t i = 0; i < n_extra_types; i++)
        push_unique(names, extra_types[i]->name);
}

void socm_subcampaign_names(struct socm_strv *names)
{
    for (size_t i = 0; builtin_subcampaigns[i]; i++)
        push_unique(names, builtin_subcampaigns[i]->name);
    for (size_t i = 0; i < n_extra_subs; i++)
        push_unique(names, extra_subs[i]->name);
}

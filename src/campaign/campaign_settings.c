/* campaign_settings.c — the [campaign] table of a campaign file: its settings, and
 * the target resource they name (a catalogue cluster, [resources.NAME], the live
 * Slurm cluster, or this machine) with the enactor that suits it. */
#include "campaign/campaign_impl.h"
#include "campaign/discover.h"
#include "campaign/matrix.h"
#include "campaign/names.h"
#include "campaign/plugin.h"
#include "campaign/schema.h"
#include "campaign/ext_planners.h"
#include "socm/workflow.h"
#include "config/config.h"

#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int opt_string(const struct socm_value *t, const char *key, char **dst,
                      struct socm_errlist *errs)
{
    struct socm_error err;
    const char *s = NULL;
    if (socm_table_get_string(t, key, &s, &err) < 0) {
        socm_campaign_add_err(errs, &err);
        return -1;
    }
    if (s) {
        free(*dst);
        *dst = socm_strdup(s);
    }
    return 0;
}

/* The [campaign] settings; each bad one is reported and the rest still read. */
void socm_campaign_read_settings(struct socm_campaign *c, const struct socm_value *camp,
                          const char *first_file, bool report_missing, struct socm_errlist *errs)
{
    struct socm_error err;
    opt_string(camp, "name", &c->name, errs);
    if (!c->name) {
        char *copy = socm_strdup(first_file ? first_file : "campaign");
        char *base = basename(copy), *dot = strrchr(base, '.');
        if (dot && dot != base)
            *dot = '\0';
        c->name = socm_strdup(base);
        free(copy);
    }
    const struct socm_value *v = socm_table_get(camp, "deadline");
    struct socm_pos cpos = socm_campaign_fallback_pos(camp, first_file);
    if (!v) {
        if (report_missing)
            socm_errlist_addf(errs, &cpos, "[campaign] needs a 'deadline' (e.g. deadline = \"24h\")");
    } else if (socm_units_duration_min(v, "deadline", &c->deadline_min, &err) < 0)
        socm_campaign_add_err(errs, &err);
    else if (c->deadline_min <= 0)
        socm_errlist_addf(errs, &v->pos, "'deadline' must be positive");

    opt_string(camp, "resource", &c->resource_name, errs);
    opt_string(camp, "policy", &c->policy, errs);
    opt_string(camp, "planner_plugin", &c->planner_plugin, errs);
    opt_string(camp, "state_dir", &c->state_dir, errs);
    opt_string(camp, "enactor", &c->enactor, errs);

    char *schema = NULL;
    if (opt_string(camp, "execution_schema", &schema, errs) == 0 && schema) {
        if (!strcmp(schema, "batch"))
            c->schema = SOCM_SCHEMA_BATCH;
        else if (!strcmp(schema, "remote"))
            c->schema = SOCM_SCHEMA_REMOTE;
        else if (!strcmp(schema, "local")) {
            /* The original's development setting: this machine, batch on its cores. */
            c->schema = SOCM_SCHEMA_BATCH;
            c->schema_local = true;
        } else
            socm_errlist_addf(errs, &socm_table_get(camp, "execution_schema")->pos,
                              "'execution_schema' must be \"batch\", \"remote\" or \"local\", "
                              "not \"%s\"", schema);
    }
    free(schema);

    if ((v = socm_table_get(camp, "requested_resources"))) {
        if (v->type != SOCM_V_INTEGER || v->u.i <= 0 || v->u.i > SOCM_MAX_CORES)
            socm_errlist_addf(errs, &v->pos, "'requested_resources' must be a positive integer "
                              "of at most %" PRId64 " (cores)", SOCM_MAX_CORES);
        else
            c->requested_cores = v->u.i;
    }
    if ((v = socm_table_get(camp, "max_retries"))) {
        if (v->type != SOCM_V_INTEGER || v->u.i < 0 || v->u.i > 1000)
            socm_errlist_addf(errs, &v->pos, "'max_retries' must be an integer between 0 and 1000");
        else
            c->max_retries = (int)v->u.i;
    }
    if (socm_table_get_bool(camp, "fail_fast", &c->fail_fast, &err) < 0)
        socm_campaign_add_err(errs, &err);
    if (socm_table_get_bool(camp, "grow_walltime_on_timeout", &c->grow_walltime, &err) < 0)
        socm_campaign_add_err(errs, &err);
}

/* No cluster named or defined: this machine, one node with its CPUs (at least the
 * requested cores, since a local run may oversubscribe) and its memory, and one
 * unlimited QoS — what a laptop campaign run with the local enactor needs. */
struct socm_resource *socm_resource_local(int64_t requested)
{
    struct socm_resource *r = socm_xcalloc(1, sizeof *r);
    r->name = socm_strdup("local");
    r->nodes = 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    r->cores_per_node = cpus > 0 ? cpus : 1;
    if (requested > r->cores_per_node)
        r->cores_per_node = requested;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    r->memory_per_node_mb = pages > 0 && page > 0 ? (double)pages * (double)page / 1e6 : 1000;
    r->qos = socm_xcalloc(1, sizeof *r->qos);
    r->n_qos = 1;
    r->qos[0].name = socm_strdup("default");
    r->qos[0].max_walltime_min = 1e9;
    r->qos[0].max_jobs = INT32_MAX;
    r->qos[0].max_cores = r->cores_per_node;
    return r;
}

/* resource = "discover": the live Slurm cluster (sinfo, sacctmgr), restricted to
 * [campaign.slurm] partition when given. Unreachable Slurm is an input error on the
 * `resource` value, saying what failed. */
static struct socm_resource *discover_live(const struct socm_value *camp, struct socm_errlist *errs)
{
    const struct socm_value *v = socm_table_get(camp, "resource");
    const struct socm_value *part = socm_value_path(camp, "slurm.partition");
    const char *partition = part && part->type == SOCM_V_STRING && part->u.str.s[0] ? part->u.str.s : NULL;
    struct socm_error err = {0};
    struct socm_resource *r = socm_resource_discover("discover", partition, NULL, &err);
    if (!r)
        socm_errlist_addf(errs, &v->pos,
                          "resource = \"discover\" plans against the live Slurm cluster, which "
                          "cannot be read: %s",
                          err.msg);
    return r;
}

/* The target cluster: a named one (catalogue, [resources.NAME], user file) or the
 * campaign's own [campaign.resources] when no name (or "campaign") is given. */
void socm_campaign_resolve_resource(struct socm_campaign *c, const struct socm_value *root,
                             const struct socm_value *camp, const char *first_file,
                             struct socm_errlist *errs)
{
    struct socm_error err;
    const struct socm_value *own = socm_table_get(camp, "resources");
    struct socm_resource *own_res = NULL;
    if (own && own->type == SOCM_V_ARRAY) {
        socm_campaign_read_sites(c, root, camp, errs); /* several sites */
        return;
    }
    if (own) {
        own_res = socm_resource_from_table("campaign", own, &err);
        if (!own_res)
            socm_campaign_add_err(errs, &err);
    }
    if (!c->resource_name || !strcmp(c->resource_name, "campaign")) {
        if (own_res) {
            c->resource = own_res;
            free(c->resource_name);
            c->resource_name = socm_strdup("campaign");
        } else if (!own) {
            c->resource = socm_resource_local(c->requested_cores);
            free(c->resource_name);
            c->resource_name = socm_strdup("local");
        }
        return;
    }
    socm_resource_free(own_res);
    const struct socm_value *user = socm_table_get(root, "resources");
    if (user && user->type != SOCM_V_TABLE)
        user = NULL;
    if (!strcmp(c->resource_name, "local") && !socm_table_get(user, "local")) {
        c->resource = socm_resource_local(c->requested_cores);
        return;
    }
    if (!strcmp(c->resource_name, "discover") && !socm_table_get(user, "discover")) {
        c->resource = discover_live(camp, errs);
        return;
    }
    c->resource = socm_resource_lookup(c->resource_name, user, &err);
    if (c->resource)
        return;
    const struct socm_value *v = socm_table_get(camp, "resource");
    /* Errors from a user table already carry their position; "unknown resource"
     * is blamed on the `resource` value. */
    if (socm_str_startswith(err.msg, "unknown resource"))
        socm_errlist_addf(errs, &v->pos, "%s", err.msg);
    else
        socm_campaign_add_err(errs, &err);
}

/* execution_schema = "local": whatever `resource` says, the campaign runs on this
 * machine (its cores, all of them the batch allocation). */
void socm_campaign_use_this_machine(struct socm_campaign *c)
{
    if (c->n_sites)
        return; /* each site says where it runs */
    socm_resource_free(c->resource);
    c->resource = socm_resource_local(0);
    free(c->resource_name);
    c->resource_name = socm_strdup("local");
    c->requested_cores = 0;
}

/* A campaign whose resource is a Slurm cluster runs there, as the original's pilot
 * did: slurm-pilot. This machine (resource "local" or none, a [resources.NAME] of
 * the user's, several sites, execution_schema = "local") runs locally. */
const char *socm_campaign_default_enactor(const struct socm_campaign *c)
{
    if (c->n_sites || c->schema_local || !c->resource_name)
        return "local";
    if (socm_resource_is_builtin(c->resource_name) || !strcmp(c->resource_name, "discover") ||
        !strcmp(c->resource_name, "campaign"))
        return "slurm-pilot";
    return "local";
}

/* sites.c — a campaign over several resources: `resources = ["tiger3", "perlmutter"]`
 * in [campaign], `site_policy`, one [campaign.sites.NAME] table of enactor settings
 * per site, and each workflow's `preferred_resource`. Only reads and checks the
 * input; which workflow goes where is the planner's business (src/planner/sites.c). */
#include "campaign/campaign.h"
#include "campaign/schema.h"
#include "config/config.h"

#include <inttypes.h>
#include <string.h>

void socm_site_free(struct socm_site *s)
{
    free(s->name);
    socm_resource_free(s->resource);
    free(s->enactor);
    free(s->account);
    free(s->partition);
    free(s->state_dir);
}

int64_t socm_site_cores(const struct socm_site *s)
{
    int64_t total = s->resource ? s->resource->nodes * s->resource->cores_per_node : 0;
    return s->cores > 0 && (s->cores < total || total <= 0) ? s->cores : total;
}

static int site_index(const struct socm_campaign *c, const char *name)
{
    for (size_t i = 0; i < c->n_sites; i++)
        if (!strcmp(c->sites[i].name, name))
            return (int)i;
    return -1;
}

static char *site_names(const struct socm_campaign *c)
{
    struct socm_strv v = SOCM_STRV_INIT;
    for (size_t i = 0; i < c->n_sites; i++)
        socm_strv_push(&v, c->sites[i].name);
    char *s = socm_strv_join(&v, ", ");
    socm_strv_free(&v);
    return s;
}

static void opt_str(const struct socm_value *t, const char *key, char **dst,
                    struct socm_errlist *errs)
{
    const char *s = NULL;
    struct socm_error err;
    if (socm_table_get_string(t, key, &s, &err) < 0)
        socm_errlist_add(errs, err.msg);
    else if (s)
        *dst = socm_strdup(s);
}

/* One [campaign.sites.NAME] table. */
static void read_site_table(struct socm_site *s, const struct socm_value *t,
                            struct socm_errlist *errs)
{
    if (t->type != SOCM_V_TABLE) {
        socm_errlist_addf(errs, &t->pos, "[campaign.sites.%s] must be a table", s->name);
        return;
    }
    /* Unknown keys: the [campaign.sites.NAME] schema (schema.c). */
    opt_str(t, "enactor", &s->enactor, errs);
    opt_str(t, "account", &s->account, errs);
    opt_str(t, "partition", &s->partition, errs);
    opt_str(t, "state_dir", &s->state_dir, errs);
    struct socm_error err;
    const struct socm_value *v = socm_table_get(t, "cores");
    if (v && (v->type != SOCM_V_INTEGER || v->u.i <= 0 || v->u.i > SOCM_MAX_CORES))
        socm_errlist_addf(errs, &v->pos, "'cores' must be a positive integer of at most %" PRId64,
                          SOCM_MAX_CORES);
    else if (v)
        s->cores = v->u.i;
    v = socm_table_get(t, "memory");
    if (v && socm_units_memory_mb(v, "memory", &s->memory_mb, &err) < 0)
        socm_errlist_add(errs, err.msg);
    v = socm_table_get(t, "charge_factor");
    if (v && (!socm_value_is_number(v) || socm_value_as_double(v) <= 0))
        socm_errlist_addf(errs, &v->pos, "'charge_factor' must be a positive number");
    else if (v)
        s->charge_factor = socm_value_as_double(v);
}

/* The site's cluster: a known resource; else, with a core budget (or named
 * "local"), one node of that many cores — a machine socm runs on directly. */
static void resolve_site(struct socm_site *s, const struct socm_value *root,
                         struct socm_errlist *errs)
{
    const struct socm_value *user = socm_table_get(root, "resources");
    if (user && user->type != SOCM_V_TABLE)
        user = NULL;
    struct socm_error err = {0};
    bool local = !strcmp(s->name, "local") && !socm_table_get(user, "local");
    if (!local)
        s->resource = socm_resource_lookup(s->name, user, &err);
    if (!s->resource && (local || (s->cores > 0 && socm_str_startswith(err.msg, "unknown resource")))) {
        s->resource = socm_resource_local(s->cores);
        free(s->resource->name);
        s->resource->name = socm_strdup(s->name);
        if (s->cores > 0) {
            s->resource->cores_per_node = s->cores;
            s->resource->qos[0].max_cores = s->cores;
        }
        if (s->memory_mb > 0)
            s->resource->memory_per_node_mb = s->memory_mb;
    } else if (!s->resource && socm_str_startswith(err.msg, "unknown resource"))
        socm_errlist_addf(errs, &s->pos, "%s; a site that is not a known resource needs a core "
                          "budget: [campaign.sites.%s] cores = N", err.msg, s->name);
    else if (!s->resource)
        socm_errlist_add_once(errs, err.msg);
}

static void read_policy(struct socm_campaign *c, const struct socm_value *camp,
                        struct socm_errlist *errs)
{
    const struct socm_value *v = socm_table_get(camp, "site_policy");
    if (!v)
        return;
    const char *p = v->type == SOCM_V_STRING ? v->u.str.s : "";
    if (!strcmp(p, "soonest") || !strcmp(p, "finish_soonest"))
        c->site_policy = SOCM_SITE_SOONEST;
    else if (!strcmp(p, "cheapest") || !strcmp(p, "fewest_core_hours"))
        c->site_policy = SOCM_SITE_CHEAPEST;
    else
        socm_errlist_addf(errs, &v->pos,
                          "'site_policy' must be \"soonest\" (finish soonest) or \"cheapest\" "
                          "(fewest core-hours)");
}

void socm_campaign_read_sites(struct socm_campaign *c, const struct socm_value *root,
                              const struct socm_value *camp, struct socm_errlist *errs)
{
    const struct socm_value *list = socm_table_get(camp, "resources");
    const struct socm_value *one = socm_table_get(camp, "resource");
    if (one)
        socm_errlist_addf(errs, &one->pos,
                          "give either 'resource' (one) or 'resources' (a list of sites), not both");
    if (list->u.arr.n == 0) {
        socm_errlist_addf(errs, &list->pos, "'resources' must list at least one resource");
        return;
    }
    c->sites = socm_xcalloc(list->u.arr.n, sizeof *c->sites);
    for (size_t i = 0; i < list->u.arr.n; i++) {
        const struct socm_value *it = list->u.arr.items[i];
        if (it->type != SOCM_V_STRING) {
            socm_errlist_addf(errs, &it->pos, "'resources' items must be resource names (strings)");
            continue;
        }
        if (site_index(c, it->u.str.s) >= 0) {
            socm_errlist_addf(errs, &it->pos, "resource '%s' is listed twice", it->u.str.s);
            continue;
        }
        struct socm_site *s = &c->sites[c->n_sites++];
        s->name = socm_strdup(it->u.str.s);
        s->pos = it->pos;
        s->charge_factor = 1;
    }
    const struct socm_value *tables = socm_table_get(camp, "sites");
    if (tables && tables->type != SOCM_V_TABLE)
        socm_errlist_addf(errs, &tables->pos, "[campaign.sites] must be a table of sites");
    else if (tables) {
        for (size_t i = 0; i < tables->u.tbl.n; i++) {
            const struct socm_kv *kv = &tables->u.tbl.items[i];
            int k = site_index(c, kv->key);
            if (k < 0) {
                char *names = site_names(c);
                socm_errlist_addf(errs, &kv->key_pos,
                                  "unknown site '%s': [campaign.sites.NAME] must name one of "
                                  "the campaign's resources (%s)", kv->key, names);
                free(names);
            } else
                read_site_table(&c->sites[k], kv->value, errs);
        }
    }
    for (size_t i = 0; i < c->n_sites; i++)
        resolve_site(&c->sites[i], root, errs);
    read_policy(c, camp, errs);
    if (c->n_sites && c->sites[0].resource) {
        c->resource = socm_resource_clone(c->sites[0].resource);
        free(c->resource_name); /* `resource` was refused above */
        c->resource_name = socm_strdup(c->sites[0].name);
    }
}

/* Memory of one node times nodes: what a site could ever give one workflow. */
static bool fits(const struct socm_site *s, int64_t cores, double memory_mb)
{
    if (!s->resource)
        return true; /* already reported */
    double mem = s->memory_mb > 0 ? s->memory_mb
                                  : s->resource->memory_per_node_mb * (double)s->resource->nodes;
    return cores <= socm_site_cores(s) && memory_mb <= mem;
}

static void check_workflow(struct socm_campaign *c, struct socm_workflow *wf,
                           struct socm_errlist *errs)
{
    const struct socm_value *v = socm_table_get(wf->fields, "preferred_resource");
    if (v && v->type != SOCM_V_STRING) {
        socm_errlist_addf(errs, &v->pos, "'preferred_resource' must be a resource name (a string)");
        return;
    }
    if (v && !c->n_sites) {
        if (c->resource_name && strcmp(v->u.str.s, c->resource_name))
            socm_errlist_addf(errs, &v->pos,
                              "workflow '%s': preferred_resource '%s' is not the campaign's "
                              "resource '%s' (list several with resources = [...])",
                              wf->name, v->u.str.s, c->resource_name);
        return;
    }
    if (!c->n_sites)
        return;
    if (v && (wf->site_pref = site_index(c, v->u.str.s)) < 0) {
        char *names = site_names(c);
        socm_errlist_addf(errs, &v->pos,
                          "workflow '%s': preferred_resource '%s' is not among the campaign's "
                          "resources (%s)", wf->name, v->u.str.s, names);
        free(names);
        return;
    }
    int64_t need = wf->res.ranks * wf->res.threads;
    const struct socm_value *res = socm_table_get(wf->fields, "resources");
    const struct socm_pos *pos = res ? &res->pos : &wf->pos;
    if (wf->site_pref >= 0) {
        if (!fits(&c->sites[wf->site_pref], need, wf->res.memory_mb))
            socm_errlist_addf(errs, pos, "workflow '%s' (%" PRId64 " cores, %.15g MB) does not "
                              "fit on its preferred resource '%s'", wf->name, need,
                              wf->res.memory_mb, c->sites[wf->site_pref].name);
        return;
    }
    for (size_t k = 0; k < c->n_sites; k++)
        if (fits(&c->sites[k], need, wf->res.memory_mb))
            return;
    socm_errlist_addf(errs, pos, "workflow '%s' (%" PRId64 " cores, %.15g MB) fits on none of "
                      "the campaign's resources", wf->name, need, wf->res.memory_mb);
}

void socm_campaign_check_sites(struct socm_campaign *c, struct socm_errlist *errs)
{
    for (size_t i = 0; i < c->n_wfs; i++)
        check_workflow(c, c->wfs[i], errs);
}

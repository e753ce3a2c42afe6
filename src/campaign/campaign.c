/* campaign.c — builds the campaign model from a merged config tree: the [campaign]
 * settings, the target resource, every workflow section expanded by its type (TOML
 * sections, subcampaign members, or the original's YAML `stages:`), ids, argv, the
 * dependency DAG. Every problem is reported (not just the first), each with the
 * position of the value at fault. */
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

/* Tables under [campaign] that configure socm rather than define workflows. */
static const char *const reserved_sections[] = {
    "resources", "hooks", "slurm", "sites", "predict", "environment", NULL,
};

static bool is_reserved(const char *key)
{
    for (size_t i = 0; reserved_sections[i]; i++)
        if (!strcmp(key, reserved_sections[i]))
            return true;
    return false;
}

/* Adds err's message (already "file:line:col: ...") to the list, once. */
void socm_campaign_add_err(struct socm_errlist *errs, const struct socm_error *err)
{
    socm_errlist_add_once(errs, err->msg);
}

/* A position to blame when the input has none (an empty file). */
struct socm_pos socm_campaign_fallback_pos(const struct socm_value *v, const char *file)
{
    if (v && v->pos.line > 0)
        return v->pos;
    return socm_pos_at(file ? file : "<input>", 1, 1);
}


/* dst gets every key of src it lacks; tables are filled recursively (the member's
 * own keys win over the subcampaign's common keys). */
static void fill_missing(struct socm_value *dst, const struct socm_value *src)
{
    for (size_t i = 0; i < src->u.tbl.n; i++) {
        const struct socm_kv *kv = &src->u.tbl.items[i];
        struct socm_value *have = socm_table_getn(dst, kv->key, kv->keylen);
        if (!have)
            socm_table_add(dst, kv->key, kv->keylen, &kv->key_pos, socm_value_clone(kv->value));
        else if (have->type == SOCM_V_TABLE && kv->value->type == SOCM_V_TABLE)
            fill_missing(have, kv->value);
    }
}

static bool is_member(const struct socm_subcampaign *sub, const char *key)
{
    for (size_t i = 0; sub->members[i]; i++)
        if (!strcmp(sub->members[i], key))
            return true;
    return false;
}

struct expand_state {
    struct socm_campaign *c;
    const struct socm_value *camp;
    struct socm_wflist wfs;
    struct socm_errlist *errs;
    /* Sections that failed to expand (name → true): a dependency on one of them
     * is not reported again as "unknown". */
    struct socm_value *failed;
    const char *prefix; /* "campaign" or "stages": where sections are, for messages */
};

/* wf's environment and dependencies become prev's when equal (one block for both:
 * socm_strv_share). */
static void share_lists(struct socm_workflow *wf, const struct socm_workflow *prev)
{
    socm_strv_share(&wf->env, &prev->env);
    socm_strv_share(&wf->depends, &prev->depends);
}

/* `where` is the position of the section's name (its header or key), which is
 * where messages about the workflow as a whole point. */
static void expand_with(struct expand_state *st, const struct socm_workflow_type *type,
                        const char *section_name, const struct socm_value *section,
                        const struct socm_pos *where)
{
    struct socm_wf_ctx ctx = {st->camp, section_name, st->c->base_dir};
    struct socm_error err;
    size_t before = st->wfs.n;
    char *path = socm_asprintf("%s.%s", st->prefix, section_name);
    size_t errs_before = st->errs->n;
    socm_schema_check_section(section, type, path, st->errs);
    free(path);
    if (st->errs->n > errs_before) {
        /* A misspelt key would otherwise be read wrong: stop at it. */
        if (!socm_table_get(st->failed, section_name))
            socm_table_add(st->failed, section_name, strlen(section_name), NULL,
                           socm_value_bool(true, NULL));
        return;
    }
    if (type->expand(type, &ctx, section, &st->wfs, &err) < 0) {
        socm_campaign_add_err(st->errs, &err);
        if (!socm_table_get(st->failed, section_name))
            socm_table_add(st->failed, section_name, strlen(section_name), NULL,
                           socm_value_bool(true, NULL));
        /* A type may have pushed some workflows before failing: drop them. */
        while (st->wfs.n > before)
            socm_workflow_free(st->wfs.v[--st->wfs.n]);
        return;
    }
    for (size_t i = before; i < st->wfs.n; i++) {
        struct socm_workflow *wf = st->wfs.v[i];
        if (i > 0) /* most workflows have their neighbour's environment: one copy */
            share_lists(wf, st->wfs.v[i - 1]);
        wf->wtype = type;
        if (!wf->type)
            socm_workflow_set_str(&wf->type, type->name);
        if (where && where->line > 0)
            wf->pos = *where;
        else if (wf->pos.line == 0)
            wf->pos = section->pos;
    }
}

static void expand_subcampaign(struct expand_state *st, const struct socm_subcampaign *sub,
                               const struct socm_value *section)
{
    struct socm_value *common = socm_value_table(&section->pos);
    for (size_t i = 0; i < section->u.tbl.n; i++) {
        const struct socm_kv *kv = &section->u.tbl.items[i];
        if (!(kv->value->type == SOCM_V_TABLE && is_member(sub, kv->key)))
            socm_table_add(common, kv->key, kv->keylen, &kv->key_pos, socm_value_clone(kv->value));
    }
    for (size_t i = 0; i < section->u.tbl.n; i++) {
        const struct socm_kv *kv = &section->u.tbl.items[i];
        if (kv->value->type == SOCM_V_TABLE && !is_member(sub, kv->key) &&
            strcmp(kv->key, "resources") && strcmp(kv->key, "environment")) {
            /* A table that is no member: a misspelt member name, most likely. */
            const char *const *lists[] = {sub->members, NULL};
            char *w = socm_asprintf("[campaign.%s]", sub->name);
            socm_schema_unknown(st->errs, &kv->key_pos, "member", kv->key, w, lists);
            free(w);
            continue;
        }
        if (kv->value->type != SOCM_V_TABLE || !is_member(sub, kv->key))
            continue;
        char *tname = socm_asprintf("%s.%s", sub->name, kv->key);
        const struct socm_workflow_type *type = socm_workflow_type_find(tname);
        if (!type) {
            socm_errlist_addf(st->errs, &kv->value->pos, "no workflow type '%s' is registered",
                              tname);
        } else {
            struct socm_value *merged = socm_value_clone(kv->value);
            fill_missing(merged, common);
            expand_with(st, type, tname, merged, &kv->key_pos);
            socm_value_free(merged);
        }
        free(tname);
    }
    socm_value_free(common);
}

static void unknown_type_error(struct expand_state *st, const struct socm_pos *pos,
                               const char *what, const char *name)
{
    struct socm_strv names = SOCM_STRV_INIT;
    socm_workflow_type_names(&names);
    socm_subcampaign_names(&names);
    char *known = socm_strv_join(&names, ", ");
    /* The nearest type, subcampaign or settings table ([campaign.hook]). */
    const char **cands = socm_xcalloc(names.n + 1, sizeof *cands);
    for (size_t i = 0; i < names.n; i++)
        cands[i] = names.v[i];
    const char *const *lists[] = {cands, reserved_sections, NULL};
    const char *near = socm_schema_nearest(name, lists);
    if (near)
        socm_errlist_addf(st->errs, pos, "unknown workflow type '%s'%s; did you mean '%s'? "
                          "(known types: %s)", name, what, near, known);
    else
        socm_errlist_addf(st->errs, pos, "unknown workflow type '%s'%s (known: %s)", name, what,
                          known);
    free(cands);
    free(known);
    socm_strv_free(&names);
}

/* One table under [campaign]: a registered type by name, else its `type` key,
 * else a subcampaign. */
static void expand_section(struct expand_state *st, const struct socm_kv *kv)
{
    const struct socm_value *section = kv->value;
    const struct socm_workflow_type *type = socm_workflow_type_find(kv->key);
    if (type) {
        expand_with(st, type, kv->key, section, &kv->key_pos);
        return;
    }
    const struct socm_value *tv = socm_table_get(section, "type");
    if (tv) {
        if (tv->type != SOCM_V_STRING) {
            socm_errlist_addf(st->errs, &tv->pos, "'type' must be a string, not %s",
                              socm_vtype_name(tv->type));
            return;
        }
        type = socm_workflow_type_find(tv->u.str.s);
        if (!type)
            unknown_type_error(st, &tv->pos, "", tv->u.str.s);
        else
            expand_with(st, type, kv->key, section, &kv->key_pos);
        return;
    }
    const struct socm_subcampaign *sub = socm_subcampaign_find(kv->key);
    if (sub) {
        expand_subcampaign(st, sub, section);
        return;
    }
    /* The original's `<type>-<suffix>` form ([campaign.ml-mapmaking-f090]). */
    if ((type = socm_workflow_type_find_prefix(kv->key))) {
        expand_with(st, type, kv->key, section, &kv->key_pos);
        return;
    }
    unknown_type_error(st, &section->pos, " (a section under [campaign] names a workflow type "
                       "or says type = \"generic\")", kv->key);
}

static void expand_toml(struct expand_state *st)
{
    const struct socm_value *camp = st->camp;
    for (size_t i = 0; i < camp->u.tbl.n; i++) {
        const struct socm_kv *kv = &camp->u.tbl.items[i];
        if (kv->value->type == SOCM_V_TABLE && !is_reserved(kv->key))
            expand_section(st, kv);
    }
}

/* The original's YAML: every entry of `stages:` is a power-spectra workflow. */
static void expand_stages(struct expand_state *st, const struct socm_value *stages)
{
    const struct socm_workflow_type *type = socm_workflow_type_find("power-spectra");
    if (stages->type != SOCM_V_TABLE) {
        socm_errlist_addf(st->errs, &stages->pos, "'stages' must be a map of stage name to stage");
        return;
    }
    for (size_t i = 0; i < stages->u.tbl.n; i++) {
        const struct socm_kv *kv = &stages->u.tbl.items[i];
        if (kv->value->type != SOCM_V_TABLE) {
            socm_errlist_addf(st->errs, &kv->value->pos, "stage '%s' must be a map, not %s",
                              kv->key, socm_vtype_name(kv->value->type));
            if (!socm_table_get(st->failed, kv->key))
                socm_table_add(st->failed, kv->key, kv->keylen, NULL, socm_value_bool(true, NULL));
        } else
            expand_with(st, type, kv->key, kv->value, &kv->key_pos);
    }
}

static void format_cycle(struct socm_campaign *c, const struct socm_intv *cycle,
                         struct socm_errlist *errs)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i < cycle->n; i++)
        socm_buf_printf(&b, "%s -> ", c->wfs[cycle->v[i]]->name);
    socm_buf_puts(&b, c->wfs[cycle->v[0]]->name);
    socm_errlist_addf(errs, &c->wfs[cycle->v[0]]->pos, "dependency cycle: %s", b.data);
    socm_buf_free(&b);
}

/* Ids, unique names, argv, edges (workflows in id order, each in depends order). */
static void link_workflows(struct socm_campaign *c, const struct socm_value *failed,
                           struct socm_errlist *errs)
{
    struct socm_name_index index;
    socm_name_index_init(&index, c->n_wfs);
    for (size_t i = 0; i < c->n_wfs; i++) {
        struct socm_workflow *wf = c->wfs[i];
        wf->id = (int)i + 1;
        uint32_t *slot = socm_name_index_slot(&index, c->wfs, wf->name);
        if (*slot) {
            char where[1024];
            socm_pos_format(&c->wfs[*slot - 1]->pos, where, sizeof where);
            socm_errlist_addf(errs, &wf->pos, "duplicate workflow name '%s' (first defined at %s)",
                              wf->name, where);
        } else {
            *slot = (uint32_t)i + 1;
        }
        struct socm_error err;
        if (wf->wtype && wf->wtype->build_argv(wf, &wf->argv, &err) < 0)
            socm_campaign_add_err(errs, &err);
        /* One allocation for the words and their pointers: a command line of eight
         * words would otherwise be nine blocks, each with its header and rounding;
         * none when it is the previous workflow's. */
        const struct socm_strv *prev = i > 0 ? &c->wfs[i - 1]->argv : NULL;
        if (!prev || !socm_strv_share(&wf->argv, prev))
            socm_strv_pack_like(&wf->argv, prev); /* the words it repeats: one copy */
    }
    socm_dag_init(&c->dag, c->n_wfs);
    for (size_t i = 0; i < c->n_wfs; i++) {
        struct socm_workflow *wf = c->wfs[i];
        for (size_t k = 0; k < wf->depends.n; k++) {
            uint32_t to = *socm_name_index_slot(&index, c->wfs, wf->depends.v[k]);
            if (!to && socm_table_get(failed, wf->depends.v[k]))
                continue; /* its section is already reported */
            if (!to)
                socm_errlist_addf(errs, &wf->depends_pos[k],
                                  "workflow '%s' depends on unknown workflow '%s'", wf->name,
                                  wf->depends.v[k]);
            else
                socm_dag_add_edge(&c->dag, (int)to - 1, (int)i);
        }
    }
    socm_name_index_free(&index);
    int *order = socm_xmalloc((c->n_wfs ? c->n_wfs : 1) * sizeof *order);
    struct socm_intv cycle = {0};
    if (socm_dag_topo(&c->dag, order, &cycle) < 0)
        format_cycle(c, &cycle, errs);
    socm_intv_free(&cycle);
    free(order);
}

/* [campaign.environment]: variables every workflow gets unless it sets them. */
static void apply_campaign_env(struct socm_campaign *c, const struct socm_value *camp,
                               struct socm_errlist *errs)
{
    const struct socm_value *env = socm_table_get(camp, "environment");
    if (!env)
        return;
    if (env->type != SOCM_V_TABLE) {
        socm_errlist_addf(errs, &env->pos, "'environment' must be a table of NAME = value, not %s",
                          socm_vtype_name(env->type));
        return;
    }
    for (size_t k = 0; k < env->u.tbl.n; k++) {
        const struct socm_kv *kv = &env->u.tbl.items[k];
        if (!socm_value_is_scalar(kv->value) || kv->value->type == SOCM_V_NULL ||
            !kv->key[0] || strchr(kv->key, '=') || strlen(kv->key) != kv->keylen) {
            socm_errlist_addf(errs, &kv->value->pos, "invalid environment variable '%s'", kv->key);
            continue;
        }
        char *text = socm_value_to_text(kv->value);
        for (size_t i = 0; i < c->n_wfs; i++) {
            struct socm_workflow *wf = c->wfs[i];
            bool set = false;
            for (size_t j = 0; j < wf->env.n && !set; j++)
                set = !strncmp(wf->env.v[j], kv->key, kv->keylen) && wf->env.v[j][kv->keylen] == '=';
            if (!set)
                socm_strv_pushf(&wf->env, "%s=%s", kv->key, text);
        }
        free(text);
    }
    for (size_t i = 0; i < c->n_wfs; i++) {
        socm_strv_pack(&c->wfs[i]->env);
        if (i > 0)
            socm_strv_share(&c->wfs[i]->env, &c->wfs[i - 1]->env);
    }
}

/* Under Slurm a rank runs on one node: its threads and its share of the memory
 * must fit one node, or the job would take an allocation only to be refused. */
static void check_node_fit(const struct socm_campaign *c, const struct socm_workflow *wf,
                           const struct socm_pos *pos, struct socm_errlist *errs)
{
    const struct socm_resource *r = c->resource;
    if (!c->enactor || (strcmp(c->enactor, "slurm-pilot") && strcmp(c->enactor, "slurm-jobs")))
        return;
    if (wf->res.threads > r->cores_per_node)
        socm_errlist_addf(errs, pos,
                          "workflow '%s': a rank's %" PRId64 " threads do not fit a node of %s (%" PRId64
                          " cores)", wf->name, wf->res.threads, r->name, r->cores_per_node);
    double per_rank = wf->res.memory_mb / (double)(wf->res.ranks > 0 ? wf->res.ranks : 1);
    if (per_rank > r->memory_per_node_mb)
        socm_errlist_addf(errs, pos,
                          "workflow '%s': a rank needs %.15g MB of memory but a node of %s has %.15g MB",
                          wf->name, per_rank, r->name, r->memory_per_node_mb);
}

/* What can never fit: more cores requested than the cluster has, or a workflow
 * larger (cores or memory) than the allocation it would run in. */
static void check_capacity(const struct socm_campaign *c, const struct socm_value *camp,
                           struct socm_errlist *errs)
{
    const struct socm_resource *r = c->resource;
    if (!r || c->n_sites) /* sites are checked by socm_campaign_read_sites */
        return;
    int64_t total = r->nodes * r->cores_per_node;
    const struct socm_value *req = socm_table_get(camp, "requested_resources");
    if (c->requested_cores > total)
        socm_errlist_addf(errs, &req->pos,
                          "'requested_resources' is %" PRId64 " cores but %s has %" PRId64,
                          c->requested_cores, r->name, total);
    int64_t cores = c->requested_cores && c->requested_cores < total ? c->requested_cores : total;
    double memory = r->memory_per_node_mb * (double)r->nodes;
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        const struct socm_value *res = socm_table_get(wf->fields, "resources");
        const struct socm_pos *pos = res ? &res->pos : &wf->pos;
        int64_t need = wf->res.ranks * wf->res.threads;
        if (need > cores)
            socm_errlist_addf(errs, pos, "workflow '%s' needs %" PRId64 " cores (%" PRId64
                              " ranks x %" PRId64 " threads) but at most %" PRId64 " are available",
                              wf->name, need, wf->res.ranks, wf->res.threads, cores);
        if (wf->res.memory_mb > memory)
            socm_errlist_addf(errs, pos, "workflow '%s' needs %.15g MB of memory but %s has %.15g MB",
                              wf->name, wf->res.memory_mb, r->name, memory);
        check_node_fit(c, wf, pos, errs);
    }
}

static char *dir_of(const char *file)
{
    if (!file || !strcmp(file, "-"))
        return socm_strdup(".");
    char *copy = socm_strdup(file);
    char *d = socm_strdup(dirname(copy));
    free(copy);
    char real[PATH_MAX];
    if (realpath(d, real)) {
        free(d);
        return socm_strdup(real);
    }
    return d;
}

/* Strings become argv items, environment values and file names, which are C strings:
 * a NUL (TOML "\u0000") would silently cut them short, so it is refused wherever it
 * appears. */
static void refuse_nul_strings(const struct socm_value *v, struct socm_errlist *errs)
{
    if (!v)
        return;
    switch (v->type) {
    case SOCM_V_STRING:
        if (memchr(v->u.str.s, 0, v->u.str.len))
            socm_errlist_addf(errs, &v->pos,
                              "a string may not contain a NUL character (\\u0000): "
                              "programs cannot receive it");
        break;
    case SOCM_V_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            refuse_nul_strings(v->u.arr.items[i], errs);
        break;
    case SOCM_V_TABLE:
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            const struct socm_kv *kv = &v->u.tbl.items[i];
            if (memchr(kv->key, 0, kv->keylen))
                socm_errlist_addf(errs, &kv->key_pos,
                                  "a key may not contain a NUL character (\\u0000)");
            refuse_nul_strings(kv->value, errs);
        }
        break;
    default:
        break;
    }
}

struct socm_campaign *socm_campaign_from_config(struct socm_value *config, const char *first_file,
                                                struct socm_errlist *errs)
{
    size_t errs_before = errs->n;
    struct socm_campaign *c = socm_xcalloc(1, sizeof *c);
    c->config = config;
    socm_value_compact(config); /* kept for the whole run: without spare room */
    c->base_dir = dir_of(first_file);
    struct socm_pos root_pos = socm_campaign_fallback_pos(config, first_file);
    if (!config || config->type != SOCM_V_TABLE) {
        socm_errlist_addf(errs, &root_pos, "a campaign file must be a table/map at the top level");
        socm_campaign_free(c);
        return NULL;
    }
    const struct socm_value *camp = socm_table_get(config, "campaign");
    const struct socm_value *stages = socm_table_get(config, "stages");
    struct socm_value *empty = NULL;
    if (!camp) {
        socm_errlist_addf(errs, &root_pos, "no [campaign] table (it holds at least the deadline)");
        camp = empty = socm_value_table(&root_pos);
    } else if (camp->type != SOCM_V_TABLE) {
        socm_errlist_addf(errs, &camp->pos, "'campaign' must be a table, not %s",
                          socm_vtype_name(camp->type));
        camp = empty = socm_value_table(&camp->pos);
    }
    c->pos = camp->pos;
    refuse_nul_strings(config, errs);
    socm_schema_check(config, &socm_schema_root, "", errs);
    socm_campaign_read_settings(c, camp, first_file, !empty, errs);
    if (!camp->u.tbl.n && empty) {
        /* Already reported: no campaign table at all. */
    } else {
        socm_campaign_resolve_resource(c, config, camp, first_file, errs);
    }
    if (c->schema_local)
        socm_campaign_use_this_machine(c);
    socm_ext_planner_from_campaign(camp, c->base_dir, &c->policy, errs);
    if (!c->policy)
        c->policy = socm_strdup("time");
    if (!c->enactor)
        c->enactor = socm_strdup(socm_campaign_default_enactor(c));
    if (!socm_table_get(camp, "execution_schema"))
        c->schema = SOCM_SCHEMA_REMOTE;
    if (!c->state_dir)
        c->state_dir = socm_state_dir_default(c->name);

    /* Plug-ins and [types] first: they register the types the sections below name. */
    socm_plugin_load_types(config, c->base_dir, errs);

    /* Matrix sections become one section per combination before any is expanded. */
    if (!empty)
        socm_matrix_expand(socm_table_get(config, "campaign"), errs);

    struct expand_state st = {c, camp, {0}, errs, socm_value_table(NULL), "stages"};
    if (stages)
        expand_stages(&st, stages);
    st.prefix = "campaign";
    expand_toml(&st);
    c->wfs = st.wfs.v;
    c->n_wfs = st.wfs.n;
    socm_campaign_check_names(c, camp, errs);
    link_workflows(c, st.failed, errs);
    check_capacity(c, camp, errs);
    socm_campaign_check_sites(c, errs);
    apply_campaign_env(c, camp, errs);
    socm_value_free(st.failed);
    socm_value_free(empty);
    if (errs->n > errs_before) {
        socm_campaign_free(c);
        return NULL;
    }
    return c;
}

void socm_campaign_free(struct socm_campaign *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_wfs; i++)
        socm_workflow_free(c->wfs[i]);
    free(c->wfs);
    socm_dag_free(&c->dag);
    socm_resource_free(c->resource);
    for (size_t i = 0; i < c->n_sites; i++)
        socm_site_free(&c->sites[i]);
    free(c->sites);
    socm_value_free(c->config);
    free(c->name);
    free(c->resource_name);
    free(c->policy);
    free(c->planner_plugin);
    free(c->state_dir);
    free(c->enactor);
    free(c->base_dir);
    free(c);
}

struct socm_workflow *socm_campaign_find(const struct socm_campaign *c, const char *name)
{
    for (size_t i = 0; i < c->n_wfs; i++)
        if (!strcmp(c->wfs[i]->name, name))
            return c->wfs[i];
    return NULL;
}

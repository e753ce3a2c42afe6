/* schema.c — the keys of every table socm reads, and the check that reports an
 * unknown one with its position and the nearest known key (see schema.h). */
#include "campaign/schema.h"
#include "socm/workflow.h"

#include <stdlib.h>
#include <string.h>

/* ---- the schemas ---- */

static const char *const hooks_keys[] = {"on_workflow_done", "on_workflow_failed",
                                         "on_campaign_done", "on_campaign_failed", "on_event", "timeout",
                                         NULL};
static const struct socm_table_schema hooks = {"[campaign.hooks]", hooks_keys, 0, NULL, NULL};

static const char *const slurm_keys[] = {"account", "partition", "constraint", NULL};
static const struct socm_table_schema slurm = {"[campaign.slurm]", slurm_keys, 0, NULL, NULL};

static const char *const site_keys[] = {"enactor", "account", "partition", "state_dir",
                                        "workdir", "cores", "memory", "charge_factor", NULL};
static const struct socm_table_schema site = {"[campaign.sites.NAME]", site_keys, 0, NULL, NULL};
static const struct socm_table_schema sites = {"[campaign.sites]", NULL, SOCM_SCHEMA_NAMED, NULL, &site};

static const struct socm_table_schema environment = {"[campaign.environment]", NULL, SOCM_SCHEMA_FREE,
                                               NULL, NULL};

static const char *const qos_keys[] = {"name", "max_walltime", "max-walltime", "max_jobs",
                                       "max-jobs", "max_cores", "max-cores", NULL};
static const struct socm_table_schema qos = {"[resources.NAME] qos", qos_keys, 0, NULL, NULL};
static const char *const cluster_keys[] = {"nodes", "cores_per_node", "cores-per-node",
                                           "memory_per_node", "memory-per-node", "qos", NULL};
static const struct socm_schema_sub cluster_subs[] = {{"qos", &qos}, {NULL, NULL}};
const struct socm_table_schema socm_schema_cluster = {"[resources.NAME]", cluster_keys, 0, cluster_subs,
                                                NULL};
static const struct socm_table_schema clusters = {"[resources]", NULL, SOCM_SCHEMA_NAMED, NULL,
                                            &socm_schema_cluster};

static const char *const parser_keys[] = {"awk_script", "return_type", "script_is_file",
                                          "timeout", NULL};
static const struct socm_table_schema parser = {"[predict.file_parsers.NAME]", parser_keys, 0, NULL, NULL};
static const struct socm_table_schema parsers = {"[predict.file_parsers]", NULL, SOCM_SCHEMA_NAMED, NULL,
                                           &parser};
/* A job's file_parsers map a job_spec variable to a parser list: free names. */
static const struct socm_table_schema job_parsers = {"[predict.job.NAME.file_parsers]", NULL,
                                               SOCM_SCHEMA_FREE, NULL, NULL};
static const char *const job_keys[] = {"job_prefix", "job_spec", "default_mem", "default_time",
                                       "file_parsers", NULL};
static const struct socm_schema_sub job_subs[] = {{"file_parsers", &job_parsers}, {NULL, NULL}};
static const struct socm_table_schema job = {"[predict.job.NAME]", job_keys, 0, job_subs, NULL};
static const struct socm_table_schema jobs = {"[predict.job]", NULL, SOCM_SCHEMA_NAMED, NULL, &job};
static const char *const predict_keys[] = {
    "enabled", "model", "degree", "k", "n_trees", "seed", "min_runs", "max_error_percent",
    "auto_train", "minimum_mem", "minimum_time", "history_db", "default_mem", "default_time",
    "margin_percentile", "job", "file_parsers", NULL};
static const struct socm_schema_sub predict_subs[] = {
    {"job", &jobs}, {"file_parsers", &parsers}, {NULL, NULL}};
static const struct socm_table_schema predict = {"[predict]", predict_keys, 0, predict_subs, NULL};
/* slurmise's own table, read by predict/slurmise.c (which checks the values) */
static const char *const slurmise_keys[] = {"model_type", "model_path", "numeric_features",
                                            "categorical_features", "targets", "training_data_path", NULL};
const struct socm_table_schema socm_schema_slurmise = {"[slurmise]", slurmise_keys, 0, NULL, NULL};

static const char *const campaign_keys[] = {
    "name", "deadline", "resource", "resources", "site_policy", "policy", "planner_plugin",
    "planner_command", "planner_timeout", "execution_schema", "requested_resources", "state_dir", "enactor", "max_retries",
    "fail_fast", "grow_walltime_on_timeout", "pin", "grace", "retry_backoff", "record_history",
    "history_db", "predict", "plugins", "base-path", "base_path", "environment", "hooks",
    "slurm", "sites", "workdir", NULL};
static const struct socm_schema_sub campaign_subs[] = {
    {"resources", &socm_schema_cluster}, {"hooks", &hooks}, {"slurm", &slurm},
    {"sites", &sites}, {"environment", &environment}, {"predict", &predict}, {NULL, NULL}};
const struct socm_table_schema socm_schema_campaign = {"[campaign]", campaign_keys, 0, campaign_subs,
                                                 NULL};

static const char *const root_keys[] = {"campaign", "stages", "resources", "predict", "slurmise",
                                        "plugins", "types", NULL};
static const struct socm_schema_sub root_subs[] = {
    {"campaign", &socm_schema_campaign}, {"resources", &clusters}, {"predict", &predict},
    {"slurmise", &socm_schema_slurmise}, {NULL, NULL}};
const struct socm_table_schema socm_schema_root = {"top level", root_keys, SOCM_SCHEMA_YAML_ANCHORS,
                                             root_subs, NULL};

static const char *const pentry_keys[] = {"name", "file", "files", "after", "on_failure", NULL};
static const struct socm_table_schema pentry = {"[[campaign_set]]", pentry_keys, 0, NULL, NULL};
static const char *const pnamed_keys[] = {"file", "files", "after", "on_failure", NULL};
static const struct socm_table_schema pnamed = {"[program.campaigns.NAME]", pnamed_keys, 0, NULL, NULL};
static const struct socm_table_schema pcampaigns = {"[program.campaigns]", NULL, SOCM_SCHEMA_NAMED, NULL,
                                              &pnamed};
static const char *const program_keys[] = {"name", "state_dir", "max_parallel", "campaigns", NULL};
static const struct socm_schema_sub program_subs[] = {{"campaigns", &pcampaigns}, {NULL, NULL}};
static const struct socm_table_schema program = {"[program]", program_keys, 0, program_subs, NULL};
static const char *const pfile_keys[] = {"program", "campaign_set", NULL};
static const struct socm_schema_sub pfile_subs[] = {
    {"program", &program}, {"campaign_set", &pentry}, {NULL, NULL}};
const struct socm_table_schema socm_schema_program = {"program file", pfile_keys, 0, pfile_subs, NULL};

static const char *const wf_resources_keys[] = {"ranks", "threads", "memory", "runtime", NULL};
const struct socm_table_schema socm_schema_wf_resources = {"[campaign.NAME.resources]",
                                                     wf_resources_keys, 0, NULL, NULL};

const char *const socm_schema_workflow_keys[] = {
    "name", "type", "executable", "subcommand", "context", "environment", "resources",
    "depends", "max_retries", "job_name", "preferred_resource", "grow_walltime_on_timeout",
    "matrix", "features", "workdir", NULL};

const struct socm_table_schema *const socm_schema_all[] = {
    &socm_schema_root, &socm_schema_campaign, &socm_schema_cluster, &qos, &hooks, &slurm, &site,
    &predict, &job, &parser, &socm_schema_slurmise, &socm_schema_program, &program, &pentry, &pnamed,
    &socm_schema_wf_resources, NULL};

/* ---- nearest key ---- */

/* Optimal string alignment distance (a swap of neighbours counts one: memroy). */
static size_t distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *socm_schema_nearest(const char *key, const char *const *const *lists)
{
    size_t len = strlen(key);
    /* A third of the key may be wrong (max_retry, workflow_done), at least one letter. */
    size_t limit = len / 3 > 1 ? len / 3 : 1, best_d = (size_t)-1;
    const char *best = NULL;
    for (size_t l = 0; lists && lists[l]; l++)
        for (size_t i = 0; lists[l][i]; i++) {
            size_t d = distance(key, lists[l][i]);
            if (d < best_d) {
                best_d = d;
                best = lists[l][i];
            }
        }
    return best && best_d <= limit ? best : NULL;
}

void socm_errlist_add_once(struct socm_errlist *errs, const char *msg)
{
    /* The repeats come close together (a subcampaign's members, a cluster checked
     * twice); looking back a bounded way keeps hostile input with a million errors
     * linear. */
    for (size_t i = errs->n > 256 ? errs->n - 256 : 0; i < errs->n; i++)
        if (!strcmp(errs->msgs[i], msg))
            return;
    socm_errlist_add(errs, msg);
}

/* Words other tools use for a key socm spells differently: no edit distance finds
 * them (arguments for args), so they are listed. A synonym is offered only where its
 * key is one the table knows. */
static const char *const synonyms[][2] = {
    {"arguments", "args"},       {"argv", "args"},          {"dependencies", "depends"},
    {"depends_on", "depends"},   {"after", "depends"},      {"needs", "depends"},
    {"retries", "max_retries"},  {"retry", "max_retries"},  {"command", "executable"},
    {"cmd", "executable"},       {"env", "environment"},    {"walltime", "runtime"},
    {"time", "runtime"},         {"mem", "memory"},         {"cores", "ranks"},
    {"ntasks", "ranks"},         {"cpus_per_task", "threads"},
};

static bool in_lists(const char *const *const *lists, const char *key)
{
    for (size_t l = 0; lists && lists[l]; l++)
        for (size_t i = 0; lists[l][i]; i++)
            if (!strcmp(lists[l][i], key))
                return true;
    return false;
}

static const char *synonym_of(const char *key, const char *const *const *lists)
{
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++)
        if (!strcmp(synonyms[i][0], key) && in_lists(lists, synonyms[i][1]))
            return synonyms[i][1];
    return NULL;
}

/* A key as a message shows it: control characters escaped (\\n, \\x1b), so a key
 * in a hostile file can neither split the message's line nor drive a terminal. */
static char *shown(const char *key)
{
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_put_escaped(&b, key, strlen(key));
    return b.data ? b.data : socm_strdup("");
}

void socm_schema_unknown(struct socm_errlist *errs, const struct socm_pos *pos, const char *what,
                         const char *key_raw, const char *path_raw, const char *const *const *lists)
{
    struct socm_errlist one = {0};
    const char *key = key_raw;
    char *key_shown = shown(key_raw), *path = shown(path_raw);
    const char *near = socm_schema_nearest(key, lists);
    if (!near)
        near = synonym_of(key, lists);
    if (near) {
        socm_errlist_addf(&one, pos, "unknown %s '%s' in %s; did you mean '%s'?", what, key_shown,
                          path, near);
    } else {
        struct socm_buf b = SOCM_BUF_INIT;
        for (size_t l = 0; lists && lists[l]; l++)
            for (size_t i = 0; lists[l][i]; i++)
                socm_buf_printf(&b, "%s%s", b.len ? ", " : "", lists[l][i]);
        socm_errlist_addf(&one, pos, "unknown %s '%s' in %s (known: %s)", what, key_shown, path,
                          b.len ? b.data : "none");
        socm_buf_free(&b);
    }
    socm_errlist_add_once(errs, one.msgs[0]);
    socm_errlist_free(&one);
    free(key_shown);
    free(path);
}

/* ---- checking ---- */

static bool in_list(const char *const *list, const char *key)
{
    for (size_t i = 0; list && list[i]; i++)
        if (!strcmp(list[i], key))
            return true;
    return false;
}

static const struct socm_table_schema *sub_of(const struct socm_table_schema *s, const char *key)
{
    for (size_t i = 0; s->subs && s->subs[i].key; i++)
        if (!strcmp(s->subs[i].key, key))
            return s->subs[i].schema;
    return NULL;
}

static bool is_yaml(const struct socm_pos *pos)
{
    const char *file = socm_pos_file(pos);
    return file && (socm_str_endswith(file, ".yml") || socm_str_endswith(file, ".yaml") ||
                    socm_str_endswith(file, ".yml.j2") || socm_str_endswith(file, ".yaml.j2"));
}

static char *where(const char *path)
{
    return path[0] ? socm_asprintf("[%s]", path) : socm_strdup("the top level");
}

static char *child_path(const char *path, const char *key)
{
    return path[0] ? socm_asprintf("%s.%s", path, key) : socm_strdup(key);
}

static void check_value(const struct socm_value *v, const struct socm_table_schema *s, const char *path,
                        struct socm_errlist *errs)
{
    if (v->type == SOCM_V_TABLE) {
        socm_schema_check(v, s, path, errs);
    } else if (v->type == SOCM_V_ARRAY) { /* an array of tables: qos, [[campaign_set]] */
        for (size_t i = 0; i < v->u.arr.n; i++)
            if (v->u.arr.items[i]->type == SOCM_V_TABLE)
                socm_schema_check(v->u.arr.items[i], s, path, errs);
    }
}

void socm_schema_check(const struct socm_value *t, const struct socm_table_schema *s, const char *path,
                       struct socm_errlist *errs)
{
    if (!t || t->type != SOCM_V_TABLE || (s->flags & SOCM_SCHEMA_FREE))
        return;
    for (size_t i = 0; i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        char *sub_path = child_path(path, kv->key);
        if (s->flags & SOCM_SCHEMA_NAMED) {
            if (s->each)
                check_value(kv->value, s->each, sub_path, errs);
        } else if (in_list(s->keys, kv->key)) {
            const struct socm_table_schema *sub = sub_of(s, kv->key);
            if (sub)
                check_value(kv->value, sub, sub_path, errs);
        } else if (s == &socm_schema_campaign && kv->value->type == SOCM_V_TABLE) {
            /* a workflow section: checked by its type when expanded */
        } else if ((s->flags & SOCM_SCHEMA_YAML_ANCHORS) && is_yaml(&kv->key_pos) &&
                   socm_value_is_scalar(kv->value)) {
            /* the original's YAML keeps anchors at the top level */
        } else {
            const char *const *lists[] = {s->keys, NULL};
            char *w = where(path);
            socm_schema_unknown(errs, &kv->key_pos, "key", kv->key, w, lists);
            free(w);
        }
        free(sub_path);
    }
}

void socm_schema_check_section(const struct socm_value *section,
                               const struct socm_workflow_type *type, const char *path,
                               struct socm_errlist *errs)
{
    if (!section || section->type != SOCM_V_TABLE)
        return;
    const struct socm_value *res = socm_table_get(section, "resources");
    if (res) {
        char *p = child_path(path, "resources");
        socm_schema_check(res, &socm_schema_wf_resources, p, errs);
        free(p);
    }
    if (!type->keys)
        return; /* a plug-in type that declares no keys */
    const char *const *lists[] = {socm_schema_workflow_keys, type->keys, NULL};
    const char *const *own[] = {socm_schema_workflow_keys, NULL};
    bool options = type->flags & SOCM_WFTYPE_OPTION_KEYS;
    for (size_t i = 0; i < section->u.tbl.n; i++) {
        const struct socm_kv *kv = &section->u.tbl.items[i];
        if (in_list(socm_schema_workflow_keys, kv->key) || in_list(type->keys, kv->key))
            continue;
        /* An option key that is one typo away from a key socm reads (depend for
         * depends) is far more likely a typo than a program option. */
        if (options && !socm_schema_nearest(kv->key, own) && !synonym_of(kv->key, own))
            continue;
        char *w = where(path);
        /* A resource need written in the section itself (memory, runtim) belongs in
         * its resources table: say so rather than list the section's keys. */
        const char *const *res_keys[] = {wf_resources_keys, NULL};
        const char *res = options ? NULL : socm_schema_nearest(kv->key, res_keys);
        if (!res && !options && !socm_schema_nearest(kv->key, lists))
            res = synonym_of(kv->key, res_keys);
        if (res && !socm_schema_nearest(kv->key, lists)) {
            struct socm_errlist one = {0};
            char *k = shown(kv->key), *ws = shown(w);
            socm_errlist_addf(&one, &kv->key_pos,
                              "unknown key '%s' in %s; did you mean '%s' in its resources table "
                              "(resources = { %s = ... })?",
                              k, ws, res, res);
            free(k);
            free(ws);
            socm_errlist_add_once(errs, one.msgs[0]);
            socm_errlist_free(&one);
            free(w);
            continue;
        }
        socm_schema_unknown(errs, &kv->key_pos, "key", kv->key, w, options ? own : lists);
        free(w);
    }
}

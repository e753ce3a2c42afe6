/* test_campaign.c — the campaign model built from config trees (made in code, so
 * independent of the parsers): settings and defaults, the resource catalogue and
 * user clusters, workflow sections by name / type / subcampaign, ids, DAG edges,
 * and that every error is collected with its position. (The user-file test parses
 * TOML.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/campaign.h"
#include "socm/workflow.h"
#include "tree_builder.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A generic workflow section with optional depends. */
static struct socm_value *generic(struct socm_value *camp, const char *name, int line,
                                  struct socm_value *depends)
{
    struct socm_value *s = tb_put(camp, name, tb_tbl(line));
    tb_put(s, "type", tb_str("generic", line + 1, 8));
    tb_put(s, "executable", tb_str("echo", line + 2, 14));
    if (depends)
        tb_put(s, "depends", depends);
    return s;
}

static struct socm_value *base_config(struct socm_value **camp)
{
    struct socm_value *root = tb_tbl(1);
    *camp = tb_put(root, "campaign", tb_tbl(1));
    tb_put(*camp, "deadline", tb_str("2h", 2, 12));
    tb_put(*camp, "resource", tb_str("tiger3", 3, 12));
    return root;
}

static bool has_error(const struct socm_errlist *errs, const char *prefix, const char *text)
{
    for (size_t i = 0; i < errs->n; i++)
        if (socm_str_startswith(errs->msgs[i], prefix) && strstr(errs->msgs[i], text))
            return true;
    return false;
}

static void dump(const struct socm_errlist *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(stderr, "  err: %s\n", errs->msgs[i]);
}

static void test_settings_and_dag(void **state)
{
    (void)state;
    struct socm_value *camp;
    struct socm_value *root = base_config(&camp);
    tb_put(camp, "requested_resources", tb_int(3359, 4, 23));
    generic(camp, "b", 20, tb_strs(23, 11, "a", NULL));
    generic(camp, "a", 10, NULL);
    generic(camp, "c", 30, tb_strs(33, 11, "b", "a", NULL));
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(root, "dir/my-campaign.toml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_int_equal(errs.n, 0);
    assert_string_equal(c->name, "my-campaign");
    assert_true(fabs(c->deadline_min - 120) < 1e-9);
    assert_string_equal(c->policy, "time");
    assert_string_equal(c->enactor, "slurm-pilot"); /* tiger3 is a Slurm cluster */
    assert_int_equal(c->schema, SOCM_SCHEMA_REMOTE);
    assert_int_equal(c->requested_cores, 3359);
    assert_string_equal(c->state_dir, "./socm-my-campaign");
    assert_string_equal(c->resource->name, "tiger3");
    assert_int_equal(c->n_wfs, 3);
    /* A generic workflow's fields are its section of the config, not a copy
     * (half the memory of a large campaign). */
    assert_ptr_equal(c->wfs[0]->fields, socm_value_path(c->config, "campaign.b"));
    /* ids in file order, not dependency order */
    assert_string_equal(c->wfs[0]->name, "b");
    assert_int_equal(c->wfs[0]->id, 1);
    assert_string_equal(c->wfs[1]->name, "a");
    assert_string_equal(c->wfs[2]->name, "c");
    /* edges: workflow by workflow, each in depends order */
    assert_int_equal(c->dag.succ[1].n, 2);
    assert_int_equal(c->dag.succ[1].v[0], 0); /* a → b (added for b, id 1) */
    assert_int_equal(c->dag.succ[1].v[1], 2); /* a → c */
    assert_int_equal(c->dag.pred[2].n, 2);
    assert_int_equal(c->dag.pred[2].v[0], 0); /* c's depends order: b, a */
    assert_int_equal(c->dag.pred[2].v[1], 1);
    assert_string_equal(c->wfs[0]->argv.v[0], "echo");
    assert_ptr_equal(socm_campaign_find(c, "c"), c->wfs[2]);
    assert_null(socm_campaign_find(c, "zz"));
    socm_campaign_free(c);
}

static void test_catalogue(void **state)
{
    (void)state;
    struct socm_error err;
    struct socm_resource *r = socm_resource_lookup("tiger3", NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->nodes, 492);
    assert_int_equal(r->cores_per_node, 112);
    assert_true(r->memory_per_node_mb == 1000000);
    const char *names[] = {"test", "vshort", "short", "medium", "long", "vlong"};
    double wall[] = {60, 300, 1440, 4320, 8640, 21600};
    int64_t jobs[] = {1, 2000, 50, 80, 16, 8}, cores[] = {8000, 55104, 8000, 4000, 1000, 900};
    assert_int_equal(r->n_qos, 6);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(r->qos[i].name, names[i]);
        assert_true(r->qos[i].max_walltime_min == wall[i]);
        assert_int_equal(r->qos[i].max_jobs, jobs[i]);
        assert_int_equal(r->qos[i].max_cores, cores[i]);
    }
    struct socm_resource *c = socm_resource_clone(r);
    socm_resource_free(r);
    assert_string_equal(c->qos[5].name, "vlong");
    socm_resource_free(c);

    r = socm_resource_lookup("perlmutter", NULL, &err);
    assert_int_equal(r->nodes, 3072);
    assert_int_equal(r->cores_per_node, 128);
    assert_int_equal(r->n_qos, 4);
    assert_string_equal(r->qos[2].name, "shared_interactive");
    assert_int_equal(r->qos[2].max_cores, 64);
    assert_true(r->qos[3].max_walltime_min == 30);
    socm_resource_free(r);
    r = socm_resource_lookup("universe", NULL, &err);
    assert_int_equal(r->nodes * r->cores_per_node, 28 * 224);
    assert_int_equal(r->n_qos, 1);
    assert_true(r->qos[0].max_walltime_min == 43200);
    assert_int_equal(r->qos[0].max_cores, 6272);
    socm_resource_free(r);

    assert_null(socm_resource_lookup("nowhere", NULL, &err));
    assert_non_null(strstr(err.msg, "unknown resource 'nowhere'"));
    assert_non_null(strstr(err.msg, "perlmutter"));
}

static void test_user_resource_and_all_errors(void **state)
{
    (void)state;
    struct socm_value *camp;
    struct socm_value *root = base_config(&camp);
    socm_table_set(camp, "resource", tb_str("mine", 3, 12));
    struct socm_value *res = tb_put(root, "resources", tb_tbl(50));
    struct socm_value *mine = tb_put(res, "mine", tb_tbl(50));
    tb_put(mine, "nodes", tb_int(4, 51, 9));
    tb_put(mine, "cores-per-node", tb_int(16, 52, 18));
    tb_put(mine, "memory_per_node", tb_str("64GiB", 53, 19));
    struct socm_value *qos = tb_put(mine, "qos", socm_value_array(NULL));
    struct socm_value *q = socm_value_table(NULL);
    tb_put(q, "name", tb_str("fast", 54, 3));
    tb_put(q, "max_walltime", tb_str("1-00:00:00", 54, 20));
    tb_put(q, "max_cores", tb_int(32, 54, 40));
    socm_array_push(qos, q);
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(socm_value_clone(root), "t.toml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_string_equal(c->resource->name, "mine");
    assert_int_equal(c->resource->cores_per_node, 16);
    assert_true(fabs(c->resource->memory_per_node_mb - 65536 * 1.048576) < 1e-6);
    assert_int_equal(c->resource->n_qos, 1);
    assert_true(c->resource->qos[0].max_walltime_min == 1440);
    assert_int_equal(c->resource->qos[0].max_cores, 32);
    socm_campaign_free(c);

    /* Now break four things at once: every one is reported. */
    socm_table_remove(camp, "deadline");
    socm_table_set(camp, "resource", tb_str("nowhere", 3, 12));
    struct socm_value *w = generic(camp, "w", 10, tb_strs(13, 11, "ghost", NULL));
    tb_res(w, 14, 0, 1, NULL, NULL);
    struct socm_value *x = generic(camp, "x", 20, NULL);
    socm_table_set(x, "type", tb_str("no-such-type", 21, 8));
    c = socm_campaign_from_config(root, "t.toml", &errs);
    dump(&errs);
    assert_null(c);
    assert_true(has_error(&errs, "t.toml:1:1: ", "deadline"));
    assert_true(has_error(&errs, "t.toml:3:12: ", "unknown resource 'nowhere'"));
    assert_true(has_error(&errs, "t.toml:15:9: ", "'ranks' must be a positive integer"));
    assert_true(has_error(&errs, "t.toml:21:8: ", "unknown workflow type 'no-such-type'"));
    assert_int_equal(errs.n, 4);
    socm_errlist_free(&errs);
}

static void test_unknown_dependency_and_cycle(void **state)
{
    (void)state;
    struct socm_value *camp;
    struct socm_value *root = base_config(&camp);
    generic(camp, "a", 10, tb_strs(13, 11, "c", NULL));
    generic(camp, "b", 20, tb_strs(23, 11, "a", "ghost", NULL));
    generic(camp, "c", 30, tb_strs(33, 11, "b", NULL));
    generic(camp, "d", 40, tb_strs(43, 11, "d", NULL));
    struct socm_errlist errs = {0};
    assert_null(socm_campaign_from_config(root, "t.toml", &errs));
    dump(&errs);
    assert_int_equal(errs.n, 2);
    assert_true(has_error(&errs, "t.toml:23:22: ", "unknown workflow 'ghost'"));
    assert_true(has_error(&errs, "t.toml:10:1: ", "dependency cycle: a -> b -> c -> a"));
    socm_errlist_free(&errs);
}

static void test_campaign_cluster_and_duplicates(void **state)
{
    (void)state;
    struct socm_value *camp;
    struct socm_value *root = base_config(&camp);
    socm_table_remove(camp, "resource");
    struct socm_value *own = tb_put(camp, "resources", tb_tbl(5));
    tb_put(own, "nodes", tb_int(2, 6, 9));
    tb_put(own, "cores-per-node", tb_int(8, 7, 18));
    tb_put(own, "memory-per-node", tb_str("32G", 8, 19));
    generic(camp, "a", 10, NULL);
    struct socm_value *dup = generic(camp, "b", 20, NULL);
    tb_put(dup, "name", tb_str("a", 23, 8));
    struct socm_errlist errs = {0};
    assert_null(socm_campaign_from_config(socm_value_clone(root), "t.toml", &errs));
    assert_int_equal(errs.n, 1);
    assert_true(has_error(&errs, "t.toml:20:1: ", "duplicate workflow name 'a'"));
    socm_errlist_free(&errs);

    socm_table_remove(dup, "name");
    struct socm_campaign *c = socm_campaign_from_config(root, "t.toml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_int_equal(c->n_wfs, 2); /* [campaign.resources] is not a workflow */
    assert_string_equal(c->resource_name, "campaign");
    assert_int_equal(c->resource->nodes, 2);
    assert_int_equal(c->resource->cores_per_node, 8);
    assert_true(c->resource->memory_per_node_mb == 32000);
    socm_campaign_free(c);

    /* Neither a resource nor [campaign.resources]: this machine, with at least the
     * requested cores. */
    root = socm_value_table(NULL);
    camp = tb_put(root, "campaign", tb_tbl(1));
    tb_put(camp, "deadline", tb_str("1h", 2, 12));
    tb_put(camp, "requested_resources", tb_int(100000, 3, 23));
    c = socm_campaign_from_config(root, "t.toml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_string_equal(c->resource_name, "local");
    assert_int_equal(c->resource->nodes, 1);
    assert_int_equal(c->resource->cores_per_node, 100000);
    assert_true(c->resource->memory_per_node_mb > 0);
    socm_campaign_free(c);
}

/* ---- a test-only type and subcampaign ---- */

static int probe_expand(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                        const struct socm_value *section, struct socm_wflist *out,
                        struct socm_error *err)
{
    struct socm_workflow *wf = socm_workflow_new();
    if (socm_workflow_fill_common(wf, section, ctx->section_name, err) < 0) {
        socm_workflow_free(wf);
        return -1;
    }
    socm_wflist_push(out, wf);
    return 0;
}

static int probe_argv(const struct socm_workflow *wf, struct socm_strv *argv, struct socm_error *err)
{
    (void)err;
    socm_strv_push(argv, wf->executable ? wf->executable : "probe");
    const struct socm_value *v = socm_table_get(wf->fields, "level");
    socm_strv_push_owned(argv, v ? socm_value_to_text(v) : socm_strdup("-"));
    return 0;
}

static const struct socm_workflow_type probe_alpha = {"nulls.alpha", probe_expand, probe_argv, NULL, NULL, NULL, 0};
static const struct socm_workflow_type probe_beta = {"nulls.beta", probe_expand, probe_argv, NULL, NULL, NULL, 0};
static const char *const null_members[] = {"alpha", "beta", "gamma", NULL};
static const struct socm_subcampaign nulls = {"nulls", null_members};

static void test_subcampaign(void **state)
{
    (void)state;
    assert_int_equal(socm_workflow_type_register(&probe_alpha), 0);
    assert_int_equal(socm_workflow_type_register(&probe_beta), 0);
    assert_int_equal(socm_subcampaign_register(&nulls), 0);
    assert_ptr_equal(socm_subcampaign_find("nulls"), &nulls);
    assert_ptr_equal(socm_workflow_type_find("nulls.beta"), &probe_beta);
    assert_non_null(socm_workflow_type_find("generic"));

    struct socm_value *camp;
    struct socm_value *root = base_config(&camp);
    struct socm_value *sub = tb_put(camp, "nulls", tb_tbl(10));
    tb_put(sub, "executable", tb_str("probe-exe", 11, 14));
    tb_put(sub, "level", tb_int(1, 12, 9));
    tb_res(sub, 13, 4, 2, "10G", "1h");
    struct socm_value *a = tb_put(sub, "alpha", tb_tbl(20));
    tb_put(a, "level", tb_int(7, 21, 9)); /* the member's own key wins */
    struct socm_value *ar = tb_put(a, "resources", tb_tbl(22));
    tb_put(ar, "ranks", tb_int(3, 23, 9)); /* ...also inside resources */
    tb_put(sub, "beta", tb_tbl(30));
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(socm_value_clone(root), "t.toml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_int_equal(c->n_wfs, 2);
    assert_string_equal(c->wfs[0]->type, "nulls.alpha");
    assert_string_equal(c->wfs[0]->name, "nulls.alpha");
    assert_string_equal(c->wfs[0]->argv.v[0], "probe-exe");
    assert_string_equal(c->wfs[0]->argv.v[1], "7");
    assert_int_equal(c->wfs[0]->res.ranks, 3);
    assert_int_equal(c->wfs[0]->res.threads, 2); /* from the common resources */
    assert_true(c->wfs[0]->res.memory_mb == 10000);
    assert_string_equal(c->wfs[1]->type, "nulls.beta");
    assert_string_equal(c->wfs[1]->argv.v[1], "1");
    assert_int_equal(c->wfs[1]->res.ranks, 4);
    assert_true(c->wfs[1]->res.runtime_min == 60);
    socm_campaign_free(c);

    /* A member whose type is not registered is an error at the member. */
    tb_put(sub, "gamma", tb_tbl(40));
    assert_null(socm_campaign_from_config(root, "t.toml", &errs));
    assert_int_equal(errs.n, 1);
    assert_true(has_error(&errs, "t.toml:40:1: ", "'nulls.gamma'"));
    socm_errlist_free(&errs);
    socm_workflow_registry_reset();
    assert_null(socm_subcampaign_find("nulls"));
}

static void test_yaml_stages(void **state)
{
    (void)state;
    struct socm_value *root = tb_tbl(1);
    struct socm_value *camp = tb_put(root, "campaign", tb_tbl(1));
    tb_put(camp, "deadline", tb_str("24h", 2, 14));
    tb_put(camp, "resource", tb_str("tiger3", 3, 14));
    tb_put(camp, "execution_schema", tb_str("batch", 4, 22));
    struct socm_value *stages = tb_put(root, "stages", tb_tbl(6));
    struct socm_value *s1 = tb_put(stages, "first", tb_tbl(7));
    tb_put(s1, "executable", tb_str("python -u", 8, 17));
    tb_put(s1, "script", tb_str("run.py", 9, 13));
    tb_put(s1, "depends", tb_null(10, 14));
    tb_res(s1, 11, 2, 3, "8G", "10m");
    struct socm_value *s2 = tb_put(stages, "second", tb_tbl(20));
    tb_put(s2, "executable", tb_str("python", 21, 17));
    tb_put(s2, "script", tb_str("next.py", 22, 13));
    tb_put(s2, "depends", tb_strs(23, 14, "first", NULL));
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(socm_value_clone(root), "dag.yml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_int_equal(c->schema, SOCM_SCHEMA_BATCH);
    assert_int_equal(c->n_wfs, 2);
    assert_string_equal(c->wfs[0]->type, "power-spectra");
    assert_int_equal(c->wfs[0]->depends.n, 0);
    assert_int_equal(c->dag.pred[1].n, 1);
    char *cmd = socm_strv_join(&c->wfs[0]->argv, " ");
    assert_string_equal(cmd, "srun --cpu_bind=cores --export=ALL --ntasks-per-node=2 "
                             "--cpus-per-task=3 python -u run.py");
    free(cmd);
    socm_campaign_free(c);

    /* zero threads in a stage, a stage that is not a map, a bad schema */
    socm_table_set(socm_table_get(s1, "resources"), "threads", tb_int(0, 13, 11));
    tb_put(stages, "third", tb_str("oops", 30, 10));
    socm_table_set(camp, "execution_schema", tb_str("sideways", 4, 22));
    assert_null(socm_campaign_from_config(root, "dag.yml", &errs));
    dump(&errs);
    assert_int_equal(errs.n, 3);
    assert_true(has_error(&errs, "t.toml:13:11: ", "'threads' must be a positive integer"));
    assert_true(has_error(&errs, "t.toml:30:10: ", "stage 'third' must be a map"));
    assert_true(has_error(&errs, "t.toml:4:22: ", "execution_schema"));
    socm_errlist_free(&errs);
}

/* ~/.config/socm/resources.toml ($XDG_CONFIG_HOME) adds clusters; the campaign's
 * own [resources.NAME] wins over it, and it wins over the built-ins. */
static void test_user_resource_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/socm-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], path[300];
    snprintf(sub, sizeof sub, "%s/socm", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(path, sizeof path, "%s/resources.toml", sub);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[resources.filecluster]\nnodes = 3\ncores_per_node = 4\nmemory_per_node = \"8G\"\n"
          "[resources.tiger3]\nnodes = 1\ncores_per_node = 2\nmemory_per_node = 1000\n"
          "qos = [{ name = \"mine\", max_walltime = \"2h\" }]\n",
          f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", dir, 1);
    struct socm_error err;
    struct socm_resource *r = socm_resource_lookup("filecluster", NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->nodes * r->cores_per_node, 12);
    assert_string_equal(r->qos[0].name, "default"); /* no qos given: one unlimited policy */
    assert_int_equal(r->qos[0].max_cores, 12);
    socm_resource_free(r);
    r = socm_resource_lookup("tiger3", NULL, &err); /* the file overrides the built-in */
    assert_int_equal(r->nodes, 1);
    assert_true(r->qos[0].max_walltime_min == 120);
    socm_resource_free(r);

    struct socm_value *user = tb_tbl(1); /* the campaign's own table wins over the file */
    struct socm_value *t = tb_put(user, "tiger3", tb_tbl(2));
    tb_put(t, "nodes", tb_int(7, 3, 9));
    tb_put(t, "cores_per_node", tb_int(1, 4, 9));
    tb_put(t, "memory_per_node", tb_int(100, 5, 9));
    r = socm_resource_lookup("tiger3", user, &err);
    assert_int_equal(r->nodes, 7);
    socm_resource_free(r);
    struct socm_strv names = SOCM_STRV_INIT;
    socm_resource_list(user, &names);
    assert_int_equal(names.n, 4);
    assert_string_equal(names.v[3], "filecluster");
    socm_strv_free(&names);
    socm_value_free(user);

    /* a broken file is an error with its position, not silence */
    f = fopen(path, "w");
    fputs("[resources.x]\nnodes = \n", f);
    fclose(f);
    assert_null(socm_resource_lookup("x", NULL, &err));
    assert_non_null(strstr(err.msg, "resources.toml:2:"));
    unlink(path);
    rmdir(sub);
    rmdir(dir);
    setenv("XDG_CONFIG_HOME", "/nonexistent-socm-test", 1);
}

static void test_campaign_environment(void **state)
{
    (void)state;
    struct socm_value *camp;
    struct socm_value *root = base_config(&camp);
    struct socm_value *env = tb_put(camp, "environment", tb_tbl(5));
    tb_put(env, "OMP_NUM_THREADS", tb_int(4, 6, 19));
    tb_put(env, "MODE", tb_str("prod", 7, 8));
    struct socm_value *a = generic(camp, "a", 10, NULL);
    struct socm_value *ae = tb_put(a, "environment", tb_tbl(14));
    tb_put(ae, "MODE", tb_str("test", 15, 8));
    generic(camp, "b", 20, NULL);
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(root, "t.toml", &errs);
    dump(&errs);
    assert_non_null(c);
    assert_int_equal(c->n_wfs, 2); /* environment is not a workflow */
    assert_int_equal(c->wfs[0]->env.n, 2);
    assert_string_equal(c->wfs[0]->env.v[0], "MODE=test"); /* its own value wins */
    assert_string_equal(c->wfs[0]->env.v[1], "OMP_NUM_THREADS=4");
    assert_string_equal(c->wfs[1]->env.v[0], "OMP_NUM_THREADS=4");
    assert_string_equal(c->wfs[1]->env.v[1], "MODE=prod");
    socm_campaign_free(c);
}

/* Every built-in subcampaign member has a registered type, and the SO types are
 * built in. */
static void test_builtin_registry(void **state)
{
    (void)state;
    assert_non_null(socm_workflow_type_find("ml-mapmaking"));
    assert_non_null(socm_workflow_type_find("sat-sims"));
    const struct socm_subcampaign *nt = socm_subcampaign_find("ml-null-tests");
    assert_non_null(nt);
    struct socm_strv subs = SOCM_STRV_INIT;
    socm_subcampaign_names(&subs);
    for (size_t s = 0; s < subs.n; s++) {
        const struct socm_subcampaign *sub = socm_subcampaign_find(subs.v[s]);
        size_t n = 0;
        for (; sub->members[n]; n++) {
            char name[256];
            snprintf(name, sizeof name, "%s.%s", sub->name, sub->members[n]);
            const struct socm_workflow_type *t = socm_workflow_type_find(name);
            assert_non_null(t);
            assert_string_equal(t->name, name);
        }
        assert_true(n > 0);
    }
    socm_strv_free(&subs);
    assert_null(socm_workflow_type_find("ml-null-tests.no-such-member"));
}

int main(void)
{
    /* Keep the developer's own ~/.config/socm/resources.toml out of the tests. */
    setenv("XDG_CONFIG_HOME", "/nonexistent-socm-test", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_and_dag),
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_user_resource_and_all_errors),
        cmocka_unit_test(test_unknown_dependency_and_cycle),
        cmocka_unit_test(test_campaign_cluster_and_duplicates),
        cmocka_unit_test(test_subcampaign),
        cmocka_unit_test(test_yaml_stages),
        cmocka_unit_test(test_user_resource_file),
        cmocka_unit_test(test_campaign_environment),
        cmocka_unit_test(test_builtin_registry),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

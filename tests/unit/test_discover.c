/* test_discover.c — a resource built from sinfo/sacctmgr output: node counting
 * (partitions, down nodes), the most common core count, QoS limits and order, and
 * the [resources.NAME] TOML it prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/discover.h"

#include <string.h>

/* Freed here rather than with socm_resource_free so this test needs only discover.c. */
static void free_resource(struct socm_resource *r)
{
    for (size_t i = 0; r && i < r->n_qos; i++)
        free(r->qos[i].name);
    if (r)
        free(r->qos), free(r->name);
    free(r);
}

static const char *qos_text = "Name|Priority|MaxWall|MaxJobsPU|MaxSubmitPU|GrpTRES|MaxTRESPU|MaxTRES\n"
                              "normal|0||||||\n"
                              "long|10|7-00:00:00|5||cpu=16||\n"
                              "test|30|01:00:00|2||cpu=16||\n"
                              "short|20|1-00:00:00|50|40|cpu=24|cpu=20|\n";

static void test_test_cluster(void **state)
{
    (void)state;
    struct socm_sinfo si;
    socm_sinfo_parse("n1|idle|8|8000|debug*\nn2|mixed|8|8000|debug*\nn3|allocated|8|8000|debug*\n"
                     "n1|idle|8|8000|other\n",
                     &si);
    struct socm_slurm_qoslist ql;
    struct socm_error err = {0};
    assert_int_equal(socm_slurm_qos_parse(qos_text, &ql, &err), 0);
    struct socm_strv allowed = SOCM_STRV_INIT;
    socm_slurm_assoc_qos_parse("long,short,test\n", &allowed);
    assert_int_equal(allowed.n, 3);
    size_t skipped = 99;
    struct socm_resource *r = socm_resource_from_slurm("local", NULL, &si, &ql, &allowed, &skipped, &err);
    assert_non_null(r);
    assert_int_equal(skipped, 0);
    assert_int_equal(r->nodes, 3); /* n1 is in two partitions: counted once */
    assert_int_equal(r->cores_per_node, 8);
    assert_true(r->memory_per_node_mb == 8000);
    assert_int_equal(r->n_qos, 3); /* normal is not allowed */
    assert_string_equal(r->qos[0].name, "test");
    assert_string_equal(r->qos[1].name, "short");
    assert_string_equal(r->qos[2].name, "long");
    assert_true(r->qos[0].max_walltime_min == 60);
    assert_int_equal(r->qos[0].max_jobs, 2);
    assert_int_equal(r->qos[0].max_cores, 16);
    assert_int_equal(r->qos[1].max_jobs, 40);  /* MaxSubmitPU tighter than MaxJobsPU */
    assert_int_equal(r->qos[1].max_cores, 20); /* MaxTRESPU tighter than GrpTRES */
    assert_true(r->qos[2].max_walltime_min == 7 * 1440);

    char *toml = socm_resource_to_toml(r);
    assert_string_equal(toml, "[resources.local]\n"
                              "nodes = 3\n"
                              "cores_per_node = 8\n"
                              "memory_per_node = 8000 # MB\n"
                              "qos = [\n"
                              "  { name = \"test\", max_walltime = \"01:00:00\", max_jobs = 2, max_cores = 16 },\n"
                              "  { name = \"short\", max_walltime = \"1-00:00:00\", max_jobs = 40, max_cores = 20 },\n"
                              "  { name = \"long\", max_walltime = \"7-00:00:00\", max_jobs = 5, max_cores = 16 },\n"
                              "]\n");
    free(toml);
    free_resource(r);

    /* Partition filter and no association list: every QoS, unlimited one last. */
    r = socm_resource_from_slurm("o\"dd name", "other", &si, &ql, NULL, NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->nodes, 1);
    assert_int_equal(r->n_qos, 4);
    assert_string_equal(r->qos[3].name, "normal");
    assert_true(r->qos[3].max_walltime_min == SOCM_DISCOVER_UNLIMITED_WALL_MIN);
    toml = socm_resource_to_toml(r);
    assert_non_null(strstr(toml, "[resources.\"o\\\"dd name\"]\n"));
    assert_non_null(strstr(toml, "{ name = \"normal\", max_walltime = \"365-00:00:00\" },\n"));
    free(toml);
    free_resource(r);

    assert_null(socm_resource_from_slurm("x", "nosuch", &si, &ql, NULL, NULL, &err));
    assert_non_null(strstr(err.msg, "nosuch"));
    socm_strv_free(&allowed);
    socm_sinfo_free(&si);
    socm_slurm_qoslist_free(&ql);
}

static void test_mixed_and_down_nodes(void **state)
{
    (void)state;
    struct socm_sinfo si;
    socm_sinfo_parse("a1|idle|64|256000|cpu*\n"
                     "a2|idle|64|250000|cpu*\n"
                     "a3|down*|64|256000|cpu*\n"
                     "g1|mixed|32|512000|gpu\n"
                     "a4|drained|64|256000|cpu*\n",
                     &si);
    struct socm_slurm_qoslist ql = {0};
    struct socm_error err = {0};
    size_t skipped = 0;
    struct socm_resource *r = socm_resource_from_slurm("c", NULL, &si, &ql, NULL, &skipped, &err);
    assert_non_null(r);
    assert_int_equal(r->nodes, 3);  /* a1, a2, g1 */
    assert_int_equal(skipped, 2);   /* a3 down, a4 drained */
    assert_int_equal(r->cores_per_node, 64);
    assert_true(r->memory_per_node_mb == 250000); /* least memory among the 64-core nodes */
    assert_int_equal(r->n_qos, 1); /* no QoS listed: one unlimited */
    free_resource(r);
    socm_sinfo_free(&si);

    /* Every node down: they are still the cluster. */
    socm_sinfo_parse("a1|down*|4|1000|p*\na2|down|4|1000|p*\n", &si);
    r = socm_resource_from_slurm("c", NULL, &si, &ql, NULL, &skipped, &err);
    assert_non_null(r);
    assert_int_equal(r->nodes, 2);
    assert_int_equal(skipped, 0);
    free_resource(r);
    socm_sinfo_free(&si);

    socm_sinfo_parse("", &si);
    assert_null(socm_resource_from_slurm("c", NULL, &si, &ql, NULL, NULL, &err));
    socm_sinfo_free(&si);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_test_cluster),
        cmocka_unit_test(test_mixed_and_down_nodes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

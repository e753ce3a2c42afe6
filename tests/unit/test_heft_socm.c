/* test_heft_socm.c — policy `heft-socm` gives the original tool's plans: the
 * original's own test, hand-computed ties, memory-bound slots, chains, the
 * generation order, batch and remote search, QoS choice per built-in resource, and
 * the errors the original did not report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "planner/planner_impl.h"
#include "plan_fixture.h"

#include <math.h>

static void expect_entry(const struct socm_plan *p, int id, int64_t first, int64_t last, double start, double end)
{
    const struct socm_plan_entry *e = &p->entries[id - 1];
    assert_int_equal(e->id, id);
    if (e->core_first != first || e->core_last != last || e->start != start || e->end != end)
        fail_msg("W%d: got [%lld,%lld] %g-%g, want [%lld,%lld] %g-%g", id, (long long)e->core_first,
                 (long long)e->core_last, e->start, e->end, (long long)first, (long long)last, start, end);
}

static int plan_heft(struct fx *f, enum socm_schema schema, int64_t cores, double deadline, struct socm_plan *p,
                     struct socm_error *err)
{
    return socm_plan_make(socm_planner_find("heft-socm"), fx_input(f, schema, cores, deadline), p, err);
}

/* The original's tests/test_planner: 2 nodes × 112 cores, 65536 MB per node. */
static void test_original(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "test", 2, 112, 65536, NULL, 0);
    fx_add(&f, 64, 2000, 45);
    fx_add(&f, 16, 15000, 25);
    fx_add(&f, 1, 2000, 560);
    fx_add(&f, 8, 32000, 140);
    fx_add(&f, 8, 1000, 145);
    fx_add(&f, 112, 20000, 10);
    fx_add(&f, 56, 6000, 20);
    fx_add(&f, 32, 1000, 30);
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 224, 1000, &p, &err), 0);
    assert_int_equal(p.n, 8);
    assert_int_equal(p.cores, 224);
    assert_null(p.qos);
    expect_entry(&p, 1, 64, 127, 0, 45);
    expect_entry(&p, 2, 128, 143, 0, 25);
    expect_entry(&p, 3, 0, 0, 0, 560);
    expect_entry(&p, 4, 16, 23, 0, 140);
    expect_entry(&p, 5, 8, 15, 0, 145);
    expect_entry(&p, 6, 112, 223, 45, 55);
    expect_entry(&p, 7, 168, 223, 0, 20);
    expect_entry(&p, 8, 32, 63, 0, 30);
    assert_true(p.makespan == 560);
    assert_true(p.walltime == 700); /* ceil(min(560 × 1.25, 1000)) */
    assert_string_equal(p.policy, "heft-socm");
    socm_plan_free(&p);
    fx_free(&f);
}

/* Equal ends: the first slot wins; equal walltimes keep level order. */
static void test_ties(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 4, 1000, NULL, 0);
    fx_add(&f, 2, 1, 10);
    fx_add(&f, 2, 1, 10);
    fx_add(&f, 2, 1, 10);
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 4, 100, &p, &err), 0);
    expect_entry(&p, 1, 0, 1, 0, 10);
    expect_entry(&p, 2, 2, 3, 0, 10);
    expect_entry(&p, 3, 0, 1, 10, 20); /* slot 0 and slot 2 both end at 20 */
    socm_plan_free(&p);
    fx_free(&f);
}

/* A slot whose start has too little free memory is skipped even if it ends first. */
static void test_memory_bound_slot(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 4, 100, NULL, 0);
    fx_add(&f, 2, 80, 10);
    fx_add(&f, 2, 50, 5);
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 4, 100, &p, &err), 0);
    expect_entry(&p, 1, 0, 1, 0, 10);
    /* slot 2 could start at 0 (end 5) but only 20 MB are free then */
    expect_entry(&p, 2, 0, 1, 10, 15);
    socm_plan_free(&p);
    fx_free(&f);

    /* The pool is (cores / cores_per_node) × memory as a real number: 2 of 4 cores
     * give 50 MB, so 60 MB fits nowhere — an error, not a misplacement. */
    fx_resource(&f, "t", 1, 4, 100, NULL, 0);
    fx_add(&f, 1, 60, 5);
    fx_dag(&f);
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 2, 100, &p, &err), -1);
    assert_non_null(strstr(err.msg, "W1 needs 60 MB"));
    assert_non_null(strstr(err.msg, "has 50 MB"));
    assert_int_equal(err.code, SOCM_E_INPUT);
    fx_free(&f);
}

static void test_chain(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 8, 1000, NULL, 0);
    fx_add(&f, 4, 1, 10);
    fx_add(&f, 2, 1, 5);
    fx_add(&f, 8, 1, 7);
    fx_add(&f, 1, 1, 3);
    fx_dag(&f);
    fx_edge(&f, 0, 1); /* W2 after W1 */
    fx_edge(&f, 1, 2); /* W3 after W2 */
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 8, 100, &p, &err), 0);
    expect_entry(&p, 1, 0, 3, 0, 10);
    expect_entry(&p, 4, 4, 4, 0, 3);   /* level 0 after W1 (shorter): slot 4 ends at 3 */
    expect_entry(&p, 2, 0, 1, 10, 15); /* slots 0 and 2 start at 10; first wins */
    expect_entry(&p, 3, 0, 7, 15, 22);
    assert_true(p.makespan == 22);
    assert_true(p.cp_bound == 22);
    socm_plan_free(&p);
    fx_free(&f);
}

/* Generation 1 is in the order met walking generation 0's successors, not id
 * order: W3 depends on W2, W4 on W1 → generation 1 = [W4, W3]. */
static void test_generation_order(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 2, 1000, NULL, 0);
    fx_add(&f, 1, 1, 10);
    fx_add(&f, 1, 1, 10);
    fx_add(&f, 2, 1, 5);
    fx_add(&f, 2, 1, 5);
    fx_dag(&f);
    fx_edge(&f, 1, 2);
    fx_edge(&f, 0, 3);
    int order[4];
    size_t *gs = NULL, ng = 0;
    assert_int_equal(socm_plan_generations(&f.dag, order, &gs, &ng), 0);
    assert_int_equal(ng, 2);
    assert_int_equal(gs[1], 2);
    assert_int_equal(order[0], 0);
    assert_int_equal(order[1], 1);
    assert_int_equal(order[2], 3);
    assert_int_equal(order[3], 2);
    free(gs);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 2, 100, &p, &err), 0);
    expect_entry(&p, 4, 0, 1, 10, 15);
    expect_entry(&p, 3, 0, 1, 15, 20);
    socm_plan_free(&p);
    fx_free(&f);
}

/* Remote: the smallest core count meeting the deadline, then the first QoS. */
static void test_remote_search(void **state)
{
    (void)state;
    struct fx f = {0};
    static const struct socm_qos q[] = {{"tiny", 10, 5, 100}, {"small", 60, 5, 2}, {"big", 60, 5, 100}};
    fx_resource(&f, "t", 1, 4, 1000, q, 3);
    for (int i = 0; i < 4; i++)
        fx_add(&f, 1, 1, 10);
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_REMOTE, 4, 20, &p, &err), 0);
    assert_int_equal(p.cores, 2); /* 1 core: 40 min; 2 cores: 20 min */
    assert_true(p.makespan == 20);
    assert_string_equal(p.qos, "small"); /* tiny is too short, small admits 2 cores */
    assert_true(p.walltime == 20);       /* min(25, 20) */
    assert_true(p.work_bound == 20);
    assert_true(p.lower_bound == 20);
    assert_true(p.efficiency == 1.0);
    socm_plan_free(&p);

    /* Deadline 40: one core is enough; deadline 39 with 3 cores: two. */
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_REMOTE, 4, 40, &p, &err), 0);
    assert_int_equal(p.cores, 1);
    socm_plan_free(&p);
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_REMOTE, 3, 39, &p, &err), 0);
    assert_int_equal(p.cores, 2);
    socm_plan_free(&p);

    /* Deadline impossible. */
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_REMOTE, 4, 9, &p, &err), -1);
    assert_string_equal(err.msg, "cannot meet the 9 min deadline with 4 cores");
    /* Batch on 1 core misses a 20 min deadline: planned anyway (the caller warns),
     * its walltime the makespan's, not the deadline's. */
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 1, 20, &p, &err), 0);
    assert_true(p.makespan > 20);
    assert_true(p.walltime >= p.makespan);
    socm_plan_free(&p);
    /* No QoS: none allows 80 min. */
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_REMOTE, 4, 80, &p, &err), -1);
    assert_non_null(strstr(err.msg, "no QoS of t admits 1 cores for 80 min"));
    assert_non_null(strstr(err.msg, "tiny (max 10 min"));
    assert_non_null(strstr(err.msg, "big (max 60 min, 100 cores, 5 jobs)"));
    assert_int_equal(err.code, SOCM_E_INPUT);
    fx_free(&f);
}

struct qcase {
    void (*make)(struct fx *);
    int64_t cores;
    double deadline;
    const char *qos;
};

/* QoS choice for each built-in resource (first fit on walltime ≥ deadline, cores,
 * one job). */
static void test_qos_builtin(void **state)
{
    (void)state;
    const struct qcase cases[] = {
        {fx_tiger3, 100, 60, "test"},          {fx_tiger3, 100, 61, "vshort"},
        {fx_tiger3, 9000, 60, "vshort"},       {fx_tiger3, 100, 301, "short"},
        {fx_tiger3, 8001, 1000, NULL},         {fx_tiger3, 3000, 2000, "medium"},
        {fx_tiger3, 1000, 5000, "long"},       {fx_tiger3, 900, 10000, "vlong"},
        {fx_tiger3, 901, 10000, NULL},         {fx_perlmutter, 1024, 30, "regular"},
        {fx_perlmutter, 128, 2880, "regular"}, {fx_perlmutter, 128, 2881, NULL},
        {fx_universe, 6272, 43200, "main"},    {fx_universe, 6273, 100, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f = {0};
        cases[i].make(&f);
        int q = socm_plan_qos_first_fit(&f.res, cases[i].deadline, cases[i].cores);
        if (cases[i].qos == NULL)
            assert_int_equal(q, -1);
        else {
            assert_true(q >= 0);
            assert_string_equal(f.res.qos[q].name, cases[i].qos);
        }
    }
    /* And through the whole remote plan: 4 × (28 cpus, 100 min), deadline 120 min on
     * tiger3 → 112 cores, QoS vshort; on universe → 112 cores, main. */
    void (*makers[])(struct fx *) = {fx_tiger3, fx_perlmutter, fx_universe};
    const char *want[] = {"vshort", "regular", "main"};
    for (int m = 0; m < 3; m++) {
        struct fx f = {0};
        makers[m](&f);
        for (int i = 0; i < 4; i++)
            fx_add(&f, 28, 1000, 100);
        fx_dag(&f);
        struct socm_plan p;
        struct socm_error err = {0};
        assert_int_equal(plan_heft(&f, SOCM_SCHEMA_REMOTE, 0, 120, &p, &err), 0);
        assert_int_equal(p.cores, 112);
        assert_string_equal(p.qos, want[m]);
        assert_true(p.walltime == 120);
        socm_plan_free(&p);
        fx_free(&f);
    }
}

static void test_bad_input(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 4, 100, NULL, 0);
    fx_add(&f, 8, 1, 5);
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 4, 100, &p, &err), -1);
    assert_string_equal(err.msg, "workflow W1 needs 8 cores; the allocation has 4 cores");
    fx_free(&f);
    fx_resource(&f, "t", 1, 4, 100, NULL, 0);
    fx_add(&f, 1, 1, 5);
    fx_add(&f, 1, 1, 5);
    fx_dag(&f);
    fx_edge(&f, 0, 1);
    fx_edge(&f, 1, 0);
    assert_int_equal(plan_heft(&f, SOCM_SCHEMA_BATCH, 4, 100, &p, &err), -1);
    assert_non_null(strstr(err.msg, "cycle"));
    fx_free(&f);
    assert_null(socm_planner_find("nope"));
    assert_null(socm_planner_load_plugin("/nonexistent/plugin.so", &err));
    assert_non_null(strstr(err.msg, "/nonexistent/plugin.so"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_original),     cmocka_unit_test(test_ties),
        cmocka_unit_test(test_memory_bound_slot), cmocka_unit_test(test_chain),
        cmocka_unit_test(test_generation_order),  cmocka_unit_test(test_remote_search),
        cmocka_unit_test(test_qos_builtin),  cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_requirements.c — requirements from a campaign until prediction exists:
 * cpus = ranks × threads, memory = resources.memory, walltime = runtime × 1.1;
 * and the planner input built from a whole campaign. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "predict/requirements.h"

#include <math.h>
#include <string.h>

static void test_one(void **state)
{
    (void)state;
    struct socm_workflow wf = {.name = "map", .res = {.ranks = 4, .threads = 8, .memory_mb = 2000, .runtime_min = 100}};
    struct socm_req r = socm_requirement_of(&wf);
    assert_int_equal(r.cpus, 32);
    assert_true(r.memory_mb == 2000);
    assert_true(fabs(r.walltime_min - 110) < 1e-9);
    struct socm_workflow bare = {.name = "bare"};
    r = socm_requirement_of(&bare);
    assert_int_equal(r.cpus, 1);
    assert_true(r.memory_mb == 0 && r.walltime_min == 0);
    struct socm_workflow huge = {.name = "huge", .res = {.ranks = INT64_MAX / 2, .threads = 4}};
    assert_int_equal(socm_requirement_of(&huge).cpus, INT64_MAX);
}

static void test_campaign(void **state)
{
    (void)state;
    struct socm_workflow a = {.id = 1, .name = "a", .res = {.ranks = 2, .threads = 3, .memory_mb = 10, .runtime_min = 10}};
    struct socm_workflow b = {.id = 2, .name = "b", .res = {.ranks = 1, .threads = 1, .memory_mb = 5, .runtime_min = 20}};
    struct socm_workflow *wfs[] = {&a, &b};
    struct socm_resource res = {.name = "r", .nodes = 2, .cores_per_node = 8, .memory_per_node_mb = 100};
    struct socm_campaign c = {.name = "c", .deadline_min = 90, .resource = &res, .schema = SOCM_SCHEMA_BATCH,
                              .requested_cores = 16, .wfs = wfs, .n_wfs = 2};
    c.dag.n = 2;
    struct socm_intv pred[2] = {{0}, {0}}, succ[2] = {{0}, {0}};
    c.dag.pred = pred;
    c.dag.succ = succ;
    struct socm_requirements rq;
    struct socm_error err = {0};
    assert_int_equal(socm_requirements_build(&c, &rq, &err), 0);
    assert_int_equal(rq.in.n, 2);
    assert_int_equal(rq.in.reqs[0].cpus, 6);
    assert_true(fabs(rq.in.reqs[1].walltime_min - 22) < 1e-9);
    assert_string_equal(rq.in.names[1], "b");
    assert_ptr_equal(rq.in.dag, &c.dag);
    assert_ptr_equal(rq.in.resource, &res);
    assert_true(rq.in.deadline_min == 90);
    assert_int_equal(rq.in.schema, SOCM_SCHEMA_BATCH);
    assert_int_equal(rq.in.requested_cores, 16);
    socm_requirements_free(&rq);
    c.resource = NULL;
    assert_int_equal(socm_requirements_build(&c, &rq, &err), -1);
    assert_non_null(strstr(err.msg, "no resource"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_one), cmocka_unit_test(test_campaign)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

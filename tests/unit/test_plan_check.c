/* test_plan_check.c — the check of a plan socm did not make (an external planner's):
 * a valid plan passes; each constraint broken alone is refused with a message that
 * names it (missing or repeated workflow, core range, width, slot length, shared
 * cores, dependency order, memory per node, deadline). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_fixture.h"
#include "planner/plan_check.h"

#include <stdlib.h>

/* Two workflows on a 1-node 4-core 4000 MB resource: W1 (2 cores, 1000 MB, 10 min),
 * then W2 (2 cores, 1000 MB, 5 min) after it; a valid plan of them on 4 cores. */
static void setup(struct fx *f, struct socm_plan *p, struct socm_plan_entry e[2])
{
    memset(f, 0, sizeof *f);
    static const struct socm_qos q[] = {{"q", 1000, 10, 100}};
    fx_resource(f, "box", 1, 4, 4000, q, 1);
    fx_add(f, 2, 1000, 10);
    fx_add(f, 2, 1000, 5);
    fx_dag(f);
    fx_edge(f, 0, 1);
    fx_input(f, SOCM_SCHEMA_BATCH, 4, 60);
    e[0] = (struct socm_plan_entry){1, 0, 1, 1000, 0, 10};
    e[1] = (struct socm_plan_entry){2, 2, 3, 1000, 10, 15};
    *p = (struct socm_plan){.cores = 4, .makespan = 15, .entries = e, .n = 2};
}

static void expect(struct fx *f, struct socm_plan *p, const char *what)
{
    struct socm_error err = {0};
    int rc = socm_plan_check(&f->in, p, &err);
    if (!what) {
        if (rc != 0)
            fail_msg("valid plan refused: %s", err.msg);
    } else {
        assert_int_equal(rc, -1);
        assert_int_equal(err.code, SOCM_E_INPUT);
        if (!strstr(err.msg, what))
            fail_msg("message '%s' lacks '%s'", err.msg, what);
    }
    fx_free(f);
}

static void test_valid(void **state)
{
    (void)state;
    struct fx f;
    struct socm_plan p;
    struct socm_plan_entry e[2];
    setup(&f, &p, e);
    expect(&f, &p, NULL);
}

static void test_each_constraint(void **state)
{
    (void)state;
    struct fx f;
    struct socm_plan p;
    struct socm_plan_entry e[2];

    setup(&f, &p, e), p.n = 1;
    expect(&f, &p, "leaves out workflow 'W2'");
    setup(&f, &p, e), e[1].id = 1;
    expect(&f, &p, "places workflow 'W1' twice");
    setup(&f, &p, e), e[1].id = 7;
    expect(&f, &p, "workflow id 7");
    setup(&f, &p, e), e[1].core_first = 3, e[1].core_last = 4;
    expect(&f, &p, "cores 3-4 are not a range of the allocation's 0-3");
    setup(&f, &p, e), e[1].core_last = 2;
    expect(&f, &p, "are 1 cores; it needs 2");
    setup(&f, &p, e), e[0].end = 9;
    e[1].start = 9;
    expect(&f, &p, "shorter than its walltime 10 min");
    setup(&f, &p, e), e[1].core_first = 0, e[1].core_last = 1, e[1].start = 5, e[1].end = 10.5;
    e[0].end = 10;
    expect(&f, &p, "use the same cores at the same time");
    setup(&f, &p, e), e[1].start = 5, e[1].end = 10;
    expect(&f, &p, "'W2' starts at 5 min, before 'W1'");
    setup(&f, &p, e), f.reqs[0].memory_mb = 3500, e[0].memory_mb = 3500;
    /* W2 alongside W1 on the one node: 4500 MB of 4000 */
    f.dag.pred[1].n = 0, e[1].start = 0, e[1].end = 5;
    expect(&f, &p, "node 0's 4000 MB");
    setup(&f, &p, e), p.makespan = 61;
    expect(&f, &p, "after the deadline (60 min)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_each_constraint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

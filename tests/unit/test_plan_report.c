/* test_plan_report.c — the plan's Gantt SVG (one titled bar per workflow at its
 * cores and times, the deadline line, names escaped) and the DAG in DOT (one node
 * per workflow, one edge per dependency, names quoted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/dot.h"
#include "report/gantt_svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void test_gantt(void **state)
{
    (void)state;
    struct socm_plan_entry e[2] = {{1, 0, 9, 100, 0, 50}, {2, 10, 19, 200, 50, 100}};
    struct socm_plan p = {.policy = "time", .cores = 20, .makespan = 100, .entries = e, .n = 2};
    const char *names[] = {"a<b>&c", "second"};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct socm_gantt_opts o = {"camp", 110, NULL, NULL};
    socm_gantt_svg(f, &p, names, &o);
    fclose(f);
    assert_non_null(strstr(buf, "<svg"));
    assert_int_equal(count(buf, "<g class=\"bar\">"), 2);
    assert_non_null(strstr(buf, "<title>a&lt;b&gt;&amp;c\n0 s to 50 min (50 min)\ncores 0-9 (10 cores), 100 MB</title>"));
    assert_null(strstr(buf, "a<b>"));
    assert_non_null(strstr(buf, "<title>second\n50 min to 100 min (50 min)\ncores 10-19 (10 cores), 200 MB</title>"));
    assert_non_null(strstr(buf, "deadline 110 min"));
    /* Time on x: 110 min rounds up to 120 on a 15 min step; the plot is 1000 px
     * from x=56: W2 starts at 50 min → x = 56 + 50 × 1000 / 120 = 472.67; cores on
     * y: 20 cores × 16 px = 320 px, core 10 at 160 px below the plot's top. */
    assert_non_null(strstr(buf, "<rect x=\"472.67\" y=\""));
    assert_non_null(strstr(buf, "width=\"416.67\" height=\"160.00\""));
    free(buf);
}

static void test_dot(void **state)
{
    (void)state;
    struct socm_intv pred[3] = {{0}, {0}, {0}};
    int s0[] = {1, 2};
    struct socm_intv succ[3] = {{s0, 2, 2}, {0}, {0}};
    struct socm_dag d = {.n = 3, .pred = pred, .succ = succ};
    const char *names[] = {"pre", "map \"x\"", "null"};
    struct socm_req reqs[] = {{8, 1, 10}, {112, 1, 60}, {4, 1, 5.5}};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    socm_dot(f, "camp", &d, names, reqs);
    fclose(f);
    assert_non_null(strstr(buf, "digraph \"camp\" {"));
    assert_non_null(strstr(buf, "w1 -> w2;"));
    assert_non_null(strstr(buf, "w1 -> w3;"));
    assert_int_equal(count(buf, "->"), 2);
    assert_non_null(strstr(buf, "w2 [label=\"map \\\"x\\\"\\n112 cores, 60.0 min\"];"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_gantt), cmocka_unit_test(test_dot)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

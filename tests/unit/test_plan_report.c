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
    socm_gantt_svg(f, &p, names, 200);
    fclose(f);
    assert_non_null(strstr(buf, "<svg"));
    assert_int_equal(count(buf, "<rect"), 3); /* frame + 2 bars */
    assert_non_null(strstr(buf, "a&lt;b&gt;&amp;c: cores 0-9, 0.0-50.0 min, 100 MB"));
    assert_null(strstr(buf, "a<b>"));
    assert_non_null(strstr(buf, "second: cores 10-19, 50.0-100.0 min, 200 MB"));
    assert_non_null(strstr(buf, "deadline 200 min"));
    /* Time on x: the plot is 1000 px for 200 min starting at x=60; W2 starts at
     * 50 min → x = 310; cores on y: 12 px per core from y=30; core 10 → 150. */
    assert_non_null(strstr(buf, "<rect x=\"310.00\" y=\"150.00\" width=\"250.00\" height=\"120.00\""));
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

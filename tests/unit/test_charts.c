/* test_charts.c — the SVG Gantt charts: the time axis spans the content, not a far
 * deadline (which becomes an arrow at the edge), with 5 to 10 ticks at round values
 * in s, min, h or days; durations read "40 s", not "1 min"; the plan chart has a
 * title, a legend by group, a tooltip on every bar and labels inside, beside or cut
 * with "…"; the run chart has a row per workflow up to 500 and aggregates beyond, a
 * tooltip on every bar, and says which workflows did not run. */
#include "report/gantt_svg.h"
#include "report/run_gantt.h"
#include "report/svg_chart.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* A step is round when, in its unit, it is 1, 2 or 5 × 10^k, or one of the unit's
 * own round numbers (15, 20, 30 s or min; 3, 6, 12, 24 h). */
static int round_step(double step_u)
{
    static const double own[] = {15, 20, 30, 3, 6, 12, 24};
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (fabs(step_u - own[i]) < 1e-9)
            return 1;
    double p = pow(10, floor(log10(step_u) + 1e-9)), m = step_u / p;
    return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9;
}

static void test_axis(void **state)
{
    (void)state;
    struct socm_time_axis ax;
    /* The quickstart: a 2.2-minute plan with a 1 h deadline. */
    socm_time_axis_make(2.2, 60, &ax);
    assert_string_equal(ax.unit, "min");
    assert_true(fabs(ax.step_min - 0.5) < 1e-9 && fabs(ax.span_min - 2.5) < 1e-9);
    assert_true(ax.deadline_beyond);
    /* 33 s of plan, 40 s deadline: on the axis, in seconds. */
    socm_time_axis_make(33.0 / 60, 40.0 / 60, &ax);
    assert_string_equal(ax.unit, "s");
    assert_false(ax.deadline_beyond);
    assert_true(fabs(ax.span_min * 60 - 40) < 1e-9 && fabs(ax.step_min * 60 - 5) < 1e-9);
    /* 43.5 h and a 2-day deadline: hours by 6, to 48. */
    socm_time_axis_make(43.5 * 60, 48 * 60, &ax);
    assert_string_equal(ax.unit, "h");
    assert_true(fabs(ax.step_min - 360) < 1e-9 && fabs(ax.span_min - 2880) < 1e-9);
    /* A week: days. */
    socm_time_axis_make(7 * 1440, 0, &ax);
    assert_string_equal(ax.unit, "days");
    /* Every span from 0.1 s to 300 days: round steps, 4 to 11 ticks, covers the
     * content by less than a step more. */
    for (double end = 0.1 / 60; end < 300 * 1440; end *= 1.07) {
        socm_time_axis_make(end, 0, &ax);
        double ticks = ax.span_min / ax.step_min;
        if (!round_step(ax.step_min / ax.unit_min) || ticks < 3.99 || ticks > 11.01 || ax.span_min < end - 1e-9 ||
            ax.span_min > end + ax.step_min + 1e-9)
            fail_msg("end %g min: unit %s, step %g, span %g", end, ax.unit, ax.step_min / ax.unit_min,
                     ax.span_min / ax.unit_min);
    }
}

static void test_duration(void **state)
{
    (void)state;
    char b[32];
    socm_chart_duration(40.0 / 60, b, sizeof b);
    assert_string_equal(b, "40 s");
    socm_chart_duration(2.2, b, sizeof b);
    assert_string_equal(b, "2.2 min");
    socm_chart_duration(1, b, sizeof b);
    assert_string_equal(b, "1 min");
    socm_chart_duration(90, b, sizeof b);
    assert_string_equal(b, "90 min");
    socm_chart_duration(60, b, sizeof b);
    assert_string_equal(b, "1 h");
    socm_chart_duration(150, b, sizeof b);
    assert_string_equal(b, "2.5 h");
    socm_chart_duration(3 * 1440, b, sizeof b);
    assert_string_equal(b, "3 days");
}

__attribute__((noinline)) static char *plan_chart(struct socm_plan *p, const char *const *names, const char *const *groups, double deadline)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct socm_gantt_opts o = {"my-campaign", deadline, groups, "workflow type"};
    socm_gantt_svg(f, p, names, &o);
    fclose(f);
    return buf;
}

static void test_plan_chart(void **state)
{
    (void)state;
    /* 2 cores: a long bar, a short one whose name goes beside it (nothing after it
     * on its core), and a short one followed at once by another (name cut). */
    struct socm_plan_entry e[4] = {{1, 0, 0, 100, 0, 2.0}, {2, 1, 1, 100, 0, 0.1},
                                   {3, 1, 1, 100, 0.5, 0.7}, {4, 1, 1, 100, 0.7, 2.2}};
    struct socm_plan p = {.policy = "time", .cores = 2, .qos = "debug", .makespan = 2.2, .entries = e, .n = 4};
    const char *names[] = {"simulate", "tiny", "a-rather-long-name-that-does-not-fit", "after"};
    const char *groups[] = {"sat-sims", "generic", "generic", "ml-mapmaking"};
    char *svg = plan_chart(&p, names, groups, 60);
    assert_non_null(strstr(svg, "<text class=\"title\" x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">my-campaign</text>"));
    assert_non_null(strstr(svg, "plan: policy time, 2 cores, QoS debug, 4 workflows, makespan 2.2 min, deadline 1 h"));
    assert_int_equal(count(svg, "<g class=\"bar\">"), 4);
    assert_int_equal(count(svg, "<g class=\"bar\"><rect"), count(svg, "</title></rect>"));
    /* Legend: each group once, in order of appearance. */
    const char *lg = strstr(svg, "<g class=\"legend\">");
    assert_non_null(lg);
    assert_true(strstr(lg, ">sat-sims<") < strstr(lg, ">generic<") && strstr(lg, ">generic<") < strstr(lg, ">ml-mapmaking<"));
    /* The far deadline is an arrow at the edge; the axis ends at 2.5 min. */
    assert_non_null(strstr(svg, "deadline 1 h (beyond)"));
    assert_non_null(strstr(svg, ">2.5</text>"));
    assert_null(strstr(svg, ">3</text>"));
    /* Labels: inside, beside (tiny: 0.1 min bar), cut with an ellipsis. */
    assert_non_null(strstr(svg, ">simulate</text>"));
    assert_non_null(strstr(svg, ">tiny</text>"));
    assert_non_null(strstr(svg, "…</text>"));
    assert_null(strstr(svg, ">a-rather-long-name-that-does-not-fit</text>"));
    assert_non_null(strstr(svg, "<title>a-rather-long-name-that-does-not-fit (generic)\n30 s to 42 s (12 s)\ncores 1-1 (1 core), 100 MB</title>"));
    free(svg);
    /* A deadline near the end is a line on the axis. */
    svg = plan_chart(&p, names, NULL, 2.5);
    assert_non_null(strstr(svg, "<g class=\"deadline\">"));
    assert_non_null(strstr(svg, "deadline 2.5 min</text>"));
    free(svg);
}

__attribute__((noinline)) static char *run_chart(const struct socm_gantt_row *rows, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct socm_run_gantt_opts o = {"run-campaign", "FAILED", "time", NULL, 4, 60, 10, 9};
    socm_run_gantt_svg(f, &o, rows, n);
    fclose(f);
    return buf;
}

static void test_run_chart(void **state)
{
    (void)state;
    struct socm_gantt_row rows[3] = {
        {"late<&>", "DONE", 5, 10, 4, 9, 2, 100, 1},
        {"early", "FAILED", 0, 5, 0, 1, 1, 0, 2},
        {"never", "CANCELED", 10, 15, -1, -1, 1, 0, 0},
    };
    char *svg = run_chart(rows, 3);
    assert_non_null(strstr(svg, "run FAILED: 3 workflows, policy time, 4 cores, QoS none; planned 10 min, actual 9 min, deadline 1 h"));
    /* Rows by planned start: early, late, never. */
    const char *a = strstr(svg, ">early</text>"), *b = strstr(svg, ">late&lt;&amp;&gt;</text>"), *c = strstr(svg, ">never</text>");
    assert_true(a && b && c && a < b && b < c);
    assert_int_equal(count(svg, "<rect class=\"planned\""), 3);
    assert_int_equal(count(svg, "<rect class=\"actual\""), 2);
    assert_int_equal(count(svg, "<rect class=\"planned\"") + count(svg, "<rect class=\"actual\""),
                     count(svg, "</title></rect>"));
    assert_non_null(strstr(svg, "<title>early: FAILED after 2 attempts\nplanned 0 s to 5 min (5 min)\nactual 0 s to 1 min (1 min)\n1 core, 0 MB</title>"));
    assert_non_null(strstr(svg, ">not run (CANCELED)</text>"));
    assert_non_null(strstr(svg, ">FAILED</text>"));
    assert_non_null(strstr(svg, "deadline 1 h (beyond)"));
    const char *lg = strstr(svg, "<g class=\"legend\">");
    assert_non_null(lg);
    assert_non_null(strstr(lg, ">planned<"));
    assert_non_null(strstr(lg, ">CANCELED<"));
    free(svg);
}

static void test_run_chart_aggregates(void **state)
{
    (void)state;
    size_t n = 10000;
    struct socm_gantt_row *rows = calloc(n, sizeof *rows);
    char (*names)[16] = calloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "w%05zu", i);
        double s = (double)((i * 7919) % n) / 10;
        rows[i] = (struct socm_gantt_row){names[i], i == 4242 ? "FAILED" : "DONE", s, s + 5, s, s + 4, 1, 10, 1};
    }
    char *svg = run_chart(rows, n);
    assert_int_equal(count(svg, "<g class=\"row aggregated\">"), SOCM_RUN_GANTT_MAX_ROWS);
    assert_int_equal(count(svg, "<g class=\"row\">"), 0);
    assert_int_equal(count(svg, "</title></rect>"), 2 * SOCM_RUN_GANTT_MAX_ROWS);
    /* The failed one shows in its row's colour and tooltip. */
    assert_int_equal(count(svg, "1 FAILED"), 2);
    assert_true(strlen(svg) < 2 * 1000 * 1000);
    free(svg);
    /* 300: a row each, no names (too thin), counts on the axis instead. */
    svg = run_chart(rows, 300);
    assert_int_equal(count(svg, "<g class=\"row\">"), 300);
    assert_int_equal(count(svg, "class=\"name\""), 0);
    assert_non_null(strstr(svg, "workflows, by planned start"));
    free(svg);
    free(rows);
    free(names);
}

/* Nothing to draw, and a plug-in planner's entry outside the allocation: still a
 * chart, no crash. */
static void test_degenerate(void **state)
{
    (void)state;
    struct socm_plan empty = {.policy = "time", .cores = 0};
    char *svg = plan_chart(&empty, NULL, NULL, 0);
    assert_non_null(strstr(svg, "</svg>"));
    free(svg);
    struct socm_plan_entry e[2] = {{1, -3, 5, 10, 0, 1}, {2, 0, 0, 10, 0, 1}};
    struct socm_plan odd = {.policy = "x", .cores = 2, .makespan = 1, .entries = e, .n = 2};
    const char *names[] = {"outside", "inside"};
    svg = plan_chart(&odd, names, NULL, 0);
    assert_int_equal(count(svg, "<g class=\"bar\">"), 2);
    free(svg);
    svg = run_chart(NULL, 0);
    assert_non_null(strstr(svg, "</svg>"));
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axis),      cmocka_unit_test(test_duration),
        cmocka_unit_test(test_plan_chart), cmocka_unit_test(test_run_chart),
        cmocka_unit_test(test_run_chart_aggregates), cmocka_unit_test(test_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_nodeline.c — nodeline (a node's memory and cores in use over time, and the
 * earliest start at which a window stays within both limits, also with a budget of
 * steps looked at) against brute force
 * on random operations (seeded, so a failure repeats), and against asking two
 * memlines in turn until they agree, as nodeline.h promises. Includes adversarial
 * shapes: limits that each value alone meets often but both together seldom, zero
 * walltimes, stops at and before the start, negative limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_fixture.h"
#include "planner/memline.h"
#include "planner/nodeline.h"

#include <math.h>

#define NADD 200

struct add {
    double a, b, mem, cores;
};

/* Memory and cores in use at t: the sums over the added intervals holding t
 * (integers here: exact whatever the order). */
static void truth_at(const struct add *v, size_t n, double t, double *mem, double *cores)
{
    *mem = *cores = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].a <= t && t < v[i].b) {
            *mem += v[i].mem;
            *cores += v[i].cores;
        }
}

/* Whether a start at c fits: within both limits at c and at every interval end
 * inside (c, c + w) (the values change only there). */
static bool truth_fits(const struct add *v, size_t n, double c, double w, double mm, double cm)
{
    double m, k;
    truth_at(v, n, c, &m, &k);
    if (m > mm || k > cm)
        return false;
    for (size_t i = 0; i < n; i++) {
        double e[2] = {v[i].a, v[i].b};
        for (int q = 0; q < 2; q++)
            if (e[q] > c && e[q] < c + w) {
                truth_at(v, n, e[q], &m, &k);
                if (m > mm || k > cm)
                    return false;
            }
    }
    return true;
}

/* The earliest fitting start ≥ t before stop: t itself or an interval end (where
 * a stretch over a limit ends). */
static double truth_fit(const struct add *v, size_t n, double t, double w, double mm, double cm, double stop)
{
    double best = truth_fits(v, n, t, w, mm, cm) ? t : INFINITY;
    for (size_t i = 0; i < n; i++) {
        double e[2] = {v[i].a, v[i].b};
        for (int q = 0; q < 2; q++)
            if (e[q] > t && e[q] < best && truth_fits(v, n, e[q], w, mm, cm))
                best = e[q];
    }
    return best < stop ? best : INFINITY;
}

/* Each value's own line asked in turn until both give the same start. */
static double alternate(const struct socm_memline *mem, const struct socm_memline *cores, double t, double w,
                        double mm, double cm, double stop)
{
    double c = t;
    for (;;) {
        double c1 = socm_memline_fit(mem, c, w, mm, stop);
        if (c1 == INFINITY)
            return INFINITY;
        double c2 = socm_memline_fit(cores, c1, w, cm, stop);
        if (c2 == c1 || c2 == INFINITY)
            return c2;
        c = c2;
    }
}

static void test_nodeline_fit_matches_brute_force(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        fx_seed(seed * 15485863);
        struct socm_nodeline nl = {0};
        struct socm_memline ml = {0}, cl = {0};
        struct add v[NADD];
        size_t n = 0;
        /* Few cores, memory in steps of 10: many times at which one limit holds
         * and the other does not. */
        int64_t span = fx_rnd_in(20, 400);
        for (size_t op = 0; op < NADD; op++) {
            double a = (double)fx_rnd_in(0, span); /* one draw a statement: a fixed order */
            a /= fx_rnd() % 2 ? 1 : 2;
            double b = a + (double)fx_rnd_in(0, 30) / 2;
            double mem = (double)(10 * fx_rnd_in(0, 10));
            double cores = (double)fx_rnd_in(1, 8);
            socm_nodeline_add(&nl, a, b, mem, cores);
            socm_memline_add(&ml, a, b, mem);
            socm_memline_add(&cl, a, b, cores);
            if (a < b)
                v[n++] = (struct add){a, b, mem, cores};
            for (int q = 0; q < 6; q++) {
                double t = (double)fx_rnd_in(-10, span + 40) / 2;
                double w = (double)fx_rnd_in(0, 40) / 2;
                double mm = (double)(10 * fx_rnd_in(-1, 30));
                double cm = (double)fx_rnd_in(-1, 24);
                double stop = fx_rnd() % 3 ? INFINITY : t + (double)fx_rnd_in(-5, 200) / 2;
                double want = truth_fit(v, n, t, w, mm, cm, stop);
                double got = socm_nodeline_fit(&nl, t, w, mm, cm, stop, NULL);
                if (got != want)
                    fail_msg("seed %llu op %zu: fit(t=%g w=%g mem<=%g cores<=%g stop=%g) = %g, want %g",
                             (unsigned long long)seed, op, t, w, mm, cm, stop, got, want);
                assert_true(got == alternate(&ml, &cl, t, w, mm, cm, stop));
                /* With a budget: the answer, or (budget spent) a time no later. */
                size_t budget = (size_t)fx_rnd_in(1, 40);
                double part = socm_nodeline_fit(&nl, t, w, mm, cm, stop, &budget);
                if (budget > 0)
                    assert_true(part == want);
                else
                    assert_true(part >= t && part <= want);
            }
        }
        socm_nodeline_free(&nl);
        socm_memline_free(&ml);
        socm_memline_free(&cl);
    }
}

/* An empty line holds 0 of each; a stop at or before the start finds nothing;
 * an empty interval adds nothing. */
static void test_nodeline_empty_and_degenerate(void **state)
{
    (void)state;
    struct socm_nodeline nl = {0};
    assert_true(socm_nodeline_fit(&nl, 3, 5, 0, 0, INFINITY, NULL) == 3);
    assert_true(socm_nodeline_fit(&nl, 3, 5, -1, 0, INFINITY, NULL) == INFINITY);
    assert_true(socm_nodeline_fit(&nl, 3, 5, 0, 0, 3, NULL) == INFINITY);
    socm_nodeline_add(&nl, 4, 4, 100, 100);
    assert_int_equal(nl.n, 0);
    /* Memory full on [10, 20), cores full on [20, 30): a window of 5 fits before
     * 5 (ending at 10) or from 30; one of 0 at 5 and not at 10. */
    socm_nodeline_add(&nl, 10, 20, 100, 0);
    socm_nodeline_add(&nl, 20, 30, 0, 8);
    assert_true(socm_nodeline_fit(&nl, 0, 5, 50, 4, INFINITY, NULL) == 0);
    assert_true(socm_nodeline_fit(&nl, 6, 5, 50, 4, INFINITY, NULL) == 30);
    assert_true(socm_nodeline_fit(&nl, 6, 5, 50, 4, 30, NULL) == INFINITY);
    assert_true(socm_nodeline_fit(&nl, 10, 0, 50, 4, INFINITY, NULL) == 30);
    assert_true(socm_nodeline_fit(&nl, 10, 0, 100, 4, INFINITY, NULL) == 10);
    assert_true(socm_nodeline_fit(&nl, 12, 3, 100, 8, INFINITY, NULL) == 12);
    socm_nodeline_free(&nl);
}

/* Enough steps that the fit leaves its first look-ahead and climbs the trees:
 * alternating limits (memory over on odd steps, cores over on even ones) with one
 * stretch where both hold. */
static void test_nodeline_long_alternation(void **state)
{
    (void)state;
    struct socm_nodeline nl = {0};
    for (int i = 0; i < 5000; i++)
        if (i != 3700 && i != 3701)
            socm_nodeline_add(&nl, i, i + 1, i % 2 ? 100 : 0, i % 2 ? 0 : 8);
    assert_true(socm_nodeline_fit(&nl, 0, 2, 50, 4, INFINITY, NULL) == 3700);
    assert_true(socm_nodeline_fit(&nl, 0, 2.5, 50, 4, INFINITY, NULL) == 5000);
    assert_true(socm_nodeline_fit(&nl, 0, 2, 50, 4, 3700, NULL) == INFINITY);
    assert_true(socm_nodeline_fit(&nl, 0, 1, 100, 4, INFINITY, NULL) == 1);
    assert_true(socm_nodeline_fit(&nl, 0, 1, 100, 8, INFINITY, NULL) == 0);
    /* Long stretches within both limits: the summaries let the search for the
     * next step over one pass over them, and the next add is still seen. */
    assert_true(socm_nodeline_fit(&nl, 0, 4000, 100, 8, INFINITY, NULL) == 0);
    socm_nodeline_add(&nl, 2500, 2501, 0, 1);
    assert_true(socm_nodeline_fit(&nl, 0, 4000, 100, 8, INFINITY, NULL) == 2501);
    assert_true(socm_nodeline_fit(&nl, 2500.5, 0, 100, 8, INFINITY, NULL) == 2501);
    socm_nodeline_free(&nl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nodeline_fit_matches_brute_force),
        cmocka_unit_test(test_nodeline_empty_and_degenerate),
        cmocka_unit_test(test_nodeline_long_alternation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

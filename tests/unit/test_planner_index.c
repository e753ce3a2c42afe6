/* test_planner_index.c — the planners' index structures against brute force on
 * random operations (seeded, so a failure repeats): memline (memory in use over
 * time, its peak over a window and where to retry after it), memsum (the same "in
 * use at t" as a treap), the earliest start where a window fits under a limit
 * (memline_fit) against retrying the peak, its memo of answers against asking
 * again, the smallest
 * use over a window, and slotidx (per-slot free times of one width: raise, set,
 * first ≥ / ≤ x, first ≥ in two indexes, next value above x). Integration tests
 * reach them only through whole plans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_fixture.h"
#include "planner/memline.h"
#include "planner/slotidx.h"

#include <math.h>

#define NOPS 400

/* Intervals added so far, the brute-force truth. */
struct ivl {
    double a, b, mb;
};

static double truth_at(const struct ivl *v, size_t n, double t)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].a <= t && t < v[i].b)
            s += v[i].mb;
    return s;
}

/* Peak over [a, b): the use is piecewise constant, changing only at interval ends,
 * so checking a and every end inside (a, b) suffices. */
static double truth_peak(const struct ivl *v, size_t n, double a, double b)
{
    double peak = truth_at(v, n, a);
    for (size_t i = 0; i < n; i++) {
        if (v[i].a > a && v[i].a < b)
            peak = fmax(peak, truth_at(v, n, v[i].a));
        if (v[i].b > a && v[i].b < b)
            peak = fmax(peak, truth_at(v, n, v[i].b));
    }
    return peak;
}

static void test_memline_and_memsum_match_brute_force(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        fx_seed(seed * 7919);
        struct socm_memline ml = {0};
        struct socm_memsum ms = {0};
        struct ivl v[NOPS];
        size_t n = 0;
        for (int op = 0; op < NOPS; op++) {
            /* integer times make equal ends likely: the edge cases */
            double a = (double)fx_rnd_in(0, 60), b = a + (double)fx_rnd_in(0, 20);
            double mb = (double)fx_rnd_in(1, 100);
            socm_memline_add(&ml, a, b, mb);
            socm_memsum_add(&ms, a, b, mb);
            if (a < b)
                v[n++] = (struct ivl){a, b, mb};
            /* One draw a statement: the order of an operator's operands is
             * unspecified (gcc and clang differ); this is the order gcc took. */
            double t = (double)fx_rnd_in(-5, 90);
            t += fx_rnd() % 2 ? 0.5 : 0;
            double want = truth_at(v, n, t);
            assert_true(fabs(socm_memline_at(&ml, t) - want) < 1e-9);
            assert_true(fabs(socm_memsum_at(&ms, t) - want) < 1e-9);
            double wa = fx_rnd_in(0, 80), wb = wa + fx_rnd_in(1, 30), after = -1;
            double peak = socm_memline_peak(&ml, wa, wb, 1e18, &after);
            assert_true(fabs(peak - truth_peak(v, n, wa, wb)) < 1e-9);
            /* With a limit under the peak, `after` ends a step over the limit, and
             * nothing from there to b is over it: where a caller may retry. */
            if (peak > 0) {
                double lim = peak - 0.5;
                socm_memline_peak(&ml, wa, wb, lim, &after);
                assert_true(after > wa);
                assert_true(truth_at(v, n, after - 1e-9) > lim);
                if (after < wb)
                    assert_true(truth_peak(v, n, after, wb) <= lim);
            }
        }
        socm_memline_free(&ml);
        socm_memsum_free(&ms);
    }
}

static void test_memline_empty_and_degenerate(void **state)
{
    (void)state;
    struct socm_memline ml = {0};
    double after = -1;
    assert_true(socm_memline_at(&ml, 5) == 0);
    assert_true(socm_memline_peak(&ml, 0, 10, 0, &after) == 0);
    assert_true(after == 10);
    socm_memline_add(&ml, 5, 5, 100); /* empty interval: nothing */
    socm_memline_add(&ml, 7, 3, 100); /* reversed: nothing */
    assert_true(socm_memline_at(&ml, 5) == 0);
    socm_memline_free(&ml);
}

/* The earliest start ≥ t whose window [start, start + w) stays within `limit`,
 * by retrying the peak from where it says (INFINITY from `stop` on). */
static double retry_fit(const struct socm_memline *ml, double t, double w, double limit, double stop)
{
    for (;;) {
        if (t >= stop)
            return INFINITY;
        double after;
        if (socm_memline_peak(ml, t, t + w, limit, &after) <= limit)
            return t;
        t = after > t ? after : nextafter(t, INFINITY);
    }
}

/* Smallest use over [a, b): at a and at every end inside (a, b). */
static double truth_min(const struct ivl *v, size_t n, double a, double b)
{
    double lo = truth_at(v, n, a);
    for (size_t i = 0; i < n; i++) {
        if (v[i].a > a && v[i].a < b)
            lo = fmin(lo, truth_at(v, n, v[i].a));
        if (v[i].b > a && v[i].b < b)
            lo = fmin(lo, truth_at(v, n, v[i].b));
    }
    return lo;
}

/* Fits found through the trees (also from the step of the last time asked) are
 * those of retrying the peak;
 * lines long enough for trees of several levels, steps of every kind (windows of
 * zero length, limits below every use, starts before the first step). */
static void test_memline_fit_matches_retrying(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        fx_seed(seed * 104729);
        struct socm_memline ml = {0};
        struct ivl v[NOPS];
        size_t n = 0;
        for (int op = 0; op < NOPS; op++) {
            double a = (double)fx_rnd_in(0, 300); /* one draw a statement, as above */
            a /= fx_rnd() % 2 ? 1 : 4;
            double b = a + (double)fx_rnd_in(0, 30);
            double mb = (double)fx_rnd_in(1, 100);
            socm_memline_add(&ml, a, b, mb);
            if (a < b)
                v[n++] = (struct ivl){a, b, mb};
            double wa = (double)fx_rnd_in(-5, 320) / 2, wb = wa + (double)fx_rnd_in(0, 20);
            double lo = socm_memline_min(&ml, wa, wb);
            assert_true(wb > wa ? fabs(lo - truth_min(v, n, wa, wb)) < 1e-9 : lo == INFINITY);
            double from = (double)fx_rnd_in(-5, 300);
            double w = (double)fx_rnd_in(0, 25);
            w /= fx_rnd() % 3 ? 1 : 3;
            double limit = (double)fx_rnd_in(0, 400), stop = fx_rnd() % 4 ? INFINITY : from + fx_rnd_in(0, 200);
            long at = SOCM_MEMLINE_UNKNOWN; /* times that only grow: from where the last was */
            double t = from;
            for (int q = 0; q < 8; q++) {
                t += (double)fx_rnd_in(0, 40) / 2;
                double want = retry_fit(&ml, t, w, limit, stop);
                assert_true(socm_memline_fit(&ml, t, w, limit, stop) == want);
                assert_true(socm_memline_fit_at(&ml, t, w, limit, stop, &at) == want);
                if (want < INFINITY) /* where it fits, the peak says so */
                    assert_true(socm_memline_peak(&ml, want, want + w, limit, NULL) <= limit);
            }
        }
        socm_memline_free(&ml);
    }
}

/* The memo of fit answers gives socm_memline_fit's answer for any time and stop
 * (not only growing ones), as long as the line has not changed since its epoch;
 * an asker with another limit in the same epoch is answered without it. */
static void test_memline_memo_matches_fit(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        fx_seed(seed * 7919);
        struct socm_memline ml = {0};
        struct socm_memline_memo mm = {0};
        for (int op = 0; op < NOPS; op++) {
            double a = (double)fx_rnd_in(0, 300);
            double b = a + (double)fx_rnd_in(0, 30);
            double mb = (double)fx_rnd_in(1, 100);
            socm_memline_add(&ml, a, b, mb);
            double w = (double)fx_rnd_in(0, 25);
            double limit = (double)fx_rnd_in(0, 400);
            for (int q = 0; q < 12; q++) {
                double t = (double)fx_rnd_in(-5, 330) / 2;
                double stop = fx_rnd() % 3 ? INFINITY : t + (double)fx_rnd_in(0, 100);
                double lim = q == 11 ? limit + 1 : limit;
                long at = SOCM_MEMLINE_UNKNOWN;
                double got = socm_memline_memo_fit(&mm, &ml, (unsigned long)op + 1, t, w, lim, stop, &at);
                assert_true(got == socm_memline_fit(&ml, t, w, lim, stop));
            }
            for (size_t i = 0; i + 1 < mm.n; i++) /* sorted and disjoint */
                assert_true(mm.a[i] <= mm.c[i] && mm.c[i] < mm.a[i + 1]);
        }
        socm_memline_memo_free(&mm);
        socm_memline_free(&ml);
    }
}

static int64_t slot_first_ge(const double *v, int64_t ns, double x, int64_t from)
{
    for (int64_t s = from < 0 ? 0 : from; s < ns; s++)
        if (v[s] >= x)
            return s;
    return -1;
}

static int64_t slot_first_le(const double *v, int64_t ns, double x, int64_t from)
{
    for (int64_t s = from < 0 ? 0 : from; s < ns; s++)
        if (v[s] <= x)
            return s;
    return -1;
}

static double slot_next_gt(const double *v, int64_t ns, double x, double cap, int64_t *slot)
{
    double best = INFINITY;
    *slot = -1;
    for (int64_t s = 0; s < ns; s++)
        if (v[s] > x && v[s] < cap && v[s] < best) {
            best = v[s];
            *slot = s;
        }
    return best;
}

static void test_slotidx_matches_brute_force(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 30; seed++) {
        fx_seed(seed * 104729);
        int64_t k = fx_rnd_in(1, 4), cores = fx_rnd_in(k, 40);
        int64_t ns = cores / k;
        struct socm_slotidx a, b;
        socm_slotidx_init(&a, k, cores, 0);
        socm_slotidx_init(&b, k, cores, 0);
        assert_int_equal(a.nslots, ns);
        double va[64], vb[64];
        for (int64_t s = 0; s < ns; s++)
            va[s] = vb[s] = 0;
        for (int op = 0; op < NOPS; op++) {
            switch (fx_rnd() % 3) {
            case 0: { /* raise cores [first, first + len) until t */
                int64_t first = fx_rnd_in(0, cores - 1), len = fx_rnd_in(1, cores - first);
                double t = fx_rnd_in(0, 100);
                socm_slotidx_raise(&a, first, len, t);
                for (int64_t s = 0; s < ns; s++)
                    if (s * k < first + len && first < s * k + k)
                        va[s] = fmax(va[s], t);
                break;
            }
            case 1: { /* set a slot of b to anything (b's values may fall) */
                int64_t s = fx_rnd_in(0, ns - 1);
                double t = fx_rnd_in(0, 100);
                socm_slotidx_set(&b, s, t);
                vb[s] = t;
                break;
            }
            default:
                break;
            }
            double x = fx_rnd_in(-1, 101), y = fx_rnd_in(-1, 101);
            int64_t from = fx_rnd_in(0, ns);
            for (int64_t s = 0; s < ns; s++) {
                assert_true(socm_slotidx_value(&a, s) == va[s]);
                assert_true(socm_slotidx_value(&b, s) == vb[s]);
            }
            assert_int_equal(socm_slotidx_first_ge(&a, x, from), slot_first_ge(va, ns, x, from));
            assert_int_equal(socm_slotidx_first_le(&b, x, from), slot_first_le(vb, ns, x, from));
            int64_t want2 = -1;
            for (int64_t s = from; s < ns; s++)
                if (va[s] >= x && vb[s] >= y) {
                    want2 = s;
                    break;
                }
            assert_int_equal(socm_slotidx_first_ge2(&a, x, &b, y, from), want2);
            int64_t got_slot, want_slot;
            double got = socm_slotidx_next_gt(&a, x, &got_slot);
            double want = slot_next_gt(va, ns, x, INFINITY, &want_slot);
            assert_true(got == want);
            assert_int_equal(got_slot, want_slot);
            got = socm_slotidx_next_gt_below(&b, x, y, &got_slot);
            want = slot_next_gt(vb, ns, x, y, &want_slot);
            assert_true(got == want);
            assert_int_equal(got_slot, want_slot);
        }
        socm_slotidx_free(&a);
        socm_slotidx_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memline_and_memsum_match_brute_force),
        cmocka_unit_test(test_memline_empty_and_degenerate),
        cmocka_unit_test(test_memline_fit_matches_retrying),
        cmocka_unit_test(test_memline_memo_matches_fit),
        cmocka_unit_test(test_slotidx_matches_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_order_search.c — the order search of the planners (src/planner/
 * order_search.c) with a stand-in scheduler that records every order it is given:
 * each is a topological order of the DAG it is asked about (the campaign's, or the
 * reversed one of a backward pass), the search stays within its budget, returns the
 * plan with the smallest makespan among the forward plans (the earliest on ties),
 * is deterministic, and passes a scheduler's refusal on with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan_fixture.h"
#include "planner/planner_impl.h"

#include <math.h>

#define MAXCALLS 4096

struct rec {
    size_t calls;
    bool forward[MAXCALLS];   /* asked about the campaign's own DAG */
    double makespan[MAXCALLS];
    uint64_t hash[MAXCALLS];  /* of the order, to compare runs */
    const struct socm_dag *dag; /* the campaign's */
    bool refuse;
};

/* A made-up but order-dependent makespan, above any bound; entries end in order. */
static int stub(void *ctx, const struct socm_plan_input *in, const int *order, int64_t cores,
                struct socm_plan *out, struct socm_error *err)
{
    struct rec *r = ctx;
    if (r->refuse)
        return socm_error_set(err, SOCM_E_INPUT, "stub: cannot place W%d", order[0] + 1);
    size_t n = in->n;
    /* a permutation, and every predecessor (in the DAG asked about) comes first */
    int *pos = socm_xmalloc((n ? n : 1) * sizeof *pos);
    for (size_t i = 0; i < n; i++)
        pos[i] = -1;
    for (size_t k = 0; k < n; k++) {
        assert_true(order[k] >= 0 && (size_t)order[k] < n);
        assert_int_equal(pos[order[k]], -1);
        pos[order[k]] = (int)k;
    }
    for (size_t v = 0; v < n; v++)
        for (size_t j = 0; j < in->dag->pred[v].n; j++)
            assert_true(pos[in->dag->pred[v].v[j]] < pos[v]);
    uint64_t h = 1469598103934665603ULL;
    double ms = 1e6;
    for (size_t k = 0; k < n; k++) {
        h = (h ^ (uint64_t)order[k]) * 1099511628211ULL;
        ms += (double)((k + 1) * (size_t)(order[k] % 7 + 1) % 13);
    }
    assert_true(r->calls < MAXCALLS);
    r->forward[r->calls] = in->dag == r->dag;
    r->makespan[r->calls] = ms;
    r->hash[r->calls] = h;
    r->calls++;
    *out = (struct socm_plan){.cores = cores, .makespan = ms, .n = n};
    out->entries = socm_xcalloc(n ? n : 1, sizeof *out->entries);
    for (size_t i = 0; i < n; i++)
        out->entries[i] = (struct socm_plan_entry){.id = (int)i + 1, .end = pos[i] + 1.0};
    free(pos);
    return 0;
}

static void random_campaign(struct fx *f, uint64_t seed)
{
    fx_seed(seed);
    fx_resource(f, "r", 2, 8, 64000, NULL, 0);
    size_t n = (size_t)fx_rnd_in(2, 30);
    for (size_t i = 0; i < n; i++) {
        /* One draw a statement: the order of a call's arguments is unspecified
         * (gcc and clang differ); this is the order gcc took. */
        double wall = (double)fx_rnd_in(1, 60);
        fx_add(f, fx_rnd_in(1, 8), 0, wall);
    }
    fx_dag(f);
    for (size_t i = 1; i < n; i++)
        for (int d = (int)fx_rnd_in(0, 2); d > 0; d--)
            fx_edge(f, (int)fx_rnd_in(0, (int64_t)i - 1), (int)i);
}

static void test_search_properties(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 25; seed++) {
        struct fx f = {0};
        random_campaign(&f, seed * 2654435761ULL);
        const struct socm_plan_input *in = fx_input(&f, SOCM_SCHEMA_BATCH, 16, 1e9);
        size_t budget = (size_t)(seed % 5) * 10 + 1;
        struct rec *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
        a->dag = b->dag = &f.dag;
        struct socm_plan pa, pb;
        struct socm_error err = {0};
        assert_int_equal(socm_plan_order_search(in, 16, stub, a, budget, 0, &pa, &err), 0);
        assert_int_equal(socm_plan_order_search(in, 16, stub, b, budget, 0, &pb, &err), 0);
        assert_true(a->calls >= 1 && a->calls <= budget);
        /* deterministic */
        assert_int_equal(a->calls, b->calls);
        for (size_t i = 0; i < a->calls; i++)
            assert_true(a->hash[i] == b->hash[i]);
        /* the smallest forward makespan wins */
        double best = INFINITY;
        for (size_t i = 0; i < a->calls; i++)
            if (a->forward[i] && a->makespan[i] < best)
                best = a->makespan[i];
        assert_true(pa.makespan == best);
        assert_int_equal(pa.n, f.n);
        socm_plan_free(&pa);
        socm_plan_free(&pb);
        free(a);
        free(b);
        fx_free(&f);
    }
}

/* With a target makespan (the deadline search: any plan meeting the deadline will
 * do) the search stops at the first plan that meets it: every forward plan before
 * the last missed the target, and the one returned meets it; a target no plan
 * meets changes nothing. */
static void test_search_stops_at_target(void **state)
{
    (void)state;
    unsigned stopped = 0;
    for (uint64_t seed = 1; seed <= 25; seed++) {
        struct fx f = {0};
        random_campaign(&f, seed * 2654435761ULL);
        const struct socm_plan_input *in = fx_input(&f, SOCM_SCHEMA_REMOTE, 16, 1e9);
        struct rec *all = calloc(1, sizeof *all), *low = calloc(1, sizeof *low), *r = calloc(1, sizeof *r);
        all->dag = low->dag = r->dag = &f.dag;
        struct socm_plan pa, pl, p;
        struct socm_error err = {0};
        assert_int_equal(socm_plan_order_search(in, 16, stub, all, 40, 0, &pa, &err), 0);
        assert_int_equal(socm_plan_order_search(in, 16, stub, low, 40, 1, &pl, &err), 0);
        assert_int_equal(low->calls, all->calls);
        assert_true(pl.makespan == pa.makespan);
        /* a target between the plain plan's makespan and the best one */
        double target = (all->makespan[0] + pa.makespan) / 2;
        assert_int_equal(socm_plan_order_search(in, 16, stub, r, 40, target, &p, &err), 0);
        if (pa.makespan <= target) {
            assert_true(p.makespan <= target);
            size_t last = 0;
            for (size_t i = 0; i < r->calls; i++)
                if (r->forward[i])
                    last = i;
            for (size_t i = 0; i < last; i++)
                if (r->forward[i])
                    assert_true(r->makespan[i] > target);
            assert_true(r->makespan[last] <= target);
            stopped += r->calls < all->calls;
        }
        socm_plan_free(&pa);
        socm_plan_free(&pl);
        socm_plan_free(&p);
        free(all);
        free(low);
        free(r);
        fx_free(&f);
    }
    assert_true(stopped > 0); /* the target did cut some searches short */
}

static void test_refusal_passed_on(void **state)
{
    (void)state;
    struct fx f = {0};
    random_campaign(&f, 99);
    struct rec *r = calloc(1, sizeof *r);
    r->dag = &f.dag;
    r->refuse = true;
    struct socm_plan p = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_plan_order_search(fx_input(&f, SOCM_SCHEMA_BATCH, 16, 1e9), 16, stub, r,
                                            20, 0, &p, &err),
                     -1);
    assert_non_null(strstr(err.msg, "stub: cannot place W"));
    assert_null(p.entries);
    free(r);
    fx_free(&f);
}

/* A plan input whose DAG has a cycle (built around the campaign's checks) is
 * refused with a message: the search never reads an order Kahn could not finish. */
static void test_cycle_refused(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "r", 2, 8, 64000, NULL, 0);
    for (int i = 0; i < 3; i++)
        fx_add(&f, 1, 0, 10);
    fx_dag(&f);
    fx_edge(&f, 0, 1);
    fx_edge(&f, 1, 2);
    fx_edge(&f, 2, 1);
    struct rec *r = calloc(1, sizeof *r);
    r->dag = &f.dag;
    struct socm_plan p = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_plan_order_search(fx_input(&f, SOCM_SCHEMA_BATCH, 16, 1e9), 16, stub, r,
                                            20, 0, &p, &err),
                     -1);
    assert_non_null(strstr(err.msg, "cycle"));
    assert_int_equal(r->calls, 0);
    free(r);
    fx_free(&f);
}

/* The time policy called directly (not through socm_plan_make, which checks the
 * DAG first) refuses a cyclic input too, rather than ranking a short order. */
static void test_time_cycle_refused(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "r", 2, 8, 64000, NULL, 0);
    for (int i = 0; i < 3; i++)
        fx_add(&f, 1, 0, 10);
    fx_dag(&f);
    fx_edge(&f, 0, 1);
    fx_edge(&f, 1, 2);
    fx_edge(&f, 2, 1);
    const struct socm_planner *tp = socm_planner_find("time");
    assert_non_null(tp);
    struct socm_plan p = {0};
    struct socm_error err = {0};
    assert_int_equal(tp->plan(tp, fx_input(&f, SOCM_SCHEMA_REMOTE, 16, 1e9), &p, &err), -1);
    assert_non_null(strstr(err.msg, "cycle"));
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_search_properties),
        cmocka_unit_test(test_search_stops_at_target),
        cmocka_unit_test(test_refusal_passed_on),
        cmocka_unit_test(test_cycle_refused),
        cmocka_unit_test(test_time_cycle_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

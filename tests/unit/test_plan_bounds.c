/* test_plan_bounds.c — the reported lower bound (bounds.c: critical path, work,
 * window, energetic and long-jobs bounds) never exceeds the optimum: on many
 * random small campaigns the best plan is found by exhaustive search and the
 * bound must not be above its makespan; plus a hand case that only the
 * long-jobs bound proves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "planner/planner_impl.h"
#include "plan_fixture.h"

#include <math.h>

/* Exhaustive search over plans with consecutive cores (any first core) and
 * dependencies; memory plays no part in the bound. It places the workflows one
 * by one, in every order that keeps dependencies and on every first core, each
 * at its earliest start on those cores given the ones placed (in any idle gap
 * long enough). This reaches an optimal plan: take one, place its workflows in
 * order of start on its cores; by induction each starts no later than there
 * (the ones placed before end no later, so its interval there stays free and
 * its predecessors end no later), so the plan made ends no later. */
struct bf {
    const struct fx *f;
    int64_t cores;
    double start[8], best;
    int64_t first[8];
    bool placed[8];
};

static double earliest(const struct bf *b, int j, int64_t p)
{
    const struct socm_req *r = &b->f->reqs[j];
    double rel = 0;
    const struct socm_intv *pr = &b->f->dag.pred[j];
    for (size_t k = 0; k < pr->n; k++) {
        double e = b->start[pr->v[k]] + b->f->reqs[pr->v[k]].walltime_min;
        rel = e > rel ? e : rel;
    }
    /* Candidate starts: the release and every placed workflow's end after it. */
    double cand[9];
    size_t nc = 0;
    cand[nc++] = rel;
    for (size_t i = 0; i < b->f->n; i++)
        if (b->placed[i] && b->start[i] + b->f->reqs[i].walltime_min > rel)
            cand[nc++] = b->start[i] + b->f->reqs[i].walltime_min;
    double t = INFINITY;
    for (size_t c = 0; c < nc; c++) {
        bool ok = cand[c] < t;
        for (size_t i = 0; ok && i < b->f->n; i++) {
            if (!b->placed[i])
                continue;
            bool share = b->first[i] < p + r->cpus && p < b->first[i] + b->f->reqs[i].cpus;
            double s = b->start[i], e = s + b->f->reqs[i].walltime_min;
            ok = !(share && cand[c] < e && s < cand[c] + r->walltime_min);
        }
        if (ok)
            t = cand[c];
    }
    return t;
}

static void search(struct bf *b, size_t done, double ms)
{
    if (ms >= b->best)
        return;
    if (done == b->f->n) {
        b->best = ms;
        return;
    }
    for (size_t j = 0; j < b->f->n; j++) {
        if (b->placed[j])
            continue;
        bool ready = true;
        for (size_t k = 0; k < b->f->dag.pred[j].n; k++)
            ready &= b->placed[b->f->dag.pred[j].v[k]];
        if (!ready)
            continue;
        for (int64_t p = 0; p + b->f->reqs[j].cpus <= b->cores; p++) {
            double t = earliest(b, (int)j, p);
            b->start[j] = t;
            b->first[j] = p;
            b->placed[j] = true;
            double e = t + b->f->reqs[j].walltime_min;
            search(b, done + 1, e > ms ? e : ms);
            b->placed[j] = false;
        }
    }
}

static double optimum(const struct fx *f, int64_t cores)
{
    struct bf b = {.f = f, .cores = cores, .best = INFINITY};
    search(&b, 0, 0);
    return b.best;
}

/* The plan's bounds with a makespan far above the optimum (a serial plan's), so
 * that a bound searched up to the plan's makespan could overshoot the optimum. */
static double bound_of(struct fx *f, int64_t cores)
{
    double serial = 1;
    for (size_t i = 0; i < f->n; i++)
        serial += f->reqs[i].walltime_min;
    struct socm_plan p = {.cores = cores, .makespan = serial};
    socm_plan_bounds(fx_input(f, SOCM_SCHEMA_BATCH, cores, 1e9), &p);
    return p.lower_bound;
}

static void test_bound_at_most_optimum(void **state)
{
    (void)state;
    fx_seed(0x0b0b0b0b12345677ULL);
    static const struct socm_qos q[] = {{"any", 100000, 10, 100000}};
    int tight = 0, above_simple = 0;
    for (int iter = 0; iter < 400; iter++) {
        struct fx f = {0};
        int64_t cores = fx_rnd_in(1, 4);
        fx_resource(&f, "tiny", 1, cores, 1000, q, 1);
        size_t n = (size_t)fx_rnd_in(1, 5);
        for (size_t i = 0; i < n; i++) {
            int64_t cpus = fx_rnd_in(1, cores);
            double wall = (double)fx_rnd_in(1, 8);
            wall += fx_rnd() % 3 == 0 ? 0.5 : 0;
            fx_add(&f, cpus, 0, wall);
        }
        fx_dag(&f);
        for (size_t i = 1; i < n; i++)
            if (fx_rnd() % 4 == 0)
                fx_edge(&f, (int)fx_rnd_in(0, (int64_t)i - 1), (int)i);
        double opt = optimum(&f, cores), lb = bound_of(&f, cores);
        double work = 0, cp;
        for (size_t i = 0; i < n; i++)
            work += (double)f.reqs[i].cpus * f.reqs[i].walltime_min;
        struct socm_plan p = {.cores = cores, .makespan = 1};
        socm_plan_bounds(&f.in, &p);
        cp = p.cp_bound;
        if (lb > opt * (1 + 1e-9))
            fail_msg("iteration %d: bound %g above the optimum %g", iter, lb, opt);
        tight += lb >= opt - 1.0 / 32;
        above_simple += lb > fmax(cp, work / (double)cores) + 1e-9;
        fx_free(&f);
    }
    /* The check has teeth: the bound is often tight, often above the simple ones. */
    assert_true(tight > 100);
    assert_true(above_simple > 20);
}

/* 3 cores: X (2 cores, 4 min), Y (1 core, 6 min), Z (2 cores, 3 min). X and Z
 * cannot run together (4 cores), so they run one after the other on two cores
 * while Y holds the third: the best plan ends at 7. Work ÷ cores is 6.67, the critical path 6; the long-jobs bound proves 7: at
 * any makespan below 7, X and Y are long (over half of it), hold all 3 cores, and
 * Z fits beside neither. */
static void test_long_jobs_hand_case(void **state)
{
    (void)state;
    static const struct socm_qos q[] = {{"any", 100000, 10, 100000}};
    struct fx f = {0};
    fx_resource(&f, "tiny", 1, 3, 1000, q, 1);
    fx_add(&f, 2, 0, 4);
    fx_add(&f, 1, 0, 6);
    fx_add(&f, 2, 0, 3);
    fx_dag(&f);
    assert_true(fabs(optimum(&f, 3) - 7) < 1e-12);
    double lb = bound_of(&f, 3);
    assert_true(lb >= 7 - 1.0 / 32);
    assert_true(lb <= 7);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound_at_most_optimum),
        cmocka_unit_test(test_long_jobs_hand_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

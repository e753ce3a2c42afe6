/* test_planner_time.c — policy `time`: on many random campaigns every plan keeps
 * dependencies, never puts two workflows on one core at once, keeps each node's
 * memory, keeps small workflows inside one node, reports bound ≤ makespan, and
 * never takes more cores than heft-socm for the same deadline; plus hand cases for
 * backfill, whole-DAG ranking and memory per node, and the error cases; and the
 * batch search over placement orders (never worse than the plain order, valid,
 * deterministic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "planner/planner_impl.h"
#include "planner/time_nodes.h"
#include "plan_fixture.h"

#include <math.h>

/* Every constraint of the model in time.c, checked pairwise (small n). */
static void check_plan(const struct fx *f, const struct socm_plan *p)
{
    const int64_t cpn = f->res.cores_per_node;
    assert_int_equal(p->n, f->n);
    for (size_t i = 0; i < f->n; i++) {
        const struct socm_plan_entry *e = &p->entries[i];
        const struct socm_req *r = &f->reqs[i];
        assert_int_equal(e->id, (int)i + 1);
        assert_int_equal(e->core_last - e->core_first + 1, r->cpus);
        assert_true(e->core_first >= 0 && e->core_last < p->cores);
        assert_true(fabs(e->end - e->start - r->walltime_min) < 1e-9);
        assert_true(e->end <= p->makespan);
        const struct socm_intv *pr = &f->dag.pred[i];
        for (size_t j = 0; j < pr->n; j++)
            assert_true(e->start >= p->entries[pr->v[j]].end);
        for (size_t j = 0; j < i; j++) {
            const struct socm_plan_entry *o = &p->entries[j];
            /* A zero-walltime workflow holds no core time (documented). */
            bool time_overlap = e->start < o->end && o->start < e->end && e->start < e->end && o->start < o->end;
            bool core_overlap = e->core_first <= o->core_last && o->core_first <= e->core_last;
            if (time_overlap && core_overlap)
                fail_msg("W%zu [%lld,%lld] %g-%g and W%zu [%lld,%lld] %g-%g share cores", i + 1, (long long)e->core_first,
                         (long long)e->core_last, e->start, e->end, j + 1, (long long)o->core_first,
                         (long long)o->core_last, o->start, o->end);
        }
    }
    /* Memory per node at every start (the use only rises at starts). */
    int64_t nnodes = (p->cores + cpn - 1) / cpn;
    for (size_t i = 0; i < f->n; i++) {
        double t = p->entries[i].start;
        for (int64_t nd = 0; nd < nnodes; nd++) {
            int64_t a = nd * cpn, b = a + cpn < p->cores ? a + cpn : p->cores;
            double cap = f->res.memory_per_node_mb * (double)(b - a) / (double)cpn, use = 0;
            for (size_t j = 0; j < f->n; j++) {
                const struct socm_plan_entry *o = &p->entries[j];
                if (!(o->start <= t && t < o->end))
                    continue;
                int64_t lo = o->core_first > a ? o->core_first : a, hi = o->core_last + 1 < b ? o->core_last + 1 : b;
                if (hi > lo)
                    use += o->memory_mb * (double)(hi - lo) / (double)(o->core_last - o->core_first + 1);
            }
            if (use > cap * (1 + 1e-9))
                fail_msg("node %lld holds %g MB of %g at %g", (long long)nd, use, cap, t);
        }
    }
    assert_true(p->lower_bound <= p->makespan * (1 + 1e-12));
    assert_true(p->cp_bound <= p->makespan * (1 + 1e-12));
    assert_true(p->work_bound <= p->makespan * (1 + 1e-12));
}

static void random_campaign(struct fx *f)
{
    static const int64_t cpns[] = {4, 8, 16, 112};
    int64_t cpn = cpns[fx_rnd() % 4];
    static const struct socm_qos q[] = {{"short", 120, 10, 100000}, {"long", 100000, 10, 100000}};
    /* One draw a statement: the order of a call's arguments or of an operator's
     * operands is unspecified (gcc and clang differ); this is the order gcc took. */
    double node_mb = (double)fx_rnd_in(1000, 64000);
    fx_resource(f, "rand", fx_rnd_in(1, 6), cpn, node_mb, q, 2);
    size_t n = (size_t)fx_rnd_in(1, 40);
    for (size_t i = 0; i < n; i++) {
        int64_t cpus = fx_rnd() % 4 == 0 ? fx_rnd_in(1, f->res.nodes * cpn) : fx_rnd_in(1, cpn);
        double mem = (double)fx_rnd_in(0, (int64_t)f->res.memory_per_node_mb / 2);
        double wall = (double)fx_rnd_in(0, 120);
        wall += fx_rnd() % 2 ? 0.5 : 0;
        fx_add(f, cpus, mem, wall);
    }
    fx_dag(f);
    for (size_t i = 1; i < n; i++) {
        int deps = (int)fx_rnd_in(0, 3);
        for (int d = 0; d < deps; d++) {
            int from = (int)fx_rnd_in(0, (int64_t)i - 1);
            bool dup = false;
            for (size_t j = 0; j < f->dag.pred[i].n; j++)
                dup |= f->dag.pred[i].v[j] == from;
            if (!dup)
                fx_edge(f, from, (int)i);
        }
    }
}

static void test_property(void **state)
{
    (void)state;
    fx_seed(0x9e3779b97f4a7c15ULL);
    const struct socm_planner *tp = socm_planner_find("time"), *hp = socm_planner_find("heft-socm");
    int compared = 0;
    /* 1,000 campaigns (about 600 compared): the remote search now also tries the
     * best of several orders below its first count, so each costs more. */
    for (int iter = 0; iter < 1000; iter++) {
        struct fx f = {0};
        random_campaign(&f);
        int64_t all = f.res.nodes * f.res.cores_per_node;
        struct socm_plan p, h;
        struct socm_error err = {0}, herr = {0};
        /* Batch on the whole resource with an easy deadline: always plannable.
         * The plain upward-rank plan (the batch search over orders is checked in
         * test_search_never_worse; planning 40 orders here would make this test
         * five times slower). */
        const struct socm_plan_input *bin = fx_input(&f, SOCM_SCHEMA_BATCH, all, 1e9);
        if (socm_plan_time_on(bin, all, 1, &p, &err) != 0)
            fail_msg("iteration %d: %s", iter, err.msg);
        socm_plan_bounds(bin, &p);
        check_plan(&f, &p);
        /* Remote with a deadline between the bound and the batch makespan. */
        double deadline = ceil(p.cp_bound + (p.makespan - p.cp_bound) * (double)(fx_rnd() % 100) / 100.0 * 3) + 1;
        socm_plan_free(&p);
        int rt = socm_plan_make(tp, fx_input(&f, SOCM_SCHEMA_REMOTE, all, deadline), &p, &err);
        int rh = socm_plan_make(hp, fx_input(&f, SOCM_SCHEMA_REMOTE, all, deadline), &h, &herr);
        if (rt == 0) {
            check_plan(&f, &p);
            assert_true(p.makespan <= deadline);
            assert_non_null(p.qos);
        }
        if (rh == 0) {
            if (rt != 0)
                fail_msg("iteration %d: heft-socm meets %g min with %lld cores, time: %s", iter, deadline, (long long)h.cores, err.msg);
            /* heft-socm pools memory over the allocation; where its plan overcommits
             * a node it is not a plan time may copy, and time may need more cores. */
            if (p.cores > h.cores && socm_plan_node_memory_violation(&f.in, &h) < 0)
                fail_msg("iteration %d: time takes %lld cores, heft-socm %lld", iter, (long long)p.cores,
                         (long long)h.cores);
            compared++;
            socm_plan_free(&h);
        }
        if (rt == 0)
            socm_plan_free(&p);
        fx_free(&f);
    }
    assert_true(compared > 500);
}

/* The nodelines (a node's memory and cores together, which let insertion tries
 * skip nodes) change no plan, whether kept from the first search, built from the
 * placements so far part way through (workflows over several nodes among them),
 * or never. */
static void test_node_filter_same_plans(void **state)
{
    (void)state;
    fx_seed(0x243f6a8885a308d3ULL);
    static const unsigned long windows[][2] = {{1, 0}, {3, 0}, {20, 0}, {0, 0}};
    int differ = 0;
    for (int iter = 0; iter < 150; iter++) {
        struct fx f = {0};
        random_campaign(&f);
        int64_t all = f.res.nodes * f.res.cores_per_node;
        const struct socm_plan_input *in = fx_input(&f, SOCM_SCHEMA_BATCH, all, 1e9);
        struct socm_plan ref = {0};
        struct socm_error err = {0};
        socm_plan_time_node_window(0, 0);
        if (socm_plan_time_on(in, all, 1, &ref, &err) != 0)
            fail_msg("iteration %d: %s", iter, err.msg);
        for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
            struct socm_plan p = {0};
            socm_plan_time_node_window(windows[w][0], windows[w][1]);
            if (socm_plan_time_on(in, all, 1, &p, &err) != 0)
                fail_msg("iteration %d: %s", iter, err.msg);
            assert_int_equal(p.n, ref.n);
            for (size_t i = 0; i < p.n; i++) {
                const struct socm_plan_entry *a = &p.entries[i], *b = &ref.entries[i];
                if (a->core_first != b->core_first || a->start != b->start || a->end != b->end)
                    fail_msg("iteration %d, window %lu: W%zu at core %lld, %g–%g; without the nodelines at core "
                             "%lld, %g–%g",
                             iter, windows[w][0], i + 1, (long long)a->core_first, a->start, a->end,
                             (long long)b->core_first, b->start, b->end);
            }
            differ += p.makespan != ref.makespan;
            socm_plan_free(&p);
        }
        socm_plan_free(&ref);
        fx_free(&f);
    }
    socm_plan_time_node_window(8192, 4);
    assert_int_equal(differ, 0);
}

/* A short workflow fills the gap before a long one (insertion), where heft-socm
 * appends after the last use of the cores. */
static void test_backfill(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 2, 1000, NULL, 0);
    fx_add(&f, 1, 0, 10); /* W1 */
    fx_add(&f, 2, 0, 10); /* W2 after W1: both cores 10–20 */
    fx_add(&f, 1, 0, 30); /* W3 after W2 */
    fx_add(&f, 1, 0, 5);  /* W4: independent, short */
    fx_dag(&f);
    fx_edge(&f, 0, 1);
    fx_edge(&f, 1, 2);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 2, 100), &p, &err), 0);
    check_plan(&f, &p);
    assert_true(p.entries[3].start == 0); /* W4 on core 1 while W1 runs */
    assert_true(p.makespan == 50);
    assert_true(p.cp_bound == 50);
    assert_true(p.efficiency == 1.0);
    socm_plan_free(&p);
    fx_free(&f);
}

/* Memory is per node: two 600 MB workflows on two 1000 MB nodes run side by side
 * on different nodes, never on the same node. */
static void test_memory_per_node(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 2, 4, 1000, NULL, 0);
    fx_add(&f, 1, 600, 10);
    fx_add(&f, 1, 600, 10);
    fx_add(&f, 1, 600, 10);
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 8, 100), &p, &err), 0);
    check_plan(&f, &p);
    assert_true(p.makespan == 20);
    assert_true(p.entries[0].core_first / 4 != p.entries[1].core_first / 4);
    socm_plan_free(&p);
    /* 1200 MB fits on no node even though the allocation has 2000 MB. */
    f.reqs[2].memory_mb = 1200;
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 8, 100), &p, &err), -1);
    assert_non_null(strstr(err.msg, "W3 needs 1200 MB"));
    assert_non_null(strstr(err.msg, "1000 MB per node"));
    /* Spread over two nodes, 1200 MB is 600 per node: fine. */
    f.reqs[2].cpus = 8;
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 8, 100), &p, &err), 0);
    check_plan(&f, &p);
    socm_plan_free(&p);
    fx_free(&f);
}

/* A core left idle because its node's memory was full keeps that gap for a later
 * workflow small enough to fit beside what holds the memory, to the MB (the
 * gap's memory floor is 90 MB and the room 90 MB: it fits), and not for one that
 * is not (room 85 MB): it starts after. The plain upward-rank plan, by hand. */
static void test_backfill_memory_gap(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 4, 100, NULL, 0);
    fx_add(&f, 2, 90, 10); /* A: cores 0-1, 0-10 */
    fx_add(&f, 2, 20, 8);  /* B: 110 MB with A: cores 2-3 wait until 10 */
    fx_add(&f, 2, 10, 6);  /* C: 100 MB with A: into cores 2-3 at 0 */
    fx_add(&f, 2, 15, 4);  /* D: 105 MB with A in 6-10: after A, at 10 */
    fx_dag(&f);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_time_on(fx_input(&f, SOCM_SCHEMA_BATCH, 4, 100), 4, 1, &p, &err), 0);
    check_plan(&f, &p);
    assert_true(p.entries[0].start == 0 && p.entries[0].core_first == 0);
    assert_true(p.entries[1].start == 10 && p.entries[1].core_first == 2);
    assert_true(p.entries[2].start == 0 && p.entries[2].core_first == 2);
    assert_true(p.entries[3].start == 10 && p.entries[3].core_first == 0);
    socm_plan_free(&p);
    fx_free(&f);
}

/* Whole-DAG rank: the head of a long chain goes first even though a longer
 * independent workflow exists in the same generation. */
static void test_upward_rank(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 1, 1000, NULL, 0);
    fx_add(&f, 1, 0, 20); /* W1: alone */
    fx_add(&f, 1, 0, 10); /* W2 → W3 (rank 40) */
    fx_add(&f, 1, 0, 30);
    fx_dag(&f);
    fx_edge(&f, 1, 2);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 1, 100), &p, &err), 0);
    assert_true(p.entries[1].start == 0);
    assert_true(p.entries[2].start == 10);
    assert_true(p.entries[0].start == 40);
    socm_plan_free(&p);
    fx_free(&f);
}

static void test_errors(void **state)
{
    (void)state;
    struct fx f = {0};
    static const struct socm_qos q[] = {{"only", 30, 1, 1000}};
    fx_resource(&f, "t", 1, 4, 1000, q, 1);
    fx_add(&f, 2, 0, 50);
    fx_dag(&f);
    const struct socm_planner *tp = socm_planner_find("time");
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(tp, fx_input(&f, SOCM_SCHEMA_REMOTE, 4, 40), &p, &err), -1);
    assert_string_equal(err.msg, "cannot meet the 40 min deadline with 4 cores");
    assert_int_equal(socm_plan_make(tp, fx_input(&f, SOCM_SCHEMA_REMOTE, 4, 100), &p, &err), -1);
    assert_non_null(strstr(err.msg, "no QoS of t admits 2 cores"));
    /* Said from the bound (the 50-min workflow needs a 63-min pilot at least), with
     * no search of counts that all fail. */
    assert_non_null(strstr(err.msg, "admits 2 cores for 63 min, the least any plan needs"));
    assert_non_null(strstr(err.msg, "only (max 30 min, 1000 cores, 1 jobs)"));
    fx_free(&f);
}

/* How an impossible deadline is refused (remote schema, 1 node of 4 cores). Past
 * the lower bound on every core (work 120 core-min ÷ 4 = 30 min > 25): said
 * without a search, but a workflow the node cannot hold is still named first.
 * Within the bound (3 workflows of 3 cores, 10 min: 22.5 min ≤ 25) but missed by
 * every plan (no two run together: 30 min): the same sentence after the search. */
static void test_deadline_refusals(void **state)
{
    (void)state;
    static const struct socm_qos q[] = {{"only", 1000, 1, 1000}};
    const struct socm_planner *tp = socm_planner_find("time");
    struct socm_plan p;
    struct socm_error err = {0};
    struct fx f = {0};
    fx_resource(&f, "t", 1, 4, 1000, q, 1);
    for (int i = 0; i < 4; i++)
        fx_add(&f, 3, 100, 10);
    fx_dag(&f);
    assert_int_equal(socm_plan_make(tp, fx_input(&f, SOCM_SCHEMA_REMOTE, 4, 25), &p, &err), -1);
    assert_string_equal(err.msg, "cannot meet the 25 min deadline with 4 cores");
    f.reqs[3].memory_mb = 1500;
    assert_int_equal(socm_plan_make(tp, fx_input(&f, SOCM_SCHEMA_REMOTE, 4, 25), &p, &err), -1);
    assert_non_null(strstr(err.msg, "W4 needs 1500 MB"));
    fx_free(&f);
    struct fx g = {0};
    fx_resource(&g, "t", 1, 4, 1000, q, 1);
    for (int i = 0; i < 3; i++)
        fx_add(&g, 3, 100, 10);
    fx_dag(&g);
    assert_int_equal(socm_plan_make(tp, fx_input(&g, SOCM_SCHEMA_REMOTE, 4, 25), &p, &err), -1);
    assert_string_equal(err.msg, "cannot meet the 25 min deadline with 4 cores");
    g.reqs[2].memory_mb = 1500;
    assert_int_equal(socm_plan_make(tp, fx_input(&g, SOCM_SCHEMA_REMOTE, 4, 25), &p, &err), -1);
    assert_non_null(strstr(err.msg, "W3 needs 1500 MB"));
    /* Met where it can be: 30 min. */
    g.reqs[2].memory_mb = 100;
    assert_int_equal(socm_plan_make(tp, fx_input(&g, SOCM_SCHEMA_REMOTE, 4, 30), &p, &err), 0);
    assert_true(p.makespan == 30);
    socm_plan_free(&p);
    fx_free(&g);
}

/* The energetic bound: work with both a chain before and a chain after it. 8
 * cores; two chains P (1 core, 10 min) → M (8 cores, 10 min) → Q (1 core, 10
 * min): critical path 30, work 200 / 8 = 25, window bound 10 + 180 / 8 = 32.5.
 * But in the first 10 min only the Ps can run (20 core-min of 80) and in the
 * last 10 only the Qs, so the other 160 core-min need 20 min between them: 40,
 * which the plan reaches (the bound is found to within 1/4 min). */
static void test_energetic_bound(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 8, 1000, NULL, 0);
    for (int c = 0; c < 2; c++) {
        fx_add(&f, 1, 0, 10);
        fx_add(&f, 8, 0, 10);
        fx_add(&f, 1, 0, 10);
    }
    fx_dag(&f);
    for (int c = 0; c < 2; c++) {
        fx_edge(&f, 3 * c, 3 * c + 1);
        fx_edge(&f, 3 * c + 1, 3 * c + 2);
    }
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 8, 100), &p, &err), 0);
    assert_true(p.cp_bound == 30);
    assert_true(p.work_bound == 25);
    assert_true(p.lower_bound >= 39.75 && p.lower_bound <= 40);
    assert_true(p.makespan == 40);
    socm_plan_free(&p);
    fx_free(&f);
}

/* The window bound: work that waits behind a chain. 2 cores; W1 (1 core, 10 min)
 * before W2 and W3 (2 cores, 10 min each): critical path 20, work 50 / 2 = 25,
 * but W2 and W3 cannot start before 10 and need 20 min of both cores: 30, which
 * the plan reaches. */
static void test_window_bound(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 1, 2, 1000, NULL, 0);
    fx_add(&f, 1, 0, 10);
    fx_add(&f, 2, 0, 10);
    fx_add(&f, 2, 0, 10);
    fx_dag(&f);
    fx_edge(&f, 0, 1);
    fx_edge(&f, 0, 2);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(socm_planner_find("time"), fx_input(&f, SOCM_SCHEMA_BATCH, 2, 100), &p, &err), 0);
    assert_true(p.cp_bound == 20);
    assert_true(p.work_bound == 25);
    assert_true(p.lower_bound == 30);
    assert_true(p.makespan == 30);
    assert_true(p.efficiency == 1);
    socm_plan_free(&p);
    fx_free(&f);
}


/* The batch search (order_search.c) over many random campaigns: its plan keeps
 * every constraint, is never longer than the plain upward-rank plan (search budget
 * 1), is the same plan when asked twice, and is shorter somewhere. */
static void test_search_never_worse(void **state)
{
    (void)state;
    fx_seed(0x2545f4914f6cdd1dULL);
    const struct socm_planner *tp = socm_planner_find("time");
    int shorter = 0;
    for (int iter = 0; iter < 150; iter++) {
        struct fx f = {0};
        random_campaign(&f);
        int64_t all = f.res.nodes * f.res.cores_per_node;
        const struct socm_plan_input *in = fx_input(&f, SOCM_SCHEMA_BATCH, all, 1e9);
        struct socm_plan plain, p, again;
        struct socm_error err = {0};
        if (socm_plan_make(tp, in, &p, &err) != 0)
            fail_msg("iteration %d: %s", iter, err.msg);
        check_plan(&f, &p);
        assert_true(socm_plan_node_memory_violation(in, &p) < 0);
        assert_int_equal(socm_plan_time_on(in, all, 1, &plain, &err), 0);
        if (p.makespan > plain.makespan)
            fail_msg("iteration %d: search %g min, plain upward rank %g min", iter, p.makespan, plain.makespan);
        shorter += p.makespan < plain.makespan;
        /* The same plan again, on every third campaign: below 300 workflows the
         * search plans up to 1,000 orders, and test_plan_digest checks the plans
         * of every build against stored ones. */
        if (iter % 3 == 0) {
            assert_int_equal(socm_plan_make(tp, in, &again, &err), 0);
            assert_true(again.makespan == p.makespan);
            for (size_t i = 0; i < f.n; i++) {
                assert_int_equal(again.entries[i].core_first, p.entries[i].core_first);
                assert_true(again.entries[i].start == p.entries[i].start);
            }
            socm_plan_free(&again);
        }
        socm_plan_free(&plain);
        socm_plan_free(&p);
        fx_free(&f);
    }
    assert_true(shorter > 0); /* 89 of the 150 when this test was written */
}

/* Where longest-first is not the best order: 2 single-core nodes, walltimes 30,
 * 30, 20, 20, 20. Upward rank (longest first) ends at 70 (30+20+20 on one core);
 * 30+30 on one core and 20+20+20 on the other end at 60, the work bound. The
 * batch plan of `time` finds a 60-minute plan. */
static void test_search_beats_longest_first(void **state)
{
    (void)state;
    struct fx f = {0};
    fx_resource(&f, "t", 2, 1, 1000, NULL, 0);
    static const double w[] = {30, 30, 20, 20, 20};
    for (size_t i = 0; i < 5; i++)
        fx_add(&f, 1, 0, w[i]);
    fx_dag(&f);
    struct socm_plan plain, p;
    struct socm_error err = {0};
    const struct socm_plan_input *in = fx_input(&f, SOCM_SCHEMA_BATCH, 2, 1e9);
    assert_int_equal(socm_plan_time_on(in, 2, 1, &plain, &err), 0);
    assert_int_equal(socm_plan_make(socm_planner_find("time"), in, &p, &err), 0);
    check_plan(&f, &p);
    assert_true(plain.makespan > p.work_bound);
    assert_true(p.makespan == p.work_bound);
    socm_plan_free(&plain);
    socm_plan_free(&p);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_property),        cmocka_unit_test(test_backfill),
        cmocka_unit_test(test_backfill_memory_gap),
        cmocka_unit_test(test_memory_per_node), cmocka_unit_test(test_upward_rank),
        cmocka_unit_test(test_errors),          cmocka_unit_test(test_window_bound),
        cmocka_unit_test(test_deadline_refusals), cmocka_unit_test(test_energetic_bound),
        cmocka_unit_test(test_search_never_worse), cmocka_unit_test(test_search_beats_longest_first),
        cmocka_unit_test(test_node_filter_same_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_heft_socm_ref.c — the fast `heft-socm` (slot indexes, memory step function)
 * gives exactly the plans of a straightforward reference written from issue 3's
 * text (scan every slot, re-sum the plan's memory at each start), on many random
 * small campaigns: batch and remote, ties between slots, starts whose ends round to
 * the same value, memory-bound slots, memory-bound campaigns like the original's
 * users write (where the interval the original records, start = end − walltime,
 * differs from the candidate's in the last bits), and more distinct widths than the
 * index keeps. So an index change cannot silently change heft-socm's plans. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "planner/planner_impl.h"
#include "plan_fixture.h"

#include <math.h>

/* ---- The reference: issue 3, steps 3 and 4, as plainly as possible ---- */
static int ref_schedule(const struct socm_planner *self, const struct socm_plan_input *in, int64_t cores,
                        struct socm_plan *out, struct socm_error *err)
{
    (void)self;
    size_t n = in->n;
    memset(out, 0, sizeof *out);
    int *order = socm_xmalloc((n ? n : 1) * sizeof *order);
    if (socm_plan_heft_order(in, order) < 0) {
        free(order);
        return socm_error_set(err, SOCM_E_INPUT, "cycle");
    }
    double pool = (double)cores / (double)in->resource->cores_per_node * in->resource->memory_per_node_mb;
    double *free_at = socm_xcalloc((size_t)cores, sizeof *free_at);
    struct socm_plan_entry *e = socm_xcalloc(n ? n : 1, sizeof *e);
    bool *done = socm_xcalloc(n ? n : 1, sizeof *done);
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        int w = order[k];
        const struct socm_req *r = &in->reqs[w];
        double earliest = 0;
        for (size_t j = 0; j < in->dag->pred[w].n; j++) {
            int p = in->dag->pred[w].v[j];
            if (done[p] && e[p].end > earliest)
                earliest = e[p].end;
        }
        int64_t best = -1;
        double best_start = 0, best_end = 0;
        for (int64_t slot = 0; slot + r->cpus <= cores; slot += r->cpus) {
            double start = earliest;
            for (int64_t c = slot; c < slot + r->cpus; c++)
                if (free_at[c] > start)
                    start = free_at[c];
            double end = start + r->walltime_min;
            double used = 0;
            for (size_t i = 0; i < n; i++)
                if (done[i] && e[i].start <= start && start < e[i].end)
                    used += e[i].memory_mb;
            if (pool - used >= r->memory_mb && (best < 0 || end < best_end)) {
                best = slot;
                best_start = start;
                best_end = end;
            }
        }
        if (best < 0) {
            rc = socm_error_set(err, SOCM_E_INPUT, "no slot");
            break;
        }
        /* The original keeps only the smallest end and takes the start back from
         * it, then adds the walltime again: both can differ from the candidate's
         * in the last bits, and later memory checks see the recorded interval. */
        best_start = best_end - r->walltime_min;
        best_end = best_start + r->walltime_min;
        for (int64_t c = best; c < best + r->cpus; c++)
            free_at[c] = best_end;
        e[w] = (struct socm_plan_entry){.id = w + 1, .core_first = best, .core_last = best + r->cpus - 1,
                                        .memory_mb = r->memory_mb, .start = best_start, .end = best_end};
        done[w] = true;
        if (best_end > out->makespan)
            out->makespan = best_end;
    }
    free(order);
    free(free_at);
    free(done);
    if (rc < 0) {
        free(e);
        return -1;
    }
    out->entries = e;
    out->n = n;
    out->cores = cores;
    return 0;
}

static const struct socm_planner ref_planner = {.name = "heft-ref", .schedule = ref_schedule};

/* Few widths (so slots tie and share cores), walltimes on a coarse grid plus
 * tenths (equal ends, and ends that round together), memory up to the whole pool. */
static void random_campaign(struct fx *f, bool many_widths)
{
    static const int64_t cpns[] = {4, 8, 12, 112};
    int64_t cpn = cpns[fx_rnd() % 4];
    static const struct socm_qos q[] = {{"short", 600, 10, 100000}, {"long", 6000, 10, 100000}};
    /* One draw a statement: the order of a call's arguments is unspecified (and
     * differs between gcc and clang), so draws as arguments give other campaigns
     * per compiler. The order is the one gcc took. */
    double node_mb = (double)fx_rnd_in(1000, 64000);
    fx_resource(f, "rand", fx_rnd_in(1, 4), cpn, node_mb, q, 2);
    int64_t total = f->res.nodes * cpn;
    int64_t widths[4];
    for (int i = 0; i < 4; i++)
        widths[i] = fx_rnd_in(1, total);
    size_t n = many_widths ? (size_t)fx_rnd_in(65, 90) : (size_t)fx_rnd_in(1, 60);
    for (size_t i = 0; i < n; i++) {
        int64_t cpus = many_widths ? (int64_t)i + 1 : fx_rnd() % 3 ? widths[fx_rnd() % 4] : fx_rnd_in(1, cpn);
        if (cpus > total)
            cpus = fx_rnd_in(1, total);
        double pool = f->res.memory_per_node_mb * (double)f->res.nodes;
        /* Whole MB (as requirements give), so sums are exact in both. */
        double mem = fx_rnd() % 4 == 0 ? floor(pool * (double)fx_rnd_in(30, 100) / 100.0) : (double)fx_rnd_in(0, 2000);
        double wall = (double)(fx_rnd_in(0, 12) * 10);
        wall += fx_rnd() % 2 ? 0.1 * (double)fx_rnd_in(1, 9) : 0;
        if (fx_rnd() % 3 == 0)
            wall *= 1.1; /* as requirements do: ends that differ in the last bits */
        fx_add(f, cpus, mem, wall);
    }
    fx_dag(f);
    for (size_t i = 1; i < n; i++)
        for (int d = (int)fx_rnd_in(0, 3); d > 0; d--)
            fx_edge(f, (int)fx_rnd_in(0, (int64_t)i - 1), (int)i);
}

/* Memory-bound, as real campaigns are (heft_memory.yml): a universe-like cluster
 * (224 cores, 1 TB per node, so a small allocation's pool holds only a few
 * workflows), 100 GB – 1 TB per workflow, cores = ranks × threads, and walltimes
 * of whole minutes × 1.1, whose sums round: a start taken back from an end
 * (end − walltime) then moves by the last bits and changes later memory checks. */
static void random_memory_campaign(struct fx *f)
{
    static const struct socm_qos q[] = {{"main", 43200, 5000, 6272}};
    fx_resource(f, "universe", 28, 224, 1000000, q, 1);
    static const int64_t ranks[] = {1, 1, 2, 4, 8, 14, 28, 56}, threads[] = {1, 2, 4, 8};
    static const double minutes[] = {5, 10, 15, 30, 45, 60, 90, 120};
    size_t n = (size_t)fx_rnd_in(3, 16);
    for (size_t i = 0; i < n; i++) {
        int64_t cpus = ranks[fx_rnd() % 8]; /* one draw a statement, as above */
        cpus *= threads[fx_rnd() % 4];
        double wall = minutes[fx_rnd() % 8] * 1.1;
        fx_add(f, cpus, 100000.0 * (double)fx_rnd_in(1, 10), wall);
    }
    fx_dag(f);
    for (size_t i = 1; i < n; i++)
        for (int d = (int)fx_rnd_in(0, 3); d > 0; d--)
            fx_edge(f, (int)fx_rnd_in(0, (int64_t)i - 1), (int)i);
}

static void expect_same(const struct socm_plan *a, const struct socm_plan *b)
{
    assert_int_equal(a->n, b->n);
    assert_int_equal(a->cores, b->cores);
    assert_true(a->makespan == b->makespan);
    for (size_t i = 0; i < a->n; i++) {
        const struct socm_plan_entry *x = &a->entries[i], *y = &b->entries[i];
        if (x->core_first != y->core_first || x->core_last != y->core_last || x->start != y->start ||
            x->end != y->end)
            fail_msg("W%zu: fast [%lld,%lld] %.17g-%.17g, reference [%lld,%lld] %.17g-%.17g", i + 1,
                     (long long)x->core_first, (long long)x->core_last, x->start, x->end,
                     (long long)y->core_first, (long long)y->core_last, y->start, y->end);
    }
}

static void compare_on(struct fx *f, enum socm_schema schema, int64_t cores, double deadline)
{
    struct socm_plan a, b;
    struct socm_error ea = {0}, eb = {0};
    int ra = socm_plan_make(socm_planner_find("heft-socm"), fx_input(f, schema, cores, deadline), &a, &ea);
    int rb = socm_plan_make(&ref_planner, fx_input(f, schema, cores, deadline), &b, &eb);
    if (ra != rb)
        fail_msg("fast %s, reference %s", ra ? ea.msg : "ok", rb ? eb.msg : "ok");
    if (ra == 0) {
        expect_same(&a, &b);
        if (a.qos || b.qos)
            assert_string_equal(a.qos, b.qos);
        socm_plan_free(&a);
        socm_plan_free(&b);
    }
}

static void compare(struct fx *f, enum socm_schema schema, double deadline)
{
    compare_on(f, schema, f->res.nodes * f->res.cores_per_node, deadline);
}

static void run_many(bool many_widths, int count, uint64_t seed)
{
    fx_seed(seed);
    for (int it = 0; it < count; it++) {
        struct fx f = {0};
        random_campaign(&f, many_widths);
        compare(&f, SOCM_SCHEMA_BATCH, 1e9);
        compare(&f, SOCM_SCHEMA_REMOTE, (double)fx_rnd_in(50, 2000));
        fx_free(&f);
    }
}

static void test_same_as_reference(void **state)
{
    (void)state;
    run_many(false, 1500, 0x9e3779b97f4a7c15ULL);
}

/* Memory-bound campaigns: batch on one and two nodes (few workflows fit at once),
 * and the remote search for the smallest allocation meeting the deadline. */
static void test_same_as_reference_memory_bound(void **state)
{
    (void)state;
    static const double deadlines[] = {300, 600, 1440, 3000};
    fx_seed(0x13198a2e03707344ULL);
    for (int it = 0; it < 400; it++) {
        struct fx f = {0};
        random_memory_campaign(&f);
        compare_on(&f, SOCM_SCHEMA_BATCH, 224, 1e9);
        compare_on(&f, SOCM_SCHEMA_BATCH, 448, 1e9);
        compare_on(&f, SOCM_SCHEMA_REMOTE, fx_rnd() % 2 ? 3359 : 1000, deadlines[fx_rnd() % 4]);
        fx_free(&f);
    }
}

/* More widths than heft_socm.c keeps indexes for: the plain scan path. */
static void test_same_as_reference_many_widths(void **state)
{
    (void)state;
    run_many(true, 60, 0x243f6a8885a308d3ULL);
}

/* Two starts whose ends round to the same double: the first slot must win even
 * though its start is later (the original compares ends). The start recorded is
 * the original's end − walltime (here 0: the walltime swallows the start). */
static void test_equal_ends_from_different_starts(void **state)
{
    (void)state;
    double a = 0.1 + 0.2, w = 1e17; /* a + w == b + w for b slightly above a */
    double b = nextafter(a, 1);
    assert_true(a + w == b + w);
    struct fx f = {0};
    fx_resource(&f, "t", 1, 4, 1000, NULL, 0);
    fx_add(&f, 2, 0, b); /* W1 on [0,1] until b */
    fx_add(&f, 2, 0, a); /* W2 on [2,3] until a */
    fx_add(&f, 2, 0, w); /* W3: slot 0 starts at b, slot 2 at a; same end → slot 0 */
    fx_add(&f, 1, 0, 0); /* W4: lets W3 come after W1 and W2 (a later generation) */
    fx_dag(&f);
    fx_edge(&f, 3, 2);
    struct socm_plan p;
    struct socm_error err = {0};
    assert_int_equal(socm_plan_make(socm_planner_find("heft-socm"), fx_input(&f, SOCM_SCHEMA_BATCH, 4, 1e18), &p,
                                    &err), 0);
    assert_int_equal(p.entries[2].core_first, 0);
    assert_true(p.entries[2].start == (b + w) - w);
    assert_true(p.entries[2].end == ((b + w) - w) + w);
    struct socm_plan q;
    assert_int_equal(socm_plan_make(&ref_planner, fx_input(&f, SOCM_SCHEMA_BATCH, 4, 1e18), &q, &err), 0);
    expect_same(&p, &q);
    socm_plan_free(&p);
    socm_plan_free(&q);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_reference),
        cmocka_unit_test(test_same_as_reference_memory_bound),
        cmocka_unit_test(test_same_as_reference_many_widths),
        cmocka_unit_test(test_equal_ends_from_different_starts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

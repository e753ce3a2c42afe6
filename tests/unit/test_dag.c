/* test_dag.c — the DAG: generations in the original's order (including a case
 * where id order and discovery order differ), Kahn order, cycle extraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/campaign.h"

#include <string.h>

static void check_generations(const struct socm_dag *d, const int *want, const size_t *want_start,
                              size_t want_ngen)
{
    int order[64];
    size_t *starts, ngen;
    socm_dag_generations(d, order, &starts, &ngen);
    assert_int_equal(ngen, want_ngen);
    for (size_t g = 0; g <= ngen; g++)
        assert_int_equal(starts[g], want_start[g]);
    for (size_t i = 0; i < d->n; i++)
        assert_int_equal(order[i], want[i]);
    free(starts);
}

static void test_generations_tricky(void **state)
{
    (void)state;
    /* 0 and 1 are roots. Edges added in "id order, then depends order":
     *   node 2 depends on [1]     → 1→2
     *   node 3 depends on [1, 0]  → 1→3, 0→3
     *   node 4 depends on [0]     → 0→4
     *   node 5 depends on [4, 2]  → 4→5, 2→5
     *   node 6 depends on [3]     → 3→6
     * Generation 1 is met walking 0 (succ 3 not ready yet, 4) then 1 (2, 3): the
     * order is 4, 2, 3 — not id order. Generation 2 walks 4 (5 waits on 2), 2 (5),
     * 3 (6): 5, 6. */
    struct socm_dag d;
    socm_dag_init(&d, 7);
    socm_dag_add_edge(&d, 1, 2);
    socm_dag_add_edge(&d, 1, 3);
    socm_dag_add_edge(&d, 0, 3);
    socm_dag_add_edge(&d, 0, 4);
    socm_dag_add_edge(&d, 4, 5);
    socm_dag_add_edge(&d, 2, 5);
    socm_dag_add_edge(&d, 3, 6);
    socm_dag_add_edge(&d, 3, 6); /* duplicate: ignored */
    assert_int_equal(d.succ[3].n, 1);
    assert_int_equal(d.pred[6].n, 1);
    int want[] = {0, 1, 4, 2, 3, 5, 6};
    size_t starts[] = {0, 2, 5, 7};
    check_generations(&d, want, starts, 3);

    int order[7];
    assert_int_equal(socm_dag_topo(&d, order, NULL), 0);
    int topo[] = {0, 1, 2, 3, 4, 5, 6}; /* smallest ready index first */
    assert_memory_equal(order, topo, sizeof topo);
    socm_dag_free(&d);
}

static void test_generations_successor_order(void **state)
{
    (void)state;
    /* One root whose successors were added in reverse id order: generation 1
     * keeps edge order (3, 2, 1), and Kahn order does not. */
    struct socm_dag d;
    socm_dag_init(&d, 4);
    socm_dag_add_edge(&d, 0, 3);
    socm_dag_add_edge(&d, 0, 2);
    socm_dag_add_edge(&d, 0, 1);
    int want[] = {0, 3, 2, 1};
    size_t starts[] = {0, 1, 4};
    check_generations(&d, want, starts, 2);
    int order[4];
    assert_int_equal(socm_dag_topo(&d, order, NULL), 0);
    int topo[] = {0, 1, 2, 3};
    assert_memory_equal(order, topo, sizeof topo);
    socm_dag_free(&d);
}

static void test_cycle(void **state)
{
    (void)state;
    /* 0 → 1 → 2 → 3 → 1, and 4 hangs below the cycle. */
    struct socm_dag d;
    socm_dag_init(&d, 5);
    socm_dag_add_edge(&d, 0, 1);
    socm_dag_add_edge(&d, 1, 2);
    socm_dag_add_edge(&d, 2, 3);
    socm_dag_add_edge(&d, 3, 1);
    socm_dag_add_edge(&d, 3, 4);
    int order[5];
    struct socm_intv cycle = {0};
    assert_int_equal(socm_dag_topo(&d, order, &cycle), -1);
    assert_int_equal(cycle.n, 3);
    int want[] = {1, 2, 3}; /* starts at the smallest node, follows the edges */
    assert_memory_equal(cycle.v, want, sizeof want);
    socm_intv_free(&cycle);
    socm_dag_free(&d);

    socm_dag_init(&d, 2); /* self-loop */
    socm_dag_add_edge(&d, 1, 1);
    assert_int_equal(socm_dag_topo(&d, order, &cycle), -1);
    assert_int_equal(cycle.n, 1);
    assert_int_equal(cycle.v[0], 1);
    socm_intv_free(&cycle);
    socm_dag_free(&d);
}

static void test_empty(void **state)
{
    (void)state;
    struct socm_dag d;
    socm_dag_init(&d, 0);
    int order[1];
    assert_int_equal(socm_dag_topo(&d, order, NULL), 0);
    size_t *starts, ngen;
    socm_dag_generations(&d, order, &starts, &ngen);
    assert_int_equal(ngen, 0);
    assert_int_equal(starts[0], 0);
    free(starts);
    socm_dag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generations_tricky),
        cmocka_unit_test(test_generations_successor_order),
        cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

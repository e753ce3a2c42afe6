/* test_outcome.c — the one outcome ↔ name table (src/state/outcome.c): every
 * outcome's name reads back as that outcome (including "lost", which a copy of the
 * table once missed), and an unknown or missing name is a failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "state/outcome.h"

#include <string.h>

static void test_round_trip(void **state)
{
    (void)state;
    static const char *const want[] = {"done", "failed", "timeout", "canceled", "lost", "system"};
    for (int o = SOCM_OUT_DONE; o <= SOCM_OUT_SYSTEM; o++) {
        assert_string_equal(socm_outcome_name((enum socm_outcome)o), want[o]);
        assert_int_equal(socm_outcome_parse(want[o]), o);
    }
    assert_int_equal(socm_outcome_parse("lost"), SOCM_OUT_LOST);
}

static void test_unknown(void **state)
{
    (void)state;
    assert_int_equal(socm_outcome_parse("exploded"), SOCM_OUT_FAILED);
    assert_int_equal(socm_outcome_parse(NULL), SOCM_OUT_FAILED);
    assert_int_equal(socm_outcome_parse("DONE"), SOCM_OUT_FAILED); /* names are lower case */
    assert_string_equal(socm_outcome_name((enum socm_outcome)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

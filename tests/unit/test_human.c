/* test_human.c — numbers in text output rounded for people (util/human.h): three
 * significant digits with whole numbers kept whole, no exponent, no trailing zeros,
 * no "-0"; durations in the unit that reads best, never more digits than a person can
 * use ("<0.01 s"); memory in MB, GB or TB (1 GB = 1000 MB). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/human.h"

#include <math.h>
#include <string.h>

static void test_num(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(socm_human_num(1.0 / 3, b, sizeof b), "0.333");
    assert_string_equal(socm_human_num(25.3, b, sizeof b), "25.3");
    assert_string_equal(socm_human_num(1234.5678, b, sizeof b), "1235");
    assert_string_equal(socm_human_num(2.0, b, sizeof b), "2");
    assert_string_equal(socm_human_num(0.5, b, sizeof b), "0.5");
    assert_string_equal(socm_human_num(-0.0001, b, sizeof b), "-0.0001");
    assert_string_equal(socm_human_num(-0.0, b, sizeof b), "0");
    assert_string_equal(socm_human_num(1e12, b, sizeof b), "1000000000000");
    assert_string_equal(socm_human_num(NAN, b, sizeof b), "-");
    assert_string_equal(socm_human_num(INFINITY, b, sizeof b), "inf");
}

static void test_minutes(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(socm_human_minutes(1.0 / 3, b, sizeof b), "20 s");
    assert_string_equal(socm_human_minutes(0, b, sizeof b), "0 s");
    assert_string_equal(socm_human_minutes(0.0002, b, sizeof b), "0.01 s");
    assert_string_equal(socm_human_minutes(0.00001, b, sizeof b), "<0.01 s");
    assert_string_equal(socm_human_minutes(0.00123 / 60 * 100, b, sizeof b), "0.12 s");
    assert_string_equal(socm_human_minutes(2.2, b, sizeof b), "2.2 min");
    assert_string_equal(socm_human_minutes(616, b, sizeof b), "10.3 h");
    assert_string_equal(socm_human_minutes(3 * 1440, b, sizeof b), "3 d");
}

static void test_mb(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(socm_human_mb(400, b, sizeof b), "400 MB");
    assert_string_equal(socm_human_mb(25300, b, sizeof b), "25.3 GB");
    assert_string_equal(socm_human_mb(1.5e6, b, sizeof b), "1.5 TB");
    assert_string_equal(socm_human_mb(0.945, b, sizeof b), "0.945 MB");
    char small[8]; /* a short buffer is cut, never overrun */
    assert_int_equal(strlen(socm_human_mb(1e15, small, sizeof small)), sizeof small - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num),
        cmocka_unit_test(test_minutes),
        cmocka_unit_test(test_mb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

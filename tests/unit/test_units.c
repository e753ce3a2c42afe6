/* test_units.c — sizes become MB (decimal G = 1000 MB, binary GiB), durations become
 * minutes (bare numbers are seconds), and errors name the field and position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"

#include <math.h>
#include <string.h>

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9 * (1 + fabs((double)(b))))

static void test_memory_text(void **state)
{
    (void)state;
    struct { const char *in; double mb; } ok[] = {
        {"48G", 48000}, {"600G", 600000}, {"512M", 512}, {"2.5T", 2500000},
        {"64000K", 64}, {"1GiB", 1073.741824}, {"1MiB", 1.048576}, {"1TiB", 1099511.627776},
        {"4800000", 4800000}, {" 8 GB ", 8000}, {"16g", 16000}, {"0.5G", 500},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double mb = -1;
        struct socm_error err;
        assert_int_equal(socm_units_parse_memory_mb(ok[i].in, &mb, &err), 0);
        NEAR(mb, ok[i].mb);
    }
    const char *bad[] = {"", "G", "-5G", "12X", "1.2.3G", "48 G B", "abc", "1e", "GiB5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double mb = -1;
        struct socm_error err;
        assert_int_equal(socm_units_parse_memory_mb(bad[i], &mb, &err), -1);
        assert_non_null(strstr(err.msg, "invalid size"));
    }
}

static void test_duration_text(void **state)
{
    (void)state;
    struct { const char *in; double min; } ok[] = {
        {"7h", 420}, {"10m", 10}, {"90s", 1.5}, {"2d", 2880}, {"1h30m", 90},
        {"1h 30m", 90}, {"01:30:00", 90}, {"1-00:00:00", 1440}, {"2-12", 3600},
        {"1-01:30", 1530}, {"10:30", 10.5}, {"3600", 60}, {"90", 1.5}, {"1.5h", 90},
        {"24h", 1440},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        double m = -1;
        struct socm_error err;
        assert_int_equal(socm_units_parse_duration_min(ok[i].in, &m, &err), 0);
        NEAR(m, ok[i].min);
    }
    const char *bad[] = {"", "h", "7x", "-5m", "1:2:3:4", "1--2", "5 parsecs", "1h-", ":30"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double m = -1;
        struct socm_error err;
        assert_int_equal(socm_units_parse_duration_min(bad[i], &m, &err), -1);
        assert_non_null(strstr(err.msg, "invalid duration"));
    }
}

static void test_values_and_positions(void **state)
{
    (void)state;
    struct socm_pos pos = socm_pos_at("c.toml", 7, 12);
    struct socm_error err;
    double x;
    struct socm_value *v = socm_value_integer(4800000, &pos);
    assert_int_equal(socm_units_memory_mb(v, "memory", &x, &err), 0);
    NEAR(x, 4800000);
    socm_value_free(v);
    v = socm_value_integer(3600, &pos); /* bare number: seconds */
    assert_int_equal(socm_units_duration_min(v, "runtime", &x, &err), 0);
    NEAR(x, 60);
    socm_value_free(v);
    v = socm_value_string("7h", 2, &pos);
    assert_int_equal(socm_units_duration_min(v, "runtime", &x, &err), 0);
    NEAR(x, 420);
    socm_value_free(v);

    v = socm_value_string("48Q", 3, &pos);
    assert_int_equal(socm_units_memory_mb(v, "memory", &x, &err), -1);
    assert_true(socm_str_startswith(err.msg, "c.toml:7:12: 'memory': invalid size"));
    assert_int_equal(err.code, SOCM_E_INPUT);
    socm_value_free(v);
    v = socm_value_bool(true, &pos);
    assert_int_equal(socm_units_duration_min(v, "runtime", &x, &err), -1);
    assert_true(socm_str_startswith(err.msg, "c.toml:7:12: 'runtime':"));
    socm_value_free(v);
    v = socm_value_float(-1.0, &pos);
    assert_int_equal(socm_units_memory_mb(v, "memory", &x, &err), -1);
    assert_true(socm_str_startswith(err.msg, "c.toml:7:12: 'memory':"));
    socm_value_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_text),
        cmocka_unit_test(test_duration_text),
        cmocka_unit_test(test_values_and_positions),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

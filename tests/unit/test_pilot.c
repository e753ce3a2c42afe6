/* test_pilot.c — the slurm-pilot batch-script quoting: every hostile value (spaces,
 * both quotes, $, `, ;, \, newlines, globs, a leading dash) comes back byte for byte
 * from a real /bin/sh and runs nothing; and the names of the files through which the
 * manager and its agent talk are parsed strictly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "agents/pilot.h"
#include "util/child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void assert_shell_roundtrip(const char *value)
{
    char *q = socm_sh_quote(value);
    /* printf %s <quoted> inside a script, the way the batch script uses it. */
    size_t n = strlen(q) + 64;
    char *script = malloc(n);
    snprintf(script, n, "printf '%%s' %s", q);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    assert_int_equal(socm_child_run(argv, 10, 0, &r, &err), 0);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out_len, strlen(value));
    assert_memory_equal(r.out, value, strlen(value));
    assert_int_equal(r.err_len, 0);
    socm_child_result_free(&r);
    free(script);
    free(q);
}

static void test_quote_hostile(void **state)
{
    (void)state;
    const char *values[] = {"",
                            "plain",
                            "with space",
                            "it's",
                            "''",
                            "\"double\"",
                            "$HOME ${PATH} $(touch /tmp/socm-pwned) `touch /tmp/socm-pwned`",
                            "a; touch /tmp/socm-pwned; b",
                            "line1\nline2\n",
                            "back\\slash \\' \\\"",
                            "*?[a-z] ~ & | < > ! #",
                            "-n",
                            "tab\there",
                            "'; exit 3; '"};
    unlink("/tmp/socm-pwned");
    for (size_t i = 0; i < sizeof values / sizeof *values; i++)
        assert_shell_roundtrip(values[i]);
    assert_int_not_equal(access("/tmp/socm-pwned", F_OK), 0);
}

static void test_quote_form(void **state)
{
    (void)state;
    char *q = socm_sh_quote("it's");
    assert_string_equal(q, "'it'\\''s'");
    free(q);
    q = socm_sh_quote("");
    assert_string_equal(q, "''");
    free(q);
}

static void test_names(void **state)
{
    (void)state;
    int i, a;
    assert_true(socm_pilot_name_parse("3.1.json", "json", &i, &a));
    assert_int_equal(i, 3);
    assert_int_equal(a, 1);
    assert_true(socm_pilot_name_parse("12.4", NULL, &i, &a));
    assert_int_equal(i, 12);
    assert_int_equal(a, 4);
    assert_false(socm_pilot_name_parse("3.1.json.tmp", "json", &i, &a));
    assert_false(socm_pilot_name_parse("3.1.end", "json", &i, &a));
    assert_false(socm_pilot_name_parse("3.1.json", NULL, &i, &a));
    assert_false(socm_pilot_name_parse("x.1.json", "json", &i, &a));
    assert_false(socm_pilot_name_parse("3.0.json", "json", &i, &a));
    assert_false(socm_pilot_name_parse(".", NULL, &i, &a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote_hostile),
        cmocka_unit_test(test_quote_form),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

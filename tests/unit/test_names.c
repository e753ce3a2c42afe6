/* test_names.c — the name alphabet (socm_name_problem): ASCII letters, digits, '-',
 * '_', '.', '+', not starting with '.', 1 to 200 bytes; the names socm generates
 * (matrix members, null-test splits, missions) are valid; and the escaping of
 * control characters that keeps a log line one line (socm_buf_put_escaped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/names.h"
#include "util/str.h"

#include <string.h>

static const char *problem(const char *name)
{
    static char buf[64];
    return socm_name_problem(name, strlen(name), buf, sizeof buf);
}

static void test_valid(void **state)
{
    (void)state;
    const char *ok[] = {"a", "Z9", "mission-ws0-f090", "wafer_ws0_split_1_null_test_workflow",
                        "map-f090-1", "m-1.5e+06", "m--2", "x..y", "a+b", "get_windows",
                        "so.campaign-2024_v1+test"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        assert_null(problem(ok[i]));
    char max[201];
    memset(max, 'w', 200);
    max[200] = 0;
    assert_null(problem(max));
}

static void test_invalid(void **state)
{
    (void)state;
    assert_string_equal(problem(""), "is empty");
    assert_string_equal(problem(".hidden"), "starts with '.'");
    assert_string_equal(problem(".."), "starts with '.'");
    assert_string_equal(problem("-rf"), "starts with '-'");
    assert_string_equal(problem("a b"), "contains ' '");
    assert_string_equal(problem("a/b"), "contains '/'");
    assert_string_equal(problem("x;rm"), "contains ';'");
    assert_string_equal(problem("$(id)"), "contains '$'");
    assert_string_equal(problem("a'b"), "contains '''");
    assert_string_equal(problem("a\nb"), "contains the byte 0x0a");
    assert_string_equal(problem("a\x7f"), "contains the byte 0x7f");
    assert_string_equal(problem("caf\xc3\xa9"), "contains the byte 0xc3");
    char big[302];
    memset(big, 'w', 301);
    big[301] = 0;
    assert_string_equal(problem(big), "is 301 bytes long");
    /* A NUL inside the length is refused too (names are C strings). */
    char buf[64];
    assert_non_null(socm_name_problem("a\0b", 3, buf, sizeof buf));
}

static void test_escape(void **state)
{
    (void)state;
    struct socm_buf b = SOCM_BUF_INIT;
    const char in[] = "a\nb\rc\td\x1b[2J\x7f\\é";
    socm_buf_put_escaped(&b, in, sizeof in - 1);
    assert_string_equal(b.data, "a\\nb\\rc\\td\\x1b[2J\\x7f\\é");
    assert_null(strchr(b.data, '\n'));
    socm_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_toml.c — the TOML 1.0 parser, section by section of the specification
 * (https://toml.io/en/v1.0.0): valid documents build the right typed tree with
 * positions; invalid ones fail with the right file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct socm_value *parse(const char *doc)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(doc, strlen(doc), "t.toml", &err);
    if (!v)
        fail_msg("unexpected parse error: %s\n--- document:\n%s", err.msg, doc);
    return v;
}

/* Parses doc expecting failure; checks the message starts with "t.toml:LINE:COL:". */
static void expect_error_at(const char *doc, size_t len, int line, int col)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(doc, len, "t.toml", &err);
    if (v) {
        socm_value_free(v);
        fail_msg("expected an error at %d:%d for:\n%s", line, col, doc);
    }
    char want[64];
    snprintf(want, sizeof want, "t.toml:%d:%d: ", line, col);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("error '%s' is not at %d:%d for:\n%s", err.msg, line, col, doc);
}
#define BAD(doc, line, col) expect_error_at(doc, strlen(doc), line, col)

static const struct socm_value *at(const struct socm_value *root, const char *path)
{
    const struct socm_value *v = socm_value_path(root, path);
    if (!v)
        fail_msg("no value at %s", path);
    return v;
}

static void test_keyvalue_basic(void **state)
{
    (void)state;
    struct socm_value *r = parse("# comment\nkey = \"value\" # trailing\n  bare_key-1 = 42\n");
    assert_int_equal(at(r, "key")->type, SOCM_V_STRING);
    assert_string_equal(at(r, "key")->u.str.s, "value");
    assert_int_equal(at(r, "key")->pos.line, 2);
    assert_int_equal(at(r, "key")->pos.col, 7);
    assert_int_equal(at(r, "bare_key-1")->u.i, 42);
    assert_int_equal(at(r, "bare_key-1")->pos.line, 3);
    assert_int_equal(at(r, "bare_key-1")->pos.col, 16);
    assert_int_equal(r->u.tbl.items[1].key_pos.col, 3);
    socm_value_free(r);
    BAD("key = # no value\n", 1, 7);
    BAD("key\n", 1, 4);
    BAD("a = 1 b = 2\n", 1, 7);
    BAD("= 1\n", 1, 1);
}

static void test_tables_common(void **state)
{
    (void)state;
    struct socm_value *r = parse("[campaign]\ndeadline = \"24h\"\n[campaign.wf.resources]\n"
                                 "ranks = 70\nmemory = 4.5\nok = true\nlist = [1, \"a\", [2]]\n"
                                 "env = { A = \"1\", b.c = false }\n");
    assert_string_equal(at(r, "campaign.deadline")->u.str.s, "24h");
    assert_int_equal(at(r, "campaign.wf.resources.ranks")->u.i, 70);
    assert_true(at(r, "campaign.wf.resources.memory")->u.f == 4.5);
    assert_true(at(r, "campaign.wf.resources.ok")->u.b);
    assert_int_equal(at(r, "campaign.wf.resources.list")->u.arr.n, 3);
    assert_false(at(r, "campaign.wf.resources.env.b.c")->u.b);
    socm_value_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyvalue_basic),
        cmocka_unit_test(test_tables_common),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

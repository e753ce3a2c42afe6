/* test_matrix.c — matrix expansion: one section per combination in key order (last
 * key fastest), {key} substituted in nested strings, -value suffixes, the matrix key
 * gone, depends on a matrixed section rewritten to all members; bad matrices are
 * errors with positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/matrix.h"
#include "config/config.h"

#include <string.h>

static struct socm_value *toml(const char *text)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(text, strlen(text), "m.toml", &err);
    if (!v)
        fail_msg("%s", err.msg);
    return v;
}

static void test_product_and_substitution(void **state)
{
    (void)state;
    struct socm_value *root = toml(
        "[campaign]\ndeadline = \"1h\"\n"
        "[campaign.map]\nargs = [\"--band\", \"{bands}\", \"n={n}\"]\n"
        "out = { dir = \"maps/{bands}/{n}\", keep = \"{ other }\" }\n"
        "matrix = { bands = [\"f090\", \"f150\"], n = [1, 2, 3] }\n"
        "[campaign.after]\ndepends = [\"map\", \"x\"]\n"
        "[campaign.single]\ndepends = \"map\"\n");
    struct socm_value *camp = socm_table_get(root, "campaign");
    struct socm_errlist errs = {0};
    assert_int_equal(socm_matrix_expand(camp, &errs), 0);
    assert_int_equal(errs.n, 0);
    const char *want[] = {"map-f090-1", "map-f090-2", "map-f090-3",
                          "map-f150-1", "map-f150-2", "map-f150-3"};
    /* deadline, 6 members, after, single: the members take the section's place. */
    assert_int_equal(camp->u.tbl.n, 9);
    assert_string_equal(camp->u.tbl.items[0].key, "deadline");
    for (size_t i = 0; i < 6; i++) {
        const struct socm_kv *kv = &camp->u.tbl.items[1 + i];
        assert_string_equal(kv->key, want[i]);
        assert_null(socm_table_get(kv->value, "matrix"));
        /* The key position is the original section's. */
        assert_int_equal(kv->key_pos.line, 3);
    }
    struct socm_value *m = socm_table_get(camp, "map-f150-2");
    struct socm_value *args = socm_table_get(m, "args");
    assert_string_equal(args->u.arr.items[1]->u.str.s, "f150");
    assert_string_equal(args->u.arr.items[2]->u.str.s, "n=2");
    assert_string_equal(socm_value_path(m, "out.dir")->u.str.s, "maps/f150/2");
    assert_string_equal(socm_value_path(m, "out.keep")->u.str.s, "{ other }");
    assert_null(socm_table_get(camp, "map"));
    struct socm_value *dep = socm_value_path(camp, "after.depends");
    assert_int_equal(dep->u.arr.n, 7);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(dep->u.arr.items[i]->u.str.s, want[i]);
    assert_string_equal(dep->u.arr.items[6]->u.str.s, "x");
    dep = socm_value_path(camp, "single.depends");
    assert_int_equal(dep->type, SOCM_V_ARRAY);
    assert_int_equal(dep->u.arr.n, 6);
    /* A second pass finds nothing to do. */
    assert_int_equal(socm_matrix_expand(camp, &errs), 0);
    assert_int_equal(camp->u.tbl.n, 9);
    socm_errlist_free(&errs);
    socm_value_free(root);
}

static void test_paired_depends(void **state)
{
    (void)state;
    /* A matrixed dependant can name its own band's predecessor. */
    struct socm_value *root = toml(
        "[campaign.a]\nmatrix = { b = [\"x\", \"y\"] }\n"
        "[campaign.c]\ndepends = [\"a-{b}\"]\nmatrix = { b = [\"x\", \"y\"] }\n");
    struct socm_value *camp = socm_table_get(root, "campaign");
    struct socm_errlist errs = {0};
    assert_int_equal(socm_matrix_expand(camp, &errs), 0);
    struct socm_value *dep = socm_value_path(camp, "c-y.depends");
    assert_int_equal(dep->u.arr.n, 1);
    assert_string_equal(dep->u.arr.items[0]->u.str.s, "a-y");
    socm_errlist_free(&errs);
    socm_value_free(root);
}

static void test_errors(void **state)
{
    (void)state;
    struct socm_value *root = toml(
        "[campaign.a]\nmatrix = { b = [] }\n"
        "[campaign.c]\nmatrix = \"f090\"\n"
        "[campaign.d]\nmatrix = { b = [[1]] }\n"
        "[campaign.ok]\nx = 1\n");
    struct socm_value *camp = socm_table_get(root, "campaign");
    struct socm_errlist errs = {0};
    assert_int_equal(socm_matrix_expand(camp, &errs), 3);
    assert_int_equal(errs.n, 3);
    assert_non_null(strstr(errs.msgs[0], "m.toml:2:"));
    assert_non_null(strstr(errs.msgs[0], "non-empty list"));
    assert_non_null(strstr(errs.msgs[1], "m.toml:4:"));
    assert_non_null(strstr(errs.msgs[2], "m.toml:6:"));
    assert_non_null(socm_table_get(camp, "ok"));
    socm_errlist_free(&errs);
    socm_value_free(root);
}

/* {band} where the key is `bands` would reach the command as it is: an error at
 * the string, naming the nearest key; the section is not expanded. */
static void test_unknown_placeholder(void **state)
{
    (void)state;
    struct socm_value *root = toml(
        "[campaign.map]\nexecutable = \"echo\"\n"
        "args = [\"{bands}\", \"maps/{band}\"]\nmatrix = { bands = [\"f090\"] }\n");
    struct socm_value *camp = socm_table_get(root, "campaign");
    struct socm_errlist errs = {0};
    assert_int_equal(socm_matrix_expand(camp, &errs), 1);
    assert_string_equal(errs.msgs[0], "m.toml:3:20: unknown placeholder 'band' in the matrix of "
                                      "[campaign.map]; did you mean 'bands'?");
    assert_null(socm_table_get(camp, "map-f090"));
    socm_errlist_free(&errs);
    socm_value_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_product_and_substitution),
        cmocka_unit_test(test_paired_depends),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_unknown_placeholder),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

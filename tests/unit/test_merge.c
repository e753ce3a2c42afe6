/* test_merge.c — deep merge and file loading: tables merge key by key, later
 * scalars/arrays replace, order and positions follow the kept values; files are
 * read by extension and merged in order; read errors are clean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct socm_value *yaml(const char *text, const char *file)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_yaml_parse(text, strlen(text), file, &err);
    if (!v)
        fail_msg("%s", err.msg);
    return v;
}

static void test_merge_tables_and_replace(void **state)
{
    (void)state;
    struct socm_value *a = yaml("campaign:\n  deadline: 8h\n  resource: tiger3\n"
                                "w:\n  args: [a, b, c]\n  res: {ranks: 1, threads: 4}\n"
                                "keep: 1\n", "base.yml");
    struct socm_value *b = yaml("campaign:\n  deadline: 24h\n  policy: cost\n"
                                "w:\n  args: [z]\n  res: {ranks: 8}\n"
                                "new: true\n", "prod.yml");
    socm_config_merge(a, b);
    assert_string_equal(socm_value_path(a, "campaign.deadline")->u.str.s, "24h");
    assert_string_equal(socm_value_path(a, "campaign.resource")->u.str.s, "tiger3");
    assert_string_equal(socm_value_path(a, "campaign.policy")->u.str.s, "cost");
    /* Arrays are replaced, not concatenated. */
    struct socm_value *args = socm_value_path(a, "w.args");
    assert_int_equal(args->u.arr.n, 1);
    assert_string_equal(args->u.arr.items[0]->u.str.s, "z");
    assert_int_equal(socm_value_path(a, "w.res.ranks")->u.i, 8);
    assert_int_equal(socm_value_path(a, "w.res.threads")->u.i, 4);
    assert_int_equal(socm_table_get(a, "keep")->u.i, 1);
    assert_true(socm_table_get(a, "new")->u.b);
    /* Order: earlier keys keep their place, new ones are appended. */
    struct socm_value *c = socm_table_get(a, "campaign");
    assert_string_equal(c->u.tbl.items[0].key, "deadline");
    assert_string_equal(c->u.tbl.items[2].key, "policy");
    assert_string_equal(a->u.tbl.items[3].key, "new");
    /* Positions follow the kept values. */
    assert_string_equal(socm_pos_file(&socm_value_path(a, "campaign.deadline")->pos), "prod.yml");
    assert_string_equal(socm_pos_file(&socm_table_get_kv(c, "deadline")->key_pos), "prod.yml");
    assert_string_equal(socm_pos_file(&socm_value_path(a, "campaign.resource")->pos), "base.yml");
    socm_value_free(a);
}

static void test_merge_type_changes(void **state)
{
    (void)state;
    /* A scalar over a table and a table over a scalar: the later wins whole. */
    struct socm_value *a = yaml("x: {k: 1}\ny: 5\n", "a.yml");
    struct socm_value *b = yaml("x: plain\ny: {k: 2}\n", "b.yml");
    socm_config_merge(a, b);
    assert_int_equal(socm_table_get(a, "x")->type, SOCM_V_STRING);
    assert_int_equal(socm_value_path(a, "y.k")->u.i, 2);
    socm_value_free(a);
    /* Merging an empty table changes nothing. */
    a = yaml("x: 1\n", "a.yml");
    socm_config_merge(a, socm_value_table(NULL));
    assert_int_equal(a->u.tbl.n, 1);
    socm_value_free(a);
}

static char *write_tmp(const char *dir, const char *name, const char *text)
{
    char *path = socm_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_load_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/socm-merge-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *p1 = write_tmp(dir, "base.yaml", "campaign:\n  deadline: 8h\nlist: [1, 2]\n");
    char *p2 = write_tmp(dir, "over.YML", "campaign:\n  resource: universe\nlist: [3]\n");
    const char *paths[] = {p1, p2};
    struct socm_error err = {0};
    struct socm_value *v = socm_config_load_files(paths, 2, &err);
    if (!v)
        fail_msg("%s", err.msg);
    assert_string_equal(socm_value_path(v, "campaign.deadline")->u.str.s, "8h");
    assert_string_equal(socm_value_path(v, "campaign.resource")->u.str.s, "universe");
    assert_int_equal(socm_table_get(v, "list")->u.arr.n, 1);
    assert_string_equal(socm_pos_file(&socm_value_path(v, "campaign.resource")->pos), p2);
    socm_value_free(v);

    /* A syntax error in the second file names that file. */
    char *p3 = write_tmp(dir, "bad.yml", "a: [1,\n");
    const char *bad[] = {p1, p3};
    assert_null(socm_config_load_files(bad, 2, &err));
    assert_true(strncmp(err.msg, p3, strlen(p3)) == 0);
    assert_int_equal(err.code, SOCM_E_INPUT);

    /* A missing file is an input error naming it. */
    char *missing = socm_asprintf("%s/nope.yml", dir);
    assert_null(socm_config_load_file(missing, &err));
    assert_non_null(strstr(err.msg, "nope.yml"));
    assert_int_equal(err.code, SOCM_E_INPUT);

    /* socm_file_read returns the exact bytes, NUL-terminated. */
    size_t len = 0;
    char *data = socm_file_read(p1, &len, &err);
    assert_non_null(data);
    assert_int_equal(len, strlen("campaign:\n  deadline: 8h\nlist: [1, 2]\n"));
    assert_int_equal(data[len], 0);
    free(data);

    /* No files: an empty table. */
    v = socm_config_load_files(NULL, 0, &err);
    assert_int_equal(v->type, SOCM_V_TABLE);
    assert_int_equal(v->u.tbl.n, 0);
    socm_value_free(v);

    unlink(p1), unlink(p2), unlink(p3);
    rmdir(dir);
    free(p1), free(p2), free(p3), free(missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_tables_and_replace),
        cmocka_unit_test(test_merge_type_changes),
        cmocka_unit_test(test_load_files),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

/* test_template_vars.c — template variables are values passed to each load
 * (socm_config_load_file_vars / _files_vars), not process state: two loads in one
 * process with different -D definitions each see their own, a load without
 * variables sees none, and a .j2 values file is rendered with the definitions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = socm_asprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    return path;
}

static int64_t load_n(const char *path, const struct socm_template_vars *tv)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_config_load_file_vars(path, tv, &err);
    if (!v)
        fail_msg("%s", err.msg);
    int64_t n = socm_table_get(v, "n")->u.i;
    socm_value_free(v);
    return n;
}

static void test_vars_are_values(void **state)
{
    (void)state;
    char dir[] = "/tmp/socm-tplvars-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *tmpl = write_file(dir, "c.toml.j2", "n = {{ n }}\n");
    char *other = write_file(dir, "d.toml.j2", "[more]\nm = {{ n + 1 }}\n");
    char *vals = write_file(dir, "v.toml.j2", "n = {{ m * 10 }}\n");

    /* Each load sees the definitions it is given, whatever came before. */
    const char *one[] = {"n=1"}, *two[] = {"n=2"};
    struct socm_template_vars tv1 = {one, 1, NULL}, tv2 = {two, 1, NULL};
    assert_int_equal(load_n(tmpl, &tv1), 1);
    assert_int_equal(load_n(tmpl, &tv2), 2);
    assert_int_equal(load_n(tmpl, &tv1), 1);

    /* Without variables a template that needs one is refused. */
    struct socm_error err = {0};
    assert_null(socm_config_load_file(tmpl, &err));
    assert_non_null(strstr(err.msg, "undefined variable 'n'"));
    assert_null(socm_config_load_file_vars(tmpl, NULL, &err));

    /* Several files share the variables and are merged in order. */
    const char *paths[] = {tmpl, other};
    struct socm_value *v = socm_config_load_files_vars(paths, 2, &tv2, &err);
    if (!v)
        fail_msg("%s", err.msg);
    assert_int_equal(socm_value_path(v, "n")->u.i, 2);
    assert_int_equal(socm_value_path(v, "more.m")->u.i, 3);
    socm_value_free(v);

    /* A .j2 values file is rendered with the definitions; they then override it. */
    const char *m[] = {"m=5"};
    struct socm_template_vars tvv = {m, 1, vals};
    assert_int_equal(load_n(tmpl, &tvv), 50);
    const char *mn[] = {"m=5", "n=7"};
    struct socm_template_vars tvn = {mn, 2, vals};
    assert_int_equal(load_n(tmpl, &tvn), 7);

    unlink(tmpl), unlink(other), unlink(vals), rmdir(dir);
    free(tmpl), free(other), free(vals);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vars_are_values),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

/* test_obsdb.c — sotodlib context and observation database reading against a real
 * SQLite obsdb built here: tag substitution and its precedence, relative and gzipped
 * obsdb paths, query syntax (double quotes, file:// lists), values read by stored
 * type with the original's defaults, and the errors for bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "obsdb/obsdb.h"
#include "util/str.h"
#include "so_fixture.h"

#include <math.h>
#include <zlib.h>

static char *p(const char *rel)
{
    static char buf[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, rel);
    return buf[k];
}

static void test_paths(void **state)
{
    char *a = socm_path_absolute("/a//b/./c/", NULL);
    assert_string_equal(a, "/a/b/c");
    free(a);
    a = socm_path_absolute("x/../y", "/base");
    assert_string_equal(a, "/base/x/../y");
    free(a);
    a = socm_path_absolute("//net/x", NULL);
    assert_string_equal(a, "//net/x");
    free(a);
    assert_string_equal(socm_uri_strip_file("file:///s/c.yaml"), "/s/c.yaml");
    assert_string_equal(socm_uri_strip_file("plain.yaml"), "plain.yaml");
}

static void test_context_tags_and_relative_obsdb(void **state)
{
    struct socm_context ctx;
    struct socm_error err = {0};
    char *uri = socm_asprintf("file://%s", p("context.yaml"));
    assert_int_equal(socm_context_load(uri, "/elsewhere", &ctx, &err), 0);
    /* the context's own tag wins over the site config's "not-here" */
    assert_string_equal(ctx.obsdb_path, p("db/obsdb.sqlite"));
    assert_null(ctx.tmp_path);
    socm_context_free(&ctx);
    free(uri);

    /* relative context path: from base_dir */
    assert_int_equal(socm_context_load("context.yaml", g_dir, &ctx, &err), 0);
    assert_string_equal(ctx.path, p("context.yaml"));
    socm_context_free(&ctx);
}

static void test_site_and_user_tags(void **state)
{
    struct socm_context ctx;
    struct socm_error err = {0};
    char text[8192];
    fix_write_file(p("ctx-site.yaml"), "obsdb: '{where}/obsdb.sqlite'\n");
    /* site only */
    snprintf(text, sizeof text, "tags:\n  where: %s\n", p("db"));
    fix_write_file(p("site2.yaml"), text);
    setenv("SOTODLIB_SITECONFIG", p("site2.yaml"), 1);
    assert_int_equal(socm_context_load(p("ctx-site.yaml"), NULL, &ctx, &err), 0);
    assert_string_equal(ctx.obsdb_path, p("db/obsdb.sqlite"));
    socm_context_free(&ctx);
    /* the user config overrides the site config */
    fix_write_file(p("user2.yaml"), "tags:\n  where: nowhere\n");
    setenv("SOTODLIB_USERCONFIG", p("user2.yaml"), 1);
    assert_int_equal(socm_context_load(p("ctx-site.yaml"), NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.msg, "nowhere/obsdb.sqlite"));
    /* an unknown tag is named */
    fix_write_file(p("ctx-bad.yaml"), "obsdb: '{nosuch}/obsdb.sqlite'\n");
    assert_int_equal(socm_context_load(p("ctx-bad.yaml"), NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.msg, "{nosuch}"));
    assert_non_null(strstr(err.msg, "ctx-bad.yaml:1:"));
    setenv("SOTODLIB_SITECONFIG", p("site.yaml"), 1);
    setenv("SOTODLIB_USERCONFIG", p("user.yaml"), 1);
}

static void test_gzipped_obsdb(void **state)
{
    /* gzip db/obsdb.sqlite into db/obsdb.sqlite.gz */
    FILE *in = fopen(p("db/obsdb.sqlite"), "rb");
    gzFile out = gzopen(p("db/obsdb.sqlite.gz"), "wb");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        gzwrite(out, buf, (unsigned)n);
    fclose(in);
    gzclose(out);
    fix_write_file(p("ctx-gz.yaml"), "obsdb: db/obsdb.sqlite.gz\n");
    struct socm_context ctx;
    struct socm_error err = {0};
    assert_int_equal(socm_context_load(p("ctx-gz.yaml"), NULL, &ctx, &err), 0);
    assert_non_null(ctx.tmp_path);
    struct stat st;
    assert_int_equal(stat(ctx.tmp_path, &st), 0);
    assert_int_equal(st.st_mode & 077, 0); /* private */
    struct socm_obslist l = {0};
    assert_int_equal(socm_obsdb_query(ctx.obsdb_path, "1", &l, &err), 0);
    assert_int_equal(l.n, FIX_NOBS);
    socm_obslist_free(&l);
    char *tmp = strdup(ctx.tmp_path);
    socm_context_free(&ctx);
    assert_int_not_equal(access(tmp, F_OK), 0); /* removed */
    free(tmp);
}

static void test_query_all_values_and_order(void **state)
{
    struct socm_obslist l = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_obsdb_query(p("db/obsdb.sqlite"), "1", &l, &err), 0);
    assert_int_equal(l.n, FIX_NOBS);
    for (size_t i = 1; i < l.n; i++)
        assert_true(strcmp(l.v[i - 1].obs_id, l.v[i].obs_id) < 0);
    int seen = 0;
    for (int i = 0; i < FIX_NOBS; i++) {
        struct fix_obs o;
        fix_obs_make(i, &o);
        for (size_t j = 0; j < l.n; j++) {
            if (strcmp(l.v[j].obs_id, o.obs_id) != 0)
                continue;
            seen++;
            assert_true(l.v[j].timestamp == o.timestamp);
            assert_int_equal(l.v[j].n_samples, o.n_samples);
            assert_string_equal(l.v[j].wafer_slots_list, o.wafers);
            assert_string_equal(l.v[j].tube_slot, "i1");
            assert_true(l.v[j].az_center == o.az);
            assert_true(l.v[j].el_center == o.el);
            assert_true(l.v[j].pwv == (o.pwv_null ? 0.0 : o.pwv));
        }
    }
    assert_int_equal(seen, FIX_NOBS);
    socm_obslist_free(&l);
}

static void test_query_double_quotes(void **state)
{
    struct socm_error err = {0};
    char *w = socm_obsdb_where("tube_slot == \"i1\" and pwv > 2.5", NULL, &err);
    assert_string_equal(w, "tube_slot == 'i1' and pwv > 2.5");
    struct socm_obslist l = {0};
    assert_int_equal(socm_obsdb_query(p("db/obsdb.sqlite"), w, &l, &err), 0);
    free(w);
    size_t expect = 0;
    for (int i = 0; i < FIX_NOBS; i++) {
        struct fix_obs o;
        fix_obs_make(i, &o);
        expect += !o.pwv_null && o.pwv > 2.5;
    }
    assert_true(expect > 0);
    assert_int_equal(l.n, expect);
    socm_obslist_free(&l);
}

static void test_query_file_list(void **state)
{
    struct fix_obs a, b;
    fix_obs_make(3, &a);
    fix_obs_make(150, &b);
    char text[512];
    snprintf(text, sizeof text, "%s\n\n  %s  \nit's\n", b.obs_id, a.obs_id);
    fix_write_file(p("list.txt"), text);
    struct socm_error err = {0};
    char *uri = socm_asprintf("file://%s", p("list.txt"));
    char *w = socm_obsdb_where(uri, NULL, &err);
    char expect[512];
    snprintf(expect, sizeof expect, "obs_id IN ('%s','%s','it''s')", b.obs_id, a.obs_id);
    assert_string_equal(w, expect);
    struct socm_obslist l = {0};
    assert_int_equal(socm_obsdb_query(p("db/obsdb.sqlite"), w, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.v[0].obs_id, a.obs_id); /* obs_id order, not file order */
    assert_true(strcmp(l.v[0].obs_id, l.v[1].obs_id) < 0);
    socm_obslist_free(&l);
    free(w);
    free(uri);
    /* relative list path from base_dir */
    w = socm_obsdb_where("file://list.txt", g_dir, &err);
    assert_string_equal(w, expect);
    free(w);
}

static void test_malformed_and_injection(void **state)
{
    struct socm_obslist l = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_obsdb_query(p("db/obsdb.sqlite"), "pwv >", &l, &err), -1);
    assert_non_null(strstr(err.msg, "\"pwv >\""));
    assert_int_equal(socm_obsdb_query(p("db/obsdb.sqlite"), "1; DROP TABLE obs", &l, &err), -1);
    assert_non_null(strstr(err.msg, "1; DROP TABLE obs"));
    assert_int_equal(socm_obsdb_query(p("db/obsdb.sqlite"), "1", &l, &err), 0);
    assert_int_equal(l.n, FIX_NOBS); /* still there */
    socm_obslist_free(&l);
}

static void test_bad_input(void **state)
{
    struct socm_context ctx;
    struct socm_error err = {0};
    assert_int_equal(socm_context_load("file:///no/such/context.yaml", NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.msg, "/no/such/context.yaml"));
    /* obsdb without an obs table */
    fix_write_obsdb(p("db/noobs.sqlite"), 0);
    struct socm_obslist l = {0};
    assert_int_equal(socm_obsdb_query(p("db/noobs.sqlite"), "1", &l, &err), -1);
    assert_non_null(strstr(err.msg, "no `obs` table"));
    /* not a database at all */
    fix_write_file(p("db/junk.sqlite"), "this is not sqlite, just some text long enough\n");
    assert_int_equal(socm_obsdb_query(p("db/junk.sqlite"), "1", &l, &err), -1);
    assert_non_null(strstr(err.msg, "junk.sqlite"));
    /* a context without obsdb */
    fix_write_file(p("ctx-none.yaml"), "tags: {}\n");
    assert_int_equal(socm_context_load(p("ctx-none.yaml"), NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.msg, "obsdb"));
    /* the obsdb it names is missing: the message has the position of obsdb: */
    fix_write_file(p("ctx-missing.yaml"), "tags: {}\nobsdb: gone.sqlite\n");
    assert_int_equal(socm_context_load(p("ctx-missing.yaml"), NULL, &ctx, &err), -1);
    assert_non_null(strstr(err.msg, "ctx-missing.yaml:2:"));
    assert_non_null(strstr(err.msg, "gone.sqlite"));
}

static void test_defaults_and_stored_types(void **state)
{
    sqlite3 *db;
    unlink(p("db/sparse.sqlite"));
    assert_int_equal(sqlite3_open(p("db/sparse.sqlite"), &db), SQLITE_OK);
    fix_exec(db, "CREATE TABLE obs (obs_id str, timestamp str, n_samples str, wafer_slots_list str,"
                 " tube_slot str, az_center str, el_center str)");
    fix_exec(db, "INSERT INTO obs VALUES ('o1', '1704067200.5', '1234', 'ws0', NULL, 10, '20.5')");
    fix_exec(db, "INSERT INTO obs VALUES ('o2', 1704067300, 99, 'ws1', 'c1', 370.25, 50)");
    sqlite3_close(db);
    struct socm_obslist l = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_obsdb_query(p("db/sparse.sqlite"), "1", &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_true(l.v[0].timestamp == 1704067200.5);
    assert_int_equal(l.v[0].n_samples, 1234);
    assert_string_equal(l.v[0].tube_slot, "st1"); /* NULL → st1 */
    assert_true(l.v[0].pwv == 0.0);               /* no pwv column → 0 */
    assert_true(l.v[0].az_center == 10.0);
    assert_true(l.v[0].el_center == 20.5);
    assert_string_equal(l.v[1].tube_slot, "c1");
    assert_true(l.v[1].timestamp == 1704067300.0);
    assert_true(l.v[1].az_center == 370.25);
    socm_obslist_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_context_tags_and_relative_obsdb),
        cmocka_unit_test(test_site_and_user_tags),
        cmocka_unit_test(test_gzipped_obsdb),
        cmocka_unit_test(test_query_all_values_and_order),
        cmocka_unit_test(test_query_double_quotes),
        cmocka_unit_test(test_query_file_list),
        cmocka_unit_test(test_malformed_and_injection),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_defaults_and_stored_types),
    };
    int rc = cmocka_run_group_tests(tests, fix_group_setup, fix_group_teardown);
    socm_intern_free_all();
    return rc;
}

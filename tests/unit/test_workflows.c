/* test_workflows.c — the built-in workflow types build the command lines the
 * original builds (generic: args, sorted --k=v, --flags; power-spectra: srun
 * prefix, split executable, absolute script args, base-path precedence), and the
 * common fields reject bad values at their positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/campaign.h"
#include "socm/workflow.h"
#include "config/config.h"
#include "tree_builder.h"
#include "workflows/common.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Expands `section` with type `tname` and returns its command line joined by
 * spaces (NULL on error, message in err). */
static char *command(const char *tname, const struct socm_value *campaign,
                     const struct socm_value *section, struct socm_error *err)
{
    const struct socm_workflow_type *t = socm_workflow_type_find(tname);
    assert_non_null(t);
    struct socm_wf_ctx ctx = {campaign, "wf", "."};
    struct socm_wflist l = {0};
    char *r = NULL;
    if (t->expand(t, &ctx, section, &l, err) == 0) {
        assert_int_equal(l.n, 1);
        struct socm_strv argv = SOCM_STRV_INIT;
        if (t->build_argv(l.v[0], &argv, err) == 0)
            r = socm_strv_join(&argv, " ");
        socm_strv_free(&argv);
    }
    socm_wflist_free(&l);
    return r;
}

static void test_generic(void **state)
{
    (void)state;
    struct socm_value *s = tb_tbl(1);
    tb_put(s, "executable", tb_str("tool", 2, 1));
    tb_put(s, "subcommand", tb_str("run", 3, 1));
    tb_put(s, "args", tb_strs(4, 1, "in.fits", "out dir", NULL));
    struct socm_value *kw = tb_put(s, "kwargs", tb_tbl(5));
    tb_put(kw, "zeta", tb_int(3, 6, 1));
    tb_put(kw, "alpha", tb_str("x", 7, 1));
    tb_put(kw, "Mid", socm_value_float(2.0, NULL));
    tb_put(s, "flags", tb_strs(8, 1, "verbose", "dry", NULL));
    struct socm_error err;
    char *cmd = command("generic", NULL, s, &err);
    assert_non_null(cmd);
    assert_string_equal(cmd, "tool run in.fits out dir --Mid=2.0 --alpha=x --zeta=3 --verbose --dry");
    free(cmd);

    /* args must be an array; error at its position */
    socm_table_set(s, "args", tb_str("in.fits", 9, 8));
    assert_null(command("generic", NULL, s, &err));
    assert_true(socm_str_startswith(err.msg, "t.toml:9:8: 'args' must be an array"));
    socm_table_remove(s, "args");
    socm_table_remove(s, "executable");
    assert_null(command("generic", NULL, s, &err));
    assert_true(socm_str_startswith(err.msg, "t.toml:1:1: "));
    assert_non_null(strstr(err.msg, "executable"));
    socm_value_free(s);
}

static void test_power_spectra(void **state)
{
    (void)state;
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    struct socm_value *camp = tb_tbl(1);
    struct socm_value *s = tb_tbl(10);
    tb_put(s, "executable", tb_str("python  -u", 11, 1));
    tb_put(s, "script", tb_str("spectra.py", 12, 1));
    tb_put(s, "script-args", tb_strs(13, 1, "file://params/p.dict", "/abs/q.dict", "rel.txt", NULL));
    struct socm_value *kw = tb_put(s, "script-kwargs", tb_tbl(14));
    tb_put(kw, "stop", tb_int(10, 15, 1));
    tb_put(kw, "start", tb_int(0, 16, 1));
    tb_put(s, "script-flags", tb_strs(17, 1, "simulate-syst", NULL));
    tb_res(s, 18, 17, 4, "600G", "15m");
    struct socm_error err;

    /* no base-path anywhere: the current directory; flags before the sorted options */
    char *cmd = command("power-spectra", camp, s, &err);
    assert_non_null(cmd);
    char want[4 * PATH_MAX];
    snprintf(want, sizeof want,
             "srun --cpu_bind=cores --export=ALL --ntasks-per-node=17 --cpus-per-task=4 python -u "
             "spectra.py %s/params/p.dict /abs/q.dict %s/rel.txt --simulate-syst --start=0 --stop=10",
             cwd, cwd);
    assert_string_equal(cmd, want);
    free(cmd);

    /* base-path (the campaign's, then the stage's own) places the plain arguments;
     * file:// ones stay relative to the current directory, as in the original */
    tb_put(camp, "base-path", tb_str("/camp", 2, 1));
    cmd = command("power-spectra", camp, s, &err);
    snprintf(want, sizeof want, " %s/params/p.dict /abs/q.dict /camp/rel.txt ", cwd);
    assert_non_null(strstr(cmd, want));
    free(cmd);
    tb_put(s, "base-path", tb_str("/stage", 30, 1));
    cmd = command("power-spectra", camp, s, &err);
    snprintf(want, sizeof want, " %s/params/p.dict /abs/q.dict /stage/rel.txt ", cwd);
    assert_non_null(strstr(cmd, want));
    free(cmd);

    socm_table_remove(s, "script");
    assert_null(command("power-spectra", camp, s, &err));
    assert_non_null(strstr(err.msg, "script"));
    socm_value_free(s);
    socm_value_free(camp);
}

/* file:// arguments become what Python's Path(p).absolute() gives, from "/" too. */
static void test_power_spectra_file_args(void **state)
{
    (void)state;
    char old[PATH_MAX];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir("/"), 0);
    struct socm_value *s = tb_tbl(1);
    tb_put(s, "executable", tb_str("python", 2, 1));
    tb_put(s, "script", tb_str("x.py", 3, 1));
    tb_put(s, "script-args", tb_strs(4, 1, "file://a//./b/", "file://", "file://.", "file://../c",
                                      "file:////d", "file:///e//f", "file://g/file:///h", NULL));
    struct socm_error err;
    char *cmd = command("power-spectra", NULL, s, &err);
    assert_int_equal(chdir(old), 0);
    assert_non_null(cmd);
    assert_string_equal(cmd, "srun --cpu_bind=cores --export=ALL --ntasks-per-node=1 --cpus-per-task=1 python "
                             "x.py /a/b / / /../c //d /e/f /h");
    free(cmd);
    socm_value_free(s);
}

/* Option values print as Python's str() of what the original's TOML reader gives:
 * lists and tables in repr() form, date-times as datetime objects print. The
 * expected texts are Python's (toml 0.10.2, Python 3.11). */
static void test_python_text(void **state)
{
    (void)state;
    static const char src[] =
        "a = 1979-05-27T07:32:00Z\n"
        "b = 1979-05-27T00:32:00.999999-07:00\n"
        "c = 1979-05-27T07:32:00\n"
        "d = 1979-05-27\n"
        "e = 07:32:00\n"
        "g = 1979-05-27T07:32:00.9999999+05:30\n"
        "h = {x = 1, y = \"s\", z = [1.5, 2.0]}\n"
        "i = [\"two\", \"q\\\"\", \"a'b\\\"c\", \"it's\", \"tab\\t\", \"nl\\n\", \"bs\\\\\", \"\u00e9\", "
        "\"\\u00a0\", \"\\u0085\", \"\\u007f\", \"\\u2028\", \"\\u00ad\", \"\u65e5\u672c\"]\n"
        "l = 1979-05-27T07:32:00.1\n"
        "p = 1e-5\n"
        "q = [[1,2],[3]]\n"
        "r = [{a = 1}]\n"
        "s = [1e20, 0.1, 1e16, 123456789012345678.0]\n"
        "t = [true, false]\n"
        "u = 1979-05-27T07:32:00.000\n"
        "v = 1979-05-27T07:32:00.0000019Z\n"
        "w = 07:32:00.123\n"
        "x = [1979-05-27, 07:32:00, 1979-05-27T07:32:00, 07:32:01.5, 1979-05-27T07:32:00+01:00, 1979-05-27T07:32:00-07:00]\n"
        "y = \"plain 'text' stays\"\n"
        "z = []\n";
    static const char *const want[][2] = {
        {"a", "1979-05-27 07:32:00+00:00"},
        {"b", "1979-05-27 00:32:00.999999-07:00"},
        {"c", "1979-05-27 07:32:00"},
        {"d", "1979-05-27"},
        {"e", "07:32:00"},
        {"g", "1979-05-27 07:32:00.999999+05:30"},
        {"h", "{'x': 1, 'y': 's', 'z': [1.5, 2.0]}"},
        {"i", "['two', 'q\"', 'a\\'b\"c', \"it's\", 'tab\\t', 'nl\\n', 'bs\\\\', '\u00e9', '\\xa0', '\\x85', "
              "'\\x7f', '\\u2028', '\\xad', '\u65e5\u672c']"},
        {"l", "1979-05-27 07:32:00.100000"},
        {"p", "1e-05"},
        {"q", "[[1, 2], [3]]"},
        {"r", "[{'a': 1}]"},
        {"s", "[1e+20, 0.1, 1e+16, 1.2345678901234568e+17]"},
        {"t", "[True, False]"},
        {"u", "1979-05-27 07:32:00"},
        {"v", "1979-05-27 07:32:00.000001+00:00"},
        {"w", "07:32:00.123000"},
        {"x", "[datetime.date(1979, 5, 27), datetime.time(7, 32), datetime.datetime(1979, 5, 27, 7, 32), "
              "datetime.time(7, 32, 1, 500000), "
              "datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.timezone(datetime.timedelta(seconds=3600))), "
              "datetime.datetime(1979, 5, 27, 7, 32, tzinfo=datetime.timezone(datetime.timedelta(days=-1, "
              "seconds=61200)))]"},
        {"y", "plain 'text' stays"},
        {"z", "[]"},
    };
    struct socm_error err;
    struct socm_value *root = socm_toml_parse(src, strlen(src), "t.toml", &err);
    if (!root)
        fail_msg("%s", err.msg);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char *got = socm_wfargv_pystr(socm_table_get(root, want[i][0]));
        if (strcmp(got, want[i][1]) != 0)
            fail_msg("%s: got %s, want %s", want[i][0], got, want[i][1]);
        free(got);
    }
    socm_value_free(root);
}

static void test_common_fields(void **state)
{
    (void)state;
    struct socm_value *s = tb_tbl(1);
    tb_put(s, "executable", tb_str("x", 2, 1));
    struct socm_value *env = tb_put(s, "environment", tb_tbl(3));
    tb_put(env, "OMP_NUM_THREADS", tb_int(8, 4, 1));
    tb_put(s, "depends", tb_str("other", 5, 11));
    struct socm_value *r = tb_res(s, 6, 2, 4, "2.5T", "1h30m");
    tb_put(r, "gpus", tb_int(1, 11, 1));
    struct socm_workflow *wf = socm_workflow_new();
    struct socm_error err;
    assert_int_equal(socm_workflow_fill_common(wf, s, "dflt", &err), 0);
    assert_string_equal(wf->name, "dflt");
    assert_string_equal(wf->env.v[0], "OMP_NUM_THREADS=8");
    assert_int_equal(wf->depends.n, 1);
    assert_int_equal(wf->depends_pos[0].line, 5);
    assert_int_equal(wf->res.ranks, 2);
    assert_int_equal(wf->res.threads, 4);
    assert_true(wf->res.memory_mb == 2500000);
    assert_true(wf->res.runtime_min == 90);
    assert_non_null(socm_table_get(wf->res.extra, "gpus"));
    assert_null(socm_table_get(wf->res.extra, "ranks"));
    assert_non_null(socm_table_get(wf->fields, "environment"));
    socm_workflow_free(wf);

    struct {
        const char *key;
        struct socm_value *v;
        const char *want;
    } bad[] = {
        {"ranks", tb_int(-2, 7, 9), "t.toml:7:9: 'ranks' must be a positive integer"},
        {"threads", tb_str("four", 8, 11), "t.toml:8:11: 'threads' must be a positive integer"},
        {"memory", tb_str("lots", 9, 10), "t.toml:9:10: 'memory': invalid size"},
        {"runtime", tb_str("soon", 10, 11), "t.toml:10:11: 'runtime': invalid duration"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct socm_value *c = socm_value_clone(s);
        socm_table_set(socm_table_get(c, "resources"), bad[i].key, bad[i].v);
        wf = socm_workflow_new();
        assert_int_equal(socm_workflow_fill_common(wf, c, "dflt", &err), -1);
        assert_true(socm_str_startswith(err.msg, bad[i].want));
        socm_workflow_free(wf);
        socm_value_free(c);
    }
    socm_table_set(s, "depends", tb_int(3, 12, 11));
    wf = socm_workflow_new();
    assert_int_equal(socm_workflow_fill_common(wf, s, "dflt", &err), -1);
    assert_true(socm_str_startswith(err.msg, "t.toml:12:11: 'depends' must be a list"));
    socm_workflow_free(wf);
    socm_value_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generic),
        cmocka_unit_test(test_power_spectra),
        cmocka_unit_test(test_power_spectra_file_args),
        cmocka_unit_test(test_python_text),
        cmocka_unit_test(test_common_fields),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

/* test_jobspec.c — slurmise-style job specifications: a command line becomes
 * numeric and categorical features (numbers, categories, file parsers incl. awk
 * scripts); mismatches and bad specs are errors with positions; awk runs without a
 * shell and is killed after its timeout; the longest job prefix wins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "predict/jobspec.h"
#include "util/str.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


static struct socm_value *str(const char *s) { return socm_value_string(s, strlen(s), NULL); }

static struct socm_value *tbl(struct socm_value *parent, const char *key)
{
    struct socm_value *t = socm_value_table(NULL);
    assert_int_equal(socm_table_add(parent, key, strlen(key), NULL, t), 0);
    return t;
}

static void set(struct socm_value *t, const char *key, struct socm_value *v)
{
    assert_int_equal(socm_table_add(t, key, strlen(key), NULL, v), 0);
}

/* [predict] with jobs nupack (prefix "nupack"), git, git_checkout, and parsers. */
static struct socm_value *config(double awk_timeout)
{
    struct socm_value *predict = socm_value_table(NULL);
    struct socm_value *parsers = tbl(predict, "file_parsers");
    struct socm_value *epochs = tbl(parsers, "epochs");
    set(epochs, "awk_script", str("/^epochs:/ {print $2}"));
    set(epochs, "return_type", str("numeric"));
    struct socm_value *kind = tbl(parsers, "kind");
    set(kind, "awk_script", str("NR == 1 {print $1}"));
    set(kind, "return_type", str("category"));
    struct socm_value *slow = tbl(parsers, "slow");
    set(slow, "awk_script", str("BEGIN { while (1) { } }"));
    set(slow, "timeout", socm_value_float(awk_timeout, NULL));
    struct socm_value *jobs = tbl(predict, "job");
    struct socm_value *nu = tbl(jobs, "nupack");
    set(nu, "job_spec", str("monomer -T {threads:numeric} -C {complexity:category} {input:file}"));
    set(nu, "default_mem", str("2G"));
    set(nu, "default_time", str("1h30m"));
    struct socm_value *fp = tbl(nu, "file_parsers");
    set(fp, "input", str("file_size,file_lines,file_md5,file_basename,epochs,kind"));
    struct socm_value *git = tbl(jobs, "git");
    set(git, "job_spec", str("{ignore}"));
    struct socm_value *gc = tbl(jobs, "git_checkout");
    set(gc, "job_prefix", str("git checkout"));
    set(gc, "job_spec", str("{branch:category} -j {jobs:numeric}"));
    struct socm_value *aw = tbl(jobs, "awkish");
    set(aw, "job_spec", str("awk '{{print $1}}' {input:file}"));
    struct socm_value *sl = tbl(jobs, "slowjob");
    set(sl, "job_spec", str("{input:file}"));
    struct socm_value *slfp = tbl(sl, "file_parsers");
    struct socm_value *arr = socm_value_array(NULL);
    socm_array_push(arr, str("slow"));
    set(slfp, "input", arr);
    return predict;
}

static char *write_input(const char *name, const char *text)
{
    char *p = socm_asprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void test_features_from_command(void **state)
{
    (void)state;
    struct socm_value *cfg = config(10);
    struct socm_error err = {0};
    struct socm_jobspecs *s = socm_jobspecs_from_config(cfg, &err);
    assert_non_null(s);
    char *in = write_input("in put.txt", "alpha beta\nepochs: 12\nlast"); /* 3 lines, 26 bytes */
    char *cmd = socm_asprintf("nupack   monomer -T 4 -C very hard %s", in);
    const struct socm_jobspec *j = socm_jobspecs_match(s, cmd);
    assert_non_null(j);
    assert_string_equal(socm_jobspec_name(j), "nupack");
    char *cat = NULL, *num = NULL;
    if (socm_jobspec_parse(s, j, cmd, &cat, &num, &err) != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(num, "{\"input_epochs\":12.0,\"input_file_lines\":3,\"input_file_size\":26,\"threads\":4.0}");
    json_t *c = json_loads(cat, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(c, "complexity")), "very hard");
    assert_string_equal(json_string_value(json_object_get(c, "input_file_basename")), "in put.txt");
    assert_string_equal(json_string_value(json_object_get(c, "input_kind")), "alpha");
    assert_int_equal(strlen(json_string_value(json_object_get(c, "input_file_md5"))), 32);
    json_decref(c);
    assert_true(socm_jobspec_default_mem_mb(s, j) == 2000);
    assert_true(socm_jobspec_default_time_min(s, j) == 90);
    free(cat);
    free(num);

    /* numbers must be numbers; the command must match */
    char *bad = socm_asprintf("nupack monomer -T four -C hard %s", in);
    assert_int_equal(socm_jobspec_parse(s, j, bad, &cat, &num, &err), -1);
    assert_non_null(strstr(err.msg, "does not match"));
    free(bad);
    free(cmd);
    free(in);
    socm_jobspecs_free(s);
    socm_value_free(cfg);
}

static void test_prefix_and_literal_braces(void **state)
{
    (void)state;
    struct socm_value *cfg = config(10);
    struct socm_error err = {0};
    struct socm_jobspecs *s = socm_jobspecs_from_config(cfg, &err);
    assert_non_null(s);
    const struct socm_jobspec *j = socm_jobspecs_match(s, "git checkout main -j 8");
    assert_string_equal(socm_jobspec_name(j), "git_checkout");
    assert_string_equal(socm_jobspec_name(socm_jobspecs_match(s, "git status")), "git");
    assert_null(socm_jobspecs_match(s, "gitk"));
    char *cat = NULL, *num = NULL;
    assert_int_equal(socm_jobspec_parse(s, j, "git checkout main -j 8", &cat, &num, &err), 0);
    assert_string_equal(cat, "{\"branch\":\"main\"}");
    assert_string_equal(num, "{\"jobs\":8.0}");
    free(cat);
    free(num);
    char *in = write_input("x.txt", "1\n2\n");
    char *cmd = socm_asprintf("awk '{print $1}' %s", in);
    j = socm_jobspecs_find(s, "awkish");
    assert_int_equal(socm_jobspec_parse(s, j, cmd, &cat, &num, &err), 0);
    assert_string_equal(num, "{\"input_file_size\":4}");
    free(cat);
    free(num);
    free(cmd);
    free(in);
    socm_jobspecs_free(s);
    socm_value_free(cfg);
}

static void test_awk_never_a_shell_and_timeout(void **state)
{
    (void)state;
    struct socm_value *cfg = config(0.3);
    struct socm_error err = {0};
    struct socm_jobspecs *s = socm_jobspecs_from_config(cfg, &err);
    assert_non_null(s);
    /* a file name full of shell syntax is just a file name */
    char *marker = socm_asprintf("%s/pwned", tmpdir);
    char *evil_name = socm_asprintf("e;touch %s;x", marker);
    for (char *p = evil_name; *p; p++)
        if (*p == '/')
            *p = '_';
    char *in = write_input(evil_name, "epochs: 5\n");
    char *cmd = socm_asprintf("nupack monomer -T 1 -C a %s", in);
    char *cat = NULL, *num = NULL;
    assert_int_equal(socm_jobspec_parse(s, socm_jobspecs_find(s, "nupack"), cmd, &cat, &num, &err), 0);
    assert_non_null(strstr(num, "\"input_epochs\":5.0"));
    struct stat st;
    assert_int_not_equal(stat(marker, &st), 0);
    free(cat);
    free(num);
    free(cmd);

    /* an endless awk script is killed after its timeout */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(socm_jobspec_parse(s, socm_jobspecs_find(s, "slowjob"), in, &cat, &num, &err), -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_non_null(strstr(err.msg, "timed out"));
    double dt = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(dt >= 0.25 && dt < 5);
    free(in);
    free(evil_name);
    free(marker);
    socm_jobspecs_free(s);
    socm_value_free(cfg);
}

static void test_bad_specs(void **state)
{
    (void)state;
    const char *bad[] = {"run {n:number}", "run {numeric}", "run {n:numeric", "run }", "run {:file}"};
    const char *want[] = {"unknown kind", "needs a name", "unclosed", "unmatched", "empty variable"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct socm_value *predict = socm_value_table(NULL);
        struct socm_value *job = tbl(tbl(predict, "job"), "j");
        struct socm_pos pos = socm_pos_at("cfg.toml", 7, 12);
        set(job, "job_spec", socm_value_string(bad[i], strlen(bad[i]), &pos));
        struct socm_error err = {0};
        assert_null(socm_jobspecs_from_config(predict, &err));
        assert_non_null(strstr(err.msg, want[i]));
        assert_non_null(strstr(err.msg, "cfg.toml:7:12"));
        socm_value_free(predict);
    }
    /* an unknown file parser */
    struct socm_value *predict = socm_value_table(NULL);
    struct socm_value *job = tbl(tbl(predict, "job"), "j");
    set(job, "job_spec", str("{f:file}"));
    set(tbl(job, "file_parsers"), "f", str("file_size,nope"));
    struct socm_error err = {0};
    assert_null(socm_jobspecs_from_config(predict, &err));
    assert_non_null(strstr(err.msg, "unknown file parser \"nope\""));
    socm_value_free(predict);
}

/* An ambiguous spec against a long command that cannot match is answered "does
 * not match", not "gave up": the matcher remembers dead ends instead of trying
 * every split, so it stays within its step budget. (How fast is bench's business.) */
static void test_ambiguous_spec_fails_fast(void **state)
{
    (void)state;
    struct socm_value *predict = socm_value_table(NULL);
    struct socm_value *job = tbl(tbl(predict, "job"), "x");
    set(job, "job_spec", str("{a:category} {b:category} {c:category} {d:category} {e:file} z"));
    struct socm_error err = {0};
    struct socm_jobspecs *s = socm_jobspecs_from_config(predict, &err);
    assert_non_null(s);
    struct socm_buf cmd = SOCM_BUF_INIT;
    for (int i = 0; i < 400; i++)
        socm_buf_puts(&cmd, "a ");
    char *cat = NULL, *num = NULL;
    assert_int_equal(socm_jobspec_parse(s, socm_jobspecs_find(s, "x"), cmd.data, &cat, &num, &err), -1);
    assert_non_null(strstr(err.msg, "does not match"));
    assert_null(strstr(err.msg, "gave up"));
    socm_buf_free(&cmd);
    socm_jobspecs_free(s);
    socm_value_free(predict);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_features_from_command),
        cmocka_unit_test(test_prefix_and_literal_braces),
        cmocka_unit_test(test_awk_never_a_shell_and_timeout),
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(test_ambiguous_spec_fails_fast),
    };
    int rc = cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
    socm_intern_free_all();
    return rc;
}

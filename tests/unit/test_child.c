/* test_child.c — the one helper that runs a program and captures its output: stdout,
 * stderr and exit status captured; a hung command (and its own children) killed at
 * the timeout; a flood of output stopped at the limit; a missing command an error
 * value; socm_child_capture insists on success and says why not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/child.h"

#include <string.h>
#include <time.h>

static void test_capture_and_status(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    assert_int_equal(socm_child_run(argv, 10, 0, &r, &err), 0);
    assert_int_equal(r.status, 3);
    assert_false(r.timed_out);
    assert_string_equal(r.out, "out\n");
    assert_string_equal(r.errtext, "err\n");
    socm_child_result_free(&r);
}

static void test_timeout_kills(void **state)
{
    (void)state;
    /* The child's own child holds the pipes too: the whole group must go. */
    const char *argv[] = {"sh", "-c", "sleep 30 & echo started; wait", NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(socm_child_run(argv, 0.5, 0, &r, &err), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double took = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(r.timed_out);
    assert_true(took < 5);
    assert_string_equal(r.out, "started\n");
    socm_child_result_free(&r);
}

static void test_missing_command(void **state)
{
    (void)state;
    const char *argv[] = {"/nonexistent/sbatch", NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    assert_int_equal(socm_child_run(argv, 5, 0, &r, &err), -1);
    assert_non_null(strstr(err.msg, "/nonexistent/sbatch"));
    assert_non_null(strstr(err.msg, "No such file"));
    socm_child_result_free(&r);
}

static void test_output_limit(void **state)
{
    (void)state;
    const char *argv[] = {"sh", "-c", "yes flood; echo never >&2", NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    assert_int_equal(socm_child_run(argv, 10, 100000, &r, &err), 0);
    assert_true(r.too_long);
    assert_false(r.timed_out);
    assert_true(r.out_len >= 100000 && r.out_len < 200000);
    socm_child_result_free(&r);
}

static void test_capture_insists_on_success(void **state)
{
    (void)state;
    struct socm_buf out = SOCM_BUF_INIT;
    struct socm_error err = {0};
    const char *ok[] = {"sh", "-c", "printf 'a b'", NULL};
    assert_int_equal(socm_child_capture(ok, 10, 1024, &out, &err), 0);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, "a b", 3);
    const char *bad[] = {"sh", "-c", "echo partial; echo 'no such job' >&2; exit 4", NULL};
    assert_int_equal(socm_child_capture(bad, 10, 1024, &out, &err), -1);
    assert_non_null(strstr(err.msg, "exit status 4"));
    assert_non_null(strstr(err.msg, "no such job"));
    assert_int_equal(out.len, 3); /* nothing appended from the failed run */
    const char *slow[] = {"sleep", "5", NULL};
    assert_int_equal(socm_child_capture(slow, 0.2, 1024, &out, &err), -1);
    assert_non_null(strstr(err.msg, "timed out"));
    socm_buf_free(&out);
}

/* Input larger than a pipe holds, read back whole (both directions at once). */
static void test_input_round_trip(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *in = socm_xmalloc(n);
    for (size_t i = 0; i < n; i++)
        in[i] = (char)('a' + i % 26);
    const char *argv[] = {"cat", NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    assert_int_equal(socm_child_run_input(argv, in, n, 10, 0, &r, &err), 0);
    assert_int_equal(r.status, 0);
    assert_int_equal(r.out_len, n);
    assert_memory_equal(r.out, in, n);
    socm_child_result_free(&r);
    free(in);
}

/* A child that never reads its input neither blocks socm nor kills it (SIGPIPE). */
static void test_input_not_read(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *in = socm_xcalloc(n, 1);
    const char *quits[] = {"sh", "-c", "echo done", NULL};
    struct socm_child_result r;
    struct socm_error err = {0};
    assert_int_equal(socm_child_run_input(quits, in, n, 10, 0, &r, &err), 0);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "done\n");
    socm_child_result_free(&r);
    const char *sleeps[] = {"sleep", "30", NULL};
    assert_int_equal(socm_child_run_input(sleeps, in, n, 0.3, 0, &r, &err), 0);
    assert_true(r.timed_out);
    socm_child_result_free(&r);
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_and_status),
        cmocka_unit_test(test_timeout_kills),
        cmocka_unit_test(test_missing_command),
        cmocka_unit_test(test_output_limit),
        cmocka_unit_test(test_capture_insists_on_success),
        cmocka_unit_test(test_input_round_trip),
        cmocka_unit_test(test_input_not_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

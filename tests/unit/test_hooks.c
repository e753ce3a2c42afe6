/* test_hooks.c — notification hooks (src/manager/hooks.c) without a bookkeeper:
 * placeholders are substituted once, literally (a value holding "{state}" stays as
 * it is; an unknown placeholder is kept); a hook runs as an argv, never a shell,
 * with its output in STATE_DIR/hooks.log; a failing, unstartable or overdue hook
 * is logged, never fatal, and an overdue one is killed within its timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "manager/hooks.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static struct socm_strv logged;
static void log_msg(void *ctx, const char *msg)
{
    (void)ctx;
    socm_strv_push(&logged, msg);
}

static bool logged_has(const char *needle)
{
    for (size_t i = 0; i < logged.n; i++)
        if (strstr(logged.v[i], needle))
            return true;
    return false;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct socm_buf b = SOCM_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        socm_buf_putn(&b, chunk, n);
    fclose(f);
    return socm_buf_steal(&b);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_expand(void **state)
{
    (void)state;
    struct socm_strv argv = SOCM_STRV_INIT, out = SOCM_STRV_INIT;
    socm_strv_push(&argv, "notify");
    socm_strv_push(&argv, "{campaign}/{workflow}#{id} {state} rc={exit_code} in {state_dir}");
    socm_strv_push(&argv, "{unknown} {state");
    struct socm_hook_vars v = {.campaign = "c{state}", .workflow = "w;rm -rf /\n",
                               .state = "DONE", .state_dir = "/s d", .id = 3, .exit_code = -1};
    socm_hooks_expand(&argv, &v, &out);
    assert_int_equal(out.n, 3);
    assert_string_equal(out.v[0], "notify");
    assert_string_equal(out.v[1], "c{state}/w;rm -rf /\n#3 DONE rc=-1 in /s d");
    assert_string_equal(out.v[2], "{unknown} {state");
    socm_strv_free(&out);
    /* A campaign hook: no workflow. */
    v.workflow = NULL;
    socm_hooks_expand(&argv, &v, &out);
    assert_string_equal(out.v[1], "c{state}/#3 DONE rc=-1 in /s d");
    socm_strv_free(&out);
    socm_strv_free(&argv);
}

static void test_run_fail_and_timeout(void **state)
{
    (void)state;
    struct socm_hooks h;
    socm_hooks_init(&h, tmpdir, 1.0, log_msg, NULL);
    struct socm_hook_vars v = {.campaign = "camp", .workflow = "wf", .state = "DONE",
                               .state_dir = tmpdir, .id = 1, .exit_code = 0};
    struct socm_strv ok = SOCM_STRV_INIT, bad = SOCM_STRV_INIT, slow = SOCM_STRV_INIT,
                     missing = SOCM_STRV_INIT, none = SOCM_STRV_INIT;
    /* Shell syntax in a value reaches the program as bytes: no shell runs it. */
    socm_strv_push(&ok, "echo");
    socm_strv_push(&ok, "done {workflow} $(id) `id`");
    socm_strv_push(&bad, "sh");
    socm_strv_push(&bad, "-c");
    socm_strv_push(&bad, "exit 4");
    socm_strv_push(&slow, "sleep");
    socm_strv_push(&slow, "30");
    socm_strv_push(&missing, "/nonexistent/hook-program");
    socm_hooks_start(&h, "ok", &ok, &v);
    socm_hooks_start(&h, "bad", &bad, &v);
    socm_hooks_start(&h, "slow", &slow, &v);
    socm_hooks_start(&h, "missing", &missing, &v);
    socm_hooks_start(&h, "none", &none, &v); /* empty: nothing runs */
    double t0 = now_s();
    socm_hooks_drain(&h);
    double took = now_s() - t0;
    assert_true(took < 5.0); /* the 30 s hook was killed at its 1 s timeout */
    assert_true(logged_has("hook bad failed with exit code 4"));
    assert_true(logged_has("hook slow timed out after 1 s and was killed"));
    assert_true(logged_has("hook missing"));
    assert_false(logged_has("hook ok"));
    assert_false(logged_has("hook none"));
    char path[512];
    snprintf(path, sizeof path, "%s/hooks.log", tmpdir);
    char *text = slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, "done wf $(id) `id`\n"));
    free(text);
    socm_hooks_free(&h);
    socm_strv_free(&ok);
    socm_strv_free(&bad);
    socm_strv_free(&slow);
    socm_strv_free(&missing);
    socm_strv_free(&logged);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_run_fail_and_timeout),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

/* test_supervise.c — the per-attempt supervisor (src/agents/supervise.c) without a
 * manager: its command line (every option, and each usage error refused with a
 * message), and runs in a child process: the exit code, a walltime that stops the
 * command within walltime + grace, and result.json as the agent reads it
 * (socm_result_read; another attempt's result is not taken). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "agents/agent.h"
#include "agents/supervise.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int parse(struct socm_supervise_opts *o, struct socm_error *err, ...)
{
    static char *argv[32]; /* o points into it after the call */
    int argc = 0;
    va_list ap;
    va_start(ap, err);
    for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    memset(o, 0, sizeof *o);
    memset(err, 0, sizeof *err);
    return socm_supervise_args(argc, argv, o, err);
}

static void test_args(void **state)
{
    (void)state;
    struct socm_supervise_opts o;
    struct socm_error err;
    assert_int_equal(parse(&o, &err, "supervise", "--sandbox", "/tmp/x", "--attempt", "3",
                           "--walltime", "60", "--grace", "2.5", "--cpus", "0,1",
                           "--manager-pid", "123", "--", "echo", "hi", NULL),
                     0);
    assert_string_equal(o.sandbox, "/tmp/x");
    assert_int_equal(o.attempt, 3);
    assert_true(o.walltime_s == 60 && o.grace_s == 2.5);
    assert_string_equal(o.cpus, "0,1");
    assert_int_equal(o.manager_pid, 123);
    assert_string_equal(o.argv[0], "echo");
    assert_string_equal(o.argv[1], "hi");
    assert_null(o.argv[2]);
    assert_int_equal(parse(&o, &err, "supervise", "--help", NULL), 1);

    /* Each usage error is refused with a message. */
    const char *const bad[][8] = {
        /* (numbers are read with atoi/atof: the manager writes them) */
        {"supervise", "--", "true"},                                    /* no --sandbox */
        {"supervise", "--sandbox", "/tmp/x"},                           /* no command */
        {"supervise", "--sandbox", "/tmp/x", "--"},                     /* empty command */
        {"supervise", "--sandbox", "/tmp/x", "--bogus", "--", "true"},
        {"supervise", "--sandbox"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *argv[9] = {0};
        int argc = 0;
        for (; argc < 8 && bad[i][argc]; argc++)
            argv[argc] = (char *)bad[i][argc];
        memset(&o, 0, sizeof o);
        memset(&err, 0, sizeof err);
        int rc = socm_supervise_args(argc, argv, &o, &err);
        if (rc != -1)
            fail_msg("case %zu accepted", i);
        assert_true(err.msg[0] != '\0');
    }
}

/* Runs the supervisor in a child (it makes its own session and signal handling),
 * returns the result the agent reads. */
static int supervise_in_child(const char *name, int attempt, double walltime, char *const *argv,
                              struct socm_result *r, char **reason)
{
    char sandbox[512];
    snprintf(sandbox, sizeof sandbox, "%s/%s", tmpdir, name);
    assert_int_equal(mkdir(sandbox, 0700), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct socm_supervise_opts o = {.sandbox = sandbox, .attempt = attempt,
                                        .walltime_s = walltime, .grace_s = 0.5,
                                        .lock_fd = -1, .argv = argv};
        struct socm_error err = {0};
        _exit(socm_supervise(&o, &err) == 0 ? 0 : 1);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return socm_result_read(sandbox, attempt, r, reason);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_exit_code_and_result(void **state)
{
    (void)state;
    char *fail3[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    struct socm_result r;
    char *reason = NULL;
    assert_int_equal(supervise_in_child("fail3", 2, 0, fail3, &r, &reason), 0);
    assert_int_equal(r.outcome, SOCM_OUT_FAILED);
    assert_int_equal(r.exit_code, 3);
    assert_int_equal(r.attempt, 2);
    assert_true(r.end >= r.start && r.elapsed_s >= 0);
    free(reason);
    reason = NULL;
    /* Another attempt's result is not this attempt's. */
    char sandbox[512];
    snprintf(sandbox, sizeof sandbox, "%s/fail3", tmpdir);
    assert_int_equal(socm_result_read(sandbox, 3, &r, &reason), -1);
    free(reason);
    reason = NULL;

    char *ok[] = {"true", NULL};
    assert_int_equal(supervise_in_child("ok", 1, 0, ok, &r, &reason), 0);
    assert_int_equal(r.outcome, SOCM_OUT_DONE);
    assert_int_equal(r.exit_code, 0);
    free(reason);
}

static void test_walltime(void **state)
{
    (void)state;
    char *slow[] = {"sleep", "30", NULL};
    struct socm_result r;
    char *reason = NULL;
    double t0 = now_s();
    assert_int_equal(supervise_in_child("slow", 1, 0.5, slow, &r, &reason), 0);
    assert_true(now_s() - t0 < 5.0); /* walltime 0.5 s + grace 0.5 s, not 30 s */
    assert_int_equal(r.outcome, SOCM_OUT_TIMEOUT);
    free(reason);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_exit_code_and_result),
        cmocka_unit_test(test_walltime),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

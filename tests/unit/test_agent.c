/* test_agent.c — what the local agent does for one launch, below the enactor: the
 * supervisor it starts (socm_agent_launch) holds the sandbox's lock while the work
 * runs, so a restarted manager's probe (socm_agent_probe) finds it LIVE with its
 * pid (and a pidfd), then ENDED with the result once it is over, INTERRUPTED when
 * the command started (its start record) but no result is there, and GONE where
 * nothing ran or only another attempt's result is; the environment carries the task's variables
 * and values with shell syntax arrive as bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "agents/agent.h"
#include "state/spec.h"
#include "util/str.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    struct socm_buf b = SOCM_BUF_INIT;
    char chunk[1024];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        socm_buf_putn(&b, chunk, n);
    fclose(f);
    return socm_buf_steal(&b);
}

static void test_launch_probe_result(void **state)
{
    (void)state;
    struct socm_task t = {.id = 1, .name = "w", .cores = 1, .threads = 1, .walltime_min = 1};
    socm_strv_push(&t.argv, "sh");
    socm_strv_push(&t.argv, "-c");
    socm_strv_push(&t.argv, "printf '%s|%s' \"$GREETING\" '$(id) `id`;' > out.txt; sleep 1; exit 7");
    socm_strv_push(&t.env, "GREETING=hello world");
    char *sandbox = socm_asprintf("%s/workflows/w", tmpdir);
    int64_t core = 0;
    struct socm_launch l = {.index = 0, .attempt = 2, .task = &t, .sandbox = sandbox,
                            .cores = &core, .ncores = 1};
    struct socm_allocation a = {.campaign = "c", .state_dir = tmpdir, .cores = 1, .grace_s = 1};
    struct socm_error err = {0};
    int pidfd = -1;
    bool stripped = false;
    pid_t pid = socm_agent_launch(&l, &a, &pidfd, &stripped, &err);
    if (pid <= 0)
        fail_msg("launch: %s", err.msg);
    assert_true(pidfd >= 0);

    /* While it runs: LIVE, with the supervisor's pid and a pidfd of it. */
    pid_t seen = 0;
    int probed = -1;
    assert_int_equal(socm_agent_probe(sandbox, 2, &seen, &probed), SOCM_SB_LIVE);
    assert_int_equal(seen, pid);
    assert_true(probed >= 0);
    close(probed);

    struct pollfd p = {pidfd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 20000), 1);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    close(pidfd);

    assert_int_equal(socm_agent_probe(sandbox, 2, &seen, NULL), SOCM_SB_ENDED);
    struct socm_result r;
    char *reason = NULL;
    assert_int_equal(socm_result_read(sandbox, 2, &r, &reason), 0);
    assert_int_equal(r.outcome, SOCM_OUT_FAILED);
    assert_int_equal(r.exit_code, 7);
    assert_true(r.elapsed_s >= 0.9);
    free(reason);
    /* Another attempt's result is not this one's: nothing ran for attempt 3. */
    assert_int_equal(socm_agent_probe(sandbox, 3, &seen, NULL), SOCM_SB_GONE);
    /* Without its result, attempt 2 is interrupted, not "never started": the command's
     * start record is there. */
    char *res = socm_asprintf("%s/result.json", sandbox), *kept = socm_asprintf("%s.kept", res);
    assert_int_equal(rename(res, kept), 0);
    assert_int_equal(socm_agent_probe(sandbox, 2, &seen, NULL), SOCM_SB_INTERRUPTED);
    assert_true(socm_agent_kill_leftovers(sandbox, 2)); /* nothing is left: returns at once */
    assert_int_equal(rename(kept, res), 0);
    free(res);
    free(kept);

    char *outp = socm_asprintf("%s/out.txt", sandbox);
    char *out = slurp(outp);
    assert_non_null(out);
    assert_string_equal(out, "hello world|$(id) `id`;");
    free(out);
    free(outp);

    /* An empty sandbox: nothing ever ran there. */
    char *empty = socm_asprintf("%s/workflows/never", tmpdir);
    assert_int_equal(mkdir(empty, 0700) == 0 || errno == EEXIST, 1);
    assert_int_equal(socm_agent_probe(empty, 1, &seen, NULL), SOCM_SB_GONE);
    assert_int_equal(seen, -1);
    free(empty);
    free(sandbox);
    socm_strv_free(&t.argv);
    socm_strv_free(&t.env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_launch_probe_result),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

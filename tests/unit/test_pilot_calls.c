/* test_pilot_calls.c — the slurm-pilot manager's Slurm calls beside its loop
 * (pilot_calls.c), with stub commands (SOCM_SLURM_BINDIR): a poll's squeue and
 * sacct answers arrive through the call's eventfd and are parsed; a call whose
 * command hangs leaves the caller free at once (the eventfd stays quiet) and can be
 * released while it runs, freeing itself when the command ends (no leak, no use
 * after free under the sanitizers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "enactors/pilot_manager.h"
#include "util/proc.h"
#include "util/str.h"

#include "tmpdir_fixture.h"

#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void stub(const char *name, const char *body)
{
    char *p = socm_asprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(p, "we");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    chmod(p, 0700);
    free(p);
}

/* Waits at most `ms` for the call's eventfd; true once it is readable. */
static bool wait_done(struct pcall *c, int ms)
{
    struct pollfd pfd = {c->efd, POLLIN, 0};
    return poll(&pfd, 1, ms) == 1;
}

static void test_poll_answers(void **state)
{
    (void)state;
    stub("squeue", "echo '77|RUNNING|0:05|1|n1|socm-x'");
    stub("sacct", "echo 'JobID|JobName|State|ExitCode|Elapsed|MaxRSS|NTasks|TotalCPU|NodeList|Start|End'\n"
                  "echo '77.0|w|COMPLETED|0:0|00:00:02|2048K|2|00:00:01|n1|"
                  "2026-01-01T00:00:00|2026-01-01T00:00:02'");
    setenv("SOCM_SLURM_BINDIR", tmpdir, 1);
    struct pcall *c = socm_pcall_new(PCALL_POLL);
    c->jobname = socm_strdup("socm-x");
    c->want_squeue = c->want_sacct = true;
    socm_strv_push(&c->ids, "77");
    struct socm_error err = {0};
    assert_int_equal(socm_pcall_start(c, &err), 0);
    assert_true(wait_done(c, 10000));
    socm_pcall_join(c);
    assert_int_equal(c->squeue_rc, 0);
    assert_int_equal(c->q.n, 1);
    assert_int_equal(c->q.v[0].job, 77);
    assert_int_equal(c->q.v[0].state, SOCM_SLURM_RUNNING);
    assert_int_equal(c->sacct_rc, 0);
    const struct socm_sacct_row *row = NULL;
    for (size_t i = 0; i < c->acct.n; i++)
        if (!strcmp(c->acct.v[i].jobid, "77.0"))
            row = &c->acct.v[i];
    assert_non_null(row);
    assert_int_equal(row->max_rss_kib, 2048);
    socm_pcall_release(c);
    unsetenv("SOCM_SLURM_BINDIR");
}

static void test_hanging_command(void **state)
{
    (void)state;
    stub("squeue", "sleep 2; echo '77|RUNNING|0:05|1|n1|socm-x'");
    setenv("SOCM_SLURM_BINDIR", tmpdir, 1);
    struct pcall *c = socm_pcall_new(PCALL_POLL);
    c->jobname = socm_strdup("socm-x");
    c->want_squeue = true;
    struct socm_error err = {0};
    double t0 = socm_mono();
    assert_int_equal(socm_pcall_start(c, &err), 0);
    assert_true(socm_mono() - t0 < 0.5); /* the caller never waits for the command */
    assert_false(wait_done(c, 200));     /* nor is it told it ended */
    socm_pcall_release(c);               /* the manager stops: the call frees itself */
    usleep(2600 * 1000);                 /* ... once its command has ended */
    unsetenv("SOCM_SLURM_BINDIR");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_poll_answers, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_hanging_command, tmpdir_setup, tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_dir_fsync.c — a directory that cannot be synced is a failed write, not a
 * silent one: socm_write_atomic (util/proc.c) and a new journal (state/journal.c)
 * report it (SOCM_E_SYSTEM, exit 3 for the command) instead of saying the data is
 * durable. This test's own fsync() stands in for the C library's (the static
 * library's calls resolve to it) and fails on directories while `fail_dirs` is set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "state/journal.h"
#include "util/proc.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static bool fail_dirs;
static int dir_syncs_passed_first; /* while fail_dirs: this many still succeed */
static int dir_syncs_failed;

int fsync(int fd)
{
    struct stat st;
    if (fail_dirs && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && dir_syncs_passed_first-- <= 0) {
        dir_syncs_failed++;
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_fsync, fd);
}

static void test_write_atomic(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/file", tmpdir);
    struct socm_error err = {0};
    assert_int_equal(socm_write_atomic(path, "a", 1, 0600, &err), 0);
    fail_dirs = true;
    dir_syncs_failed = 0;
    assert_int_equal(socm_write_atomic(path, "b", 1, 0600, &err), -1);
    fail_dirs = false;
    assert_true(dir_syncs_failed > 0);
    assert_int_equal(err.code, SOCM_E_SYSTEM);
    assert_non_null(strstr(err.msg, "cannot sync the directory of"));
}

static void test_journal_create(void **state)
{
    (void)state;
    char dir[512], jp[600];
    snprintf(dir, sizeof dir, "%s/state", tmpdir);
    snprintf(jp, sizeof jp, "%s/%s", dir, SOCM_JOURNAL_FILE);
    struct socm_journal j;
    struct socm_error err = {0};
    /* The directory sync that makes the journal's name durable fails. */
    fail_dirs = true;
    dir_syncs_passed_first = 0;
    dir_syncs_failed = 0;
    int rc = socm_journal_create(&j, dir, "{\"ev\":\"begin\"}", &err);
    fail_dirs = false;
    assert_int_equal(rc, -1);
    assert_true(dir_syncs_failed > 0);
    assert_int_equal(err.code, SOCM_E_SYSTEM);
    /* Nothing half-made is left: a run may start again. */
    assert_int_equal(access(jp, F_OK), -1);
    assert_int_equal(socm_journal_create(&j, dir, "{\"ev\":\"begin\"}", &err), 0);
    socm_journal_close(&j);
    assert_int_equal(access(jp, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_atomic),
        cmocka_unit_test(test_journal_create),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

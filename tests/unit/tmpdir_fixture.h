/* tmpdir_fixture.h — a scratch directory for a group of cmocka tests: tmpdir_setup
 * makes a fresh one under /tmp (its path in tmpdir), tmpdir_teardown removes it with
 * everything in it. Include after <cmocka.h>. */
#ifndef SOCM_TMPDIR_FIXTURE_H
#define SOCM_TMPDIR_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static __attribute__((unused)) char tmpdir[256];

/* rm -rf DIR, as a child process (argv, no shell). */
static inline void tmpdir_remove(const char *dir)
{
    char *argv[] = {"rm", "-rf", (char *)dir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

static inline int tmpdir_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/socm-test-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static inline int tmpdir_teardown(void **state)
{
    (void)state;
    tmpdir_remove(tmpdir);
    return 0;
}

#endif

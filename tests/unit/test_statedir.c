/* test_statedir.c — a state directory nobody else can subvert and its one manager:
 * files are opened relative to the directory without following links (a link or a
 * FIFO where a file belongs is an error naming the path), a directory others can
 * write to or another user owns is refused, new directories are 0700, and the
 * manager lock admits one process, names its pid, is not held by its children and
 * goes with the process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "state/statedir.h"
#include "util/dirfd.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[256], dir[300];

static int setup(void **state)
{
    (void)state;
    snprintf(top, sizeof top, "/tmp/socm-test-statedir-XXXXXX");
    assert_non_null(mkdtemp(top));
    snprintf(dir, sizeof dir, "%s/a/state", top);
    return 0;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    (void)state;
    chmod(dir, 0700);
    assert_int_equal(nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_create_private(void **state)
{
    (void)state;
    struct socm_statedir sd;
    struct socm_error err = {0};
    umask(022);
    assert_int_equal(socm_statedir_open(&sd, dir, SOCM_SD_CREATE, &err), 0);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(socm_dirfd_mkdirs(sd.fd, sd.path, "workflows/w1", 0700, &err), 0);
    char *p = socm_asprintf("%s/workflows/w1", dir);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    free(p);
    socm_statedir_close(&sd);
    /* without CREATE a missing directory is bad input */
    char *missing = socm_asprintf("%s/nope", top);
    assert_int_equal(socm_statedir_open(&sd, missing, 0, &err), -1);
    assert_int_equal(err.code, SOCM_E_INPUT);
    free(missing);
}

static void test_symlinks_refused(void **state)
{
    (void)state;
    struct socm_statedir sd;
    struct socm_error err = {0};
    assert_int_equal(socm_statedir_open(&sd, dir, SOCM_SD_CREATE, &err), 0);
    char *victim = socm_asprintf("%s/victim", top);
    write_file(victim, "precious\n");
    char *link = socm_asprintf("%s/socm.log", dir);
    assert_int_equal(symlink(victim, link), 0);
    FILE *f = socm_dirfd_fopen(sd.fd, sd.path, "socm.log", "a", &err);
    assert_null(f);
    assert_non_null(strstr(err.msg, "socm.log is a symbolic link"));
    assert_non_null(strstr(err.msg, dir));
    assert_int_equal(err.code, SOCM_E_SYSTEM);
    /* nor through a linked directory on the way */
    char *wl = socm_asprintf("%s/workflows", dir);
    assert_int_equal(symlink(top, wl), 0);
    assert_int_equal(socm_dirfd_open(sd.fd, sd.path, "workflows/victim", O_WRONLY | O_TRUNC, 0, &err), -1);
    assert_non_null(strstr(err.msg, "workflows is a symbolic link"));
    assert_int_equal(socm_dirfd_mkdirs(sd.fd, sd.path, "workflows/w2", 0700, &err), -1);
    assert_non_null(strstr(err.msg, "symbolic link"));
    /* a write-replace does not follow a link either: it replaces the link itself */
    assert_int_equal(socm_dirfd_write_replace(sd.fd, sd.path, "socm.log", "x", 1, 0600, true, &err), 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    f = fopen(victim, "r");
    char buf[64] = {0};
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "precious\n");
    /* nothing outside the directory */
    assert_int_equal(socm_dirfd_open(sd.fd, sd.path, "../victim", O_RDONLY, 0, &err), -1);
    assert_int_equal(socm_dirfd_open(sd.fd, sd.path, "/etc/passwd", O_RDONLY, 0, &err), -1);
    assert_non_null(strstr(err.msg, "leaves the directory"));
    /* a FIFO where a file belongs: refused at once, not waited on */
    char *fifo = socm_asprintf("%s/journal.jsonl", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(socm_dirfd_open(sd.fd, sd.path, "journal.jsonl", O_WRONLY | O_APPEND, 0, &err), -1);
    assert_non_null(strstr(err.msg, "not a regular file"));
    socm_statedir_close(&sd);
    free(fifo);
    free(wl);
    free(link);
    free(victim);
}

static void test_unsafe_dir_refused(void **state)
{
    (void)state;
    struct socm_statedir sd;
    struct socm_error err = {0};
    assert_int_equal(socm_statedir_open(&sd, dir, SOCM_SD_CREATE, &err), 0);
    socm_statedir_close(&sd);
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(socm_statedir_open(&sd, dir, SOCM_SD_CREATE, &err), -1);
    assert_int_equal(err.code, SOCM_E_SYSTEM);
    assert_non_null(strstr(err.msg, "writable by others"));
    assert_non_null(strstr(err.msg, "chmod go-w"));
    assert_int_equal(sd.fd, -1);
    /* reading (status, report) is still allowed */
    assert_int_equal(socm_statedir_open(&sd, dir, SOCM_SD_READ, &err), 0);
    socm_statedir_close(&sd);
    assert_int_equal(chmod(dir, 0770), 0);
    assert_int_equal(socm_statedir_open(&sd, dir, 0, &err), -1);
    assert_non_null(strstr(err.msg, "writable by its group"));
    assert_int_equal(chmod(dir, 0700), 0);
    if (geteuid() != 0)
        return; /* a directory of another user needs root to make */
    assert_int_equal(chown(dir, 65534, 65534), 0);
    assert_int_equal(socm_statedir_open(&sd, dir, 0, &err), -1);
    assert_non_null(strstr(err.msg, "not to you"));
    assert_int_equal(chown(dir, 0, 0), 0);
}

static void test_lock_one_manager(void **state)
{
    (void)state;
    struct socm_statedir sd;
    struct socm_error err = {0};
    assert_int_equal(socm_statedir_open(&sd, dir, SOCM_SD_CREATE, &err), 0);
    struct socm_manager m;
    assert_int_equal(socm_statedir_manager(dir, &m, &err), 0);
    assert_false(m.held);
    assert_int_equal(socm_statedir_lock(&sd, "run", "camp", &err), 0);
    /* a child holds nothing: it can neither take the lock nor does it keep it */
    int pfd[2];
    assert_int_equal(pipe(pfd), 0);
    pid_t c = fork();
    if (c == 0) {
        struct socm_statedir sd2;
        struct socm_error e2 = {0};
        int code = 0;
        if (socm_statedir_open(&sd2, dir, 0, &e2) != 0 ||
            socm_statedir_lock(&sd2, "resume", NULL, &e2) == 0)
            code = 1;
        else {
            char want[512];
            snprintf(want, sizeof want, "campaign camp in %s is managed by pid %ld (since ", dir,
                     (long)getppid());
            code = strstr(e2.msg, want) && e2.code == SOCM_E_SYSTEM ? 0 : 2;
            /* the child inherited the parent's table of held locks, not the lock */
            struct socm_manager m2;
            if (socm_statedir_manager(dir, &m2, &e2) != 0 || !m2.held || m2.pid != (long)getppid())
                code = 3;
            if (code)
                fprintf(stderr, "got: %s\n", e2.msg);
        }
        socm_statedir_close(&sd2);
        _exit(code);
    }
    int st;
    assert_int_equal(waitpid(c, &st, 0), c);
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(socm_statedir_manager(dir, &m, &err), 0);
    assert_true(m.held);
    assert_int_equal(m.pid, (long)getpid());
    assert_true(m.local);
    assert_string_equal(m.campaign, "camp");
    socm_statedir_lock_note(&sd, "camp2");
    assert_int_equal(socm_statedir_manager(dir, &m, &err), 0);
    assert_string_equal(m.campaign, "camp2");
    assert_string_equal(m.role, "run");
    socm_statedir_unlock(&sd);
    assert_int_equal(socm_statedir_manager(dir, &m, &err), 0);
    assert_false(m.held);
    /* a holder killed with SIGKILL leaves no lock behind; a verified pidfd names it */
    c = fork();
    if (c == 0) {
        struct socm_statedir sd2;
        struct socm_error e2 = {0};
        if (socm_statedir_open(&sd2, dir, 0, &e2) != 0 || socm_statedir_lock(&sd2, "run", "k", &e2))
            _exit(1);
        if (write(pfd[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char b;
    assert_int_equal(read(pfd[0], &b, 1), 1);
    int fd = socm_statedir_manager_pidfd(dir, &m, &err);
    assert_true(fd >= 0);
    assert_int_equal(m.pid, (long)c);
    assert_int_equal(socm_pidfd_signal(fd, SIGKILL), 0);
    struct pollfd p = {fd, POLLIN, 0};
    assert_int_equal(poll(&p, 1, 5000), 1);
    close(fd);
    /* dead but not reaped (a zombie): it holds no lock, so it is no manager */
    assert_int_equal(socm_statedir_manager(dir, &m, &err), 0);
    assert_false(m.held);
    assert_int_equal(socm_statedir_manager_pidfd(dir, &m, &err), -1);
    assert_false(m.held);
    assert_int_equal(waitpid(c, &st, 0), c);
    assert_int_equal(socm_statedir_lock(&sd, "resume", NULL, &err), 0);
    socm_statedir_close(&sd);
    close(pfd[0]);
    close(pfd[1]);
}

/* The path-based atomic write (results, pilot files) never writes through a link
 * planted under its temporary name. */
static void test_write_replace_tmp_link(void **state)
{
    (void)state;
    struct socm_error err = {0};
    char *victim = socm_asprintf("%s/victim", top);
    write_file(victim, "precious\n");
    char *path = socm_asprintf("%s/result.json", top);
    char *tmp = socm_asprintf("%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(symlink(victim, tmp), 0);
    assert_int_equal(socm_write_atomic(path, "{}", 2, 0600, &err), 0);
    FILE *f = fopen(victim, "r");
    char buf[64] = {0};
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "precious\n");
    f = fopen(path, "r");
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "{}");
    free(tmp);
    free(path);
    free(victim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symlinks_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsafe_dir_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_one_manager, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_replace_tmp_link, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_slurm_cmd.c — the Slurm command wrappers against fake sbatch/squeue/sacct/
 * scancel/scontrol scripts ($SOCM_SLURM_BINDIR) that record their argv, so values
 * with spaces, quotes, '$' and ';' reach Slurm byte for byte; refusals carry Slurm's
 * message; every call is counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "slurm/slurm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/socm-test-slurm-cmd-XXXXXX";

static void write_script(const char *name, const char *body)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s", body);
    fclose(f);
    chmod(path, 0755);
}

static char *slurp(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    setenv("SOCM_SLURM_BINDIR", dir, 1);
    /* Each fake prints its argv one per line (NUL-free) into <name>.args. */
    const char *rec = "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$(dirname \"$0\")/$(basename \"$0\").args\"\n";
    char body[1024];
    snprintf(body, sizeof body, "%secho 4242\n", rec);
    write_script("sbatch", body);
    snprintf(body, sizeof body, "%secho '7|RUNNING|0:05|1|n1|socm-x'\n", rec);
    write_script("squeue", body);
    snprintf(body, sizeof body,
             "%sprintf 'JobID|JobName|State|ExitCode|Elapsed|MaxRSS|NTasks\\n7|socm-x|COMPLETED|0:0|00:00:09||\\n"
             "7.batch|batch|COMPLETED|0:0|00:00:09|2G|1\\n'\n",
             rec);
    write_script("sacct", body);
    write_script("scancel", "echo 'scancel: error: Socket timed out on send/recv operation' >&2; exit 1\n");
    write_script("scontrol", "[ \"$3\" = 'n[1-2],m' ] && printf 'n1\\nn2\\n\\nm\\n'\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"sbatch", "squeue", "sacct", "scancel", "scontrol", "sbatch.args", "squeue.args", "sacct.args"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    unsetenv("SOCM_SLURM_BINDIR");
    return 0;
}

static void test_wrappers_pass_argv_verbatim(void **state)
{
    (void)state;
    struct socm_error err = {0};
    struct socm_strv args = SOCM_STRV_INIT;
    const char *odd = "--job-name=a b 'c' \"d\" $HOME; rm -rf /\nx";
    socm_strv_push(&args, odd);
    socm_strv_push(&args, "--qos=short");
    int64_t id = 0;
    bool retry = true;
    assert_int_equal(socm_slurm_sbatch(&args, "/path/with space/job.sh", &id, &retry, &err), 0);
    assert_int_equal(id, 4242);
    assert_false(retry);
    char *rec = slurp("sbatch.args");
    assert_string_equal(rec, "--parsable\n--job-name=a b 'c' \"d\" $HOME; rm -rf /\nx\n--qos=short\n"
                             "/path/with space/job.sh\n");
    free(rec);
    socm_strv_free(&args);

    struct socm_squeue q;
    struct socm_strv ids = SOCM_STRV_INIT;
    socm_strv_push(&ids, "7");
    socm_strv_push(&ids, "8");
    assert_int_equal(socm_slurm_squeue("socm-x", &ids, &q, &err), 0);
    assert_int_equal(q.n, 1);
    assert_int_equal(q.v[0].state, SOCM_SLURM_RUNNING);
    socm_squeue_free(&q);
    rec = slurp("squeue.args");
    assert_non_null(strstr(rec, "--name=socm-x\n--jobs=7,8\n"));
    free(rec);

    struct socm_sacct s;
    assert_int_equal(socm_slurm_sacct("socm-x", NULL, "2026-11-24T00:00:00", &s, &err), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(socm_sacct_job_max_rss_kib(&s, 7, NULL), 2097152);
    socm_sacct_free(&s);
    rec = slurp("sacct.args");
    assert_non_null(strstr(rec, "-P\n--format=" SOCM_SACCT_FORMAT "\n--starttime=2026-11-24T00:00:00\n--name=socm-x\n"));
    free(rec);

    /* A refusal carries Slurm's message and says whether to retry. */
    assert_int_equal(socm_slurm_scancel(&ids, &err), -1);
    assert_non_null(strstr(err.msg, "Socket timed out"));
    assert_true(socm_slurm_error_retryable(err.msg));
    socm_strv_free(&ids);
}

static void test_hostnames_and_counts(void **state)
{
    (void)state;
    struct socm_error err = {0};
    size_t before = socm_slurm_calls(SOCM_SLURM_SCONTROL);
    struct socm_strv names = SOCM_STRV_INIT;
    assert_int_equal(socm_slurm_hostnames("n[1-2],m", &names, &err), 0);
    assert_int_equal(names.n, 3);
    assert_string_equal(names.v[0], "n1");
    assert_string_equal(names.v[2], "m");
    /* The fake exits 1 for any other list: a failure, nothing added. */
    assert_int_equal(socm_slurm_hostnames("x", &names, &err), -1);
    assert_int_equal(names.n, 3);
    assert_int_equal(socm_slurm_calls(SOCM_SLURM_SCONTROL), before + 2);
    assert_string_equal(socm_slurm_cmd_name(SOCM_SLURM_SCONTROL), "scontrol");
    socm_strv_free(&names);
}

static void test_squeue_left_queue_is_an_answer(void **state)
{
    (void)state;
    write_script("squeue", "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1\n");
    struct socm_error err = {0};
    struct socm_strv ids = SOCM_STRV_INIT;
    socm_strv_push(&ids, "99");
    struct socm_squeue q;
    assert_int_equal(socm_slurm_squeue(NULL, &ids, &q, &err), 0);
    assert_int_equal(q.n, 0);
    socm_squeue_free(&q);
    write_script("squeue", "echo 'squeue: error: Unable to contact slurm controller' >&2; exit 1\n");
    assert_int_equal(socm_slurm_squeue(NULL, &ids, &q, &err), -1);
    assert_non_null(strstr(err.msg, "Unable to contact"));
    socm_squeue_free(&q);
    socm_strv_free(&ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrappers_pass_argv_verbatim),
        cmocka_unit_test(test_hostnames_and_counts),
        cmocka_unit_test(test_squeue_left_queue_is_an_answer),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

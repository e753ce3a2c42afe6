/* test_history.c — the run history: rows round-trip, the file is private, filters
 * and prune select the right rows, two processes writing at once lose nothing,
 * batches commit together, workflow features (numeric, categorical, MD5 of file:// inputs), job names
 * without split suffixes, and sacct lines become elapsed / max RSS / CPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "predict/history.h"
#include "slurm/slurm.h"
#include "util/str.h"

#include <jansson.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>


static char *dbpath(const char *name) { return socm_asprintf("%s/%s", tmpdir, name); }

static void fill_run(struct socm_history_run *r, const char *job, double elapsed)
{
    memset(r, 0, sizeof *r);
    r->job_name = socm_strdup(job);
    r->workflow = socm_strdup("generic");
    r->command = socm_strdup("prog --n 3");
    r->categorical_json = socm_strdup("{\"mode\":\"fast\"}");
    r->numeric_json = socm_strdup("{\"n\":3,\"ranks\":1,\"threads\":1}");
    r->elapsed_s = elapsed;
    r->max_rss_mb = 12.5;
    r->cpu_s = 3.25;
    r->state = socm_strdup(SOCM_HISTORY_COMPLETED);
    r->resource = socm_strdup("local");
    r->location = socm_strdup("local");
    r->finished_at = 1000 + elapsed;
}

static void test_round_trip_and_private_file(void **state)
{
    (void)state;
    char *p = dbpath("sub/dir/h.db");
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err);
    assert_non_null(h);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    struct socm_history_run r;
    fill_run(&r, "job-a", 42);
    r.req_memory_mb = 100;
    r.req_runtime_min = 5;
    r.ranks = 4;
    r.threads = 2;
    assert_int_equal(socm_history_record(h, &r, &err), 0);
    assert_true(r.id > 0);
    int64_t id = r.id;
    socm_history_run_clear(&r);

    struct socm_history_runs runs = {0};
    struct socm_history_filter f = {.id = id};
    assert_int_equal(socm_history_query(h, &f, &runs, &err), 0);
    assert_int_equal(runs.n, 1);
    struct socm_history_run *g = &runs.v[0];
    assert_string_equal(g->job_name, "job-a");
    assert_string_equal(g->command, "prog --n 3");
    assert_string_equal(g->categorical_json, "{\"mode\":\"fast\"}");
    assert_int_equal(g->ranks, 4);
    assert_int_equal(g->threads, 2);
    assert_true(g->elapsed_s == 42 && g->max_rss_mb == 12.5 && g->cpu_s == 3.25);
    assert_true(g->req_memory_mb == 100 && g->req_runtime_min == 5);
    assert_true(g->recorded_at > 1e9);
    socm_history_runs_free(&runs);
    socm_history_close(h);
    free(p);
}

/* socm_history_add batches: another reader sees nothing until the commit, then all;
 * close commits what is still open. */
static void test_batch_commit(void **state)
{
    (void)state;
    char *p = dbpath("batch.db");
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err), *other = socm_history_open(p, &err);
    assert_non_null(h);
    assert_non_null(other);
    assert_int_equal(socm_history_commit(h, &err), 0); /* none open: nothing to do */
    for (int i = 0; i < 3; i++) {
        struct socm_history_run r;
        fill_run(&r, "job-b", 10 + i);
        assert_int_equal(socm_history_add(h, &r, &err), 0);
        socm_history_run_clear(&r);
    }
    int64_t n = -1;
    assert_int_equal(socm_history_count(other, NULL, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(socm_history_commit(h, &err), 0);
    assert_int_equal(socm_history_count(other, NULL, &n, &err), 0);
    assert_int_equal(n, 3);
    struct socm_history_run r;
    fill_run(&r, "job-c", 5);
    assert_int_equal(socm_history_add(h, &r, &err), 0);
    socm_history_run_clear(&r);
    fill_run(&r, "job-d", 6); /* a record of its own commits the open batch first */
    assert_int_equal(socm_history_record(h, &r, &err), 0);
    socm_history_run_clear(&r);
    assert_int_equal(socm_history_count(other, NULL, &n, &err), 0);
    assert_int_equal(n, 5);
    fill_run(&r, "job-e", 7);
    assert_int_equal(socm_history_add(h, &r, &err), 0);
    socm_history_run_clear(&r);
    socm_history_close(h);
    assert_int_equal(socm_history_count(other, NULL, &n, &err), 0);
    assert_int_equal(n, 6);

    /* Another process holds the database: the commit keeps the runs, after 0.1 s at
     * most (a manager's loop never waits out the 60 s busy timeout), and writes them
     * at the next commit once the database is free. */
    h = socm_history_open(p, &err);
    assert_non_null(h);
    assert_int_equal(sqlite3_exec(socm_history_sqlite(other), "BEGIN IMMEDIATE;", NULL, NULL, NULL),
                     SQLITE_OK);
    fill_run(&r, "job-f", 8);
    assert_int_equal(socm_history_add(h, &r, &err), 0);
    assert_null(r.job_name); /* taken */
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(socm_history_commit(h, &err), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9 < 1.0);
    assert_int_equal(sqlite3_exec(socm_history_sqlite(other), "COMMIT;", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(socm_history_commit(h, &err), 0);
    assert_int_equal(socm_history_count(other, NULL, &n, &err), 0);
    assert_int_equal(n, 7);
    socm_history_close(h);
    socm_history_close(other);
    free(p);
}

static void test_filters_and_prune(void **state)
{
    (void)state;
    char *p = dbpath("prune.db");
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err);
    assert_non_null(h);
    for (int i = 0; i < 10; i++) {
        struct socm_history_run r;
        fill_run(&r, i % 2 ? "odd" : "even", i); /* finished_at = 1000 + i */
        assert_int_equal(socm_history_record(h, &r, &err), 0);
        socm_history_run_clear(&r);
    }
    int64_t n = 0;
    struct socm_history_filter odd = {.job_name = "odd"};
    assert_int_equal(socm_history_count(h, &odd, &n, &err), 0);
    assert_int_equal(n, 5);
    /* prune odd runs finished before 1005: i = 1, 3 */
    struct socm_history_filter old_odd = {.job_name = "odd", .finished_before = 1005};
    int64_t del = 0;
    assert_int_equal(socm_history_prune(h, &old_odd, &del, &err), 0);
    assert_int_equal(del, 2);
    assert_int_equal(socm_history_count(h, NULL, &n, &err), 0);
    assert_int_equal(n, 8);
    struct socm_history_runs runs = {0};
    struct socm_history_filter newest = {.limit = 3};
    assert_int_equal(socm_history_query(h, &newest, &runs, &err), 0);
    assert_int_equal(runs.n, 3);
    assert_true(runs.v[0].id > runs.v[1].id);
    assert_true(runs.v[0].elapsed_s == 9);
    socm_history_runs_free(&runs);

    /* without finished_at, a run's age is when it was recorded */
    struct socm_history_run r;
    fill_run(&r, "nofinish", 0);
    r.finished_at = 0;
    r.recorded_at = 500; /* long ago */
    assert_int_equal(socm_history_record(h, &r, &err), 0);
    socm_history_run_clear(&r);
    fill_run(&r, "nofinish", 0);
    r.finished_at = 0; /* recorded now */
    assert_int_equal(socm_history_record(h, &r, &err), 0);
    socm_history_run_clear(&r);
    struct socm_history_filter old = {.job_name = "nofinish", .finished_before = 1005};
    assert_int_equal(socm_history_prune(h, &old, &del, &err), 0);
    assert_int_equal(del, 1);
    socm_history_close(h);
    free(p);
}

/* Two processes each insert many rows into one (new) database at the same time. */
static void test_concurrent_writers_lose_nothing(void **state)
{
    (void)state;
    char *p = dbpath("concurrent.db");
    enum { PER_CHILD = 300, CHILDREN = 2 };
    pid_t pids[CHILDREN];
    for (int c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        assert_true(pids[c] >= 0);
        if (pids[c] == 0) {
            struct socm_error err = {0};
            struct socm_history *h = socm_history_open(p, &err);
            if (!h) {
                fprintf(stderr, "child open: %s\n", err.msg);
                _exit(1);
            }
            for (int i = 0; i < PER_CHILD; i++) {
                struct socm_history_run r;
                fill_run(&r, c ? "child1" : "child0", i);
                if (socm_history_record(h, &r, &err) != 0) {
                    fprintf(stderr, "child record: %s\n", err.msg);
                    _exit(1);
                }
                socm_history_run_clear(&r);
            }
            socm_history_close(h);
            _exit(0);
        }
    }
    for (int c = 0; c < CHILDREN; c++) {
        int status = 0;
        assert_int_equal(waitpid(pids[c], &status, 0), pids[c]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err);
    assert_non_null(h);
    int64_t n = 0;
    struct socm_history_filter f0 = {.job_name = "child0"}, f1 = {.job_name = "child1"};
    assert_int_equal(socm_history_count(h, &f0, &n, &err), 0);
    assert_int_equal(n, PER_CHILD);
    assert_int_equal(socm_history_count(h, &f1, &n, &err), 0);
    assert_int_equal(n, PER_CHILD);
    socm_history_close(h);
    free(p);
}

static void add(struct socm_value *t, const char *k, struct socm_value *v)
{
    assert_int_equal(socm_table_add(t, k, strlen(k), NULL, v), 0);
}

static struct socm_value *str(const char *s) { return socm_value_string(s, strlen(s), NULL); }

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_features_md5_and_exclusions(void **state)
{
    (void)state;
    char *fa = dbpath("a.txt"), *fb = dbpath("b.txt"), *fa2 = dbpath("a-copy.txt");
    write_file(fa, "abc");
    write_file(fa2, "abc");
    write_file(fb, "other content");
    struct socm_workflow wf = {0};
    wf.name = "mapmaker_split_2";
    wf.type = "generic";
    wf.res.ranks = 8;
    wf.res.threads = 4;
    wf.fields = socm_value_table(NULL);
    add(wf.fields, "name", str("mapmaker_split_2"));
    add(wf.fields, "executable", str("/bin/prog"));
    add(wf.fields, "output_dir", str("/out"));
    add(wf.fields, "query", str("file:///some/query.txt"));
    add(wf.fields, "bands", str("f090"));
    add(wf.fields, "maxiter", socm_value_integer(200, NULL));
    add(wf.fields, "scale", socm_value_float(0.5, NULL));
    struct socm_value *arr = socm_value_array(NULL);
    socm_array_push(arr, socm_value_integer(4, NULL));
    socm_array_push(arr, socm_value_integer(2, NULL));
    add(wf.fields, "downsample", arr);
    char *url = socm_asprintf("file://%s", fa);
    add(wf.fields, "area", str(url));

    char *cat = NULL, *num = NULL;
    struct socm_error err = {0};
    assert_int_equal(socm_history_features(&wf, &cat, &num, &err), 0);
    /* md5("abc") = 900150983cd24fb0d6963f7d28e17f72 */
    assert_string_equal(cat, "{\"area\":\"md5:900150983cd24fb0d6963f7d28e17f72\",\"bands\":\"f090\"}");
    json_t *n = json_loads(num, 0, NULL);
    assert_non_null(n);
    assert_int_equal(json_integer_value(json_object_get(n, "maxiter")), 200);
    assert_true(json_real_value(json_object_get(n, "scale")) == 0.5);
    assert_int_equal(json_array_size(json_object_get(n, "downsample")), 2);
    assert_int_equal(json_integer_value(json_object_get(n, "ranks")), 8);
    assert_int_equal(json_integer_value(json_object_get(n, "threads")), 4);
    assert_int_equal(json_object_size(n), 5);
    json_decref(n);

    /* the same content under another name is the same category; other content is not */
    char *cat2 = NULL, *num2 = NULL;
    char *url2 = socm_asprintf("file://%s", fa2);
    socm_table_set(wf.fields, "area", str(url2));
    assert_int_equal(socm_history_features(&wf, &cat2, &num2, &err), 0);
    assert_string_equal(cat, cat2);
    free(cat2);
    free(num2);
    char *url3 = socm_asprintf("file://%s", fb);
    socm_table_set(wf.fields, "area", str(url3));
    assert_int_equal(socm_history_features(&wf, &cat2, &num2, &err), 0);
    assert_string_not_equal(cat, cat2);

    char *jn = socm_history_job_name(&wf);
    assert_string_equal(jn, "mapmaker");
    free(jn);
    wf.name = "a_split_x";
    jn = socm_history_job_name(&wf);
    assert_string_equal(jn, "a_split_x");
    free(jn);
    wf.job_name = "grouped";
    jn = socm_history_job_name(&wf);
    assert_string_equal(jn, "grouped");
    free(jn);

    free(cat);
    free(num);
    free(cat2);
    free(num2);
    free(url);
    free(url2);
    free(url3);
    free(fa);
    free(fa2);
    free(fb);
    socm_value_free(wf.fields);
}

static void test_sacct_measures(void **state)
{
    (void)state;
    const char *text = "JobID|Elapsed|MaxRSS|NTasks|TotalCPU|State\n"
                       "77|00:02:00||||COMPLETED\n"
                       "77.batch|00:02:00|1024K|1|00:00:01|COMPLETED\n"
                       "77.0|00:01:50|10M|4|00:06:00|COMPLETED\n"
                       "78|00:09:00||||FAILED\n";
    struct socm_sacct acct;
    struct socm_history_run r = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_sacct_parse(text, &acct, &err), 0);
    assert_int_equal(socm_history_run_from_sacct(&acct, "77", &r, &err), 0);
    assert_true(r.elapsed_s == 120);
    assert_true(r.max_rss_mb == 40); /* 10M x 4 tasks */
    assert_true(r.cpu_s == 361);     /* job line empty: sum of steps */
    assert_string_equal(r.state, "COMPLETED");
    assert_string_equal(r.location, "77");
    assert_int_equal(socm_history_run_from_sacct(&acct, "77.0", &r, &err), 0);
    assert_true(r.elapsed_s == 110 && r.max_rss_mb == 40 && r.cpu_s == 360);
    assert_int_equal(socm_history_run_from_sacct(&acct, "79", &r, &err), -1);
    socm_history_run_clear(&r);
    socm_sacct_free(&acct);
}

/* A real local run: a child touching 80 MB for ~0.3 s is recorded with its peak RSS
 * and elapsed time as measured through wait4. */
static void test_local_run_measures(void **state)
{
    (void)state;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        size_t n = 80u << 20;
        volatile char *p = malloc(n);
        for (size_t i = 0; i < n; i += 4096)
            p[i] = 1;
        struct timespec d = {0, 300000000};
        nanosleep(&d, NULL);
        _exit(p[4096] == 1 ? 0 : 1);
    }
    int status = 0;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct socm_history_run r;
    fill_run(&r, "local-run", 0);
    socm_history_run_set_rusage(&r, &ru, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    char *p = dbpath("local.db");
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err);
    assert_non_null(h);
    assert_int_equal(socm_history_record(h, &r, &err), 0);
    struct socm_history_runs runs = {0};
    struct socm_history_filter f = {.id = r.id};
    assert_int_equal(socm_history_query(h, &f, &runs, &err), 0);
    assert_int_equal(runs.n, 1);
    assert_true(runs.v[0].max_rss_mb >= 80 && runs.v[0].max_rss_mb < 80 + 40);
    assert_true(runs.v[0].elapsed_s >= 0.3 && runs.v[0].elapsed_s < 5);
    assert_string_equal(runs.v[0].location, "local");
    socm_history_runs_free(&runs);
    socm_history_run_clear(&r);
    socm_history_close(h);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_private_file),
        cmocka_unit_test(test_batch_commit),
        cmocka_unit_test(test_filters_and_prune),
        cmocka_unit_test(test_concurrent_writers_lose_nothing),
        cmocka_unit_test(test_features_md5_and_exclusions),
        cmocka_unit_test(test_sacct_measures),
        cmocka_unit_test(test_local_run_measures),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

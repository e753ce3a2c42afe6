/* test_journal.c — the event journal: append/replay, a torn last line is ignored
 * (and truncated before the next append), a corrupted line before the end is an
 * error naming the line; the bookkeeper's replay of every event kind rebuilds the
 * campaign and workflow states; the run spec survives its JSON round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "manager/bookkeeper.h"
#include "state/journal.h"
#include "state/spec.h"
#include "util/crc32c.h"
#include "util/proc.h"
#include "util/str.h"

#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/socm-test-journal-XXXXXX");
    assert_non_null(mkdtemp(dir));
    strcat(dir, "/state");
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
    char *slash = strrchr(dir, '/'); /* the test's own temporary directory */
    *slash = '\0';
    assert_int_equal(nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
    return 0;
}

static void append_raw(const char *text)
{
    char *p = socm_journal_path(dir);
    int fd = open(p, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    free(p);
}

struct collect {
    int n;
    json_int_t ids[16];
};
static int collect_cb(void *ctx, json_t *ev, size_t line, struct socm_error *err)
{
    struct collect *c = ctx;
    c->ids[c->n++] = json_integer_value(json_object_get(ev, "id"));
    return 0;
}

/* A new journal holding log events with ids 1..n. */
static void journal_of_logs(int n)
{
    struct socm_journal j;
    struct socm_error err = {0};
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), 0);
    for (int i = 1; i <= n; i++)
        assert_int_equal(socm_journal_write(&j, json_pack("{s:s,s:i}", "ev", "log", "id", i), &err), 0);
    socm_journal_close(&j);
}

static void test_append_replay_modes(void **state)
{
    (void)state;
    struct socm_journal j;
    struct socm_error err = {0};
    journal_of_logs(3);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char *p = socm_journal_path(dir);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    free(p);
    /* a fresh run must not mix with an existing journal */
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), -1);
    assert_non_null(strstr(err.msg, "socm resume"));

    struct collect c = {0};
    long long valid = 0;
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, &valid, &err), 0);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.ids[2], 3);
    assert_true(valid > 0);
}

static off_t journal_size(void)
{
    char *p = socm_journal_path(dir);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    free(p);
    return st.st_size;
}

/* Group commit: appended events stay in memory (nothing on disk could be acted upon
 * half-way); sync writes the whole group at once; flush writes without syncing;
 * close writes what is left. */
static void test_group_commit(void **state)
{
    (void)state;
    struct socm_journal j;
    struct socm_error err = {0};
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), 0);
    for (int i = 1; i <= 5; i++) {
        json_t *e = json_pack("{s:s,s:i}", "ev", "log", "id", i);
        assert_int_equal(socm_journal_append(&j, e, &err), 0);
        json_decref(e);
    }
    assert_int_equal(journal_size(), 0);
    assert_int_equal(j.unsynced, 5);
    assert_int_equal(socm_journal_sync(&j, &err), 0);
    assert_int_equal(j.unsynced, 0);
    off_t after_sync = journal_size();
    struct collect c = {0};
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, NULL, &err), 0);
    assert_int_equal(c.n, 5);
    assert_int_equal(c.ids[4], 5);

    json_t *e = json_pack("{s:s,s:i}", "ev", "log", "id", 6);
    assert_int_equal(socm_journal_append(&j, e, &err), 0);
    json_decref(e);
    assert_int_equal(journal_size(), after_sync);
    assert_int_equal(socm_journal_flush(&j, &err), 0);
    assert_true(journal_size() > after_sync);
    assert_int_equal(j.unsynced, 1); /* written, not yet durable */
    off_t after_flush = journal_size();

    e = json_pack("{s:s,s:i}", "ev", "log", "id", 7);
    assert_int_equal(socm_journal_append(&j, e, &err), 0);
    json_decref(e);
    socm_journal_close(&j);
    assert_true(journal_size() > after_flush);
    memset(&c, 0, sizeof c);
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, NULL, &err), 0);
    assert_int_equal(c.n, 7);
    assert_int_equal(c.ids[6], 7);
}

static void test_torn_last_line(void **state)
{
    (void)state;
    struct socm_journal j;
    struct socm_error err = {0};
    journal_of_logs(1);
    append_raw("{\"ev\":\"log\",\"id\":2,\"t\":1"); /* the crash cut it */
    struct collect c = {0};
    long long valid = 0;
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, &valid, &err), 0);
    assert_int_equal(c.n, 1);
    /* reopening truncates the torn tail, so the next event is a line of its own */
    assert_int_equal(socm_journal_open(&j, dir, false, valid, &err), 0);
    assert_int_equal(socm_journal_write(&j, json_pack("{s:s,s:i}", "ev", "log", "id", 3), &err), 0);
    socm_journal_close(&j);
    memset(&c, 0, sizeof c);
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, NULL, &err), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(c.ids[1], 3);
}

static void test_corrupt_middle_line(void **state)
{
    (void)state;
    struct socm_journal j;
    struct socm_error err = {0};
    journal_of_logs(1);
    append_raw("{\"ev\":\"log\",\"id\":2,GARBAGE}\n");
    append_raw("{\"ev\":\"log\",\"id\":3}\n");
    struct collect c = {0};
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "journal.jsonl:2:"));
    assert_non_null(strstr(err.msg, "corrupt"));
    /* a complete line that is valid JSON but not an event is corruption too */
    teardown(NULL);
    setup(NULL);
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), 0);
    socm_journal_close(&j);
    append_raw("[1,2]\n{\"ev\":\"log\"}\n");
    assert_int_equal(socm_journal_replay(dir, NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, ":1:"));
}

/* The journal's text, whole. */
static char *read_journal(void)
{
    char *p = socm_journal_path(dir);
    FILE *f = fopen(p, "r");
    free(p);
    assert_non_null(f);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void write_journal(const char *text)
{
    char *p = socm_journal_path(dir);
    FILE *f = fopen(p, "w");
    free(p);
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_crc32c_vector(void **state)
{
    (void)state;
    assert_int_equal(socm_crc32c("123456789", 9), 0xe3069283u);
    assert_int_equal(socm_crc32c("", 0), 0);
    /* piece by piece, as a long line is checksummed while it is written */
    uint32_t c = socm_crc32c_update(0, "1234", 4);
    assert_int_equal(socm_crc32c_update(c, "56789", 5), 0xe3069283u);
}

/* A middle line replaced by a different, well-formed event (a DONE workflow put back
 * to NEW) is refused, whether it kept the old checksum or carries none. */
static void test_checksum_refuses_replaced_line(void **state)
{
    (void)state;
    struct socm_error err = {0};
    journal_of_logs(3);
    char *text = socm_strdup(read_journal());
    assert_non_null(strstr(text, ",\"crc\":\""));
    char *l2 = strchr(text, '\n') + 1;
    char *id = strstr(l2, "\"id\":2");
    assert_non_null(id);
    id[5] = '7'; /* same length, same checksum field, different event */
    write_journal(text);
    struct collect c = {0};
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "journal.jsonl:2:"));
    assert_non_null(strstr(err.msg, "checksum mismatch"));
    assert_int_equal(c.n, 1);
    /* the same line without any checksum */
    char *crc = strstr(l2, ",\"crc\":\"");
    char *rest = strchr(crc, '}');
    memmove(crc, rest, strlen(rest) + 1);
    write_journal(text);
    assert_int_equal(socm_journal_replay(dir, NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "journal.jsonl:2:"));
    assert_non_null(strstr(err.msg, "no checksum"));
    free(text);
}

/* A journal written before checksums reads, and can be continued. */
static void test_legacy_journal_reads(void **state)
{
    (void)state;
    struct socm_error err = {0};
    struct socm_journal j;
    journal_of_logs(0);
    write_journal("{\"ev\":\"log\",\"id\":1}\n{\"ev\":\"log\",\"id\":2}\n");
    struct collect c = {0};
    long long valid = 0;
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, &valid, &err), 0);
    assert_int_equal(c.n, 2);
    assert_int_equal(socm_journal_open(&j, dir, false, valid, &err), 0);
    assert_int_equal(socm_journal_write(&j, json_pack("{s:s,s:i}", "ev", "log", "id", 3), &err), 0);
    socm_journal_close(&j);
    memset(&c, 0, sizeof c);
    assert_int_equal(socm_journal_replay(dir, collect_cb, &c, NULL, &err), 0);
    assert_int_equal(c.n, 3);
    /* once sealed, an unsealed line after it is damage */
    append_raw("{\"ev\":\"log\",\"id\":4}\n");
    assert_int_equal(socm_journal_replay(dir, NULL, NULL, NULL, &err), -1);
    assert_non_null(strstr(err.msg, "journal.jsonl:4:"));
}

static void make_spec(struct socm_spec *s)
{
    memset(s, 0, sizeof *s);
    s->campaign = socm_strdup("unit");
    s->state_dir = socm_strdup(dir);
    s->enactor = socm_strdup("local");
    s->deadline_min = 60;
    s->makespan_min = 3;
    s->plan_cores = 2;
    s->grace_s = 1;
    s->hook_timeout_s = 5;
    s->retry_backoff_s = 0.5;
    socm_strv_push(&s->hooks[SOCM_HOOK_WF_DONE], "echo");
    socm_strv_push(&s->hooks[SOCM_HOOK_WF_DONE], "{workflow}");
    s->n = 4;
    s->tasks = socm_xcalloc(4, sizeof *s->tasks);
    for (int i = 0; i < 4; i++) {
        struct socm_task *t = &s->tasks[i];
        t->id = i + 1;
        t->name = socm_asprintf("w%d", i + 1);
        socm_strv_push(&t->argv, "true");
        socm_strv_pushf(&t->env, "K=%d", i);
        t->cores = 1 + i % 2;
        t->threads = 1;
        t->memory_mb = 100;
        t->walltime_min = 1;
        t->max_retries = i == 1 ? 2 : 0;
        t->npred = i ? 1 : 0;
        t->pred = socm_xcalloc(1, sizeof *t->pred);
        t->pred[0] = i - 1;
        t->plan_start = i;
        t->plan_end = i + 1;
    }
}

static void test_spec_roundtrip(void **state)
{
    (void)state;
    struct socm_spec s, r;
    make_spec(&s);
    json_t *j = socm_spec_to_json(&s);
    struct socm_error err = {0};
    assert_int_equal(socm_spec_from_json(j, &r, &err), 0);
    assert_string_equal(r.campaign, "unit");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.tasks[3].pred[0], 2);
    assert_int_equal(r.tasks[1].max_retries, 2);
    assert_int_equal(r.tasks[1].cores, 2);
    assert_string_equal(r.tasks[2].env.v[0], "K=2");
    assert_string_equal(r.hooks[SOCM_HOOK_WF_DONE].v[1], "{workflow}");
    assert_true(r.retry_backoff_s == 0.5);
    /* a damaged record is an error, not a guess */
    json_object_del(json_array_get(json_object_get(j, "tasks"), 1), "argv");
    struct socm_spec bad;
    assert_int_equal(socm_spec_from_json(j, &bad, &err), -1);
    json_decref(j);
    socm_spec_free(&s);
    socm_spec_free(&r);
}

/* The working directories survive the journal: the campaign's once, a task's own
 * only when it differs; a journal from before working directories gives NULL (the
 * command runs in its sandbox as it did then). */
static void test_spec_workdir_roundtrip(void **state)
{
    (void)state;
    struct socm_spec s, r;
    make_spec(&s);
    s.workdir = socm_strdup("/work/camp");
    for (size_t i = 0; i < s.n; i++)
        s.tasks[i].workdir = socm_strdup(i == 2 ? "/work/other" : "/work/camp");
    json_t *j = socm_spec_to_json(&s);
    assert_null(json_object_get(json_array_get(json_object_get(j, "tasks"), 0), "workdir"));
    struct socm_error err = {0};
    assert_int_equal(socm_spec_from_json(j, &r, &err), 0);
    assert_string_equal(r.workdir, "/work/camp");
    assert_string_equal(r.tasks[0].workdir, "/work/camp");
    assert_string_equal(r.tasks[2].workdir, "/work/other");
    socm_spec_free(&r);
    json_object_del(j, "workdir");
    json_object_del(json_array_get(json_object_get(j, "tasks"), 2), "workdir");
    assert_int_equal(socm_spec_from_json(j, &r, &err), 0);
    assert_null(r.workdir);
    assert_null(r.tasks[2].workdir);
    json_decref(j);
    socm_spec_free(&s);
    socm_spec_free(&r);
}

static int keep_begin(void *ctx, json_t *ev, size_t line, struct socm_error *err)
{
    if (line == 1)
        *(json_t **)ctx = json_incref(ev);
    return 0;
}

/* The begin line of a large campaign is written piece by piece, never held whole:
 * the file holds exactly the line socm_spec_begin_line builds, sealed; replay checks
 * its checksum and reads back every task with its history, the configuration and the
 * plan (held as text by a spec built from a campaign, dropped once written). */
static void test_streamed_begin_line(void **state)
{
    (void)state;
    enum { N = 3000 }; /* some 600 KB: many pieces */
    struct socm_spec s;
    memset(&s, 0, sizeof s);
    s.campaign = socm_strdup("big");
    s.state_dir = socm_strdup(dir);
    s.enactor = socm_strdup("local");
    s.history_db = socm_strdup("/nonexistent/h.db");
    s.n = N;
    s.tasks = socm_xcalloc(N, sizeof *s.tasks);
    for (int i = 0; i < N; i++) {
        struct socm_task *t = &s.tasks[i];
        t->id = i + 1;
        t->name = socm_asprintf("w%d", i + 1);
        socm_strv_push(&t->argv, "python3");
        socm_strv_pushf(&t->argv, "--obs=%d \"\\\u00e9", i);
        t->cores = t->threads = 1;
        t->history_text = socm_asprintf("{\"job_name\":\"w%d\",\"ranks\":1}", i + 1);
    }
    /* A configuration of several pieces, the last one short. */
    char *pad = socm_xmalloc(200002);
    memset(pad, 'x', 200001);
    pad[200001] = 0;
    s.config_text = socm_asprintf("{\"campaign\":{\"name\":\"big\",\"pad\":\"%s\",\"k\":\"\\u00e9\"}}",
                                  pad);
    free(pad);
    s.plan_text = socm_strdup("{\"policy\":\"p\",\"cores\":1,\"entries\":[]}");
    char *whole = socm_spec_begin_line(&s, 100.5, 42);
    struct socm_error err = {0};
    assert_int_equal(mkdir(dir, 0700), 0);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    struct socm_journal j;
    assert_int_equal(socm_spec_journal_create(&s, 100.5, 42, &j, dfd, dir, &err), 0);
    socm_journal_close(&j);
    assert_null(s.config_text);
    assert_null(s.plan_text);
    /* byte for byte the whole line, sealed */
    size_t n = strlen(whole);
    assert_true(n > 1 << 18);
    assert_int_equal(whole[n - 1], '}');
    char tail[64];
    snprintf(tail, sizeof tail, ",\"crc\":\"%08x\"}\n", socm_crc32c(whole, n - 1));
    char *p = socm_journal_path(dir);
    FILE *f = fopen(p, "r");
    free(p);
    assert_non_null(f);
    char *text = socm_xmalloc(n + 64);
    size_t got = fread(text, 1, n + 63, f);
    fclose(f);
    assert_int_equal(got, n - 1 + strlen(tail));
    assert_memory_equal(text, whole, n - 1);
    assert_memory_equal(text + n - 1, tail, strlen(tail));
    free(text);
    free(whole);
    json_t *begin = NULL;
    assert_int_equal(socm_journal_replay(dir, keep_begin, &begin, NULL, &err), 0);
    assert_non_null(begin);
    struct socm_spec r;
    assert_int_equal(socm_spec_from_json(json_object_get(begin, "spec"), &r, &err), 0);
    assert_int_equal(r.n, N);
    assert_string_equal(r.tasks[N - 1].argv.v[1], "--obs=2999 \"\\\u00e9");
    json_t *h = socm_task_history(&r.tasks[N - 1]);
    assert_string_equal(json_string_value(json_object_get(h, "job_name")), "w3000");
    json_decref(h);
    h = socm_task_history(&s.tasks[6]); /* from the text */
    assert_string_equal(json_string_value(json_object_get(h, "job_name")), "w7");
    json_decref(h);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.config, "campaign"), "k")),
                        "\u00e9");
    assert_int_equal(json_string_length(json_object_get(json_object_get(r.config, "campaign"), "pad")),
                     200001);
    assert_string_equal(json_string_value(json_object_get(r.plan, "policy")), "p");
    json_decref(begin);
    socm_spec_free(&r);
    socm_spec_free(&s);
    close(dfd);
}

/* The reader `socm events --follow` uses: a line still being written is not read
 * until it is whole, and later lines come as the journal grows. */
static void test_reader_follows_growth(void **state)
{
    (void)state;
    struct socm_error err = {0};
    journal_of_logs(1);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    struct socm_journal_reader r;
    assert_int_equal(socm_journal_reader_open(&r, dfd, dir, &err), 0);
    json_t *e;
    size_t line;
    assert_int_equal(socm_journal_reader_next(&r, &e, &line, &err), 1);
    assert_int_equal(line, 1);
    json_decref(e);
    assert_int_equal(socm_journal_reader_next(&r, &e, &line, &err), 0);
    const char *body = "{\"ev\":\"log\",\"id\":2";
    char tail[64];
    snprintf(tail, sizeof tail, ",\"crc\":\"%08x\"}\n", socm_crc32c(body, strlen(body)));
    append_raw(body); /* half a line: not yet */
    assert_int_equal(socm_journal_reader_next(&r, &e, &line, &err), 0);
    assert_null(e);
    append_raw(tail);
    assert_int_equal(socm_journal_reader_next(&r, &e, &line, &err), 1);
    assert_int_equal(line, 2);
    assert_int_equal(json_integer_value(json_object_get(e, "id")), 2);
    json_decref(e);
    append_raw("not json\n"); /* damage is an error, with its line */
    assert_int_equal(socm_journal_reader_next(&r, &e, &line, &err), -1);
    assert_non_null(strstr(err.msg, ":3: corrupt journal event"));
    socm_journal_reader_close(&r);
    close(dfd);
}

static void ev(struct socm_journal *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *e = json_vpack_ex(NULL, 0, fmt, ap);
    va_end(ap);
    assert_non_null(e);
    struct socm_error err = {0};
    assert_int_equal(socm_journal_append(j, e, &err), 0);
    json_decref(e);
}

static void test_replay_every_kind(void **state)
{
    (void)state;
    struct socm_spec s;
    make_spec(&s);
    struct socm_journal j;
    struct socm_error err = {0};
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), 0);
    ev(&j, "{s:s,s:o,s:f,s:i}", "ev", "begin", "spec", socm_spec_to_json(&s), "t", 100.0, "pid", 4242);
    ev(&j, "{s:s,s:s}", "ev", "campaign", "state", "NEW");
    ev(&j, "{s:s,s:s}", "ev", "campaign", "state", "PLANNING");
    ev(&j, "{s:s,s:s}", "ev", "campaign", "state", "EXECUTING");
    ev(&j, "{s:s,s:i,s:s}", "ev", "wf", "id", 1, "state", "READY");
    ev(&j, "{s:s,s:i,s:s,s:i,s:[i]}", "ev", "wf", "id", 1, "state", "SUBMITTED", "attempt", 1, "cores", 1);
    ev(&j, "{s:s,s:i,s:s,s:i,s:i,s:f}", "ev", "wf", "id", 1, "state", "RUNNING", "attempt", 1, "job", 77, "t", 101.0);
    ev(&j, "{s:s,s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:f,s:f}", "ev", "wf", "id", 1, "state", "DONE", "attempt", 1,
       "exit_code", 0, "start", 101.0, "end", 103.0, "elapsed_s", 2.0, "max_rss_mb", 12.5, "cpu_s", 1.5);
    ev(&j, "{s:s,s:s}", "ev", "log", "msg", "hello");
    ev(&j, "{s:s,s:s}", "ev", "hook", "hook", "on_workflow_done");
    ev(&j, "{s:s,s:i,s:s}", "ev", "wf", "id", 2, "state", "READY");
    ev(&j, "{s:s,s:i,s:s,s:i,s:[i,i]}", "ev", "wf", "id", 2, "state", "SUBMITTED", "attempt", 1, "cores", 0, 1);
    ev(&j, "{s:s,s:i,s:i,s:i,s:s,s:f}", "ev", "retry", "id", 2, "attempt", 1, "exit_code", 3, "reason", "exit code 3",
       "not_before", 110.0);
    ev(&j, "{s:s,s:i,s:s,s:i,s:[i,i]}", "ev", "wf", "id", 2, "state", "SUBMITTED", "attempt", 2, "cores", 0, 1);
    ev(&j, "{s:s,s:i,s:s,s:i,s:i,s:s}", "ev", "wf", "id", 2, "state", "FAILED", "attempt", 2, "exit_code", 4, "reason",
       "exit code 4");
    ev(&j, "{s:s,s:i,s:s,s:s}", "ev", "wf", "id", 3, "state", "CANCELED", "reason", "predecessor w2 failed");
    ev(&j, "{s:s,s:i}", "ev", "interrupted", "signal", 15);
    ev(&j, "{s:s,s:i,s:s,s:b}", "ev", "wf", "id", 4, "state", "CANCELED", "interrupted", 1);
    ev(&j, "{s:s,s:s,s:s}", "ev", "campaign", "state", "CANCELED", "reason", "interrupted by TERM");
    socm_journal_close(&j);

    struct socm_bk *bk = socm_bk_load(dir, &err);
    assert_non_null(bk);
    assert_int_equal(bk->cstate, SOCM_C_CANCELED);
    assert_string_equal(bk->creason, "interrupted by TERM");
    assert_int_equal(bk->interrupt_signal, 15);
    assert_int_equal(bk->manager_pid, 4242);
    assert_int_equal(bk->w[0].state, SOCM_W_DONE);
    assert_int_equal(bk->w[0].job, 77);
    assert_true(bk->w[0].max_rss_mb == 12.5 && bk->w[0].elapsed_s == 2.0);
    assert_int_equal(bk->w[1].state, SOCM_W_FAILED);
    assert_int_equal(bk->w[1].attempts, 2);
    assert_int_equal(bk->w[1].exit_code, 4);
    assert_int_equal(bk->w[1].ncores, 2);
    assert_int_equal(bk->w[2].state, SOCM_W_CANCELED);
    assert_false(bk->w[2].interrupted);
    assert_string_equal(bk->w[2].reason, "predecessor w2 failed");
    assert_true(bk->w[3].interrupted);
    assert_int_equal(bk->count[SOCM_W_DONE], 1);
    assert_int_equal(bk->count[SOCM_W_FAILED], 1);
    assert_int_equal(bk->count[SOCM_W_CANCELED], 2);
    assert_int_equal(bk->count[SOCM_W_NEW], 0);
    socm_bk_free(bk);

    /* a resume event clears the interruption; an unknown workflow id is an error */
    assert_int_equal(socm_journal_open(&j, dir, false, -1, &err), 0);
    ev(&j, "{s:s,s:i}", "ev", "resume", "pid", 99);
    ev(&j, "{s:s,s:i,s:s}", "ev", "wf", "id", 4, "state", "NEW");
    socm_journal_close(&j);
    bk = socm_bk_load(dir, &err);
    assert_non_null(bk);
    assert_int_equal(bk->interrupt_signal, 0);
    assert_int_equal(bk->manager_pid, 99);
    assert_int_equal(bk->w[3].state, SOCM_W_NEW);
    assert_false(bk->w[3].interrupted);
    socm_bk_free(bk);
    assert_int_equal(socm_journal_open(&j, dir, false, -1, &err), 0);
    ev(&j, "{s:s,s:i,s:s}", "ev", "wf", "id", 9, "state", "DONE");
    socm_journal_close(&j);
    assert_null(socm_bk_load(dir, &err));
    assert_non_null(strstr(err.msg, "unknown workflow id 9"));
    socm_spec_free(&s);
}

/* A Slurm job's peak memory known only after its end (slurmdbd was down): the end
 * has max_rss_mb null (NAN: unknown, never 0), a later "acct" event brings it; one
 * for another attempt changes nothing. */
static void test_replay_late_rss(void **state)
{
    (void)state;
    struct socm_spec s;
    make_spec(&s);
    struct socm_journal j;
    struct socm_error err = {0};
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), 0);
    ev(&j, "{s:s,s:o,s:f,s:i}", "ev", "begin", "spec", socm_spec_to_json(&s), "t", 100.0, "pid", 4242);
    ev(&j, "{s:s,s:i,s:s,s:i,s:[i]}", "ev", "wf", "id", 1, "state", "SUBMITTED", "attempt", 1, "cores", 1);
    ev(&j, "{s:s,s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:n}", "ev", "wf", "id", 1, "state", "DONE", "attempt", 1,
       "exit_code", 0, "start", 101.0, "end", 103.0, "elapsed_s", 2.0, "max_rss_mb");
    socm_journal_close(&j);
    struct socm_bk *bk = socm_bk_load(dir, &err);
    assert_non_null(bk);
    assert_true(isnan(bk->w[0].max_rss_mb));
    socm_bk_free(bk);
    assert_int_equal(socm_journal_open(&j, dir, false, -1, &err), 0);
    ev(&j, "{s:s,s:i,s:i,s:f}", "ev", "acct", "id", 1, "attempt", 2, "max_rss_mb", 7.0);
    socm_journal_close(&j);
    bk = socm_bk_load(dir, &err);
    assert_non_null(bk);
    assert_true(isnan(bk->w[0].max_rss_mb));
    socm_bk_free(bk);
    assert_int_equal(socm_journal_open(&j, dir, false, -1, &err), 0);
    ev(&j, "{s:s,s:i,s:i,s:f}", "ev", "acct", "id", 1, "attempt", 1, "max_rss_mb", 42.5);
    socm_journal_close(&j);
    bk = socm_bk_load(dir, &err);
    assert_non_null(bk);
    assert_true(bk->w[0].max_rss_mb == 42.5);
    assert_int_equal(bk->w[0].state, SOCM_W_DONE);
    socm_bk_free(bk);
    socm_spec_free(&s);
}

static void test_event_before_begin(void **state)
{
    (void)state;
    struct socm_journal j;
    struct socm_error err = {0};
    assert_int_equal(socm_journal_open(&j, dir, true, -1, &err), 0);
    ev(&j, "{s:s,s:s}", "ev", "campaign", "state", "EXECUTING");
    socm_journal_close(&j);
    assert_null(socm_bk_load(dir, &err));
    assert_non_null(strstr(err.msg, "before the campaign record"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_replay_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_last_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_middle_line, setup, teardown),
        cmocka_unit_test(test_crc32c_vector),
        cmocka_unit_test_setup_teardown(test_checksum_refuses_replaced_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_journal_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spec_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spec_workdir_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reader_follows_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_streamed_begin_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replay_late_rss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_before_begin, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

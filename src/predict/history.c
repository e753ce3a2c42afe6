/* history.c — the run history database: opening it safely for several concurrent
 * socm processes (WAL, busy timeout, IMMEDIATE transactions), recording runs,
 * querying and pruning them. Features of a workflow are in history_features.c and
 * the sacct parser in history_sacct.c. */
#include "predict/history.h"

#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct socm_history {
    sqlite3 *db;
    char *path;
    /* Runs added (socm_history_add) and not yet committed. */
    struct socm_history_run *pending;
    size_t npending, cap;
};

/* How long a manager's commit waits for another process's transaction before it
 * keeps its runs for the next one: its loop must not stall (signals, launches). */
#define HISTORY_BATCH_WAIT_MS 100
/* So many runs kept (the database busy for that long) are written, however long that
 * waits, rather than held in memory without end. */
#define HISTORY_PENDING_MAX 100000

/* Long enough for another process's training transaction to finish. */
#define HISTORY_BUSY_TIMEOUT_MS 60000

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS runs ("
    " id INTEGER PRIMARY KEY,"
    " job_name TEXT NOT NULL,"
    " workflow TEXT NOT NULL DEFAULT '',"
    " command TEXT NOT NULL DEFAULT '',"
    " categorical TEXT NOT NULL DEFAULT '{}',"
    " numeric TEXT NOT NULL DEFAULT '{}',"
    " ranks INTEGER NOT NULL DEFAULT 1,"
    " threads INTEGER NOT NULL DEFAULT 1,"
    " req_memory_mb REAL NOT NULL DEFAULT 0,"
    " req_runtime_min REAL NOT NULL DEFAULT 0,"
    " elapsed_s REAL NOT NULL DEFAULT 0,"
    " max_rss_mb REAL NOT NULL DEFAULT 0,"
    " cpu_s REAL NOT NULL DEFAULT 0,"
    " state TEXT NOT NULL DEFAULT '',"
    " resource TEXT NOT NULL DEFAULT '',"
    " location TEXT NOT NULL DEFAULT '',"
    " started_at REAL NOT NULL DEFAULT 0,"
    " finished_at REAL NOT NULL DEFAULT 0,"
    " recorded_at REAL NOT NULL DEFAULT 0,"
    " campaign TEXT NOT NULL DEFAULT '',"
    " fingerprint TEXT NOT NULL DEFAULT '');"
    /* covers the per-group counts and the training query without reading rows */
    "CREATE INDEX IF NOT EXISTS runs_group ON runs(job_name, categorical, state);"
    "CREATE TABLE IF NOT EXISTS models ("
    " job_name TEXT NOT NULL,"
    " categorical TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " features TEXT NOT NULL,"
    " n_train INTEGER NOT NULL,"
    " n_test INTEGER NOT NULL,"
    " n_runs INTEGER NOT NULL,"
    " mean_pct_error REAL NOT NULL,"
    " mse REAL NOT NULL,"
    " margin REAL NOT NULL,"
    " blob BLOB NOT NULL,"
    " trained_at REAL NOT NULL,"
    " r2 REAL NOT NULL DEFAULT 0,"
    " PRIMARY KEY (job_name, categorical, target));";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

char *socm_history_default_path(void)
{
    const char *env = getenv("SOCM_HISTORY_DB");
    if (env && *env)
        return socm_strdup(env);
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && *xdg)
        return socm_asprintf("%s/socm/history.db", xdg);
    const char *home = getenv("HOME");
    return socm_asprintf("%s/.local/share/socm/history.db", home && *home ? home : ".");
}

/* mkdir -p of the directory part of `path`, new directories 0700. */
static int make_parent_dirs(const char *path, struct socm_error *err)
{
    char *dir = socm_strdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return 0;
    }
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            socm_error_errno(err, "cannot create directory %s", dir);
            free(dir);
            return -1;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    free(dir);
    return 0;
}

/* Creates the file with mode 0600 before SQLite sees it, so the history (which
 * holds command lines) is private; SQLite gives -wal/-shm the same mode. */
static int create_private(const char *path, struct socm_error *err)
{
    /* Its own name is never a link: one another user planted would have socm create
     * or write the file it points to (the directories above it may be links). */
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ELOOP)
        return socm_error_set(err, SOCM_E_SYSTEM,
                              "history database %s is a symbolic link: give the file it points to "
                              "(history_db, SOCM_HISTORY_DB)", path);
    if (fd < 0)
        return socm_error_errno(err, "cannot open history database %s", path);
    close(fd);
    return 0;
}

static int exec_sql(sqlite3 *db, const char *sql, const char *path, struct socm_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        socm_error_set(err, SOCM_E_SYSTEM, "history database %s: %s", path,
                       msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* A database made before runs knew their campaign gets the column (empty for the
 * old runs); inside setup_db's transaction. */
static int add_campaign_column(sqlite3 *db, const char *p, struct socm_error *err)
{
    sqlite3_stmt *st = NULL;
    bool has = sqlite3_prepare_v2(db, "SELECT campaign FROM runs LIMIT 0", -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    return has ? 0 : exec_sql(db, "ALTER TABLE runs ADD COLUMN campaign TEXT NOT NULL DEFAULT '';", p, err);
}

/* Models stored before R² was measured get 0 (retraining measures it). */
static int add_r2_column(sqlite3 *db, const char *p, struct socm_error *err)
{
    sqlite3_stmt *st = NULL;
    bool has = sqlite3_prepare_v2(db, "SELECT r2 FROM models LIMIT 0", -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    return has ? 0 : exec_sql(db, "ALTER TABLE models ADD COLUMN r2 REAL NOT NULL DEFAULT 0;", p, err);
}

/* A database made before imports gets the fingerprint column (empty for the old
 * runs, which an import therefore cannot recognise) and its index. */
static int add_fingerprint_column(sqlite3 *db, const char *p, struct socm_error *err)
{
    sqlite3_stmt *st = NULL;
    bool has = sqlite3_prepare_v2(db, "SELECT fingerprint FROM runs LIMIT 0", -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    if (!has && exec_sql(db, "ALTER TABLE runs ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';", p, err) != 0)
        return -1;
    return exec_sql(db, "CREATE INDEX IF NOT EXISTS runs_fingerprint ON runs(fingerprint);", p, err);
}

/* WAL mode and the schema. journal_mode=WAL needs a moment of exclusive access on
 * a new file, and SQLite answers "database is locked" at once, without the busy
 * handler, when another process is switching the same new file at that moment: so
 * a busy answer is retried for as long as the busy timeout. The schema goes in one
 * IMMEDIATE transaction so that two processes creating it do not trip over each
 * other. */
static int setup_db(sqlite3 *db, const char *p, struct socm_error *err)
{
    double t0 = socm_mono();
    for (;;) {
        if (exec_sql(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", p, err) == 0 &&
            exec_sql(db, "BEGIN IMMEDIATE;", p, err) == 0)
            break;
        int code = sqlite3_errcode(db) & 0xFF;
        if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) ||
            (socm_mono() - t0) * 1000 >= HISTORY_BUSY_TIMEOUT_MS)
            return -1;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    if (exec_sql(db, schema_sql, p, err) != 0 || add_campaign_column(db, p, err) != 0 ||
        add_fingerprint_column(db, p, err) != 0 || add_r2_column(db, p, err) != 0 ||
        exec_sql(db, "COMMIT;", p, err) != 0) {
        sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

struct socm_history *socm_history_open(const char *path, struct socm_error *err)
{
    char *p = path ? socm_strdup(path) : socm_history_default_path();
    if (make_parent_dirs(p, err) != 0 || create_private(p, err) != 0) {
        free(p);
        return NULL;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        socm_error_set(err, SOCM_E_SYSTEM, "cannot open history database %s: %s", p,
                       db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        free(p);
        return NULL;
    }
    sqlite3_busy_timeout(db, HISTORY_BUSY_TIMEOUT_MS);
    if (setup_db(db, p, err) != 0) {
        sqlite3_close(db);
        free(p);
        return NULL;
    }
    struct socm_history *h = socm_xcalloc(1, sizeof *h);
    h->db = db;
    h->path = p;
    return h;
}

static int flush_pending(struct socm_history *h, int wait_ms, struct socm_error *err);

void socm_history_close(struct socm_history *h)
{
    if (!h)
        return;
    struct socm_error e = {0};
    flush_pending(h, HISTORY_BUSY_TIMEOUT_MS, &e); /* what was added is kept, as a commit would */
    free(h->pending);
    sqlite3_close(h->db);
    free(h->path);
    free(h);
}

const char *socm_history_path(const struct socm_history *h) { return h->path; }
struct sqlite3 *socm_history_sqlite(struct socm_history *h) { return h->db; }

void socm_history_run_clear(struct socm_history_run *r)
{
    free(r->job_name);
    free(r->workflow);
    free(r->command);
    free(r->categorical_json);
    free(r->numeric_json);
    free(r->state);
    free(r->resource);
    free(r->location);
    free(r->campaign);
    free(r->fingerprint);
    memset(r, 0, sizeof *r);
}

void socm_history_runs_free(struct socm_history_runs *runs)
{
    for (size_t i = 0; i < runs->n; i++)
        socm_history_run_clear(&runs->v[i]);
    free(runs->v);
    memset(runs, 0, sizeof *runs);
}

static int db_fail(struct socm_history *h, const char *what, struct socm_error *err)
{
    return socm_error_set(err, SOCM_E_SYSTEM, "history database %s: %s: %s", h->path, what,
                          sqlite3_errmsg(h->db));
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static const char *const insert_sql =
    "INSERT INTO runs (job_name, workflow, command, categorical, numeric, ranks,"
    " threads, req_memory_mb, req_runtime_min, elapsed_s, max_rss_mb, cpu_s, state,"
    " resource, location, started_at, finished_at, recorded_at, campaign, fingerprint)"
    " SELECT ?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?1"
    " WHERE ?2 = 0 OR NOT EXISTS (SELECT 1 FROM runs WHERE fingerprint = ?1)";

/* Binds run's fields to insert_sql's 19 value parameters (the fingerprint and the
 * "only if new" flag are the named ?1 and ?2 slots, bound by the caller). */
static void bind_run(sqlite3_stmt *st, const struct socm_history_run *run)
{
    int i = 3;
    sqlite3_bind_text(st, i++, run->job_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, or_empty(run->workflow), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, or_empty(run->command), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, run->categorical_json ? run->categorical_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, run->numeric_json ? run->numeric_json : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, i++, run->ranks ? run->ranks : 1);
    sqlite3_bind_int64(st, i++, run->threads ? run->threads : 1);
    sqlite3_bind_double(st, i++, run->req_memory_mb);
    sqlite3_bind_double(st, i++, run->req_runtime_min);
    sqlite3_bind_double(st, i++, run->elapsed_s);
    sqlite3_bind_double(st, i++, run->max_rss_mb);
    sqlite3_bind_double(st, i++, run->cpu_s);
    sqlite3_bind_text(st, i++, or_empty(run->state), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, or_empty(run->resource), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, or_empty(run->location), -1, SQLITE_STATIC);
    sqlite3_bind_double(st, i++, run->started_at);
    sqlite3_bind_double(st, i++, run->finished_at);
    sqlite3_bind_double(st, i++, run->recorded_at);
    sqlite3_bind_text(st, i++, or_empty(run->campaign), -1, SQLITE_STATIC);
}

char *socm_history_fingerprint(const struct socm_history_run *r)
{
    /* every field that says what ran and what it used, doubles exactly (%a) */
    char *text = socm_asprintf(
        "%s\n%s\n%s\n%s\n%s\n%lld %lld %a %a %a %a %a\n%s\n%s\n%s\n%a %a\n%s",
        r->job_name ? r->job_name : "", or_empty(r->workflow), or_empty(r->command),
        r->categorical_json ? r->categorical_json : "{}", r->numeric_json ? r->numeric_json : "{}",
        (long long)(r->ranks ? r->ranks : 1), (long long)(r->threads ? r->threads : 1), r->req_memory_mb,
        r->req_runtime_min, r->elapsed_s, r->max_rss_mb, r->cpu_s, or_empty(r->state), or_empty(r->resource),
        or_empty(r->location), r->started_at, r->finished_at, or_empty(r->campaign));
    char hex[33];
    socm_md5_hex(text, strlen(text), hex);
    free(text);
    return socm_asprintf("md5:%s", hex);
}

/* Inserts one run inside the caller's transaction; *added = 0 when `only_new` and
 * a run with the same fingerprint is already there. */
static int insert_run(struct socm_history *h, sqlite3_stmt *st, struct socm_history_run *run, bool only_new,
                      bool *added, struct socm_error *err)
{
    if (!run->job_name || !*run->job_name)
        return socm_error_set(err, SOCM_E_INPUT, "a history record needs a job name");
    if (run->recorded_at == 0)
        run->recorded_at = now_s();
    if (!run->fingerprint)
        run->fingerprint = socm_history_fingerprint(run);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_bind_text(st, 1, run->fingerprint, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, only_new);
    bind_run(st, run);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(h, "insert run", err);
    *added = sqlite3_changes(h->db) > 0;
    if (*added)
        run->id = sqlite3_last_insert_rowid(h->db);
    return 0;
}

/* Runs `n` inserts in one IMMEDIATE transaction: all of them or none. */
static int insert_runs(struct socm_history *h, struct socm_history_run *runs, size_t n, bool only_new,
                       size_t *added, struct socm_error *err)
{
    if (flush_pending(h, HISTORY_BUSY_TIMEOUT_MS, err) != 0 ||
        exec_sql(h->db, "BEGIN IMMEDIATE;", h->path, err) != 0)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h->db, insert_sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(h, "prepare insert", err);
        sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
        return -1;
    }
    size_t count = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool one = false;
        rc = insert_run(h, st, &runs[i], only_new, &one, err);
        count += one;
    }
    sqlite3_finalize(st);
    if (rc == 0 && exec_sql(h->db, "COMMIT;", h->path, err) == 0) {
        *added = count;
        return 0;
    }
    sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
    for (size_t i = 0; i < n; i++) /* nothing of it was kept */
        runs[i].id = 0;
    return -1;
}

int socm_history_record(struct socm_history *h, struct socm_history_run *run,
                        struct socm_error *err)
{
    size_t added = 0;
    return insert_runs(h, run, 1, false, &added, err);
}

/* A batch: the manager records every attempt that ended in one turn of its loop in
 * one transaction, committed with its journal's group commit. One commit per attempt
 * cost ~20 system calls and a WAL frame per touched page for each workflow. The runs
 * wait in memory until then, so a database another process holds (a long `history
 * import`, training) delays them, never the manager's loop. */
int socm_history_add(struct socm_history *h, struct socm_history_run *run, struct socm_error *err)
{
    (void)err;
    if (h->npending == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 64;
        h->pending = socm_xrealloc(h->pending, h->cap * sizeof *h->pending);
    }
    h->pending[h->npending++] = *run;
    memset(run, 0, sizeof *run); /* the run's strings are the history's now */
    return 0;
}

static void drop_pending(struct socm_history *h)
{
    for (size_t i = 0; i < h->npending; i++)
        socm_history_run_clear(&h->pending[i]);
    h->npending = 0;
}

/* Writes the pending runs in one transaction, waiting at most wait_ms for another
 * process's. 0 written (or none), 1 busy: kept for the next try, -1 failed: the runs
 * are dropped (a full disk must not grow memory). */
static int flush_pending(struct socm_history *h, int wait_ms, struct socm_error *err)
{
    if (h->npending == 0)
        return 0;
    sqlite3_busy_timeout(h->db, wait_ms);
    int rc = exec_sql(h->db, "BEGIN IMMEDIATE;", h->path, err);
    sqlite3_busy_timeout(h->db, HISTORY_BUSY_TIMEOUT_MS);
    if (rc != 0) {
        int code = sqlite3_errcode(h->db) & 0xFF;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            return 1;
        drop_pending(h);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h->db, insert_sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(h, "prepare insert", err);
        sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
        drop_pending(h);
        return -1;
    }
    rc = 0;
    for (size_t i = 0; i < h->npending && rc == 0; i++) {
        bool one = false;
        rc = insert_run(h, st, &h->pending[i], false, &one, err);
    }
    sqlite3_finalize(st);
    if (rc == 0 && exec_sql(h->db, "COMMIT;", h->path, err) == 0) {
        drop_pending(h);
        return 0;
    }
    sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
    drop_pending(h);
    return -1;
}

int socm_history_commit(struct socm_history *h, struct socm_error *err)
{
    if (!h)
        return 0;
    return flush_pending(h, h->npending >= HISTORY_PENDING_MAX ? HISTORY_BUSY_TIMEOUT_MS
                                                               : HISTORY_BATCH_WAIT_MS,
                         err);
}

int socm_history_import(struct socm_history *h, struct socm_history_run *runs, size_t n, size_t *added,
                        struct socm_error *err)
{
    *added = 0;
    return insert_runs(h, runs, n, true, added, err);
}

/* Appends " AND ..." clauses for the filter; binds them in the same order. */
static void filter_where(const struct socm_history_filter *f, struct socm_buf *sql, bool use_id)
{
    socm_buf_puts(sql, " WHERE 1=1");
    if (!f)
        return;
    if (f->job_name)
        socm_buf_puts(sql, " AND job_name = ?");
    if (f->categorical_json)
        socm_buf_puts(sql, " AND categorical = ?");
    if (f->finished_before != 0)
        /* a run that never said when it finished counts by when it was recorded */
        socm_buf_puts(sql, " AND (CASE WHEN finished_at > 0 THEN finished_at ELSE recorded_at END) < ?");
    if (f->state)
        socm_buf_puts(sql, " AND state = ?");
    if (f->campaign)
        socm_buf_puts(sql, " AND campaign = ?");
    if (use_id && f->id)
        socm_buf_puts(sql, " AND id = ?");
}

static void filter_bind(const struct socm_history_filter *f, sqlite3_stmt *st, bool use_id)
{
    int i = 1;
    if (!f)
        return;
    if (f->job_name)
        sqlite3_bind_text(st, i++, f->job_name, -1, SQLITE_STATIC);
    if (f->categorical_json)
        sqlite3_bind_text(st, i++, f->categorical_json, -1, SQLITE_STATIC);
    if (f->finished_before != 0)
        sqlite3_bind_double(st, i++, f->finished_before);
    if (f->state)
        sqlite3_bind_text(st, i++, f->state, -1, SQLITE_STATIC);
    if (f->campaign)
        sqlite3_bind_text(st, i++, f->campaign, -1, SQLITE_STATIC);
    if (use_id && f->id)
        sqlite3_bind_int64(st, i++, f->id);
}

/* Prepares sql (which is freed) and binds the filter's values to its WHERE clause;
 * NULL if SQLite refuses it. */
static sqlite3_stmt *prepare_filtered(struct socm_history *h, struct socm_buf *sql,
                                      const struct socm_history_filter *f, bool use_id)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h->db, sql->data, -1, &st, NULL);
    socm_buf_free(sql);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return NULL;
    }
    filter_bind(f, st, use_id);
    return st;
}

static char *col_text(sqlite3_stmt *st, int c)
{
    const unsigned char *t = sqlite3_column_text(st, c);
    return socm_strdup(t ? (const char *)t : "");
}

static void read_row(sqlite3_stmt *st, struct socm_history_run *r)
{
    int c = 0;
    r->id = sqlite3_column_int64(st, c++);
    r->job_name = col_text(st, c++);
    r->workflow = col_text(st, c++);
    r->command = col_text(st, c++);
    r->categorical_json = col_text(st, c++);
    r->numeric_json = col_text(st, c++);
    r->ranks = sqlite3_column_int64(st, c++);
    r->threads = sqlite3_column_int64(st, c++);
    r->req_memory_mb = sqlite3_column_double(st, c++);
    r->req_runtime_min = sqlite3_column_double(st, c++);
    r->elapsed_s = sqlite3_column_double(st, c++);
    r->max_rss_mb = sqlite3_column_double(st, c++);
    r->cpu_s = sqlite3_column_double(st, c++);
    r->state = col_text(st, c++);
    r->resource = col_text(st, c++);
    r->location = col_text(st, c++);
    r->started_at = sqlite3_column_double(st, c++);
    r->finished_at = sqlite3_column_double(st, c++);
    r->recorded_at = sqlite3_column_double(st, c++);
    r->campaign = col_text(st, c++);
    r->fingerprint = col_text(st, c++);
}

int socm_history_query(struct socm_history *h, const struct socm_history_filter *f,
                       struct socm_history_runs *out, struct socm_error *err)
{
    struct socm_buf sql = SOCM_BUF_INIT;
    socm_buf_puts(&sql, "SELECT id, job_name, workflow, command, categorical, numeric, ranks,"
                        " threads, req_memory_mb, req_runtime_min, elapsed_s, max_rss_mb, cpu_s,"
                        " state, resource, location, started_at, finished_at, recorded_at,"
                        " campaign, fingerprint FROM runs");
    filter_where(f, &sql, true);
    if (f && f->limit)
        socm_buf_printf(&sql, " ORDER BY id DESC LIMIT %zu", f->limit);
    else
        socm_buf_puts(&sql, " ORDER BY id");
    sqlite3_stmt *st = prepare_filtered(h, &sql, f, true);
    if (!st)
        return db_fail(h, "query runs", err);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 16;
            out->v = socm_xrealloc(out->v, out->cap * sizeof *out->v);
        }
        memset(&out->v[out->n], 0, sizeof out->v[out->n]);
        read_row(st, &out->v[out->n++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(h, "query runs", err);
    return 0;
}

int socm_history_count(struct socm_history *h, const struct socm_history_filter *f,
                       int64_t *count, struct socm_error *err)
{
    struct socm_buf sql = SOCM_BUF_INIT;
    socm_buf_puts(&sql, "SELECT count(*) FROM runs");
    filter_where(f, &sql, true);
    sqlite3_stmt *st = prepare_filtered(h, &sql, f, true);
    if (!st)
        return db_fail(h, "count runs", err);
    int rc = sqlite3_step(st);
    *count = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_fail(h, "count runs", err);
    return 0;
}

int socm_history_prune(struct socm_history *h, const struct socm_history_filter *f,
                       int64_t *deleted, struct socm_error *err)
{
    struct socm_buf sql = SOCM_BUF_INIT;
    socm_buf_puts(&sql, "DELETE FROM runs");
    filter_where(f, &sql, false);
    if (exec_sql(h->db, "BEGIN IMMEDIATE;", h->path, err) != 0) {
        socm_buf_free(&sql);
        return -1;
    }
    sqlite3_stmt *st = prepare_filtered(h, &sql, f, false);
    if (!st) {
        db_fail(h, "prune", err);
        sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
        return -1;
    }
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_fail(h, "prune", err);
        sqlite3_exec(h->db, "ROLLBACK;", NULL, NULL, NULL);
        return -1;
    }
    *deleted = sqlite3_changes(h->db);
    return exec_sql(h->db, "COMMIT;", h->path, err);
}

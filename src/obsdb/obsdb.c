/* obsdb.c — querying a sotodlib observation database (SQLite) the way sotodlib's
 * ObsDb.query does: `SELECT * FROM obs WHERE <query> ORDER BY obs_id`, on a
 * read-only connection, one statement only, values read by their stored type. */
#include "obsdb/obsdb.h"

#include "config/config.h"
#include "util/str.h"

#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void socm_obslist_free(struct socm_obslist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].obs_id);
        free(l->v[i].wafer_slots_list);
        free(l->v[i].tube_slot);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* obs_id IN ('a','b',...) from a list file, one id per line (blank lines skipped). */
static char *socm_where_from_list(const char *path, struct socm_error *err)
{
    size_t len;
    char *text = socm_file_read(path, &len, err);
    if (!text)
        return NULL;
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_puts(&b, "obs_id IN (");
    bool first = true;
    for (char *line = text; line < text + len;) {
        char *end = memchr(line, '\n', (size_t)(text + len - line));
        if (!end)
            end = text + len;
        char *s = line, *e = end;
        while (s < e && isspace((unsigned char)*s))
            s++;
        while (e > s && isspace((unsigned char)e[-1]))
            e--;
        if (e > s) {
            if (!first)
                socm_buf_putc(&b, ',');
            socm_buf_putc(&b, '\'');
            for (char *c = s; c < e; c++) {
                if (*c == '\'')
                    socm_buf_putc(&b, '\'');
                socm_buf_putc(&b, *c);
            }
            socm_buf_putc(&b, '\'');
            first = false;
        }
        line = end + 1;
    }
    socm_buf_putc(&b, ')');
    free(text);
    return socm_buf_steal(&b);
}

char *socm_obsdb_where(const char *query, const char *base_dir, struct socm_error *err)
{
    if (socm_str_startswith(query, "file://")) {
        char *path = socm_path_absolute(socm_uri_strip_file(query), base_dir);
        char *w = socm_where_from_list(path, err);
        free(path);
        return w;
    }
    char *w = socm_strdup(query);
    for (char *c = w; *c; c++)
        if (*c == '"')
            *c = '\'';
    return w;
}

static bool socm_blank(const char *s)
{
    while (*s && (isspace((unsigned char)*s) || *s == ';'))
        s++;
    return *s == '\0';
}

/* Column value as a number whatever its stored type; false when NULL or not numeric. */
static bool socm_col_number(sqlite3_stmt *st, int i, double *out)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: *out = (double)sqlite3_column_int64(st, i); return true;
    case SQLITE_FLOAT: *out = sqlite3_column_double(st, i); return true;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        char *end;
        double d = strtod(s, &end);
        if (end == s || !socm_blank(end))
            return false;
        *out = d;
        return true;
    }
    default: return false;
    }
}

/* Column value as text whatever its stored type; NULL when NULL. */
static char *socm_col_text(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: return NULL;
    case SQLITE_FLOAT: {
        struct socm_buf b = SOCM_BUF_INIT;
        socm_float_format(sqlite3_column_double(st, i), &b);
        return socm_buf_steal(&b);
    }
    default: return socm_strdup((const char *)sqlite3_column_text(st, i));
    }
}

static int socm_col_index(sqlite3_stmt *st, const char *name)
{
    for (int i = 0; i < sqlite3_column_count(st); i++)
        if (strcmp(sqlite3_column_name(st, i), name) == 0)
            return i;
    return -1;
}

struct socm_obs_cols {
    int obs_id, timestamp, n_samples, wafers, tube, az, el, pwv;
};

static int socm_obs_row(sqlite3_stmt *st, const struct socm_obs_cols *c, struct socm_obs *o,
                        struct socm_error *err)
{
    memset(o, 0, sizeof *o);
    o->obs_id = socm_col_text(st, c->obs_id);
    if (!o->obs_id)
        return socm_error_set(err, SOCM_E_INPUT, "obsdb: an observation has a NULL obs_id");
    double d;
    if (c->timestamp < 0 || !socm_col_number(st, c->timestamp, &d))
        return socm_error_set(err, SOCM_E_INPUT, "obsdb: observation %s has no numeric timestamp",
                              o->obs_id);
    o->timestamp = d;
    o->n_samples = c->n_samples >= 0 && socm_col_number(st, c->n_samples, &d) ? (int64_t)d : 0;
    o->wafer_slots_list = c->wafers >= 0 ? socm_col_text(st, c->wafers) : NULL;
    if (!o->wafer_slots_list)
        o->wafer_slots_list = socm_strdup("");
    o->tube_slot = c->tube >= 0 ? socm_col_text(st, c->tube) : NULL;
    if (!o->tube_slot)
        o->tube_slot = socm_strdup("st1");
    o->az_center = c->az >= 0 && socm_col_number(st, c->az, &d) ? d : NAN;
    o->el_center = c->el >= 0 && socm_col_number(st, c->el, &d) ? d : NAN;
    o->pwv = c->pwv >= 0 && socm_col_number(st, c->pwv, &d) ? d : 0.0;
    return 0;
}

static void socm_obslist_grow(struct socm_obslist *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = socm_xrealloc(l->v, l->cap * sizeof *l->v);
    }
}

static int socm_obsdb_has_obs_table(sqlite3 *db, const char *db_path, struct socm_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name='obs'",
                           -1, &st, NULL) != SQLITE_OK)
        return socm_error_set(err, SOCM_E_INPUT, "obsdb %s: not an SQLite database (%s)", db_path,
                              sqlite3_errmsg(db));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc == SQLITE_DONE)
        return socm_error_set(err, SOCM_E_INPUT, "obsdb %s: no `obs` table", db_path);
    return socm_error_set(err, SOCM_E_INPUT, "obsdb %s: not an SQLite database (%s)", db_path,
                          sqlite3_errmsg(db));
}

static int socm_obsdb_run(sqlite3 *db, const char *where, struct socm_obslist *out,
                          struct socm_error *err)
{
    char *sql = socm_asprintf("SELECT * FROM obs WHERE %s ORDER BY obs_id", where);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
    if (rc != SQLITE_OK || !st || !socm_blank(tail) || !sqlite3_stmt_readonly(st)) {
        socm_error_set(err, SOCM_E_INPUT, "malformed obsdb query \"%s\": %s", where,
                       rc != SQLITE_OK ? sqlite3_errmsg(db) : "must be a single expression");
        sqlite3_finalize(st);
        free(sql);
        return -1;
    }
    free(sql);
    struct socm_obs_cols c = {
        socm_col_index(st, "obs_id"), socm_col_index(st, "timestamp"),
        socm_col_index(st, "n_samples"), socm_col_index(st, "wafer_slots_list"),
        socm_col_index(st, "tube_slot"), socm_col_index(st, "az_center"),
        socm_col_index(st, "el_center"), socm_col_index(st, "pwv"),
    };
    if (c.obs_id < 0) {
        sqlite3_finalize(st);
        return socm_error_set(err, SOCM_E_INPUT, "obsdb: the `obs` table has no obs_id column");
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        socm_obslist_grow(out);
        if (socm_obs_row(st, &c, &out->v[out->n], err) < 0) {
            out->n++; /* so that the partial row is freed with the list */
            sqlite3_finalize(st);
            return -1;
        }
        out->n++;
    }
    if (rc != SQLITE_DONE) {
        socm_error_set(err, SOCM_E_INPUT, "obsdb query \"%s\" failed: %s", where, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

int socm_obsdb_query(const char *db_path, const char *where, struct socm_obslist *out,
                     struct socm_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        socm_error_set(err, SOCM_E_INPUT, "obsdb %s: cannot open (%s)", db_path,
                       db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    /* A query is an expression: no ATTACH-ed files, no extension loading. */
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_busy_timeout(db, 5000);
    int rc = socm_obsdb_has_obs_table(db, db_path, err);
    if (rc == 0)
        rc = socm_obsdb_run(db, where, out, err);
    sqlite3_close(db);
    return rc;
}

/* so_fixture.h — a small real observation database for the SO workflow tests: a
 * temporary directory holding db/obsdb.sqlite (200 observations over 2024 across
 * wafers, scan directions, elevations and pwv values, some with NULLs) and a
 * context.yaml naming it through a tag. Included by test_obsdb.c, test_null_tests.c
 * and test_so_commands.c. */
#ifndef SOCM_TEST_SO_FIXTURE_H
#define SOCM_TEST_SO_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tmpdir_fixture.h"
#include "util/str.h"

#define FIX_NOBS 200
#define FIX_T0 1704067200.0 /* 2024-01-01T00:00:00Z */

struct fix_obs {
    char obs_id[64];
    double timestamp;
    long long n_samples;
    const char *wafers;
    double az, el, pwv;
    int pwv_null;
};

/* Deterministic, spread over the year and over the hours of the day. */
static void fix_obs_make(int i, struct fix_obs *o)
{
    static const char *const wafers[] = {"ws0,ws1,ws2", "ws0", "ws1,ws2", "ws2"};
    o->timestamp = FIX_T0 + i * (365.0 * 86400.0 / FIX_NOBS) + (double)((i * 7919) % 86400);
    /* obs_id order deliberately differs from time order for odd i */
    snprintf(o->obs_id, sizeof o->obs_id, "obs_%c_%010.0f_i1_%03d", i % 2 ? 'a' : 'b', o->timestamp, i);
    o->n_samples = 1000 + i;
    o->wafers = wafers[i % 4];
    o->az = i % 5 == 0 ? 180.0 : i % 5 <= 2 ? 120.0 + i % 7 : 240.0 - i % 7;
    if (i == 5)
        o->az = -180.0; /* ≡ 180 (mod 360): middle */
    if (i == 15)
        o->az = 540.0 + 1e-4; /* close to 180 within numpy.isclose */
    o->el = i % 2 ? 40.0 : 60.0;
    if (i == 10)
        o->el = 45.0; /* the threshold itself is "high" */
    o->pwv = (i % 7) * 0.5; /* 0 … 3; 2.0 is "low" */
    o->pwv_null = i % 23 == 0;
}

static void fix_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "fixture sql: %s\n", msg);
        abort();
    }
}

/* Writes the obsdb at path (with or without the obs table). */
static void fix_write_obsdb(const char *path, int with_obs)
{
    sqlite3 *db;
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK)
        abort();
    fix_exec(db, "CREATE TABLE tags (obs_id str, tag str)");
    if (with_obs) {
        /* sotodlib declares text columns with the non-type "str" */
        fix_exec(db, "CREATE TABLE obs (obs_id str primary key, timestamp float, n_samples int,"
                     " wafer_slots_list str, tube_slot str, az_center float, el_center float, pwv float)");
        fix_exec(db, "BEGIN");
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db, "INSERT INTO obs VALUES (?,?,?,?,?,?,?,?)", -1, &st, NULL);
        for (int i = 0; i < FIX_NOBS; i++) {
            struct fix_obs o;
            fix_obs_make(i, &o);
            sqlite3_bind_text(st, 1, o.obs_id, -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(st, 2, o.timestamp);
            sqlite3_bind_int64(st, 3, o.n_samples);
            sqlite3_bind_text(st, 4, o.wafers, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 5, "i1", -1, SQLITE_STATIC);
            sqlite3_bind_double(st, 6, o.az);
            sqlite3_bind_double(st, 7, o.el);
            if (o.pwv_null)
                sqlite3_bind_null(st, 8);
            else
                sqlite3_bind_double(st, 8, o.pwv);
            if (sqlite3_step(st) != SQLITE_DONE)
                abort();
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
        fix_exec(db, "COMMIT");
    }
    sqlite3_close(db);
}

static void fix_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

/* Creates the fixture; returns the malloc'd temporary directory. */
static char *fix_setup(void)
{
    char tmpl[] = "/tmp/socm-so-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        abort();
    dir = strdup(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/db", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/db/obsdb.sqlite", dir);
    fix_write_obsdb(path, 1);
    snprintf(path, sizeof path, "%s/context.yaml", dir);
    fix_write_file(path, "tags:\n  dbdir: db\nobsdb: '{dbdir}/obsdb.sqlite'\n"
                         "metadata: []\n");
    /* No site or user configuration from the machine running the tests. */
    snprintf(path, sizeof path, "%s/site.yaml", dir);
    fix_write_file(path, "tags:\n  dbdir: not-here\n");
    setenv("SOTODLIB_SITECONFIG", path, 1);
    snprintf(path, sizeof path, "%s/user.yaml", dir);
    fix_write_file(path, "tags: {}\n");
    setenv("SOTODLIB_USERCONFIG", path, 1);
    return dir;
}

static void fix_teardown(char *dir)
{
    tmpdir_remove(dir);
    free(dir);
}

/* The fixture as a cmocka group setup/teardown: its directory in g_dir. */
static char *g_dir;

static int fix_group_setup(void **state)
{
    (void)state;
    g_dir = fix_setup();
    return 0;
}

static int fix_group_teardown(void **state)
{
    (void)state;
    fix_teardown(g_dir);
    socm_intern_free_all();
    return 0;
}

#endif

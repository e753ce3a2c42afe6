/* history_import.c — `socm history import`: runs made elsewhere into the history in
 * one transaction, idempotently — from a CSV file (export's columns or the minimal
 * set) and from Slurm's accounting (one batched sacct query). */
#include "cli/history_import.h"

#include "config/config.h"
#include "predict/history_csv.h"
#include "predict/jobspec.h"
#include "slurm/slurm.h"
#include "util/str.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* At most this many bad rows are listed; the rest are counted. */
#define MAX_LISTED 20

static void list_bad(const char *name, const struct socm_history_csv *c, const char *what)
{
    for (size_t i = 0; i < c->n_bad && i < MAX_LISTED; i++)
        fprintf(stderr, "socm history: %s:%zu: %s%s\n", name, c->bad[i].line, what, c->bad[i].msg);
    if (c->n_bad > MAX_LISTED)
        fprintf(stderr, "socm history: ... and %zu more bad rows\n", c->n_bad - MAX_LISTED);
}

int socm_history_import_csv_file(struct socm_history *h, const char *path, bool skip_bad, size_t *added,
                                 size_t *total, struct socm_error *err)
{
    size_t len = 0;
    char *text = socm_file_read(path, &len, err);
    if (!text)
        return -1;
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    struct socm_history_csv c;
    int rc = socm_history_csv_parse(text, len, name, &c, err);
    free(text);
    if (rc != 0)
        return -1;
    if (c.n_bad && !skip_bad) {
        list_bad(name, &c, "");
        rc = socm_error_set(err, SOCM_E_INPUT,
                            "%s: %zu bad row%s: nothing imported (--skip-bad imports the other %zu)", name,
                            c.n_bad, c.n_bad == 1 ? "" : "s", c.runs.n);
    } else {
        list_bad(name, &c, "skipped: ");
        *total = c.runs.n;
        rc = socm_history_import(h, c.runs.v, c.runs.n, added, err);
    }
    socm_history_csv_free(&c);
    return rc;
}

int socm_history_import_csv_cmd(const char *db, const char *path, bool skip_bad)
{
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(db, &err);
    if (!h)
        return socm_cli_fail("history", &err);
    size_t added = 0, total = 0;
    int rc = socm_history_import_csv_file(h, path, skip_bad, &added, &total, &err);
    if (rc == 0)
        printf("imported %zu new run%s from %s (%zu already in %s)\n", added, added == 1 ? "" : "s",
               strcmp(path, "-") ? path : "<stdin>", total - added, socm_history_path(h));
    socm_history_close(h);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

/* A user name as sacct takes it (letters, digits, . _ -; not an option). */
static bool user_ok(const char *u)
{
    if (!*u || *u == '-')
        return false;
    for (; *u; u++)
        if (!isalnum((unsigned char)*u) && !strchr("._-", *u))
            return false;
    return true;
}

int socm_history_import_sacct_cmd(const struct socm_sacct_import_args *a)
{
    if (a->user && !user_ok(a->user))
        return socm_cli_usage("history", "--user wants a user name, not \"%s\"", a->user);
    struct socm_error err = {0};
    struct socm_value *cfg = NULL;
    struct socm_jobspecs *specs = NULL;
    if (a->config) {
        cfg = socm_config_load_file(a->config, &err);
        specs = cfg ? socm_jobspecs_from_config(socm_table_get(cfg, "predict"), &err) : NULL;
        if (!specs) {
            socm_value_free(cfg);
            return socm_cli_fail("history", &err);
        }
    }
    /* sacct reads local time */
    time_t since = time(NULL) - (time_t)a->since_s;
    struct tm tm;
    char start[32];
    localtime_r(&since, &tm);
    strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%S", &tm);
    struct socm_sacct acct;
    int rc = socm_slurm_sacct_history(a->user, start, &acct, &err);
    struct socm_sacct_import imp = {0};
    struct socm_history *h = NULL;
    size_t added = 0;
    if (rc == 0) {
        socm_history_runs_from_sacct_import(&acct, specs, a->pattern, &imp);
        h = socm_history_open(a->db, &err);
        rc = h ? socm_history_import(h, imp.runs.v, imp.runs.n, &added, &err) : -1;
    }
    if (rc == 0) {
        for (size_t i = 0; i < imp.problems.n && i < MAX_LISTED; i++)
            fprintf(stderr, "socm history: skipped %s\n", imp.problems.v[i]);
        printf("imported %zu new run%s from sacct (%zu jobs since %s: %zu already in %s", added,
               added == 1 ? "" : "s", imp.jobs, start, imp.runs.n - added, socm_history_path(h));
        if (a->pattern)
            printf(", %zu with other names", imp.other_names);
        if (specs)
            printf(", %zu matching no job specification", imp.unmatched);
        printf(", %zu unfinished, %zu unusable)\n", imp.unfinished, imp.unparsed);
    }
    socm_history_close(h);
    socm_sacct_import_free(&imp);
    if (acct.v || acct.n)
        socm_sacct_free(&acct);
    socm_jobspecs_free(specs);
    socm_value_free(cfg);
    return rc == 0 ? 0 : socm_cli_fail("history", &err);
}

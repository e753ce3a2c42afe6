/* history_import.h — `socm history import` (--csv FILE, --sacct), and the CSV import
 * that `history train` runs for a [slurmise] training_data_path. */
#ifndef SOCM_CLI_HISTORY_IMPORT_H
#define SOCM_CLI_HISTORY_IMPORT_H

#include "cli/cli.h"
#include "predict/history.h"

#include <stdbool.h>

/* Imports the CSV file at path ("-" = stdin) into h in one transaction. Bad rows are
 * listed on stderr with their line; with them and without skip_bad nothing is
 * imported and -1 is returned (an input error). *added = new runs, *total = good rows. */
int socm_history_import_csv_file(struct socm_history *h, const char *path, bool skip_bad, size_t *added,
                                 size_t *total, struct socm_error *err);
/* `socm history import --csv FILE [--skip-bad]`: the exit code. */
int socm_history_import_csv_cmd(const char *db, const char *path, bool skip_bad);

/* `socm history import --sacct [--user U] [--since 90d] [--job-name PATTERN]
 * [--config FILE]`: one sacct query, the jobs mapped by the config's job
 * specifications, imported in one transaction. Returns the exit code. */
struct socm_sacct_import_args {
    const char *db, *config, *user, *pattern;
    double since_s;
};
int socm_history_import_sacct_cmd(const struct socm_sacct_import_args *a);

#endif

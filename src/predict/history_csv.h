/* history_csv.h — reading runs from CSV (`socm history import --csv`, the [slurmise]
 * training_data_path). The columns are those `socm history export --csv` writes, or
 * at least job_name, elapsed_s (or elapsed), max_rss_mb (or max_rss) and a column per
 * feature; see docs/prediction.md for the full list. */
#ifndef SOCM_PREDICT_HISTORY_CSV_H
#define SOCM_PREDICT_HISTORY_CSV_H

#include "predict/history.h"

struct socm_csv_problem {
    size_t line; /* the line the row starts on (1 = the header) */
    char *msg;
};

struct socm_history_csv {
    struct socm_history_runs runs; /* the good rows, in file order */
    size_t *line;                  /* the line each of them starts on */
    struct socm_csv_problem *bad;  /* the bad rows, in file order */
    size_t n_bad;
};

/* Parses the whole text (`name` is for messages). Returns -1 only when the file
 * cannot be used at all (empty, no header, a required column missing, a column
 * named twice); bad rows are listed in out->bad, never fatal here. */
int socm_history_csv_parse(const char *text, size_t len, const char *name, struct socm_history_csv *out,
                           struct socm_error *err);
void socm_history_csv_free(struct socm_history_csv *c);

#endif

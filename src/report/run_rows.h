/* run_rows.h — a replayed run (bookkeeper) as the rows and title of the planned vs
 * actual chart: what `socm report` prints as a table, draws with --gantt and puts
 * in the --html page. */
#ifndef SOCM_RUN_ROWS_H
#define SOCM_RUN_ROWS_H

#include "manager/bookkeeper.h"
#include "report/run_gantt.h"

struct socm_run_rows {
    struct socm_gantt_row *v; /* one per workflow, in id order (names borrowed from bk) */
    size_t n;
    struct socm_run_gantt_opts o;
};

void socm_run_rows_of(const struct socm_bk *bk, struct socm_run_rows *out);
void socm_run_rows_free(struct socm_run_rows *r);

#endif

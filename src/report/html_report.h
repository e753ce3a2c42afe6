/* html_report.h — `socm report DIR --html FILE`: one self-contained HTML page about
 * a run (no network: styles, the charts and the script are inline) — the summary,
 * the planned vs actual chart, the plan's chart (cores × time), the failures with
 * the tail of their stderr, the per-workflow table (sorted by clicking a column
 * heading, or by #sort=COLUMN in the address) and the profile. The page a
 * scientist attaches to a run log. */
#ifndef SOCM_HTML_REPORT_H
#define SOCM_HTML_REPORT_H

#include "manager/bookkeeper.h"
#include "util/error.h"

#include <stdio.h>

/* Bytes of each failed workflow's stderr the page shows (its last lines). */
#define SOCM_HTML_TAIL_BYTES 4096

/* Writes the page for bk (replayed from the state directory `dir`). */
void socm_html_report(FILE *out, const char *dir, const struct socm_bk *bk);
/* The same into `path`: 0, or -1 with err. */
int socm_html_report_write(const char *path, const char *dir, const struct socm_bk *bk, struct socm_error *err);

#endif

/* progress_line.h — the one live line `socm run` and `socm resume` keep at the
 * bottom of a terminal: counts, elapsed time and the plan's ETA, shortened step by
 * step to fit the terminal's width (a line longer than the terminal wraps, and the
 * next redraw, which only returns to the start of the last row, leaves a stack of
 * half-lines). Drawn only when stderr is a terminal (the caller decides). */
#ifndef SOCM_PROGRESS_LINE_H
#define SOCM_PROGRESS_LINE_H

#include <stddef.h>

struct socm_progress {
    const char *campaign;
    size_t done, total, running, failed, canceled;
    double elapsed_s;
    double eta_s; /* < 0: none (nothing left, or past the plan) */
};

/* The line for a terminal `columns` wide, in at most columns - 1 characters (the
 * last column would wrap on some terminals) and n - 1 bytes. Returns its length in
 * bytes. */
size_t socm_progress_format(const struct socm_progress *p, int columns, char *buf, size_t n);

/* The width of the terminal on fd: its window size, else $COLUMNS, else 80. */
int socm_progress_columns(int fd);

#endif

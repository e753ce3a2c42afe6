/* error.h — errors travel as values: a code and a message, optionally tied to a
 * position (file:line:col) in an input file. No function below src/cli/ exits. */
#ifndef SOCM_ERROR_H
#define SOCM_ERROR_H

#include "socm/error.h" /* struct socm_error, its codes, set and clear */

#include <stddef.h>
#include <stdint.h>

/* A position in an input file. The file is the number of its interned name (see
 * socm_intern_id in str.h) so that positions can be copied freely and outlive the
 * parser that made them, in 12 bytes: every config node and key carries one. */
struct socm_pos {
    uint32_t file_id; /* socm_intern_id of the file name; 0 = none */
    int line; /* 1-based; 0 = unknown */
    int col;  /* 1-based; 0 = unknown */
};

/* A position in file (interned here; NULL: none). */
struct socm_pos socm_pos_at(const char *file, int line, int col);
/* The file name of pos (interned), or NULL if it has none. */
const char *socm_pos_file(const struct socm_pos *pos);

/* All setters return -1 so that `return socm_error_set(...)` reads naturally. */
/* "file:line:col: message" (or just "file: message" when line is 0); code INPUT. */
int socm_error_at(struct socm_error *err, const struct socm_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends ": strerror(errno)" to the message; code SYSTEM. */
int socm_error_errno(struct socm_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Formats a position as "file:line:col" into buf (at most n bytes). */
const char *socm_pos_format(const struct socm_pos *pos, char *buf, size_t n);

/* A list of errors, for checks that report every problem they find (validate). */
struct socm_errlist {
    char **msgs;
    size_t n, cap;
};
void socm_errlist_add(struct socm_errlist *l, const char *msg);
void socm_errlist_addf(struct socm_errlist *l, const struct socm_pos *pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void socm_errlist_free(struct socm_errlist *l);

#endif

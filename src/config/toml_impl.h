/* toml_impl.h — internal to the TOML parser (toml*.c): the parser state, keys, and
 * the functions that the scanner (toml_scan.c), numbers and dates (toml_scalar.c)
 * and the tree builder (toml.c) share. Not for use outside them. */
#ifndef SOCM_TOML_IMPL_H
#define SOCM_TOML_IMPL_H

#include "config/formats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct toml_parser {
    const char *start, *p, *end;
    uint32_t file_id;       /* socm_intern_id */
    int line;               /* 1-based line of p */
    const char *line_start; /* first byte of the current line */
    /* Column cache: counting code points from the line start on every position
     * request would be quadratic on a long line. */
    const char *col_ptr;
    int col_val;
    struct socm_error *err;
    bool failed;
    struct socm_value *root;
    struct socm_value *cur; /* table that key/values go into */
    int cur_depth;          /* depth of cur below the root */
};

/* A key segment as written (bare or quoted), decoded. */
struct toml_keyseg {
    char *s;
    size_t len;
    struct socm_pos pos;
};

struct toml_key {
    struct toml_keyseg *seg;
    size_t n, cap;
};

/* ---- scanning helpers, inline: the scanner's innermost loops ---- */

static inline bool toml_eof(const struct toml_parser *ps)
{
    return ps->p >= ps->end;
}

static inline int toml_peek(const struct toml_parser *ps, size_t ahead)
{
    return ps->p + ahead < ps->end ? (unsigned char)ps->p[ahead] : -1;
}

static inline void toml_skip_ws(struct toml_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
        ps->p++;
}

static inline bool toml_at_newline(const struct toml_parser *ps)
{
    int c = toml_peek(ps, 0);
    return c == '\n' || (c == '\r' && toml_peek(ps, 1) == '\n');
}

/* Consumes one newline (LF or CRLF) at p, which must be there. */
static inline void toml_newline(struct toml_parser *ps)
{
    if (*ps->p == '\r')
        ps->p++;
    ps->p++;
    ps->line++;
    ps->line_start = ps->p;
}

static inline void toml_skip_comment(struct toml_parser *ps)
{
    if (ps->p < ps->end && *ps->p == '#')
        while (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r')
            ps->p++;
}

static inline bool toml_is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static inline bool toml_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int toml_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* ---- toml_scan.c ---- */

/* Reports an error at `at` (or pos) unless one was already reported; returns -1. */
__attribute__((format(printf, 3, 4))) int socm_toml_fail_at(struct toml_parser *ps,
                                                             const char *at, const char *fmt,
                                                             ...);
__attribute__((format(printf, 3, 4))) int socm_toml_fail_pos(struct toml_parser *ps,
                                                              const struct socm_pos *pos,
                                                              const char *fmt, ...);
struct socm_pos socm_toml_pos(struct toml_parser *ps);
/* Describes the character at p for "unexpected ..." messages. */
const char *socm_toml_describe(const struct toml_parser *ps, const char *p, char *buf,
                               size_t n);
/* Checks the whole input for UTF-8, control characters and bare CRs. */
int socm_toml_check_text(struct toml_parser *ps);
/* Whitespace, comments and newlines (inside arrays). */
void socm_toml_skip_ws_nl(struct toml_parser *ps);
/* After a key/value or header: only whitespace, a comment, then a newline or EOF. */
int socm_toml_expect_eol(struct toml_parser *ps, const char *after);
/* Strings, p at the (first) opening quote; socm_toml_at_multi: a multi-line one. */
bool socm_toml_at_multi(const struct toml_parser *ps);
int socm_toml_string_line(struct toml_parser *ps, struct socm_buf *out);
int socm_toml_string_multi(struct toml_parser *ps, struct socm_buf *out);
/* Keys: a dotted key of at most max_segments parts; its text for messages. */
int socm_toml_parse_key(struct toml_parser *ps, struct toml_key *key, int max_segments);
void socm_toml_key_text(const struct toml_key *key, size_t upto, char *buf, size_t n);
void socm_toml_key_free(struct toml_key *k);

/* ---- toml_scalar.c ---- */

/* A number token (integer or float), already cut out of the input as [tok, tok+n). */
struct socm_value *socm_toml_number(struct toml_parser *ps, const char *tok, size_t n,
                                    const struct socm_pos *pos);
/* A date-time value of any of the four kinds; p at the first digit. */
struct socm_value *socm_toml_datetime(struct toml_parser *ps, const struct socm_pos *pos);

#endif

/* toml_scan.c — the TOML scanner: positions (line:column, counted in code points)
 * and errors, the whole-input check (UTF-8, control characters, bare CRs), skipping
 * whitespace and comments, strings (basic, literal, multi-line, escapes) and keys
 * (bare, quoted, dotted). The values and tables built from them are in toml.c. */
#include "config/toml_impl.h"
#include "config/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void socm_toml_key_free(struct toml_key *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->seg[i].s);
    free(k->seg);
    k->seg = NULL;
    k->n = k->cap = 0;
}

/* ---- positions and errors ---- */

static struct socm_pos toml_pos_at(struct toml_parser *ps, const char *at)
{
    /* `at` is always on the current line (positions are taken before a newline is
     * consumed), so the count starts at line_start or at the cache. */
    const char *from = ps->line_start;
    int col = 1;
    if (ps->col_ptr && ps->col_ptr >= ps->line_start && ps->col_ptr <= at) {
        from = ps->col_ptr;
        col = ps->col_val;
    }
    if (at < ps->line_start)
        at = ps->line_start;
    for (const char *q = from; q < at; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    ps->col_ptr = at;
    ps->col_val = col;
    return (struct socm_pos){ps->file_id, ps->line, col};
}

struct socm_pos socm_toml_pos(struct toml_parser *ps)
{
    return toml_pos_at(ps, ps->p);
}

__attribute__((format(printf, 3, 4))) int socm_toml_fail_at(struct toml_parser *ps,
                                                                const char *at,
                                                                const char *fmt, ...)
{
    if (ps->failed)
        return -1;
    ps->failed = true;
    struct socm_pos pos = toml_pos_at(ps, at);
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return socm_error_at(ps->err, &pos, "%s", msg);
}

__attribute__((format(printf, 3, 4))) int socm_toml_fail_pos(struct toml_parser *ps,
                                                                 const struct socm_pos *pos,
                                                                 const char *fmt, ...)
{
    if (ps->failed)
        return -1;
    ps->failed = true;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return socm_error_at(ps->err, pos, "%s", msg);
}

static int toml_utf8_len(const unsigned char *p, const unsigned char *end, uint32_t *cp);

/* Describes the character at p for "unexpected ..." messages. */
const char *socm_toml_describe(const struct toml_parser *ps, const char *p, char *buf, size_t n)
{
    if (p >= ps->end)
        return "end of file";
    unsigned char c = (unsigned char)*p;
    if (c == '\n' || c == '\r')
        return "end of line";
    uint32_t cp;
    int len = toml_utf8_len((const unsigned char *)p, (const unsigned char *)ps->end, &cp);
    if (c >= 0x20 && c < 0x7F)
        snprintf(buf, n, "'%c'", c);
    else if (len > 1) /* the whole character, e.g. 'é' (the input is valid UTF-8 here) */
        snprintf(buf, n, "'%.*s' (U+%04X)", len, p, (unsigned)cp);
    else
        snprintf(buf, n, "byte 0x%02X", c);
    return buf;
}

/* ---- whole-input checks ---- */

/* Length of the UTF-8 sequence at p (1..4), or 0 if invalid (see utf8.h). */
static int toml_utf8_len(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    return p < end ? (int)socm_utf8_decode(p, (size_t)(end - p), cp) : 0;
}

/* Control characters other than tab and the newline forms are allowed nowhere in a
 * TOML document (not in strings, not in comments), so one pass rejects them all. */
int socm_toml_check_text(struct toml_parser *ps)
{
    const unsigned char *p = (const unsigned char *)ps->start;
    const unsigned char *end = (const unsigned char *)ps->end;
    while (p < end) {
        unsigned c = *p;
        if (c == '\n') {
            p++;
            ps->line++;
            ps->line_start = (const char *)p;
            continue;
        }
        if (c == '\r') {
            if (p + 1 < end && p[1] == '\n') {
                p++;
                continue;
            }
            return socm_toml_fail_at(ps, (const char *)p,
                                     "carriage return not followed by a line feed");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return socm_toml_fail_at(ps, (const char *)p, "control character U+%04X is not allowed",
                                     c);
        uint32_t cp;
        int n = toml_utf8_len(p, end, &cp);
        if (n == 0)
            return socm_toml_fail_at(ps, (const char *)p, "invalid UTF-8 byte 0x%02X", c);
        p += n;
    }
    ps->line = 1;
    ps->line_start = ps->start;
    ps->col_ptr = NULL;
    return 0;
}

/* ---- scanning helpers ---- */
/* Whitespace, comments and newlines (inside arrays). */
void socm_toml_skip_ws_nl(struct toml_parser *ps)
{
    for (;;) {
        toml_skip_ws(ps);
        toml_skip_comment(ps);
        if (toml_at_newline(ps))
            toml_newline(ps);
        else
            return;
    }
}

/* After a key/value or header: only whitespace, a comment, then a newline or EOF. */
int socm_toml_expect_eol(struct toml_parser *ps, const char *after)
{
    toml_skip_ws(ps);
    toml_skip_comment(ps);
    if (toml_eof(ps))
        return 0;
    if (toml_at_newline(ps)) {
        toml_newline(ps);
        return 0;
    }
    char b[32];
    return socm_toml_fail_at(ps, ps->p, "expected a newline after %s, found %s", after,
                        socm_toml_describe(ps, ps->p, b, sizeof b));
}


static void toml_put_utf8(struct socm_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    socm_buf_putn(b, u, n);
}

/* ---- strings ---- */

/* One escape sequence after the backslash at p (basic strings). */
static int toml_escape(struct toml_parser *ps, struct socm_buf *out)
{
    const char *bs = ps->p;
    ps->p++; /* the backslash */
    if (toml_eof(ps))
        return socm_toml_fail_at(ps, bs, "unterminated escape sequence");
    char c = *ps->p++;
    switch (c) {
    case 'b': socm_buf_putc(out, '\b'); return 0;
    case 't': socm_buf_putc(out, '\t'); return 0;
    case 'n': socm_buf_putc(out, '\n'); return 0;
    case 'f': socm_buf_putc(out, '\f'); return 0;
    case 'r': socm_buf_putc(out, '\r'); return 0;
    case '"': socm_buf_putc(out, '"'); return 0;
    case '\\': socm_buf_putc(out, '\\'); return 0;
    case 'u':
    case 'U': {
        int n = c == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (int i = 0; i < n; i++) {
            int h = toml_hexval(toml_peek(ps, 0));
            if (h < 0)
                return socm_toml_fail_at(ps, bs, "\\%c escape needs %d hexadecimal digits", c, n);
            cp = (cp << 4) | (uint32_t)h;
            ps->p++;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return socm_toml_fail_at(ps, bs, "\\%c%0*X is not a Unicode scalar value", c, n, cp);
        toml_put_utf8(out, cp);
        return 0;
    }
    default: {
        char b[32];
        ps->p--;
        return socm_toml_fail_at(ps, bs, "invalid escape sequence '\\' followed by %s",
                            socm_toml_describe(ps, ps->p, b, sizeof b));
    }
    }
}

/* Copies a run of plain string bytes at once: up to the quote q, a line end, or (in a
 * basic string) a backslash. */
static void toml_string_run(struct toml_parser *ps, char q, struct socm_buf *out)
{
    const char *s = ps->p;
    while (ps->p < ps->end && *ps->p != q && *ps->p != '\n' && *ps->p != '\r' &&
           !(q == '"' && *ps->p == '\\'))
        ps->p++;
    socm_buf_putn(out, s, (size_t)(ps->p - s));
}

/* "basic" or 'literal' single-line string; p at the opening quote. */
int socm_toml_string_line(struct toml_parser *ps, struct socm_buf *out)
{
    const char *open = ps->p;
    char q = *ps->p++;
    for (;;) {
        if (toml_eof(ps) || toml_at_newline(ps))
            return socm_toml_fail_at(ps, open, "unterminated string");
        char c = *ps->p;
        if (c == q) {
            ps->p++;
            return 0;
        }
        if (c == '\\' && q == '"') {
            if (toml_escape(ps, out) < 0)
                return -1;
            continue;
        }
        toml_string_run(ps, q, out);
    }
}

/* """multi-line basic""" or '''multi-line literal'''; p at the first quote. */
int socm_toml_string_multi(struct toml_parser *ps, struct socm_buf *out)
{
    struct socm_pos open_pos = socm_toml_pos(ps);
    char q = *ps->p;
    ps->p += 3;
    if (toml_at_newline(ps)) /* a newline right after the delimiter is trimmed */
        toml_newline(ps);
    for (;;) {
        if (toml_eof(ps)) {
            return socm_toml_fail_pos(ps, &open_pos, "unterminated multi-line string");
        }
        char c = *ps->p;
        if (c == q) {
            size_t n = 0;
            while (ps->p + n < ps->end && ps->p[n] == q)
                n++;
            if (n < 3) {
                socm_buf_putn(out, ps->p, n);
                ps->p += n;
                continue;
            }
            if (n > 5)
                return socm_toml_fail_at(ps, ps->p + 5,
                                         "too many quotes at the end of a multi-line string");
            socm_buf_putn(out, ps->p, n - 3); /* up to two quotes belong to the content */
            ps->p += n;
            return 0;
        }
        if (toml_at_newline(ps)) {
            socm_buf_putc(out, '\n'); /* CRLF is normalised to LF */
            toml_newline(ps);
            continue;
        }
        if (c == '\\' && q == '"') {
            /* Line-ending backslash: whitespace up to the newline, then every
             * whitespace and newline up to the next other character, vanish. */
            const char *r = ps->p + 1;
            while (r < ps->end && (*r == ' ' || *r == '\t'))
                r++;
            if (r < ps->end && (*r == '\n' || *r == '\r')) {
                ps->p = r;
                for (;;) {
                    toml_skip_ws(ps);
                    if (toml_at_newline(ps))
                        toml_newline(ps);
                    else
                        break;
                }
                continue;
            }
            if (toml_escape(ps, out) < 0)
                return -1;
            continue;
        }
        toml_string_run(ps, q, out);
    }
}

bool socm_toml_at_multi(const struct toml_parser *ps)
{
    int q = toml_peek(ps, 0);
    return (q == '"' || q == '\'') && toml_peek(ps, 1) == q && toml_peek(ps, 2) == q;
}

/* ---- keys ---- */

/* key = simple-key *( ws "." ws simple-key ); p at the first character. */
int socm_toml_parse_key(struct toml_parser *ps, struct toml_key *key, int max_segments)
{
    for (;;) {
        toml_skip_ws(ps);
        struct toml_keyseg seg = {NULL, 0, socm_toml_pos(ps)};
        struct socm_buf b = SOCM_BUF_INIT;
        int c = toml_peek(ps, 0);
        if (c == '"' || c == '\'') {
            if (socm_toml_at_multi(ps)) {
                return socm_toml_fail_at(ps, ps->p, "a multi-line string cannot be a key");
            }
            if (socm_toml_string_line(ps, &b) < 0) {
                socm_buf_free(&b);
                return -1;
            }
        } else if (toml_is_bare(c)) {
            const char *s = ps->p;
            while (ps->p < ps->end && toml_is_bare((unsigned char)*ps->p))
                ps->p++;
            socm_buf_putn(&b, s, (size_t)(ps->p - s));
        } else {
            char d[32];
            return socm_toml_fail_at(ps, ps->p, "expected a key, found %s",
                                socm_toml_describe(ps, ps->p, d, sizeof d));
        }
        if ((int)key->n >= max_segments) {
            socm_buf_free(&b);
            return socm_toml_fail_pos(ps, &seg.pos, "key nests deeper than %d levels",
                                 SOCM_CONFIG_MAX_DEPTH);
        }
        seg.len = b.len;
        seg.s = socm_buf_steal(&b);
        if (key->n == key->cap) {
            key->cap = key->cap ? key->cap * 2 : 4;
            key->seg = socm_xrealloc(key->seg, key->cap * sizeof *key->seg);
        }
        key->seg[key->n++] = seg;
        toml_skip_ws(ps);
        if (toml_peek(ps, 0) != '.')
            return 0;
        ps->p++;
    }
}

/* Key text for messages, e.g. a.b."c d". */
void socm_toml_key_text(const struct toml_key *key, size_t upto, char *buf, size_t n)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i < upto && i < key->n; i++) {
        if (i)
            socm_buf_putc(&b, '.');
        bool bare = key->seg[i].len > 0;
        for (size_t j = 0; j < key->seg[i].len; j++)
            if (!toml_is_bare((unsigned char)key->seg[i].s[j]))
                bare = false;
        if (bare)
            socm_buf_putn(&b, key->seg[i].s, key->seg[i].len);
        else {
            socm_buf_putc(&b, '"');
            for (size_t j = 0; j < key->seg[i].len; j++) {
                unsigned char c = (unsigned char)key->seg[i].s[j];
                if (c < 0x20 || c == 0x7F)
                    socm_buf_printf(&b, "\\u%04X", c);
                else if (c == '"' || c == '\\')
                    socm_buf_printf(&b, "\\%c", c);
                else
                    socm_buf_putc(&b, (char)c);
            }
            socm_buf_putc(&b, '"');
        }
    }
    snprintf(buf, n, "%s", b.data ? b.data : "");
    socm_buf_free(&b);
}

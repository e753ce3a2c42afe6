/* toml.c — the TOML 1.0 parser: text to the config tree (value.h), with every node's
 * position, and every rule of the specification enforced (https://toml.io/en/v1.0.0).
 *
 * The whole input is first checked for UTF-8, control characters and bare CRs, so the
 * scanner below can treat every byte it sees as allowed text. Recursion (arrays,
 * inline tables) is bounded by SOCM_CONFIG_MAX_DEPTH, and so is the depth that
 * headers and dotted keys can build. On any error the partial tree is freed and the
 * first error is reported as "file:line:col: message". */
#include "config/formats.h"
#include "config/utf8.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct toml_parser {
    const char *start, *p, *end;
    const char *file;       /* interned */
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

static void toml_key_free(struct toml_key *k)
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
    return (struct socm_pos){ps->file, ps->line, col};
}

static struct socm_pos toml_pos(struct toml_parser *ps)
{
    return toml_pos_at(ps, ps->p);
}

__attribute__((format(printf, 3, 4))) static int toml_fail_at(struct toml_parser *ps,
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

__attribute__((format(printf, 3, 4))) static int toml_fail_pos(struct toml_parser *ps,
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
static const char *toml_describe(const struct toml_parser *ps, const char *p, char *buf, size_t n)
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
static int toml_check_text(struct toml_parser *ps)
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
            return toml_fail_at(ps, (const char *)p, "carriage return not followed by a line feed");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return toml_fail_at(ps, (const char *)p, "control character U+%04X is not allowed", c);
        uint32_t cp;
        int n = toml_utf8_len(p, end, &cp);
        if (n == 0)
            return toml_fail_at(ps, (const char *)p, "invalid UTF-8 byte 0x%02X", c);
        p += n;
    }
    ps->line = 1;
    ps->line_start = ps->start;
    ps->col_ptr = NULL;
    return 0;
}

/* ---- scanning helpers ---- */

static bool toml_eof(const struct toml_parser *ps)
{
    return ps->p >= ps->end;
}

static int toml_peek(const struct toml_parser *ps, size_t ahead)
{
    return ps->p + ahead < ps->end ? (unsigned char)ps->p[ahead] : -1;
}

static void toml_skip_ws(struct toml_parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
        ps->p++;
}

static bool toml_at_newline(const struct toml_parser *ps)
{
    int c = toml_peek(ps, 0);
    return c == '\n' || (c == '\r' && toml_peek(ps, 1) == '\n');
}

/* Consumes one newline (LF or CRLF) at p, which must be there. */
static void toml_newline(struct toml_parser *ps)
{
    if (*ps->p == '\r')
        ps->p++;
    ps->p++;
    ps->line++;
    ps->line_start = ps->p;
}

static void toml_skip_comment(struct toml_parser *ps)
{
    if (ps->p < ps->end && *ps->p == '#')
        while (ps->p < ps->end && *ps->p != '\n' && *ps->p != '\r')
            ps->p++;
}

/* Whitespace, comments and newlines (inside arrays). */
static void toml_skip_ws_nl(struct toml_parser *ps)
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
static int toml_expect_eol(struct toml_parser *ps, const char *after)
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
    return toml_fail_at(ps, ps->p, "expected a newline after %s, found %s", after,
                        toml_describe(ps, ps->p, b, sizeof b));
}

static bool toml_is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static bool toml_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int toml_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
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
        return toml_fail_at(ps, bs, "unterminated escape sequence");
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
                return toml_fail_at(ps, bs, "\\%c escape needs %d hexadecimal digits", c, n);
            cp = (cp << 4) | (uint32_t)h;
            ps->p++;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return toml_fail_at(ps, bs, "\\%c%0*X is not a Unicode scalar value", c, n, cp);
        toml_put_utf8(out, cp);
        return 0;
    }
    default: {
        char b[32];
        ps->p--;
        return toml_fail_at(ps, bs, "invalid escape sequence '\\' followed by %s",
                            toml_describe(ps, ps->p, b, sizeof b));
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
static int toml_string_line(struct toml_parser *ps, struct socm_buf *out)
{
    const char *open = ps->p;
    char q = *ps->p++;
    for (;;) {
        if (toml_eof(ps) || toml_at_newline(ps))
            return toml_fail_at(ps, open, "unterminated string");
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
static int toml_string_multi(struct toml_parser *ps, struct socm_buf *out)
{
    struct socm_pos open_pos = toml_pos(ps);
    char q = *ps->p;
    ps->p += 3;
    if (toml_at_newline(ps)) /* a newline right after the delimiter is trimmed */
        toml_newline(ps);
    for (;;) {
        if (toml_eof(ps)) {
            return toml_fail_pos(ps, &open_pos, "unterminated multi-line string");
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
                return toml_fail_at(ps, ps->p + 5, "too many quotes at the end of a multi-line string");
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

static bool toml_at_multi(const struct toml_parser *ps)
{
    int q = toml_peek(ps, 0);
    return (q == '"' || q == '\'') && toml_peek(ps, 1) == q && toml_peek(ps, 2) == q;
}

/* ---- keys ---- */

/* key = simple-key *( ws "." ws simple-key ); p at the first character. */
static int toml_parse_key(struct toml_parser *ps, struct toml_key *key, int max_segments)
{
    for (;;) {
        toml_skip_ws(ps);
        struct toml_keyseg seg = {NULL, 0, toml_pos(ps)};
        struct socm_buf b = SOCM_BUF_INIT;
        int c = toml_peek(ps, 0);
        if (c == '"' || c == '\'') {
            if (toml_at_multi(ps)) {
                return toml_fail_at(ps, ps->p, "a multi-line string cannot be a key");
            }
            if (toml_string_line(ps, &b) < 0) {
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
            return toml_fail_at(ps, ps->p, "expected a key, found %s",
                                toml_describe(ps, ps->p, d, sizeof d));
        }
        if ((int)key->n >= max_segments) {
            socm_buf_free(&b);
            return toml_fail_pos(ps, &seg.pos, "key nests deeper than %d levels",
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
static void toml_key_text(const struct toml_key *key, size_t upto, char *buf, size_t n)
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

/* ---- numbers ---- */

/* Digits with single underscores between digits; returns false on a bad layout.
 * Appends the digits (without underscores) to out. */
static bool toml_digits(const char *s, size_t n, int base, struct socm_buf *out)
{
    if (n == 0)
        return false;
    bool prev_digit = false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '_') {
            if (!prev_digit || i + 1 == n)
                return false;
            prev_digit = false;
            continue;
        }
        int v = toml_hexval(c);
        if (v < 0 || v >= base)
            return false;
        socm_buf_putc(out, (char)c);
        prev_digit = true;
    }
    return true;
}

/* Accumulates digits (already checked) in base; false on int64 overflow. */
static bool toml_accumulate(const char *d, int base, bool negative, int64_t *out)
{
    /* Work in the negative range, which holds INT64_MIN. */
    int64_t v = 0;
    for (; *d; d++) {
        int64_t digit = toml_hexval((unsigned char)*d);
        if (v < (INT64_MIN + digit) / base)
            return false;
        v = v * base - digit;
    }
    if (!negative) {
        if (v == INT64_MIN)
            return false;
        v = -v;
    }
    *out = v;
    return true;
}

/* A number token (integer or float), already cut out of the input as [tok, tok+n). */
static struct socm_value *toml_number(struct toml_parser *ps, const char *tok, size_t n,
                                      const struct socm_pos *pos)
{
    struct socm_buf d = SOCM_BUF_INIT;
    const char *s = tok;
    size_t len = n;
    bool negative = false, sign = false;
    if (len && (*s == '+' || *s == '-')) {
        negative = *s == '-';
        sign = true;
        s++;
        len--;
    }
    /* inf and nan */
    if (len == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0)) {
        double f = s[0] == 'i' ? INFINITY : NAN;
        return socm_value_float(negative ? -f : f, pos);
    }
    if (!sign && len && !toml_is_digit((unsigned char)s[0])) {
        toml_fail_pos(ps, pos, "invalid value '%.*s' (strings must be quoted)", (int)n, tok);
        return NULL;
    }
    /* Prefixed integers: no sign allowed. */
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        if (sign) {
            toml_fail_pos(ps, pos, "a sign is not allowed on a 0%c integer", s[1]);
            return NULL;
        }
        if (!toml_digits(s + 2, len - 2, base, &d)) {
            socm_buf_free(&d);
            toml_fail_pos(ps, pos, "invalid %s integer '%.*s'",
                          base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary", (int)n, tok);
            return NULL;
        }
        int64_t v;
        bool ok = toml_accumulate(d.data, base, false, &v);
        socm_buf_free(&d);
        if (!ok) {
            toml_fail_pos(ps, pos, "integer '%.*s' does not fit in 64 bits", (int)n, tok);
            return NULL;
        }
        return socm_value_integer(v, pos);
    }
    /* Decimal: integer part, then optional fraction and exponent. */
    size_t ip = 0;
    while (ip < len && (toml_is_digit((unsigned char)s[ip]) || s[ip] == '_'))
        ip++;
    size_t fp = ip, fe = ip, ep = ip, ee = ip;
    if (fp < len && s[fp] == '.') {
        fe = fp + 1;
        while (fe < len && (toml_is_digit((unsigned char)s[fe]) || s[fe] == '_'))
            fe++;
        ep = ee = fe;
    }
    if (ep < len && (s[ep] == 'e' || s[ep] == 'E')) {
        ee = ep + 1;
        if (ee < len && (s[ee] == '+' || s[ee] == '-'))
            ee++;
        while (ee < len && (toml_is_digit((unsigned char)s[ee]) || s[ee] == '_'))
            ee++;
    }
    bool has_frac = fe > fp, has_exp = ee > ep;
    const char *bad = NULL;
    if (ee != len)
        bad = "invalid number";
    else if (!toml_digits(s, ip, 10, &d))
        bad = "invalid number";
    else if (ip > 1 && s[0] == '0')
        bad = "leading zeros are not allowed";
    if (!bad && has_frac) {
        socm_buf_putc(&d, '.');
        if (!toml_digits(s + fp + 1, fe - fp - 1, 10, &d))
            bad = "a decimal point must be followed by digits";
    }
    if (!bad && has_exp) {
        socm_buf_putc(&d, 'e');
        size_t x = ep + 1;
        if (x < ee && (s[x] == '+' || s[x] == '-'))
            socm_buf_putc(&d, s[x++]);
        if (!toml_digits(s + x, ee - x, 10, &d))
            bad = "invalid exponent";
    }
    if (bad) {
        socm_buf_free(&d);
        toml_fail_pos(ps, pos, "%s '%.*s'", bad, (int)n, tok);
        return NULL;
    }
    if (!has_frac && !has_exp) {
        int64_t v;
        bool ok = toml_accumulate(d.data, 10, negative, &v);
        socm_buf_free(&d);
        if (!ok) {
            toml_fail_pos(ps, pos, "integer '%.*s' does not fit in 64 bits", (int)n, tok);
            return NULL;
        }
        return socm_value_integer(v, pos);
    }
    errno = 0;
    double f = strtod(d.data, NULL);
    int e = errno;
    socm_buf_free(&d);
    if (e == ERANGE && isinf(f)) {
        toml_fail_pos(ps, pos, "float '%.*s' is out of range", (int)n, tok);
        return NULL;
    }
    return socm_value_float(negative ? -f : f, pos);
}

/* ---- dates and times ---- */

static bool toml_ndigits(const char *p, const char *end, int n, int *out)
{
    if (end - p < n)
        return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!toml_is_digit((unsigned char)p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static int toml_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/* partial-time: HH:MM:SS[.frac]; p at the first digit. */
static int toml_time(struct toml_parser *ps, struct socm_datetime *dt)
{
    const char *s = ps->p;
    if (!toml_ndigits(s, ps->end, 2, &dt->hour) || s + 2 >= ps->end || s[2] != ':' ||
        !toml_ndigits(s + 3, ps->end, 2, &dt->minute))
        return toml_fail_at(ps, s, "invalid time (expected HH:MM:SS)");
    if (s + 5 >= ps->end || s[5] != ':' || !toml_ndigits(s + 6, ps->end, 2, &dt->second))
        return toml_fail_at(ps, s, "invalid time: seconds are required (HH:MM:SS)");
    if (dt->hour > 23)
        return toml_fail_at(ps, s, "hour %02d out of range", dt->hour);
    if (dt->minute > 59)
        return toml_fail_at(ps, s + 3, "minute %02d out of range", dt->minute);
    if (dt->second > 60) /* 60 is a leap second (RFC 3339) */
        return toml_fail_at(ps, s + 6, "second %02d out of range", dt->second);
    ps->p = s + 8;
    if (toml_peek(ps, 0) == '.') {
        const char *f = ps->p + 1;
        int digits = 0, ns = 0;
        while (f < ps->end && toml_is_digit((unsigned char)*f)) {
            if (digits < 9)
                ns = ns * 10 + (*f - '0');
            digits++;
            f++;
        }
        if (digits == 0)
            return toml_fail_at(ps, ps->p, "a decimal point in a time must be followed by digits");
        for (int i = digits; i < 9; i++)
            ns *= 10;
        dt->nanosecond = ns;
        dt->frac_digits = digits > 9 ? 9 : digits;
        ps->p = f;
    }
    return 0;
}

/* A date-time value of any of the four kinds; p at the first digit. */
static struct socm_value *toml_datetime(struct toml_parser *ps, const struct socm_pos *pos)
{
    struct socm_datetime dt = {0};
    const char *s = ps->p;
    enum socm_vtype type;
    if (s + 2 < ps->end && s[2] == ':') {
        if (toml_time(ps, &dt) < 0)
            return NULL;
        type = SOCM_V_TIME_LOCAL;
    } else {
        if (!toml_ndigits(s, ps->end, 4, &dt.year) || s + 4 >= ps->end || s[4] != '-' ||
            !toml_ndigits(s + 5, ps->end, 2, &dt.month) || s + 7 >= ps->end || s[7] != '-' ||
            !toml_ndigits(s + 8, ps->end, 2, &dt.day)) {
            toml_fail_at(ps, s, "invalid date (expected YYYY-MM-DD)");
            return NULL;
        }
        if (dt.month < 1 || dt.month > 12) {
            toml_fail_at(ps, s + 5, "month %02d out of range", dt.month);
            return NULL;
        }
        if (dt.day < 1 || dt.day > toml_days_in_month(dt.year, dt.month)) {
            toml_fail_at(ps, s + 8, "day %02d out of range for %04d-%02d", dt.day, dt.year,
                         dt.month);
            return NULL;
        }
        ps->p = s + 10;
        type = SOCM_V_DATE_LOCAL;
        int c = toml_peek(ps, 0);
        /* The date/time separator: T, t, or a space followed by a time. */
        if ((c == 'T' || c == 't' || c == ' ') && toml_is_digit(toml_peek(ps, 1)) &&
            toml_is_digit(toml_peek(ps, 2)) && toml_peek(ps, 3) == ':') {
            ps->p++;
            if (toml_time(ps, &dt) < 0)
                return NULL;
            type = SOCM_V_DATETIME_LOCAL;
            c = toml_peek(ps, 0);
            if (c == 'Z' || c == 'z') {
                ps->p++;
                dt.offset_z = true;
                type = SOCM_V_DATETIME;
            } else if (c == '+' || c == '-') {
                const char *o = ps->p;
                int oh, om;
                if (!toml_ndigits(o + 1, ps->end, 2, &oh) || o + 3 >= ps->end || o[3] != ':' ||
                    !toml_ndigits(o + 4, ps->end, 2, &om)) {
                    toml_fail_at(ps, o, "invalid time offset (expected +HH:MM or -HH:MM)");
                    return NULL;
                }
                if (oh > 23 || om > 59) {
                    toml_fail_at(ps, o, "time offset %.6s out of range", o);
                    return NULL;
                }
                dt.offset_minutes = (oh * 60 + om) * (c == '-' ? -1 : 1);
                ps->p = o + 6;
                type = SOCM_V_DATETIME;
            }
        } else if (c == 'T' || c == 't') {
            toml_fail_at(ps, ps->p, "invalid date-time: expected a time after '%c'", c);
            return NULL;
        }
    }
    struct socm_value *v = socm_value_new(type, pos);
    v->u.dt = dt;
    return v;
}

/* ---- values ---- */

static struct socm_value *toml_value(struct toml_parser *ps, int depth);
static int toml_keyval(struct toml_parser *ps, struct socm_value *tbl, int depth, bool inline_tbl);

static bool toml_is_value_end(int c)
{
    return c == -1 || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' ||
           c == '}' || c == '#';
}

static struct socm_value *toml_array(struct toml_parser *ps, int depth)
{
    struct socm_pos pos = toml_pos(ps);
    ps->p++;
    struct socm_value *arr = socm_value_array(&pos);
    arr->flags |= SOCM_VF_INLINE;
    for (;;) {
        toml_skip_ws_nl(ps);
        if (toml_eof(ps)) {
            toml_fail_pos(ps, &pos, "unterminated array");
            goto fail;
        }
        if (*ps->p == ']') {
            ps->p++;
            return arr;
        }
        struct socm_value *item = toml_value(ps, depth + 1);
        if (!item)
            goto fail;
        socm_array_push(arr, item);
        toml_skip_ws_nl(ps);
        if (toml_peek(ps, 0) == ',') {
            ps->p++;
            continue;
        }
        if (toml_peek(ps, 0) == ']') {
            ps->p++;
            return arr;
        }
        if (toml_eof(ps))
            toml_fail_pos(ps, &pos, "unterminated array");
        else {
            char b[32];
            toml_fail_at(ps, ps->p, "expected ',' or ']' in array, found %s",
                         toml_describe(ps, ps->p, b, sizeof b));
        }
        goto fail;
    }
fail:
    socm_value_free(arr);
    return NULL;
}

static struct socm_value *toml_inline_table(struct toml_parser *ps, int depth)
{
    struct socm_pos pos = toml_pos(ps);
    ps->p++;
    struct socm_value *tbl = socm_value_table(&pos);
    toml_skip_ws(ps);
    if (toml_peek(ps, 0) == '}') {
        ps->p++;
        tbl->flags |= SOCM_VF_INLINE;
        return tbl;
    }
    for (;;) {
        toml_skip_ws(ps);
        if (toml_at_newline(ps) || toml_eof(ps) || toml_peek(ps, 0) == '}' ||
            toml_peek(ps, 0) == '#') {
            char b[32];
            toml_fail_at(ps, ps->p, "expected a key in inline table, found %s%s",
                         toml_describe(ps, ps->p, b, sizeof b),
                         toml_peek(ps, 0) == '}' ? " (no trailing comma allowed)" : "");
            goto fail;
        }
        if (toml_keyval(ps, tbl, depth, true) < 0)
            goto fail;
        toml_skip_ws(ps);
        int c = toml_peek(ps, 0);
        if (c == ',') {
            ps->p++;
            continue;
        }
        if (c == '}') {
            ps->p++;
            tbl->flags |= SOCM_VF_INLINE;
            return tbl;
        }
        char b[32];
        toml_fail_at(ps, ps->p, "expected ',' or '}' in inline table, found %s%s",
                     toml_describe(ps, ps->p, b, sizeof b),
                     toml_at_newline(ps) ? " (inline tables must be on one line)" : "");
        goto fail;
    }
fail:
    socm_value_free(tbl);
    return NULL;
}

static bool toml_word(const struct toml_parser *ps, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(ps->end - ps->p) >= n && memcmp(ps->p, w, n) == 0 &&
           toml_is_value_end(toml_peek(ps, n));
}

/* Any value; p at its first character. depth is the depth of the value itself. */
static struct socm_value *toml_value(struct toml_parser *ps, int depth)
{
    struct socm_pos pos = toml_pos(ps);
    if (depth > SOCM_CONFIG_MAX_DEPTH) {
        toml_fail_pos(ps, &pos, "values nest deeper than %d levels", SOCM_CONFIG_MAX_DEPTH);
        return NULL;
    }
    int c = toml_peek(ps, 0);
    char b[32];
    switch (c) {
    case '"':
    case '\'': {
        struct socm_buf s = SOCM_BUF_INIT;
        int r = toml_at_multi(ps) ? toml_string_multi(ps, &s) : toml_string_line(ps, &s);
        if (r < 0) {
            socm_buf_free(&s);
            return NULL;
        }
        struct socm_value *v = socm_value_string(s.data ? s.data : "", s.len, &pos);
        socm_buf_free(&s);
        return v;
    }
    case '[':
        return toml_array(ps, depth);
    case '{':
        return toml_inline_table(ps, depth);
    case 't':
    case 'f':
        if (toml_word(ps, "true") || toml_word(ps, "false")) {
            ps->p += c == 't' ? 4 : 5;
            return socm_value_bool(c == 't', &pos);
        }
        break;
    default:
        break;
    }
    if (c == -1 || c == '\n' || c == '\r' || c == '#' || c == ',' || c == ']' || c == '}') {
        toml_fail_at(ps, ps->p, "expected a value, found %s", toml_describe(ps, ps->p, b, sizeof b));
        return NULL;
    }
    /* Dates and times start with 4 digits and '-' or 2 digits and ':'. */
    if (toml_is_digit(c) && toml_is_digit(toml_peek(ps, 1)) &&
        (toml_peek(ps, 2) == ':' ||
         (toml_is_digit(toml_peek(ps, 2)) && toml_is_digit(toml_peek(ps, 3)) &&
          toml_peek(ps, 4) == '-'))) {
        struct socm_value *v = toml_datetime(ps, &pos);
        if (v && !toml_is_value_end(toml_peek(ps, 0))) {
            socm_value_free(v);
            toml_fail_at(ps, ps->p, "unexpected %s after a date/time",
                         toml_describe(ps, ps->p, b, sizeof b));
            return NULL;
        }
        return v;
    }
    if (toml_is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n') {
        const char *tok = ps->p;
        /* A number token: digits, letters (hex, e, inf, nan, 0x), '_', '.', signs. */
        while (ps->p < ps->end) {
            int d = (unsigned char)*ps->p;
            if (toml_is_bare(d) || d == '.' || d == '+')
                ps->p++;
            else
                break;
        }
        if (toml_peek(ps, 0) == ':') {
            toml_fail_at(ps, tok, "invalid time (expected HH:MM:SS)");
            return NULL;
        }
        return toml_number(ps, tok, (size_t)(ps->p - tok), &pos);
    }
    if (toml_is_bare(c)) {
        /* Most likely an unquoted string: name the whole word. */
        const char *w = ps->p;
        while (w < ps->end && w - ps->p < 40 && toml_is_bare((unsigned char)*w))
            w++;
        toml_fail_at(ps, ps->p, "invalid value '%.*s' (strings must be quoted)", (int)(w - ps->p), ps->p);
        return NULL;
    }
    toml_fail_at(ps, ps->p, "expected a value, found %s", toml_describe(ps, ps->p, b, sizeof b));
    return NULL;
}

/* ---- key/value pairs and tables ---- */

/* "an integer", "an inline table", "an array of tables"... for messages. */
static const char *toml_type_phrase(const struct socm_value *v)
{
    switch (v->type) {
    case SOCM_V_STRING: return "a string";
    case SOCM_V_INTEGER: return "an integer";
    case SOCM_V_FLOAT: return "a float";
    case SOCM_V_BOOL: return "a boolean";
    case SOCM_V_DATETIME:
    case SOCM_V_DATETIME_LOCAL:
    case SOCM_V_DATE_LOCAL:
    case SOCM_V_TIME_LOCAL: return "a date/time";
    case SOCM_V_ARRAY: return v->flags & SOCM_VF_AOT ? "an array of tables" : "a static array";
    case SOCM_V_TABLE:
        if (v->flags & SOCM_VF_INLINE)
            return "an inline table";
        if (v->flags & SOCM_VF_DOTTED)
            return "a table by dotted keys";
        return "a table";
    default: return socm_vtype_name(v->type);
    }
}

/* Walks/creates the tables named by key segments [0, n-1) below tbl for a dotted
 * key/value; returns the table that gets the last segment. */
static struct socm_value *toml_dotted_parent(struct toml_parser *ps, struct socm_value *tbl,
                                             const struct toml_key *key, bool inline_tbl)
{
    for (size_t i = 0; i + 1 < key->n; i++) {
        const struct toml_keyseg *sg = &key->seg[i];
        struct socm_value *next = socm_table_getn(tbl, sg->s, sg->len);
        char kt[512];
        if (!next) {
            next = socm_value_table(&sg->pos);
            next->flags |= SOCM_VF_DOTTED | (inline_tbl ? SOCM_VF_INLINE : 0);
            socm_table_add(tbl, sg->s, sg->len, &sg->pos, next);
        } else if (next->type != SOCM_V_TABLE) {
            toml_key_text(key, i + 1, kt, sizeof kt);
            toml_fail_pos(ps, &sg->pos, "key '%s' is already defined as %s and cannot be used as a table",
                          kt, toml_type_phrase(next));
            return NULL;
        } else if (next->flags & SOCM_VF_INLINE && !(inline_tbl && next->flags & SOCM_VF_DOTTED)) {
            toml_key_text(key, i + 1, kt, sizeof kt);
            toml_fail_pos(ps, &sg->pos, "cannot add keys to inline table '%s'", kt);
            return NULL;
        } else if (!(next->flags & SOCM_VF_DOTTED)) {
            toml_key_text(key, i + 1, kt, sizeof kt);
            toml_fail_pos(ps, &sg->pos,
                          "table '%s' is defined by a [table] header; dotted keys cannot add to it", kt);
            return NULL;
        }
        tbl = next;
    }
    return tbl;
}

/* key = value, into tbl; p at the key. depth is tbl's depth. */
static int toml_keyval(struct toml_parser *ps, struct socm_value *tbl, int depth, bool inline_tbl)
{
    struct toml_key key = {0};
    if (toml_parse_key(ps, &key, SOCM_CONFIG_MAX_DEPTH - depth) < 0)
        goto fail;
    toml_skip_ws(ps);
    if (toml_peek(ps, 0) != '=') {
        char b[32];
        toml_fail_at(ps, ps->p, "expected '=' after a key, found %s",
                     toml_describe(ps, ps->p, b, sizeof b));
        goto fail;
    }
    ps->p++;
    toml_skip_ws(ps);
    struct socm_value *parent = toml_dotted_parent(ps, tbl, &key, inline_tbl);
    if (!parent)
        goto fail;
    struct socm_value *v = toml_value(ps, depth + (int)key.n);
    if (!v)
        goto fail;
    const struct toml_keyseg *last = &key.seg[key.n - 1];
    if (socm_table_add(parent, last->s, last->len, &last->pos, v) < 0) {
        char kt[512];
        toml_key_text(&key, key.n, kt, sizeof kt);
        socm_value_free(v);
        toml_fail_pos(ps, &last->pos, "key '%s' is defined twice", kt);
        goto fail;
    }
    toml_key_free(&key);
    return 0;
fail:
    toml_key_free(&key);
    return -1;
}

/* [table] or [[array of tables]]; p at the first '['. */
static int toml_header(struct toml_parser *ps)
{
    struct socm_pos hpos = toml_pos(ps);
    bool aot = toml_peek(ps, 1) == '[';
    ps->p += aot ? 2 : 1;
    struct toml_key key = {0};
    if (toml_parse_key(ps, &key, SOCM_CONFIG_MAX_DEPTH) < 0)
        goto fail;
    if (toml_peek(ps, 0) != ']' || (aot && toml_peek(ps, 1) != ']')) {
        char b[32];
        toml_fail_at(ps, ps->p, "expected '%s' to close the table header, found %s",
                     aot ? "]]" : "]", toml_describe(ps, ps->p, b, sizeof b));
        goto fail;
    }
    ps->p += aot ? 2 : 1;

    struct socm_value *tbl = ps->root;
    int depth = 0;
    char kt[512];
    for (size_t i = 0; i + 1 < key.n; i++) {
        const struct toml_keyseg *sg = &key.seg[i];
        struct socm_value *next = socm_table_getn(tbl, sg->s, sg->len);
        if (depth + 3 > SOCM_CONFIG_MAX_DEPTH) { /* never build past the limit */
            toml_fail_pos(ps, &hpos, "tables nest deeper than %d levels", SOCM_CONFIG_MAX_DEPTH);
            goto fail;
        }
        if (!next) {
            next = socm_value_table(&sg->pos);
            next->flags |= SOCM_VF_IMPLICIT;
            socm_table_add(tbl, sg->s, sg->len, &sg->pos, next);
        } else if (next->type == SOCM_V_ARRAY && (next->flags & SOCM_VF_AOT)) {
            depth++;
            next = next->u.arr.items[next->u.arr.n - 1]; /* the latest element */
        } else if (next->type != SOCM_V_TABLE) {
            toml_key_text(&key, i + 1, kt, sizeof kt);
            toml_fail_pos(ps, &sg->pos, "key '%s' is already defined as %s, not a table", kt,
                          toml_type_phrase(next));
            goto fail;
        } else if (next->flags & SOCM_VF_INLINE) {
            toml_key_text(&key, i + 1, kt, sizeof kt);
            toml_fail_pos(ps, &sg->pos, "cannot extend inline table '%s'", kt);
            goto fail;
        }
        depth++;
        tbl = next;
    }
    const struct toml_keyseg *last = &key.seg[key.n - 1];
    struct socm_value *cur = socm_table_getn(tbl, last->s, last->len);
    toml_key_text(&key, key.n, kt, sizeof kt);
    if (depth + 2 > SOCM_CONFIG_MAX_DEPTH) {
        toml_fail_pos(ps, &hpos, "tables nest deeper than %d levels", SOCM_CONFIG_MAX_DEPTH);
        goto fail;
    }
    if (aot) {
        if (!cur) {
            cur = socm_value_array(&last->pos);
            cur->flags |= SOCM_VF_AOT;
            socm_table_add(tbl, last->s, last->len, &last->pos, cur);
        } else if (cur->type != SOCM_V_ARRAY || !(cur->flags & SOCM_VF_AOT)) {
            toml_fail_pos(ps, &last->pos, "cannot define array of tables '%s': already defined as %s",
                          kt, toml_type_phrase(cur));
            goto fail;
        }
        struct socm_value *elem = socm_value_table(&hpos);
        elem->flags |= SOCM_VF_EXPLICIT;
        socm_array_push(cur, elem);
        ps->cur = elem;
        ps->cur_depth = depth + 2;
    } else {
        if (!cur) {
            cur = socm_value_table(&last->pos);
            cur->flags |= SOCM_VF_EXPLICIT;
            socm_table_add(tbl, last->s, last->len, &last->pos, cur);
        } else if (cur->type != SOCM_V_TABLE) {
            toml_fail_pos(ps, &last->pos, "cannot define table '%s': already defined as %s", kt,
                          toml_type_phrase(cur));
            goto fail;
        } else if (cur->flags & (SOCM_VF_DOTTED | SOCM_VF_INLINE)) {
            toml_fail_pos(ps, &last->pos, "table '%s' is defined twice (already defined as %s)", kt,
                          toml_type_phrase(cur));
            goto fail;
        } else if (cur->flags & SOCM_VF_EXPLICIT) {
            toml_fail_pos(ps, &last->pos, "table '%s' is defined twice", kt);
            goto fail;
        } else {
            cur->flags = (cur->flags & ~SOCM_VF_IMPLICIT) | SOCM_VF_EXPLICIT;
        }
        ps->cur = cur;
        ps->cur_depth = depth + 1;
    }
    toml_key_free(&key);
    return toml_expect_eol(ps, "a table header");
fail:
    toml_key_free(&key);
    return -1;
}

static int toml_document(struct toml_parser *ps)
{
    while (!ps->failed) {
        toml_skip_ws(ps);
        toml_skip_comment(ps);
        if (toml_eof(ps))
            return 0;
        if (toml_at_newline(ps)) {
            toml_newline(ps);
            continue;
        }
        if (*ps->p == '[') {
            if (toml_header(ps) < 0)
                return -1;
            continue;
        }
        if (toml_keyval(ps, ps->cur, ps->cur_depth, false) < 0)
            return -1;
        if (toml_expect_eol(ps, "a value") < 0)
            return -1;
    }
    return -1;
}

struct socm_value *socm_toml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err)
{
    struct toml_parser ps = {0};
    ps.file = socm_intern(filename ? filename : "<input>");
    ps.start = ps.p = data ? data : "";
    ps.end = ps.start + (data ? len : 0);
    ps.line = 1;
    ps.line_start = ps.start;
    ps.err = err;
    if (len > SOCM_CONFIG_MAX_BYTES) {
        struct socm_pos pos = {ps.file, 0, 0};
        socm_error_at(err, &pos, "input is larger than %u bytes", SOCM_CONFIG_MAX_BYTES);
        return NULL;
    }
    /* A UTF-8 byte order mark is not TOML text, but editors write one. */
    if (ps.end - ps.p >= 3 && memcmp(ps.p, "\xEF\xBB\xBF", 3) == 0) {
        ps.p += 3;
        ps.start = ps.line_start = ps.p;
    }
    if (toml_check_text(&ps) < 0)
        return NULL;
    struct socm_pos rpos = {ps.file, 1, 1};
    ps.root = socm_value_table(&rpos);
    ps.cur = ps.root;
    if (toml_document(&ps) < 0) {
        socm_value_free(ps.root);
        return NULL;
    }
    return ps.root;
}

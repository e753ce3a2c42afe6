/* toml.c — the TOML 1.0 parser: text to the config tree (value.h), with every node's
 * position, and every rule of the specification enforced (https://toml.io/en/v1.0.0).
 *
 * The whole input is first checked for UTF-8, control characters and bare CRs, so the
 * scanner (toml_scan.c) can treat every byte it sees as allowed text. Recursion (arrays,
 * inline tables) is bounded by SOCM_CONFIG_MAX_DEPTH, and so is the depth that
 * headers and dotted keys can build. On any error the partial tree is freed and the
 * first error is reported as "file:line:col: message".
 *
 * This file builds the tree: values, arrays, inline tables, key/value pairs,
 * [tables] and [[arrays of tables]]. Scanning (positions, strings, keys) is in
 * toml_scan.c, numbers and dates in toml_scalar.c. */
#include "config/toml_impl.h"
#include "config/value_block.h"

#include <string.h>

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
    struct socm_pos pos = socm_toml_pos(ps);
    ps->p++;
    struct socm_value *arr = socm_value_array(&pos);
    arr->flags |= SOCM_VF_INLINE;
    for (;;) {
        socm_toml_skip_ws_nl(ps);
        if (toml_eof(ps)) {
            socm_toml_fail_pos(ps, &pos, "unterminated array");
            goto fail;
        }
        if (*ps->p == ']') {
            ps->p++;
            socm_value_seal(arr);
            return arr;
        }
        struct socm_value *item = toml_value(ps, depth + 1);
        if (!item)
            goto fail;
        socm_array_push(arr, item);
        socm_toml_skip_ws_nl(ps);
        if (toml_peek(ps, 0) == ',') {
            ps->p++;
            continue;
        }
        if (toml_peek(ps, 0) == ']') {
            ps->p++;
            socm_value_seal(arr);
            return arr;
        }
        if (toml_eof(ps))
            socm_toml_fail_pos(ps, &pos, "unterminated array");
        else {
            char b[32];
            socm_toml_fail_at(ps, ps->p, "expected ',' or ']' in array, found %s",
                         socm_toml_describe(ps, ps->p, b, sizeof b));
        }
        goto fail;
    }
fail:
    socm_value_free(arr);
    return NULL;
}

static struct socm_value *toml_inline_table(struct toml_parser *ps, int depth)
{
    struct socm_pos pos = socm_toml_pos(ps);
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
            socm_toml_fail_at(ps, ps->p, "expected a key in inline table, found %s%s",
                         socm_toml_describe(ps, ps->p, b, sizeof b),
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
            socm_value_seal(tbl);
            return tbl;
        }
        char b[32];
        socm_toml_fail_at(ps, ps->p, "expected ',' or '}' in inline table, found %s%s",
                     socm_toml_describe(ps, ps->p, b, sizeof b),
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
    struct socm_pos pos = socm_toml_pos(ps);
    if (depth > SOCM_CONFIG_MAX_DEPTH) {
        socm_toml_fail_pos(ps, &pos, "values nest deeper than %d levels", SOCM_CONFIG_MAX_DEPTH);
        return NULL;
    }
    int c = toml_peek(ps, 0);
    char b[32];
    switch (c) {
    case '"':
    case '\'': {
        struct socm_buf s = SOCM_BUF_INIT;
        int r =
            socm_toml_at_multi(ps) ? socm_toml_string_multi(ps, &s) : socm_toml_string_line(ps, &s);
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
        socm_toml_fail_at(ps, ps->p, "expected a value, found %s",
                          socm_toml_describe(ps, ps->p, b, sizeof b));
        return NULL;
    }
    /* Dates and times start with 4 digits and '-' or 2 digits and ':'. */
    if (toml_is_digit(c) && toml_is_digit(toml_peek(ps, 1)) &&
        (toml_peek(ps, 2) == ':' ||
         (toml_is_digit(toml_peek(ps, 2)) && toml_is_digit(toml_peek(ps, 3)) &&
          toml_peek(ps, 4) == '-'))) {
        struct socm_value *v = socm_toml_datetime(ps, &pos);
        if (v && !toml_is_value_end(toml_peek(ps, 0))) {
            socm_value_free(v);
            socm_toml_fail_at(ps, ps->p, "unexpected %s after a date/time",
                         socm_toml_describe(ps, ps->p, b, sizeof b));
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
            socm_toml_fail_at(ps, tok, "invalid time (expected HH:MM:SS)");
            return NULL;
        }
        return socm_toml_number(ps, tok, (size_t)(ps->p - tok), &pos);
    }
    if (toml_is_bare(c)) {
        /* Most likely an unquoted string: name the whole word. */
        const char *w = ps->p;
        while (w < ps->end && w - ps->p < 40 && toml_is_bare((unsigned char)*w))
            w++;
        socm_toml_fail_at(ps, ps->p, "invalid value '%.*s' (strings must be quoted)",
                          (int)(w - ps->p), ps->p);
        return NULL;
    }
    socm_toml_fail_at(ps, ps->p, "expected a value, found %s",
                      socm_toml_describe(ps, ps->p, b, sizeof b));
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
            socm_toml_key_text(key, i + 1, kt, sizeof kt);
            socm_toml_fail_pos(ps, &sg->pos,
                               "key '%s' is already defined as %s and cannot be used as a table",
                               kt, toml_type_phrase(next));
            return NULL;
        } else if (next->flags & SOCM_VF_INLINE && !(inline_tbl && next->flags & SOCM_VF_DOTTED)) {
            socm_toml_key_text(key, i + 1, kt, sizeof kt);
            socm_toml_fail_pos(ps, &sg->pos, "cannot add keys to inline table '%s'", kt);
            return NULL;
        } else if (!(next->flags & SOCM_VF_DOTTED)) {
            socm_toml_key_text(key, i + 1, kt, sizeof kt);
            socm_toml_fail_pos(
                ps, &sg->pos,
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
    if (socm_toml_parse_key(ps, &key, SOCM_CONFIG_MAX_DEPTH - depth) < 0)
        goto fail;
    toml_skip_ws(ps);
    if (toml_peek(ps, 0) != '=') {
        char b[32];
        socm_toml_fail_at(ps, ps->p, "expected '=' after a key, found %s",
                     socm_toml_describe(ps, ps->p, b, sizeof b));
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
        socm_toml_key_text(&key, key.n, kt, sizeof kt);
        socm_value_free(v);
        socm_toml_fail_pos(ps, &last->pos, "key '%s' is defined twice", kt);
        goto fail;
    }
    socm_toml_key_free(&key);
    return 0;
fail:
    socm_toml_key_free(&key);
    return -1;
}

/* [table] or [[array of tables]]; p at the first '['. */
static int toml_header(struct toml_parser *ps)
{
    struct socm_pos hpos = socm_toml_pos(ps);
    bool aot = toml_peek(ps, 1) == '[';
    ps->p += aot ? 2 : 1;
    struct toml_key key = {0};
    if (socm_toml_parse_key(ps, &key, SOCM_CONFIG_MAX_DEPTH) < 0)
        goto fail;
    if (toml_peek(ps, 0) != ']' || (aot && toml_peek(ps, 1) != ']')) {
        char b[32];
        socm_toml_fail_at(ps, ps->p, "expected '%s' to close the table header, found %s",
                     aot ? "]]" : "]", socm_toml_describe(ps, ps->p, b, sizeof b));
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
            socm_toml_fail_pos(ps, &hpos, "tables nest deeper than %d levels",
                               SOCM_CONFIG_MAX_DEPTH);
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
            socm_toml_key_text(&key, i + 1, kt, sizeof kt);
            socm_toml_fail_pos(ps, &sg->pos, "key '%s' is already defined as %s, not a table", kt,
                          toml_type_phrase(next));
            goto fail;
        } else if (next->flags & SOCM_VF_INLINE) {
            socm_toml_key_text(&key, i + 1, kt, sizeof kt);
            socm_toml_fail_pos(ps, &sg->pos, "cannot extend inline table '%s'", kt);
            goto fail;
        }
        depth++;
        tbl = next;
    }
    const struct toml_keyseg *last = &key.seg[key.n - 1];
    struct socm_value *cur = socm_table_getn(tbl, last->s, last->len);
    socm_toml_key_text(&key, key.n, kt, sizeof kt);
    if (depth + 2 > SOCM_CONFIG_MAX_DEPTH) {
        socm_toml_fail_pos(ps, &hpos, "tables nest deeper than %d levels", SOCM_CONFIG_MAX_DEPTH);
        goto fail;
    }
    if (aot) {
        if (!cur) {
            cur = socm_value_array(&last->pos);
            cur->flags |= SOCM_VF_AOT;
            socm_table_add(tbl, last->s, last->len, &last->pos, cur);
        } else if (cur->type != SOCM_V_ARRAY || !(cur->flags & SOCM_VF_AOT)) {
            socm_toml_fail_pos(ps, &last->pos,
                               "cannot define array of tables '%s': already defined as %s", kt,
                               toml_type_phrase(cur));
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
            socm_toml_fail_pos(ps, &last->pos, "cannot define table '%s': already defined as %s",
                               kt, toml_type_phrase(cur));
            goto fail;
        } else if (cur->flags & (SOCM_VF_DOTTED | SOCM_VF_INLINE)) {
            socm_toml_fail_pos(ps, &last->pos,
                               "table '%s' is defined twice (already defined as %s)", kt,
                               toml_type_phrase(cur));
            goto fail;
        } else if (cur->flags & SOCM_VF_EXPLICIT) {
            socm_toml_fail_pos(ps, &last->pos, "table '%s' is defined twice", kt);
            goto fail;
        } else {
            cur->flags = (cur->flags & ~SOCM_VF_IMPLICIT) | SOCM_VF_EXPLICIT;
        }
        ps->cur = cur;
        ps->cur_depth = depth + 1;
    }
    socm_toml_key_free(&key);
    return socm_toml_expect_eol(ps, "a table header");
fail:
    socm_toml_key_free(&key);
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
        if (socm_toml_expect_eol(ps, "a value") < 0)
            return -1;
    }
    return -1;
}

struct socm_value *socm_toml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err)
{
    struct toml_parser ps = {0};
    ps.file_id = socm_intern_id(filename ? filename : "<input>");
    ps.start = ps.p = data ? data : "";
    ps.end = ps.start + (data ? len : 0);
    ps.line = 1;
    ps.line_start = ps.start;
    ps.err = err;
    if (len > SOCM_CONFIG_MAX_BYTES) {
        struct socm_pos pos = {ps.file_id, 0, 0};
        socm_error_at(err, &pos, "input is larger than %u bytes", SOCM_CONFIG_MAX_BYTES);
        return NULL;
    }
    /* A UTF-8 byte order mark is not TOML text, but editors write one. */
    if (ps.end - ps.p >= 3 && memcmp(ps.p, "\xEF\xBB\xBF", 3) == 0) {
        ps.p += 3;
        ps.start = ps.line_start = ps.p;
    }
    if (socm_toml_check_text(&ps) < 0)
        return NULL;
    struct socm_pos rpos = {ps.file_id, 1, 1};
    struct socm_value_blocks blocks;
    socm_value_blocks_begin(&blocks);
    ps.root = socm_value_table(&rpos);
    ps.cur = ps.root;
    int rc = toml_document(&ps);
    socm_value_blocks_end(&blocks);
    if (rc < 0) {
        socm_value_free(ps.root);
        return NULL;
    }
    return ps.root;
}

/* emit.c — writing a config tree back out: tagged JSON (the TOML conformance suite's
 * decoder format), plain JSON, and TOML that re-parses to the same tree. */
#include "config/formats.h"
#include "config/utf8.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- JSON ---- */

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t emit_utf8_len(const unsigned char *p, size_t avail)
{
    uint32_t cp;
    return socm_utf8_decode(p, avail, &cp);
}


/* A JSON string from bytes that should be UTF-8; invalid bytes (possible only in
 * trees not made by our parsers) become U+FFFD rather than failing the whole dump. */
static json_t *emit_json_string(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : emit_utf8_len((const unsigned char *)s + i, len - i);
        if (k == 0)
            socm_buf_puts(&b, "\xEF\xBF\xBD");
        else {
            socm_buf_putn(&b, s + i, k);
            i += k - 1;
        }
    }
    j = json_stringn(b.data ? b.data : "", b.len);
    socm_buf_free(&b);
    return j ? j : json_string("");
}

/* Text of a scalar leaf as the tagged format writes it. */
static char *emit_scalar_text(const struct socm_value *v)
{
    struct socm_buf b = SOCM_BUF_INIT;
    switch (v->type) {
    case SOCM_V_INTEGER: socm_buf_printf(&b, "%" PRId64, v->u.i); break;
    case SOCM_V_FLOAT:
        if (isnan(v->u.f))
            socm_buf_puts(&b, "nan");
        else
            socm_float_format(v->u.f, &b);
        break;
    case SOCM_V_BOOL: socm_buf_puts(&b, v->u.b ? "true" : "false"); break;
    case SOCM_V_DATETIME:
    case SOCM_V_DATETIME_LOCAL:
    case SOCM_V_DATE_LOCAL:
    case SOCM_V_TIME_LOCAL: socm_datetime_format(v, &b); break;
    default: break;
    }
    return socm_buf_steal(&b);
}

static json_t *emit_json(const struct socm_value *v, bool tagged)
{
    switch (v->type) {
    case SOCM_V_NULL:
        return json_null();
    case SOCM_V_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; i < v->u.arr.n; i++)
            json_array_append_new(a, emit_json(v->u.arr.items[i], tagged));
        return a;
    }
    case SOCM_V_TABLE: {
        json_t *o = json_object();
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            const struct socm_kv *kv = &v->u.tbl.items[i];
            /* The key goes through a JSON string so that a key that is not
             * valid UTF-8 (never from our parsers) is repaired, not dropped. */
            json_t *k = emit_json_string(kv->key, kv->keylen);
            json_object_setn_new(o, json_string_value(k), json_string_length(k),
                                 emit_json(kv->value, tagged));
            json_decref(k);
        }
        return o;
    }
    case SOCM_V_STRING:
        if (!tagged)
            return emit_json_string(v->u.str.s, v->u.str.len);
        break;
    case SOCM_V_INTEGER:
        if (!tagged)
            return json_integer(v->u.i);
        break;
    case SOCM_V_FLOAT:
        if (!tagged && isfinite(v->u.f))
            return json_real(v->u.f);
        break;
    case SOCM_V_BOOL:
        if (!tagged)
            return json_boolean(v->u.b);
        break;
    default:
        break;
    }
    /* Tagged leaves, and the plain forms with no JSON type (dates, inf, nan), which
     * become strings. */
    json_t *text;
    if (v->type == SOCM_V_STRING)
        text = emit_json_string(v->u.str.s, v->u.str.len);
    else {
        char *t = emit_scalar_text(v);
        text = json_string(t);
        free(t);
    }
    if (!tagged)
        return text;
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(socm_vtype_name(v->type)));
    json_object_set_new(o, "value", text);
    return o;
}

json_t *socm_value_to_json(const struct socm_value *v)
{
    return emit_json(v, false);
}

static char *emit_json_dump(const struct socm_value *root, bool tagged)
{
    json_t *j = emit_json(root, tagged);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    json_decref(j);
    if (!s)
        return socm_strdup("null");
    char *out = socm_strdup(s);
    free(s);
    return out;
}

char *socm_config_to_tagged_json(const struct socm_value *root)
{
    return emit_json_dump(root, true);
}

char *socm_config_to_json(const struct socm_value *root)
{
    return emit_json_dump(root, false);
}

/* ---- Compact JSON, written straight from the tree ----
 * What json_dumps(socm_value_to_json(v), JSON_COMPACT | JSON_ENSURE_ASCII) gives, less
 * the jansson tree in between, which costs several times the text (a run journals the
 * whole configuration of a campaign of any size). */

static void write_json_string(struct socm_buf *b, const char *s, size_t n)
{
    socm_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        if (c >= 0x80) {
            size_t k = socm_utf8_decode((const unsigned char *)s + i, n - i, &cp);
            if (k == 0) /* not UTF-8 (never from our parsers): U+FFFD, as emit_json_string */
                cp = 0xFFFD;
            else
                i += k - 1;
        }
        switch (cp) {
        case '"': socm_buf_puts(b, "\\\""); continue;
        case '\\': socm_buf_puts(b, "\\\\"); continue;
        case '\b': socm_buf_puts(b, "\\b"); continue;
        case '\f': socm_buf_puts(b, "\\f"); continue;
        case '\n': socm_buf_puts(b, "\\n"); continue;
        case '\r': socm_buf_puts(b, "\\r"); continue;
        case '\t': socm_buf_puts(b, "\\t"); continue;
        default: break;
        }
        if (cp >= 0x20 && cp < 0x7F)
            socm_buf_putc(b, (char)cp);
        else if (cp < 0x10000)
            socm_buf_printf(b, "\\u%04x", (unsigned)cp);
        else {
            cp -= 0x10000;
            socm_buf_printf(b, "\\u%04x\\u%04x", 0xD800 + (unsigned)(cp >> 10),
                            0xDC00 + (unsigned)(cp & 0x3FF));
        }
    }
    socm_buf_putc(b, '"');
}

void socm_config_write_json(const struct socm_value *v, struct socm_buf *b)
{
    switch (v->type) {
    case SOCM_V_NULL: socm_buf_puts(b, "null"); return;
    case SOCM_V_STRING: write_json_string(b, v->u.str.s, v->u.str.len); return;
    case SOCM_V_INTEGER: socm_buf_printf(b, "%" PRId64, v->u.i); return;
    case SOCM_V_BOOL: socm_buf_puts(b, v->u.b ? "true" : "false"); return;
    case SOCM_V_FLOAT:
        if (isfinite(v->u.f)) {
            socm_float_format(v->u.f, b); /* shortest round trip: valid JSON */
            return;
        }
        break;
    case SOCM_V_ARRAY:
        socm_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                socm_buf_putc(b, ',');
            socm_config_write_json(v->u.arr.items[i], b);
        }
        socm_buf_putc(b, ']');
        return;
    case SOCM_V_TABLE:
        socm_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            const struct socm_kv *kv = &v->u.tbl.items[i];
            if (i)
                socm_buf_putc(b, ',');
            write_json_string(b, kv->key, kv->keylen);
            socm_buf_putc(b, ':');
            socm_config_write_json(kv->value, b);
        }
        socm_buf_putc(b, '}');
        return;
    default:
        break;
    }
    /* Dates, inf and nan have no JSON form: their text, as a string. */
    char *t = emit_scalar_text(v);
    write_json_string(b, t, strlen(t));
    free(t);
}

/* ---- Compact JSON, piece by piece ---- */

struct socm_json_frame {
    const struct socm_value *v; /* an array or a table */
    size_t next;                /* its next item */
};

static bool is_container(const struct socm_value *v)
{
    return v->type == SOCM_V_ARRAY || v->type == SOCM_V_TABLE;
}

/* Writes v's opening bracket and makes it the innermost open container. */
static void stream_open(struct socm_json_stream *s, const struct socm_value *v, struct socm_buf *b)
{
    socm_buf_putc(b, v->type == SOCM_V_ARRAY ? '[' : '{');
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->stack = socm_xrealloc(s->stack, s->cap * sizeof *s->stack);
    }
    s->stack[s->n++] = (struct socm_json_frame){v, 0};
}

bool socm_config_write_json_piece(struct socm_json_stream *s, const struct socm_value *v,
                                  struct socm_buf *b, size_t piece)
{
    size_t start = b->len;
    if (!s->started) {
        s->started = true;
        if (!is_container(v)) {
            socm_config_write_json(v, b);
            return false;
        }
        stream_open(s, v, b);
    }
    while (s->n && b->len - start < piece) {
        struct socm_json_frame *f = &s->stack[s->n - 1];
        const struct socm_value *c = f->v;
        size_t count = c->type == SOCM_V_ARRAY ? c->u.arr.n : c->u.tbl.n;
        if (f->next == count) {
            socm_buf_putc(b, c->type == SOCM_V_ARRAY ? ']' : '}');
            s->n--;
            continue;
        }
        if (f->next)
            socm_buf_putc(b, ',');
        const struct socm_value *item;
        if (c->type == SOCM_V_ARRAY) {
            item = c->u.arr.items[f->next];
        } else {
            const struct socm_kv *kv = &c->u.tbl.items[f->next];
            write_json_string(b, kv->key, kv->keylen);
            socm_buf_putc(b, ':');
            item = kv->value;
        }
        f->next++;
        if (is_container(item))
            stream_open(s, item, b); /* f may move: not used after this */
        else
            socm_config_write_json(item, b);
    }
    return s->n > 0;
}

void socm_json_stream_free(struct socm_json_stream *s)
{
    free(s->stack);
    *s = (struct socm_json_stream){0};
}

/* ---- TOML ---- */

static bool emit_key_is_bare(const char *k, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* A basic string with every character TOML forbids raw written as an escape. */
static void emit_toml_string(struct socm_buf *b, const char *s, size_t n)
{
    socm_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': socm_buf_puts(b, "\\\""); break;
        case '\\': socm_buf_puts(b, "\\\\"); break;
        case '\b': socm_buf_puts(b, "\\b"); break;
        case '\t': socm_buf_puts(b, "\\t"); break;
        case '\n': socm_buf_puts(b, "\\n"); break;
        case '\f': socm_buf_puts(b, "\\f"); break;
        case '\r': socm_buf_puts(b, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7F)
                socm_buf_printf(b, "\\u%04X", c);
            else if (c < 0x80)
                socm_buf_putc(b, (char)c);
            else {
                /* Copy a valid UTF-8 sequence; a stray byte (never from our parsers)
                 * becomes U+FFFD so that the output is still TOML. */
                size_t k = emit_utf8_len((const unsigned char *)s + i, n - i);
                if (k == 0)
                    socm_buf_puts(b, "\\uFFFD");
                else {
                    socm_buf_putn(b, s + i, k);
                    i += k - 1;
                }
            }
        }
    }
    socm_buf_putc(b, '"');
}

static void emit_toml_key(struct socm_buf *b, const char *k, size_t n)
{
    if (emit_key_is_bare(k, n))
        socm_buf_putn(b, k, n);
    else
        emit_toml_string(b, k, n);
}

/* An array written as [[header]] sections: non-empty, tables only. */
static bool emit_is_aot(const struct socm_value *v)
{
    if (v->type != SOCM_V_ARRAY || v->u.arr.n == 0)
        return false;
    for (size_t i = 0; i < v->u.arr.n; i++)
        if (v->u.arr.items[i]->type != SOCM_V_TABLE)
            return false;
    return true;
}

/* A value on one line (inside key = ..., arrays and inline tables). TOML has no
 * null: nulls inside arrays and inline tables are left out. */
static void emit_toml_inline(struct socm_buf *b, const struct socm_value *v)
{
    switch (v->type) {
    case SOCM_V_STRING: emit_toml_string(b, v->u.str.s, v->u.str.len); break;
    case SOCM_V_INTEGER: socm_buf_printf(b, "%" PRId64, v->u.i); break;
    case SOCM_V_FLOAT:
        if (isnan(v->u.f))
            socm_buf_puts(b, signbit(v->u.f) ? "-nan" : "nan");
        else
            socm_float_format(v->u.f, b);
        break;
    case SOCM_V_BOOL: socm_buf_puts(b, v->u.b ? "true" : "false"); break;
    case SOCM_V_DATETIME:
    case SOCM_V_DATETIME_LOCAL:
    case SOCM_V_DATE_LOCAL:
    case SOCM_V_TIME_LOCAL: socm_datetime_format(v, b); break;
    case SOCM_V_ARRAY: {
        socm_buf_putc(b, '[');
        bool first = true;
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (v->u.arr.items[i]->type == SOCM_V_NULL)
                continue;
            socm_buf_puts(b, first ? "" : ", ");
            first = false;
            emit_toml_inline(b, v->u.arr.items[i]);
        }
        socm_buf_putc(b, ']');
        break;
    }
    case SOCM_V_TABLE: {
        socm_buf_putc(b, '{');
        bool first = true;
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            const struct socm_kv *kv = &v->u.tbl.items[i];
            if (kv->value->type == SOCM_V_NULL)
                continue;
            socm_buf_puts(b, first ? " " : ", ");
            first = false;
            emit_toml_key(b, kv->key, kv->keylen);
            socm_buf_puts(b, " = ");
            emit_toml_inline(b, kv->value);
        }
        socm_buf_puts(b, first ? "}" : " }");
        break;
    }
    case SOCM_V_NULL: break;
    }
}

/* The body of table `t` whose header path is `path` (empty for the root): plain
 * key/values first (they must precede any header), then sub-tables and arrays of
 * tables as sections. */
static void emit_toml_table(struct socm_buf *b, const struct socm_value *t, const char *path)
{
    for (size_t i = 0; i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        const struct socm_value *v = kv->value;
        if (v->type == SOCM_V_TABLE || emit_is_aot(v))
            continue;
        if (v->type == SOCM_V_NULL) {
            socm_buf_puts(b, "# ");
            emit_toml_key(b, kv->key, kv->keylen);
            socm_buf_puts(b, " = null (TOML has no null)\n");
            continue;
        }
        emit_toml_key(b, kv->key, kv->keylen);
        socm_buf_puts(b, " = ");
        emit_toml_inline(b, v);
        socm_buf_putc(b, '\n');
    }
    for (size_t i = 0; i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        const struct socm_value *v = kv->value;
        if (v->type != SOCM_V_TABLE && !emit_is_aot(v))
            continue;
        struct socm_buf sub = SOCM_BUF_INIT;
        if (*path) {
            socm_buf_puts(&sub, path);
            socm_buf_putc(&sub, '.');
        }
        emit_toml_key(&sub, kv->key, kv->keylen);
        if (v->type == SOCM_V_TABLE) {
            socm_buf_printf(b, "%s[%s]\n", b->len ? "\n" : "", sub.data);
            emit_toml_table(b, v, sub.data);
        } else {
            for (size_t j = 0; j < v->u.arr.n; j++) {
                socm_buf_printf(b, "%s[[%s]]\n", b->len ? "\n" : "", sub.data);
                emit_toml_table(b, v->u.arr.items[j], sub.data);
            }
        }
        socm_buf_free(&sub);
    }
}

char *socm_config_to_toml(const struct socm_value *root)
{
    struct socm_buf b = SOCM_BUF_INIT;
    if (root->type == SOCM_V_TABLE)
        emit_toml_table(&b, root, "");
    else {
        /* Not a document: write the value alone, as it would follow "key = ". */
        emit_toml_inline(&b, root);
        socm_buf_putc(&b, '\n');
    }
    return socm_buf_steal(&b);
}

/* template_value.c — config values as templates see them: truth, printed text
 * (Python's str() and repr()), equality across number types, and the memory a
 * value takes (for the bounds on values made in one render). */
#include "config/template_impl.h"

#include <string.h>

bool socm_tpl_truthy(const struct socm_value *v)
{
    switch (v->type) {
    case SOCM_V_NULL: return false;
    case SOCM_V_BOOL: return v->u.b;
    case SOCM_V_INTEGER: return v->u.i != 0;
    case SOCM_V_FLOAT: return v->u.f != 0.0;
    case SOCM_V_STRING: return v->u.str.len > 0;
    case SOCM_V_ARRAY: return v->u.arr.n > 0;
    case SOCM_V_TABLE: return v->u.tbl.n > 0;
    default: return true;
    }
}

static void repr(const struct socm_value *v, struct socm_buf *b, bool quote);

/* Text as Jinja prints it: str() of the value (lists and dicts as Python shows them). */
void socm_tpl_text_of(const struct socm_value *v, struct socm_buf *b)
{
    repr(v, b, false);
}

static void repr(const struct socm_value *v, struct socm_buf *b, bool quote)
{
    if (v->type == SOCM_V_STRING && quote) {
        socm_buf_putc(b, '\'');
        for (size_t i = 0; i < v->u.str.len; i++) {
            char c = v->u.str.s[i];
            if (c == '\'' || c == '\\')
                socm_buf_putc(b, '\\');
            socm_buf_putc(b, c);
        }
        socm_buf_putc(b, '\'');
    } else if (v->type == SOCM_V_ARRAY) {
        socm_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                socm_buf_puts(b, ", ");
            repr(v->u.arr.items[i], b, true);
        }
        socm_buf_putc(b, ']');
    } else if (v->type == SOCM_V_TABLE) {
        socm_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            if (i)
                socm_buf_puts(b, ", ");
            struct socm_value k = {.type = SOCM_V_STRING};
            k.u.str.s = v->u.tbl.items[i].key;
            k.u.str.len = v->u.tbl.items[i].keylen;
            repr(&k, b, true);
            socm_buf_puts(b, ": ");
            repr(v->u.tbl.items[i].value, b, true);
        }
        socm_buf_putc(b, '}');
    } else {
        char *s = socm_value_to_text(v);
        socm_buf_puts(b, s);
        free(s);
    }
}

struct socm_value *socm_tpl_text_value(const struct socm_value *v, const struct socm_pos *pos)
{
    struct socm_buf b = SOCM_BUF_INIT;
    socm_tpl_text_of(v, &b);
    struct socm_value *s = socm_value_string(b.data ? b.data : "", b.len, pos);
    socm_buf_free(&b);
    return s;
}

bool socm_tpl_values_equal(const struct socm_value *a, const struct socm_value *b)
{
    if (socm_value_is_number(a) && socm_value_is_number(b)) {
        if (a->type == SOCM_V_INTEGER && b->type == SOCM_V_INTEGER)
            return a->u.i == b->u.i;
        return socm_value_as_double(a) == socm_value_as_double(b);
    }
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case SOCM_V_NULL: return true;
    case SOCM_V_BOOL: return a->u.b == b->u.b;
    case SOCM_V_STRING:
        return a->u.str.len == b->u.str.len && !memcmp(a->u.str.s, b->u.str.s, a->u.str.len);
    case SOCM_V_ARRAY:
        if (a->u.arr.n != b->u.arr.n)
            return false;
        for (size_t i = 0; i < a->u.arr.n; i++)
            if (!socm_tpl_values_equal(a->u.arr.items[i], b->u.arr.items[i]))
                return false;
        return true;
    case SOCM_V_TABLE:
        if (a->u.tbl.n != b->u.tbl.n)
            return false;
        for (size_t i = 0; i < a->u.tbl.n; i++) {
            const struct socm_kv *kv = &a->u.tbl.items[i];
            const struct socm_value *o = socm_table_getn(b, kv->key, kv->keylen);
            if (!o || !socm_tpl_values_equal(kv->value, o))
                return false;
        }
        return true;
    default: {
        struct socm_buf x = SOCM_BUF_INIT, y = SOCM_BUF_INIT;
        socm_datetime_format(a, &x);
        socm_datetime_format(b, &y);
        bool eq = x.len == y.len && !memcmp(x.data, y.data, x.len);
        socm_buf_free(&x);
        socm_buf_free(&y);
        return eq;
    }
    }
}

/* The memory a value takes, about: its text, and each node with its slot in a
 * list or table and the allocator's overhead. Stops counting
 * past `limit` (the caller refuses anything larger), so a huge value costs no
 * more to measure than to make; *deep is set if it nests deeper than a config. */
size_t socm_tpl_value_bytes(const struct socm_value *v, size_t limit, int depth, bool *deep)
{
    if (depth > SOCM_CONFIG_MAX_DEPTH) {
        *deep = true;
        return 0;
    }
    size_t n = sizeof *v + sizeof(struct socm_kv) + 16;
    if (v->type == SOCM_V_STRING)
        n += v->u.str.len + 16;
    else if (v->type == SOCM_V_ARRAY)
        for (size_t i = 0; i < v->u.arr.n && n <= limit && !*deep; i++)
            n += socm_tpl_value_bytes(v->u.arr.items[i], limit - n, depth + 1, deep);
    else if (v->type == SOCM_V_TABLE)
        for (size_t i = 0; i < v->u.tbl.n && n <= limit && !*deep; i++)
            n += v->u.tbl.items[i].keylen +
                 socm_tpl_value_bytes(v->u.tbl.items[i].value, limit - n, depth + 1, deep);
    return n;
}

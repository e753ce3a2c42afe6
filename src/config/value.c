/* value.c — the config tree (see value.h): construction, lookup, cloning, text. */
#include "config/value.h"
#include "config/value_block.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables at or above this size get a hash index; below it a linear scan is faster. */
#define SOCM_TABLE_INDEX_MIN 16

/* Table keys are interned (socm_istr_get, util/str.h): a campaign repeats the same few keys
 * (type, executable, resources, ranks...) in every workflow; each distinct key is
 * stored once, counted, and freed with its last table. */

struct socm_value *socm_value_new(enum socm_vtype type, const struct socm_pos *pos)
{
    bool in_block;
    struct socm_value *v = socm_value_block_alloc(sizeof *v, &in_block);
    memset(v, 0, sizeof *v);
    v->in_block = in_block;
    v->type = type;
    if (pos)
        v->pos = *pos;
    return v;
}

_Static_assert(sizeof(struct socm_value) <= 40, "a config node must stay small");
_Static_assert(sizeof(struct socm_kv) <= 32, "a table entry must stay small");
_Static_assert(SOCM_V_TABLE < 16, "a node's type fits its bit-field");

/* A string's text lives in its node: a short one (most: "python3", "2G", "--out")
 * in the room the union has beside the pointer, a longer one right after the node
 * in one allocation (one malloc header and one rounding instead of two). A
 * campaign has several strings per workflow. */
static char *str_inline(const struct socm_value *v)
{
    return (char *)(v + 1);
}

static bool str_in_node(const struct socm_value *v)
{
    return v->u.str.s == v->u.str.small || v->u.str.s == str_inline(v);
}

struct socm_value *socm_value_string(const char *s, size_t len, const struct socm_pos *pos)
{
    if (len >= UINT32_MAX)
        abort(); /* far past every bound on input */
    bool small = len < SOCM_VALUE_SMALL_STR;
    bool in_block;
    struct socm_value *v = socm_value_block_alloc(sizeof *v + (small ? 0 : len + 1), &in_block);
    memset(v, 0, sizeof *v);
    v->in_block = in_block;
    v->type = SOCM_V_STRING;
    if (pos)
        v->pos = *pos;
    v->u.str.s = small ? v->u.str.small : str_inline(v);
    if (len)
        memcpy(v->u.str.s, s, len);
    v->u.str.s[len] = 0;
    v->u.str.len = (uint32_t)len;
    return v;
}

void socm_value_set_string(struct socm_value *v, const char *s, size_t len)
{
    if (len >= UINT32_MAX)
        abort();
    char *old = v->u.str.s;
    bool owned = !str_in_node(v);
    v->u.str.s = socm_strndup(s, len); /* s may be the old text */
    v->u.str.len = (uint32_t)len;
    if (owned)
        free(old);
}

/* A string node's text, moved out of the node if it lives there (the node's
 * contents are about to move to another node). */
static void str_detach(struct socm_value *v)
{
    if (v->type == SOCM_V_STRING && str_in_node(v))
        v->u.str.s = socm_strndup(v->u.str.s, v->u.str.len);
}

void socm_value_swap(struct socm_value *a, struct socm_value *b)
{
    str_detach(a);
    str_detach(b);
    struct socm_value t = *a;
    *a = *b;
    *b = t;
    /* The memory stays where it was: only the contents move. */
    unsigned a_block = b->in_block;
    b->in_block = a->in_block;
    a->in_block = a_block;
}

struct socm_value *socm_value_integer(int64_t i, const struct socm_pos *pos)
{
    struct socm_value *v = socm_value_new(SOCM_V_INTEGER, pos);
    v->u.i = i;
    return v;
}

struct socm_value *socm_value_float(double f, const struct socm_pos *pos)
{
    struct socm_value *v = socm_value_new(SOCM_V_FLOAT, pos);
    v->u.f = f;
    return v;
}

struct socm_value *socm_value_bool(bool b, const struct socm_pos *pos)
{
    struct socm_value *v = socm_value_new(SOCM_V_BOOL, pos);
    v->u.b = b;
    return v;
}

struct socm_value *socm_value_table(const struct socm_pos *pos)
{
    return socm_value_new(SOCM_V_TABLE, pos);
}

struct socm_value *socm_value_array(const struct socm_pos *pos)
{
    return socm_value_new(SOCM_V_ARRAY, pos);
}

/* Frees the items of container v, `bytes` long (its capacity). */
static void items_free(const struct socm_value *v, void *items, size_t bytes)
{
    if (v->items_in_block)
        socm_value_block_free(items, bytes);
    else
        free(items);
}

/* v's items at a new capacity (bytes from old_bytes): realloc, or a copy out of the
 * block they were compacted into. */
static void *items_resize(struct socm_value *v, void *items, size_t old_bytes, size_t bytes)
{
    if (!v->items_in_block)
        return socm_xrealloc(items, bytes);
    void *p = socm_xmalloc(bytes);
    memcpy(p, items, old_bytes < bytes ? old_bytes : bytes);
    socm_value_block_free(items, old_bytes);
    v->items_in_block = 0;
    return p;
}

/* Compaction: n bytes of items, from the current parse's blocks when there is
 * one (no malloc header or rounding), else reallocated to their size. */
static void *items_compact(struct socm_value *v, void *items, size_t cap_bytes, size_t bytes)
{
    if (v->items_in_block || !socm_value_blocks_active())
        return bytes < cap_bytes ? items_resize(v, items, cap_bytes, bytes) : items;
    bool in_block;
    void *p = socm_value_block_alloc(bytes, &in_block);
    memcpy(p, items, bytes);
    free(items);
    v->items_in_block = in_block;
    return p;
}

void socm_value_free(struct socm_value *v)
{
    if (!v)
        return;
    if (v->refs) { /* another owner still holds it */
        v->refs--;
        return;
    }
    switch (v->type) {
    case SOCM_V_STRING:
        if (!str_in_node(v))
            free(v->u.str.s);
        break;
    case SOCM_V_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            socm_value_free(v->u.arr.items[i]);
        items_free(v, v->u.arr.items, v->u.arr.cap * sizeof(void *));
        break;
    case SOCM_V_TABLE:
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            socm_istr_put(v->u.tbl.items[i].key);
            socm_value_free(v->u.tbl.items[i].value);
        }
        items_free(v, v->u.tbl.items, v->u.tbl.cap * sizeof(struct socm_kv));
        free(v->u.tbl.index);
        break;
    default:
        break;
    }
    if (v->in_block)
        socm_value_block_free(v, sizeof *v);
    else
        free(v);
}

struct socm_value *socm_value_clone(const struct socm_value *v)
{
    if (!v)
        return NULL;
    if (v->type == SOCM_V_STRING) {
        struct socm_value *c = socm_value_string(v->u.str.s, v->u.str.len, &v->pos);
        c->flags = v->flags;
        return c;
    }
    struct socm_value *c = socm_value_new(v->type, &v->pos);
    c->flags = v->flags;
    switch (v->type) {
    case SOCM_V_ARRAY:
        /* Exactly as many slots as items: clones are rarely grown. */
        c->u.arr.cap = v->u.arr.n;
        c->u.arr.items = v->u.arr.n ? socm_xmalloc(v->u.arr.n * sizeof(void *)) : NULL;
        for (size_t i = 0; i < v->u.arr.n; i++)
            c->u.arr.items[c->u.arr.n++] = socm_value_clone(v->u.arr.items[i]);
        break;
    case SOCM_V_TABLE:
        c->u.tbl.cap = v->u.tbl.n;
        c->u.tbl.items = v->u.tbl.n ? socm_xmalloc(v->u.tbl.n * sizeof(struct socm_kv)) : NULL;
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            const struct socm_kv *kv = &v->u.tbl.items[i];
            socm_table_add(c, kv->key, kv->keylen, &kv->key_pos, socm_value_clone(kv->value));
        }
        break;
    default:
        c->u = v->u;
        break;
    }
    return c;
}

struct socm_value *socm_value_share(const struct socm_value *v)
{
    if (!v)
        return NULL;
    /* The count is bookkeeping, not content: sharing leaves the tree as it is. */
    if (v->refs == SOCM_VALUE_REFS_MAX)
        return socm_value_clone(v); /* the same tree to whoever reads it */
    struct socm_value *m = (struct socm_value *)v;
    m->refs++;
    return m;
}

void socm_value_compact(struct socm_value *v)
{
    if (!v)
        return;
    if (v->type == SOCM_V_ARRAY)
        for (size_t i = 0; i < v->u.arr.n; i++)
            socm_value_compact(v->u.arr.items[i]);
    else if (v->type == SOCM_V_TABLE)
        for (size_t i = 0; i < v->u.tbl.n; i++)
            socm_value_compact(v->u.tbl.items[i].value);
    socm_value_seal(v); /* outside a parse: its items reallocated to their size */
}

void socm_value_seal(struct socm_value *v)
{
    if (v && v->type == SOCM_V_ARRAY && v->u.arr.n) {
        v->u.arr.items = items_compact(v, v->u.arr.items, v->u.arr.cap * sizeof(void *),
                                       v->u.arr.n * sizeof(void *));
        v->u.arr.cap = v->u.arr.n;
    } else if (v && v->type == SOCM_V_TABLE && v->u.tbl.n) {
        v->u.tbl.items = items_compact(v, v->u.tbl.items, v->u.tbl.cap * sizeof(struct socm_kv),
                                       v->u.tbl.n * sizeof(struct socm_kv));
        v->u.tbl.cap = v->u.tbl.n;
    }
}

struct socm_value *socm_value_clone_shallow(const struct socm_value *tbl)
{
    if (!tbl || tbl->type != SOCM_V_TABLE)
        return socm_value_clone(tbl);
    struct socm_value *c = socm_value_new(SOCM_V_TABLE, &tbl->pos);
    c->flags = tbl->flags;
    c->u.tbl.cap = tbl->u.tbl.n + 1; /* room for the one key its owner sets, typically */
    c->u.tbl.items = socm_xmalloc(c->u.tbl.cap * sizeof(struct socm_kv));
    for (size_t i = 0; i < tbl->u.tbl.n; i++) {
        const struct socm_kv *kv = &tbl->u.tbl.items[i];
        socm_table_add(c, kv->key, kv->keylen, &kv->key_pos, socm_value_share(kv->value));
    }
    return c;
}

struct socm_value *socm_value_unshare(struct socm_value **pv)
{
    struct socm_value *v = *pv;
    if (v && v->refs) {
        *pv = socm_value_clone(v);
        socm_value_free(v);
    }
    return *pv;
}

void socm_array_push(struct socm_value *arr, struct socm_value *item)
{
    if (arr->u.arr.n == arr->u.arr.cap) {
        if (arr->u.arr.cap > UINT32_MAX / 2)
            abort(); /* far past every bound on input */
        size_t old = arr->u.arr.cap * sizeof(void *);
        arr->u.arr.cap = arr->u.arr.cap ? arr->u.arr.cap * 2 : 4;
        arr->u.arr.items = items_resize(arr, arr->u.arr.items, old, arr->u.arr.cap * sizeof(void *));
    }
    arr->u.arr.items[arr->u.arr.n++] = item;
}

/* The index: index[0] is the number of slots (a power of two), index[1 + h] the
 * item position + 1 in slot h (0 = empty). */
static size_t index_cap(const struct socm_value *t)
{
    return t->u.tbl.index ? t->u.tbl.index[0] : 0;
}

static void socm_table_index_put(struct socm_value *t, size_t item)
{
    const struct socm_kv *kv = &t->u.tbl.items[item];
    uint32_t *slot = t->u.tbl.index + 1;
    size_t mask = index_cap(t) - 1;
    size_t h = socm_istr_hash(kv->key, kv->keylen) & mask;
    while (slot[h])
        h = (h + 1) & mask;
    slot[h] = (uint32_t)item + 1;
}

static void socm_table_reindex(struct socm_value *t)
{
    free(t->u.tbl.index);
    t->u.tbl.index = NULL;
    if (t->u.tbl.n < SOCM_TABLE_INDEX_MIN)
        return;
    size_t cap = 32;
    while (cap < (size_t)t->u.tbl.n * 2)
        cap *= 2;
    t->u.tbl.index = socm_xcalloc(cap + 1, sizeof *t->u.tbl.index);
    t->u.tbl.index[0] = (uint32_t)cap;
    for (size_t i = 0; i < t->u.tbl.n; i++)
        socm_table_index_put(t, i);
}

static long socm_table_find(const struct socm_value *t, const char *key, size_t len)
{
    if (!t || t->type != SOCM_V_TABLE)
        return -1;
    if (t->u.tbl.index) {
        const uint32_t *slot = t->u.tbl.index + 1;
        size_t mask = index_cap(t) - 1;
        size_t h = socm_istr_hash(key, len) & mask;
        while (slot[h]) {
            size_t i = slot[h] - 1;
            const struct socm_kv *kv = &t->u.tbl.items[i];
            if (kv->keylen == len && memcmp(kv->key, key, len) == 0)
                return (long)i;
            h = (h + 1) & mask;
        }
        return -1;
    }
    for (size_t i = 0; i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        if (kv->keylen == len && memcmp(kv->key, key, len) == 0)
            return (long)i;
    }
    return -1;
}

struct socm_value *socm_table_getn(const struct socm_value *tbl, const char *key, size_t keylen)
{
    long i = socm_table_find(tbl, key, keylen);
    return i < 0 ? NULL : tbl->u.tbl.items[i].value;
}

struct socm_value *socm_table_get(const struct socm_value *tbl, const char *key)
{
    return socm_table_getn(tbl, key, strlen(key));
}

const struct socm_kv *socm_table_get_kv(const struct socm_value *tbl, const char *key)
{
    long i = socm_table_find(tbl, key, strlen(key));
    return i < 0 ? NULL : &tbl->u.tbl.items[i];
}

int socm_table_add(struct socm_value *tbl, const char *key, size_t keylen,
                   const struct socm_pos *key_pos, struct socm_value *value)
{
    if (socm_table_find(tbl, key, keylen) >= 0)
        return -1;
    if (tbl->u.tbl.n == tbl->u.tbl.cap) {
        /* Small first: most tables (resources, environment) hold a few keys. */
        if (tbl->u.tbl.cap > UINT32_MAX / 4)
            abort(); /* far past every bound on input (and the index's room) */
        size_t old = tbl->u.tbl.cap * sizeof(struct socm_kv);
        tbl->u.tbl.cap = tbl->u.tbl.cap ? tbl->u.tbl.cap * 2 : 4;
        tbl->u.tbl.items = items_resize(tbl, tbl->u.tbl.items, old,
                                        tbl->u.tbl.cap * sizeof(struct socm_kv));
    }
    struct socm_kv *kv = &tbl->u.tbl.items[tbl->u.tbl.n++];
    kv->key = (char *)socm_istr_get(key, keylen);
    kv->keylen = keylen;
    kv->value = value;
    if (key_pos)
        kv->key_pos = *key_pos;
    else
        kv->key_pos = value ? value->pos : (struct socm_pos){0};
    if (tbl->u.tbl.index && (size_t)tbl->u.tbl.n * 2 <= index_cap(tbl))
        socm_table_index_put(tbl, tbl->u.tbl.n - 1);
    else if (tbl->u.tbl.n >= SOCM_TABLE_INDEX_MIN)
        socm_table_reindex(tbl);
    return 0;
}

void socm_table_set(struct socm_value *tbl, const char *key, struct socm_value *value)
{
    long i = socm_table_find(tbl, key, strlen(key));
    if (i >= 0) {
        socm_value_free(tbl->u.tbl.items[i].value);
        tbl->u.tbl.items[i].value = value;
        return;
    }
    socm_table_add(tbl, key, strlen(key), NULL, value);
}

struct socm_value *socm_table_take(struct socm_value *tbl, const char *key)
{
    long i = socm_table_find(tbl, key, strlen(key));
    if (i < 0)
        return NULL;
    struct socm_value *v = tbl->u.tbl.items[i].value;
    socm_istr_put(tbl->u.tbl.items[i].key);
    memmove(&tbl->u.tbl.items[i], &tbl->u.tbl.items[i + 1],
            (tbl->u.tbl.n - (size_t)i - 1) * sizeof(struct socm_kv));
    tbl->u.tbl.n--;
    socm_table_reindex(tbl);
    return v;
}

bool socm_table_remove(struct socm_value *tbl, const char *key)
{
    struct socm_value *v = socm_table_take(tbl, key);
    socm_value_free(v);
    return v != NULL;
}

static int socm_type_error(const struct socm_value *v, const char *key, const char *want,
                           struct socm_error *err)
{
    return socm_error_at(err, &v->pos, "'%s' must be %s, not %s", key, want,
                         socm_vtype_name(v->type));
}

int socm_table_get_string(const struct socm_value *tbl, const char *key, const char **out,
                          struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(tbl, key);
    if (!v)
        return 0;
    if (v->type != SOCM_V_STRING)
        return socm_type_error(v, key, "a string", err);
    *out = v->u.str.s;
    return 0;
}

int socm_table_get_int(const struct socm_value *tbl, const char *key, int64_t *out,
                       struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(tbl, key);
    if (!v)
        return 0;
    if (v->type != SOCM_V_INTEGER)
        return socm_type_error(v, key, "an integer", err);
    *out = v->u.i;
    return 0;
}

int socm_table_get_number(const struct socm_value *tbl, const char *key, double *out,
                          struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(tbl, key);
    if (!v)
        return 0;
    if (!socm_value_is_number(v))
        return socm_type_error(v, key, "a number", err);
    *out = socm_value_as_double(v);
    return 0;
}

int socm_table_get_bool(const struct socm_value *tbl, const char *key, bool *out,
                        struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(tbl, key);
    if (!v)
        return 0;
    if (v->type != SOCM_V_BOOL)
        return socm_type_error(v, key, "a boolean", err);
    *out = v->u.b;
    return 0;
}

struct socm_value *socm_value_path(const struct socm_value *root, const char *path)
{
    const struct socm_value *v = root;
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        v = socm_table_getn(v, path, n);
        path += n + (dot ? 1 : 0);
    }
    return (struct socm_value *)v;
}

const char *socm_vtype_name(enum socm_vtype t)
{
    switch (t) {
    case SOCM_V_NULL: return "null";
    case SOCM_V_STRING: return "string";
    case SOCM_V_INTEGER: return "integer";
    case SOCM_V_FLOAT: return "float";
    case SOCM_V_BOOL: return "bool";
    case SOCM_V_DATETIME: return "datetime";
    case SOCM_V_DATETIME_LOCAL: return "datetime-local";
    case SOCM_V_DATE_LOCAL: return "date-local";
    case SOCM_V_TIME_LOCAL: return "time-local";
    case SOCM_V_ARRAY: return "array";
    case SOCM_V_TABLE: return "table";
    }
    return "?";
}

bool socm_value_is_scalar(const struct socm_value *v)
{
    return v->type != SOCM_V_ARRAY && v->type != SOCM_V_TABLE;
}

bool socm_value_is_number(const struct socm_value *v)
{
    return v->type == SOCM_V_INTEGER || v->type == SOCM_V_FLOAT;
}

double socm_value_as_double(const struct socm_value *v)
{
    return v->type == SOCM_V_INTEGER ? (double)v->u.i : v->u.f;
}

void socm_float_format(double f, struct socm_buf *out)
{
    if (isnan(f)) {
        socm_buf_puts(out, "nan");
        return;
    }
    if (isinf(f)) {
        socm_buf_puts(out, f < 0 ? "-inf" : "inf");
        return;
    }
    /* Python's repr(): the shortest digits that read back to the same double, in
     * fixed notation when the exponent is in [-4, 16), else scientific ("1e+16");
     * integral values keep ".0" ("200.0"). */
    char tmp[64];
    int prec = 1;
    for (; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, f);
        if (strtod(tmp, NULL) == f)
            break;
    }
    int exp10 = atoi(strchr(tmp, 'e') + 1);
    if (exp10 >= -4 && exp10 < 16) {
        int decimals = prec - 1 - exp10;
        snprintf(tmp, sizeof tmp, "%.*f", decimals > 0 ? decimals : 0, f);
        socm_buf_puts(out, tmp);
        if (decimals <= 0)
            socm_buf_puts(out, ".0");
        return;
    }
    socm_buf_puts(out, tmp);
}

void socm_datetime_format(const struct socm_value *v, struct socm_buf *out)
{
    const struct socm_datetime *d = &v->u.dt;
    bool date = v->type != SOCM_V_TIME_LOCAL;
    bool time = v->type != SOCM_V_DATE_LOCAL;
    if (date)
        socm_buf_printf(out, "%04d-%02d-%02d", d->year, d->month, d->day);
    if (date && time)
        socm_buf_putc(out, 'T');
    if (time) {
        socm_buf_printf(out, "%02d:%02d:%02d", d->hour, d->minute, d->second);
        if (d->frac_digits > 0) {
            char frac[16];
            snprintf(frac, sizeof frac, "%09d", d->nanosecond);
            int digits = d->frac_digits > 9 ? 9 : d->frac_digits;
            socm_buf_putc(out, '.');
            socm_buf_putn(out, frac, (size_t)digits);
        }
    }
    if (v->type == SOCM_V_DATETIME) {
        if (d->offset_z || d->offset_minutes == 0)
            socm_buf_putc(out, 'Z');
        else {
            int m = d->offset_minutes < 0 ? -d->offset_minutes : d->offset_minutes;
            socm_buf_printf(out, "%c%02d:%02d", d->offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
        }
    }
}

static void socm_value_text(const struct socm_value *v, struct socm_buf *out)
{
    switch (v->type) {
    case SOCM_V_NULL: socm_buf_puts(out, "None"); break;
    case SOCM_V_STRING: socm_buf_putn(out, v->u.str.s, v->u.str.len); break;
    case SOCM_V_INTEGER: socm_buf_printf(out, "%" PRId64, v->u.i); break;
    case SOCM_V_FLOAT: socm_float_format(v->u.f, out); break;
    case SOCM_V_BOOL: socm_buf_puts(out, v->u.b ? "True" : "False"); break;
    case SOCM_V_DATETIME:
    case SOCM_V_DATETIME_LOCAL:
    case SOCM_V_DATE_LOCAL:
    case SOCM_V_TIME_LOCAL: socm_datetime_format(v, out); break;
    case SOCM_V_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                socm_buf_putc(out, ',');
            socm_value_text(v->u.arr.items[i], out);
        }
        break;
    case SOCM_V_TABLE:
        socm_buf_putc(out, '{');
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            if (i)
                socm_buf_puts(out, ", ");
            socm_buf_printf(out, "%s: ", v->u.tbl.items[i].key);
            socm_value_text(v->u.tbl.items[i].value, out);
        }
        socm_buf_putc(out, '}');
        break;
    }
}

char *socm_value_to_text(const struct socm_value *v)
{
    if (v->type == SOCM_V_STRING) /* the common case, without a buffer's spare room */
        return socm_strndup(v->u.str.s, v->u.str.len);
    struct socm_buf b = SOCM_BUF_INIT;
    socm_value_text(v, &b);
    return socm_buf_steal(&b);
}

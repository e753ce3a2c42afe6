/* value.h — the config tree: one typed tree for every input format (TOML, YAML,
 * -D values). Every node carries its source position so that any later error can
 * say where the offending value came from. */
#ifndef SOCM_VALUE_H
#define SOCM_VALUE_H

#include "util/error.h"
#include "util/str.h"

#include <stdbool.h>
#include <stdint.h>

enum socm_vtype {
    SOCM_V_NULL,           /* YAML null only; TOML has none */
    SOCM_V_STRING,
    SOCM_V_INTEGER,        /* 64-bit signed */
    SOCM_V_FLOAT,
    SOCM_V_BOOL,
    SOCM_V_DATETIME,       /* offset date-time */
    SOCM_V_DATETIME_LOCAL, /* local date-time */
    SOCM_V_DATE_LOCAL,
    SOCM_V_TIME_LOCAL,
    SOCM_V_ARRAY,
    SOCM_V_TABLE,
};

/* Date/time fields; which are meaningful depends on the node type. Narrow types:
 * every node has room for this, so its size is every node's. */
struct socm_datetime {
    int16_t year;                  /* 0..9999 */
    int8_t month, day;
    int8_t hour, minute, second;
    int8_t frac_digits;            /* digits written in the source (0 = none, at most 9) */
    int32_t nanosecond;            /* fraction, in ns */
    int16_t offset_minutes;        /* offset date-time only; Z is 0 */
    bool offset_z;                 /* written as Z (vs +00:00) */
};

struct socm_value;

/* 32 bytes: a campaign has over ten keys per workflow. */
struct socm_kv {
    char *key; /* NUL-terminated; TOML keys may not contain NUL once escaped... */
    struct socm_value *value;
    uint32_t keylen; /* ...but can (\u0000), so the length is kept (input is bounded) */
    struct socm_pos key_pos;
};

/* Flags used by the TOML parser to enforce its definition rules. */
enum {
    SOCM_VF_INLINE = 1u << 0,         /* inline table / inline array: closed for extension */
    SOCM_VF_EXPLICIT = 1u << 1,       /* table defined by a [header] */
    SOCM_VF_IMPLICIT = 1u << 2,       /* table created as a parent of a header or dotted key */
    SOCM_VF_AOT = 1u << 3,            /* array created by [[array-of-tables]] */
    SOCM_VF_DOTTED = 1u << 4,         /* table created by a dotted key in a key/value */
};

/* Room for a string's text (with its NUL) in the node itself. */
#define SOCM_VALUE_SMALL_STR 12

/* Owners a node may have beyond the first; socm_value_share copies past it. */
#define SOCM_VALUE_REFS_MAX ((1u << 21) - 1)

/* 40 bytes (a 48-byte block from malloc, not 64), a campaign holding tens of nodes
 * per workflow: keep it so. */
struct socm_value {
    enum socm_vtype type : 4;
    unsigned flags : 5;
    unsigned in_block : 1; /* where the node's memory came from (value_block.h) */
    unsigned items_in_block : 1; /* where an array's or table's items are (the same) */
    unsigned refs : 21; /* owners beyond the first (socm_value_share); 0 = one owner */
    struct socm_pos pos;
    union {
        struct {
            /* NUL-terminated. Usually in the node: in `small` when it fits, else
             * in the node's own allocation; change it only through
             * socm_value_set_string. */
            char *s;
            uint32_t len; /* may contain NUL bytes before len; input is bounded */
            char small[SOCM_VALUE_SMALL_STR];
        } str;
        int64_t i;
        double f;
        bool b;
        struct socm_datetime dt;
        struct {
            struct socm_value **items;
            uint32_t n, cap;
        } arr;
        struct {
            struct socm_kv *items; /* in insertion order */
            uint32_t n, cap;
            uint32_t *index; /* open-addressing hash over items, built when large;
                              * index[0] is its number of slots */
        } tbl;
    } u;
};

/* Constructors. All nodes are heap-allocated and owned by their parent. */
struct socm_value *socm_value_new(enum socm_vtype type, const struct socm_pos *pos);
struct socm_value *socm_value_string(const char *s, size_t len, const struct socm_pos *pos);
struct socm_value *socm_value_integer(int64_t i, const struct socm_pos *pos);
struct socm_value *socm_value_float(double f, const struct socm_pos *pos);
struct socm_value *socm_value_bool(bool b, const struct socm_pos *pos);
struct socm_value *socm_value_table(const struct socm_pos *pos);
struct socm_value *socm_value_array(const struct socm_pos *pos);
/* Replaces a string node's text with s[0..len). */
void socm_value_set_string(struct socm_value *v, const char *s, size_t len);
/* Exchanges the contents of two nodes (types, values, positions, owners). */
void socm_value_swap(struct socm_value *a, struct socm_value *b);
/* Drops one owner of v; the tree is freed with its last owner. */
void socm_value_free(struct socm_value *v);
struct socm_value *socm_value_clone(const struct socm_value *v);
/* A second owner of v without a copy (freed with socm_value_free like a clone).
 * Only for trees nobody changes any more: every owner sees a change, so an owner
 * that wants to change its tree first takes socm_value_unshare(). */
struct socm_value *socm_value_share(const struct socm_value *v);
/* Gives back the spare room of every table and array in the tree (a parsed
 * campaign is read, not grown, from then on); keys and values stay as they are. */
void socm_value_compact(struct socm_value *v);
/* A container a parser has read to its end (an inline table, a YAML mapping...):
 * its items move to the parse's blocks at their exact size, without a malloc header
 * and rounding of their own (nothing, outside a parse). It may still grow (its
 * items are copied out first). */
void socm_value_seal(struct socm_value *v);
/* A table of its own (keys may be added, replaced, removed) whose values are
 * shared with tbl's (socm_value_share): a copy of the top level only. */
struct socm_value *socm_value_clone_shallow(const struct socm_value *tbl);
/* Makes *pv this owner's own tree (a clone if it is shared) and returns it. */
struct socm_value *socm_value_unshare(struct socm_value **pv);

/* Arrays */
void socm_array_push(struct socm_value *arr, struct socm_value *item); /* takes item */

/* Tables: keys are unique; lookup is O(1) on large tables. */
struct socm_value *socm_table_get(const struct socm_value *tbl, const char *key);
struct socm_value *socm_table_getn(const struct socm_value *tbl, const char *key, size_t keylen);
const struct socm_kv *socm_table_get_kv(const struct socm_value *tbl, const char *key);
/* Inserts key (must not exist; returns -1 if it does, without taking value). */
int socm_table_add(struct socm_value *tbl, const char *key, size_t keylen,
                   const struct socm_pos *key_pos, struct socm_value *value);
/* Inserts or replaces (frees the old value). */
void socm_table_set(struct socm_value *tbl, const char *key, struct socm_value *value);
/* Removes key if present, freeing its value; returns whether it was present. */
bool socm_table_remove(struct socm_value *tbl, const char *key);
/* Detaches and returns key's value (caller owns it), or NULL. */
struct socm_value *socm_table_take(struct socm_value *tbl, const char *key);

/* Typed getters for the campaign layer: on a type mismatch they fill err with the
 * node's position and return -1; a missing key returns 0 and leaves *out alone. */
int socm_table_get_string(const struct socm_value *tbl, const char *key, const char **out,
                          struct socm_error *err);
int socm_table_get_int(const struct socm_value *tbl, const char *key, int64_t *out,
                       struct socm_error *err);
int socm_table_get_number(const struct socm_value *tbl, const char *key, double *out,
                          struct socm_error *err);
int socm_table_get_bool(const struct socm_value *tbl, const char *key, bool *out,
                        struct socm_error *err);

/* Navigation by dotted path of plain keys ("campaign.resources"). */
struct socm_value *socm_value_path(const struct socm_value *root, const char *path);

const char *socm_vtype_name(enum socm_vtype t); /* "string", "integer", ... */
bool socm_value_is_scalar(const struct socm_value *v);
bool socm_value_is_number(const struct socm_value *v);
double socm_value_as_double(const struct socm_value *v); /* integer or float */

/* Textual form of a scalar as the original tool would print it in a command line
 * (str() in Python): strings verbatim, integers in decimal, floats shortest
 * round-trip with ".0" for integral values, bools "True"/"False", dates ISO 8601.
 * Arrays are written as their items joined with ","; tables as "{...}". */
char *socm_value_to_text(const struct socm_value *v);

/* Canonical text of a date/time node (ISO 8601 / RFC 3339 as TOML writes it). */
void socm_datetime_format(const struct socm_value *v, struct socm_buf *out);
/* Shortest representation of a double that reads back to the same value. */
void socm_float_format(double f, struct socm_buf *out);

#endif

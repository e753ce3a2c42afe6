/* yaml.c — YAML input (the original tool's `stages` files) read through libyaml's
 * event API into the config tree, with positions on every node.
 *
 * What it accepts and how it resolves:
 *  - One document; a second one is an error. An empty document is an empty table;
 *    the top level must otherwise be a mapping.
 *  - Plain scalars are resolved as the YAML 1.2 core schema does: null (`~`, `null`,
 *    empty), bool (`true`/`false` in three casings), int (decimal, `0o`, `0x`),
 *    float (incl. `.inf`, `-.inf`, `.nan`); anything else is a string. Quoted, literal
 *    and folded scalars are always strings. The tags `!!str`, `!!int`, `!!float`,
 *    `!!bool`, `!!null`, `!!map`, `!!seq` and the non-specific `!` are honoured;
 *    other tags are errors (as with PyYAML's safe_load).
 *  - Anchors and aliases: an alias is a copy of the anchored node; the copy's top
 *    node carries the alias's position, the nodes inside keep the anchor's. What
 *    aliases add is bounded (SOCM_YAML_MAX_ALIAS_NODES nodes and
 *    SOCM_YAML_MAX_ALIAS_BYTES bytes of text in all), so a "billion laughs" document,
 *    or one long string repeated by aliases, is refused quickly instead of exhausting
 *    memory. Nodes written out in the file are bounded only by its size.
 *  - Merge keys (`<<: *base`, `<<: [*a, *b]`) as PyYAML reads them: the mapping's own
 *    keys win, then earlier merge sources over later ones.
 *  - Duplicate keys in one mapping: the later value wins, keeping the key's first
 *    place in the order. This is what PyYAML does, and the original's dag.yml relies
 *    on it (get_xtra_mask has `resources:` twice). The key's position becomes the
 *    later one, so errors point at the value actually used.
 *  - Mapping keys must be scalars; they are kept as their text.
 *  - Limits: SOCM_CONFIG_MAX_BYTES of input, SOCM_CONFIG_MAX_DEPTH of nesting.
 * Every error is "file:line:col: message"; the partial tree is freed. */
#include "config/formats.h"
#include "config/value_block.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

/* What aliases may add to one document ("billion laughs"). */
#define SOCM_YAML_MAX_ALIAS_NODES 2000000u
#define SOCM_YAML_MAX_ALIAS_BYTES (256u << 20)

struct socm_yaml_anchor {
    char *name;
    struct socm_value *value; /* a private copy: the tree's node may be replaced later */
    size_t nodes, bytes;      /* size of that subtree (nodes, text), charged at each alias */
};

struct socm_yaml {
    yaml_parser_t parser;
    uint32_t file_id; /* socm_intern_id */
    const char *data; /* the input, for positions of encoding errors */
    size_t len;
    struct socm_error *err;
    struct socm_yaml_anchor *anchors;
    size_t nanchors, capanchors;
    size_t alias_nodes, alias_bytes; /* added by aliases so far */
    int depth;
};

static struct socm_pos socm_yaml_pos(const struct socm_yaml *y, yaml_mark_t m)
{
    return (struct socm_pos){y->file_id, (int)m.line + 1, (int)m.column + 1};
}

/* Reads the next event; on a libyaml error fills y->err with its problem and mark. */
static int socm_yaml_next(struct socm_yaml *y, yaml_event_t *ev)
{
    if (yaml_parser_parse(&y->parser, ev))
        return 0;
    const yaml_parser_t *p = &y->parser;
    struct socm_pos pos = socm_yaml_pos(y, p->problem_mark);
    if (p->error == YAML_READER_ERROR) {
        /* Encoding errors carry a byte offset, not a mark: count lines up to it. */
        pos = (struct socm_pos){y->file_id, 1, 1};
        for (size_t i = 0; i < p->problem_offset && i < y->len; i++) {
            if (y->data[i] == '\n')
                pos.line++, pos.col = 1;
            else if (((unsigned char)y->data[i] & 0xC0) != 0x80)
                pos.col++;
        }
    }
    const char *problem = p->problem ? p->problem : "invalid YAML";
    if (p->error == YAML_MEMORY_ERROR)
        problem = "out of memory";
    if (p->context)
        return socm_error_at(y->err, &pos, "%s (%s started at line %d, column %d)", problem,
                             p->context, (int)p->context_mark.line + 1,
                             (int)p->context_mark.column + 1);
    return socm_error_at(y->err, &pos, "%s", problem);
}

/* Adds v's nodes and bytes of text (strings and keys) to *nodes and *bytes. */
static void socm_yaml_count(const struct socm_value *v, size_t *nodes, size_t *bytes)
{
    ++*nodes;
    if (v->type == SOCM_V_STRING)
        *bytes += v->u.str.len;
    else if (v->type == SOCM_V_ARRAY)
        for (size_t i = 0; i < v->u.arr.n; i++)
            socm_yaml_count(v->u.arr.items[i], nodes, bytes);
    else if (v->type == SOCM_V_TABLE)
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            *bytes += v->u.tbl.items[i].keylen;
            socm_yaml_count(v->u.tbl.items[i].value, nodes, bytes);
        }
}

/* Charges one alias's copy to the parse; fails once what aliases add passes a bound. */
static int socm_yaml_charge(struct socm_yaml *y, const struct socm_yaml_anchor *a,
                            const struct socm_pos *pos)
{
    y->alias_nodes += a->nodes;
    y->alias_bytes += a->bytes;
    if (y->alias_nodes > SOCM_YAML_MAX_ALIAS_NODES)
        return socm_error_at(y->err, pos,
                             "aliases expand to more than %u nodes (alias expansion bomb?); "
                             "refused",
                             SOCM_YAML_MAX_ALIAS_NODES);
    if (y->alias_bytes > SOCM_YAML_MAX_ALIAS_BYTES)
        return socm_error_at(y->err, pos,
                             "aliases expand to more than %u bytes of text (alias expansion "
                             "bomb?); refused",
                             SOCM_YAML_MAX_ALIAS_BYTES);
    return 0;
}

static void socm_yaml_anchor_define(struct socm_yaml *y, const char *name,
                                    const struct socm_value *v)
{
    struct socm_value *copy = socm_value_clone(v);
    size_t n = 0, bytes = 0;
    socm_yaml_count(copy, &n, &bytes);
    /* A redefined anchor replaces the earlier one for the aliases that follow. */
    for (size_t i = 0; i < y->nanchors; i++)
        if (!strcmp(y->anchors[i].name, name)) {
            socm_value_free(y->anchors[i].value);
            y->anchors[i].value = copy;
            y->anchors[i].nodes = n;
            y->anchors[i].bytes = bytes;
            return;
        }
    if (y->nanchors == y->capanchors) {
        y->capanchors = y->capanchors ? y->capanchors * 2 : 8;
        y->anchors = socm_xrealloc(y->anchors, y->capanchors * sizeof *y->anchors);
    }
    y->anchors[y->nanchors++] = (struct socm_yaml_anchor){socm_strdup(name), copy, n, bytes};
}

static struct socm_value *socm_yaml_alias(struct socm_yaml *y, const yaml_event_t *ev)
{
    struct socm_pos pos = socm_yaml_pos(y, ev->start_mark);
    const char *name = (const char *)ev->data.alias.anchor;
    for (size_t i = y->nanchors; i-- > 0;)
        if (!strcmp(y->anchors[i].name, name)) {
            if (socm_yaml_charge(y, &y->anchors[i], &pos) < 0)
                return NULL;
            struct socm_value *v = socm_value_clone(y->anchors[i].value);
            v->pos = pos;
            return v;
        }
    socm_error_at(y->err, &pos, "unknown anchor '*%s' (an alias must follow its anchor)", name);
    return NULL;
}

/* ---- scalar resolution (YAML 1.2 core schema) ---- */

static bool socm_yaml_is_null(const char *s)
{
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
           !strcmp(s, "NULL");
}

static int socm_yaml_bool(const char *s)
{
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return 1;
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return 0;
    return -1;
}

static bool socm_yaml_digits(const char *s, const char *set)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr(set, *s))
            return false;
    return true;
}

/* 1 = an integer (in *out), 0 = not integer syntax, -1 = integer syntax out of range. */
static int socm_yaml_int(const char *s, int64_t *out)
{
    int base = 10;
    const char *digits = s;
    if (!strncmp(s, "0x", 2) && socm_yaml_digits(s + 2, "0123456789abcdefABCDEF"))
        base = 16, digits = s + 2;
    else if (!strncmp(s, "0o", 2) && socm_yaml_digits(s + 2, "01234567"))
        base = 8, digits = s + 2;
    else {
        const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
        if (!socm_yaml_digits(d, "0123456789"))
            return 0;
    }
    errno = 0;
    char *end;
    if (base == 10) {
        long long v = strtoll(digits, &end, 10);
        if (errno == ERANGE)
            return -1;
        *out = v;
    } else {
        unsigned long long v = strtoull(digits, &end, base);
        if (errno == ERANGE || v > INT64_MAX)
            return -1;
        *out = (int64_t)v;
    }
    return 1;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?  and .inf/.nan */
static bool socm_yaml_float(const char *s, double *out)
{
    const char *p = s;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (p == s && (!strcmp(p, ".nan") || !strcmp(p, ".NaN") || !strcmp(p, ".NAN"))) {
        *out = NAN;
        return true;
    }
    size_t intd = strspn(p, "0123456789");
    p += intd;
    size_t fracd = 0;
    if (*p == '.') {
        p++;
        fracd = strspn(p, "0123456789");
        p += fracd;
    }
    if (intd == 0 && fracd == 0)
        return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        size_t expd = strspn(p, "0123456789");
        if (!expd)
            return false;
        p += expd;
    }
    if (*p)
        return false;
    *out = strtod(s, NULL);
    return true;
}

enum socm_yaml_tag { TAG_NONE, TAG_STR, TAG_INT, TAG_FLOAT, TAG_BOOL, TAG_NULL, TAG_MAP,
                     TAG_SEQ, TAG_BAD };

static enum socm_yaml_tag socm_yaml_tag(const yaml_char_t *tag)
{
    if (!tag)
        return TAG_NONE;
    const char *t = (const char *)tag;
    if (!strcmp(t, "!"))
        return TAG_STR;
    static const struct { const char *name; enum socm_yaml_tag tag; } known[] = {
        {YAML_STR_TAG, TAG_STR},     {YAML_INT_TAG, TAG_INT},   {YAML_FLOAT_TAG, TAG_FLOAT},
        {YAML_BOOL_TAG, TAG_BOOL},   {YAML_NULL_TAG, TAG_NULL}, {YAML_MAP_TAG, TAG_MAP},
        {YAML_SEQ_TAG, TAG_SEQ},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(t, known[i].name))
            return known[i].tag;
    return TAG_BAD;
}

static struct socm_value *socm_yaml_scalar(struct socm_yaml *y, const yaml_event_t *ev)
{
    struct socm_pos pos = socm_yaml_pos(y, ev->start_mark);
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    enum socm_yaml_tag tag = socm_yaml_tag(ev->data.scalar.tag);
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (tag == TAG_BAD) {
        socm_error_at(y->err, &pos, "unsupported tag '%s'", (const char *)ev->data.scalar.tag);
        return NULL;
    }
    if (tag == TAG_MAP || tag == TAG_SEQ) {
        socm_error_at(y->err, &pos, "a scalar cannot carry the tag '%s'",
                      (const char *)ev->data.scalar.tag);
        return NULL;
    }
    if (tag == TAG_STR || (tag == TAG_NONE && !plain))
        return socm_value_string(s, len, &pos);
    /* Plain (or explicitly typed) text: NUL bytes cannot be part of a number. */
    bool text = strlen(s) == len;
    if ((tag == TAG_NONE || tag == TAG_NULL) && text && socm_yaml_is_null(s))
        return socm_value_new(SOCM_V_NULL, &pos);
    int b = text ? socm_yaml_bool(s) : -1;
    if ((tag == TAG_NONE || tag == TAG_BOOL) && b >= 0)
        return socm_value_bool(b, &pos);
    int64_t i;
    int ir = text ? socm_yaml_int(s, &i) : 0;
    if ((tag == TAG_NONE || tag == TAG_INT) && ir < 0) {
        socm_error_at(y->err, &pos, "integer '%s' does not fit in 64 bits", s);
        return NULL;
    }
    if (tag == TAG_FLOAT && ir > 0)
        return socm_value_float((double)i, &pos);
    if ((tag == TAG_NONE || tag == TAG_INT) && ir > 0)
        return socm_value_integer(i, &pos);
    double f;
    if ((tag == TAG_NONE || tag == TAG_FLOAT) && text && socm_yaml_float(s, &f))
        return socm_value_float(f, &pos);
    if (tag == TAG_NONE)
        return socm_value_string(s, len, &pos);
    socm_error_at(y->err, &pos, "'%.*s' is not a valid %s", (int)(len > 80 ? 80 : len), s,
                  (const char *)ev->data.scalar.tag + strlen("tag:yaml.org,2002:"));
    return NULL;
}

/* ---- collections ---- */

static struct socm_value *socm_yaml_node(struct socm_yaml *y, yaml_event_t *ev);

/* Enters one level of nesting; fails past SOCM_CONFIG_MAX_DEPTH. */
static int socm_yaml_enter(struct socm_yaml *y, const struct socm_pos *pos)
{
    if (++y->depth > SOCM_CONFIG_MAX_DEPTH)
        return socm_error_at(y->err, pos, "nesting deeper than %d levels", SOCM_CONFIG_MAX_DEPTH);
    return 0;
}

static struct socm_value *socm_yaml_sequence(struct socm_yaml *y, const yaml_event_t *start)
{
    struct socm_pos pos = socm_yaml_pos(y, start->start_mark);
    enum socm_yaml_tag tag = socm_yaml_tag(start->data.sequence_start.tag);
    if (tag != TAG_NONE && tag != TAG_SEQ) {
        socm_error_at(y->err, &pos, "a sequence cannot carry the tag '%s'",
                      (const char *)start->data.sequence_start.tag);
        return NULL;
    }
    if (socm_yaml_enter(y, &pos) < 0)
        return NULL;
    struct socm_value *arr = socm_value_array(&pos);
    for (;;) {
        yaml_event_t ev;
        if (socm_yaml_next(y, &ev) < 0)
            goto fail;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        struct socm_value *item = socm_yaml_node(y, &ev);
        if (!item)
            goto fail;
        socm_array_push(arr, item);
    }
    y->depth--;
    socm_value_seal(arr);
    return arr;
fail:
    socm_value_free(arr);
    return NULL;
}

/* Stores key → value; a duplicate key replaces the earlier value in place. */
static void socm_yaml_put(struct socm_value *map, const struct socm_value *key,
                          struct socm_value *value)
{
    const struct socm_value *old = socm_table_getn(map, key->u.str.s, key->u.str.len);
    if (!old) {
        socm_table_add(map, key->u.str.s, key->u.str.len, &key->pos, value);
        return;
    }
    for (size_t i = 0; i < map->u.tbl.n; i++)
        if (map->u.tbl.items[i].value == old) {
            socm_value_free(map->u.tbl.items[i].value);
            map->u.tbl.items[i].value = value;
            map->u.tbl.items[i].key_pos = key->pos;
            return;
        }
}

/* `<<` merge: keys of src not yet in map are added (own keys and earlier sources win). */
static int socm_yaml_merge_from(struct socm_yaml *y, struct socm_value *map,
                                const struct socm_value *src)
{
    if (src->type != SOCM_V_TABLE)
        return socm_error_at(y->err, &src->pos, "a merge key ('<<') needs a mapping or a "
                                                "sequence of mappings, not %s",
                             socm_vtype_name(src->type));
    for (size_t i = 0; i < src->u.tbl.n; i++) {
        const struct socm_kv *kv = &src->u.tbl.items[i];
        if (!socm_table_getn(map, kv->key, kv->keylen))
            socm_table_add(map, kv->key, kv->keylen, &kv->key_pos, socm_value_clone(kv->value));
    }
    return 0;
}

static int socm_yaml_apply_merges(struct socm_yaml *y, struct socm_value *map,
                                  struct socm_value *merges)
{
    for (size_t i = 0; i < merges->u.arr.n; i++) {
        const struct socm_value *m = merges->u.arr.items[i];
        if (m->type == SOCM_V_ARRAY) {
            for (size_t j = 0; j < m->u.arr.n; j++)
                if (socm_yaml_merge_from(y, map, m->u.arr.items[j]) < 0)
                    return -1;
        } else if (socm_yaml_merge_from(y, map, m) < 0)
            return -1;
    }
    return 0;
}

/* Reads a mapping key: it must be a scalar, kept as its text. */
static struct socm_value *socm_yaml_key(struct socm_yaml *y, yaml_event_t *ev, bool *is_merge)
{
    struct socm_pos pos = socm_yaml_pos(y, ev->start_mark);
    *is_merge = false;
    if (ev->type == YAML_ALIAS_EVENT) {
        struct socm_value *v = socm_yaml_alias(y, ev);
        yaml_event_delete(ev);
        if (v && !socm_value_is_scalar(v)) {
            socm_error_at(y->err, &pos, "mapping keys must be scalars");
            socm_value_free(v);
            return NULL;
        }
        if (v && v->type != SOCM_V_STRING) {
            char *text = socm_value_to_text(v);
            struct socm_value *s = socm_value_string(text, strlen(text), &pos);
            free(text);
            socm_value_free(v);
            v = s;
        }
        return v;
    }
    if (ev->type != YAML_SCALAR_EVENT) {
        socm_error_at(y->err, &pos, "mapping keys must be scalars");
        yaml_event_delete(ev);
        return NULL;
    }
    const yaml_char_t *val = ev->data.scalar.value;
    *is_merge = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !ev->data.scalar.tag &&
                !strcmp((const char *)val, "<<");
    /* The key's text goes into the table; its node is freed at once. */
    struct socm_value_blocks *blocks = socm_value_blocks_suspend();
    struct socm_value *k = socm_value_string((const char *)val, ev->data.scalar.length, &pos);
    socm_value_blocks_resume(blocks);
    if (ev->data.scalar.anchor)
        socm_yaml_anchor_define(y, (const char *)ev->data.scalar.anchor, k);
    yaml_event_delete(ev);
    return k;
}

static struct socm_value *socm_yaml_mapping(struct socm_yaml *y, const yaml_event_t *start)
{
    struct socm_pos pos = socm_yaml_pos(y, start->start_mark);
    enum socm_yaml_tag tag = socm_yaml_tag(start->data.mapping_start.tag);
    if (tag != TAG_NONE && tag != TAG_MAP) {
        socm_error_at(y->err, &pos, "a mapping cannot carry the tag '%s'",
                      (const char *)start->data.mapping_start.tag);
        return NULL;
    }
    if (socm_yaml_enter(y, &pos) < 0)
        return NULL;
    struct socm_value *map = socm_value_table(&pos);
    struct socm_value_blocks *blocks = socm_value_blocks_suspend(); /* freed below */
    struct socm_value *merges = socm_value_array(&pos);
    socm_value_blocks_resume(blocks);
    for (;;) {
        yaml_event_t ev;
        if (socm_yaml_next(y, &ev) < 0)
            goto fail;
        if (ev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        bool is_merge;
        struct socm_value *key = socm_yaml_key(y, &ev, &is_merge);
        if (!key)
            goto fail;
        if (socm_yaml_next(y, &ev) < 0) {
            socm_value_free(key);
            goto fail;
        }
        struct socm_value *value = socm_yaml_node(y, &ev);
        if (!value) {
            socm_value_free(key);
            goto fail;
        }
        if (is_merge)
            socm_array_push(merges, value);
        else
            socm_yaml_put(map, key, value);
        socm_value_free(key);
    }
    if (socm_yaml_apply_merges(y, map, merges) < 0)
        goto fail;
    socm_value_free(merges);
    y->depth--;
    socm_value_seal(map);
    return map;
fail:
    socm_value_free(merges);
    socm_value_free(map);
    return NULL;
}

/* Builds the node that starts with *ev (which it consumes), then records its anchor. */
static struct socm_value *socm_yaml_node(struct socm_yaml *y, yaml_event_t *ev)
{
    struct socm_pos pos = socm_yaml_pos(y, ev->start_mark);
    struct socm_value *v = NULL;
    const yaml_char_t *anchor = NULL;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        v = socm_yaml_alias(y, ev);
        break;
    case YAML_SCALAR_EVENT:
        v = socm_yaml_scalar(y, ev);
        anchor = ev->data.scalar.anchor;
        break;
    case YAML_SEQUENCE_START_EVENT:
        v = socm_yaml_sequence(y, ev);
        anchor = ev->data.sequence_start.anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        v = socm_yaml_mapping(y, ev);
        anchor = ev->data.mapping_start.anchor;
        break;
    default:
        socm_error_at(y->err, &pos, "unexpected YAML event");
        break;
    }
    if (v && anchor)
        socm_yaml_anchor_define(y, (const char *)anchor, v);
    yaml_event_delete(ev);
    return v;
}

/* Reads events up to the end of the stream: one document at most. */
static struct socm_value *socm_yaml_stream(struct socm_yaml *y)
{
    struct socm_value *root = NULL;
    yaml_event_t ev;
    for (;;) {
        if (socm_yaml_next(y, &ev) < 0)
            goto fail;
        yaml_event_type_t type = ev.type;
        struct socm_pos pos = socm_yaml_pos(y, ev.start_mark);
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (type == YAML_STREAM_START_EVENT || type == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        if (type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            if (root) {
                socm_error_at(y->err, &pos, "a second YAML document ('---'): socm reads one "
                                            "document per file");
                goto fail;
            }
            if (socm_yaml_next(y, &ev) < 0)
                goto fail;
            pos = socm_yaml_pos(y, ev.start_mark);
            root = socm_yaml_node(y, &ev);
            if (!root)
                goto fail;
            if (root->type == SOCM_V_NULL) {
                socm_value_free(root);
                root = socm_value_table(&pos);
            } else if (root->type != SOCM_V_TABLE) {
                socm_error_at(y->err, &pos, "the top level of a YAML file must be a mapping, "
                                            "not %s", socm_vtype_name(root->type));
                goto fail;
            }
            continue;
        }
        pos = socm_yaml_pos(y, ev.start_mark);
        yaml_event_delete(&ev);
        socm_error_at(y->err, &pos, "unexpected YAML event");
        goto fail;
    }
    if (!root)
        root = socm_value_table(&(struct socm_pos){y->file_id, 1, 1});
    return root;
fail:
    socm_value_free(root);
    return NULL;
}

struct socm_value *socm_yaml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err)
{
    struct socm_yaml y = {.file_id = socm_intern_id(filename ? filename : "<yaml>"), .data = data,
                          .len = len, .err = err};
    if (len > SOCM_CONFIG_MAX_BYTES) {
        socm_error_at(err, &(struct socm_pos){y.file_id, 0, 0},
                      "file is larger than %u bytes", SOCM_CONFIG_MAX_BYTES);
        return NULL;
    }
    if (!yaml_parser_initialize(&y.parser)) {
        socm_error_set(err, SOCM_E_SYSTEM, "%s: cannot initialise the YAML parser",
                       socm_intern_name(y.file_id));
        return NULL;
    }
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)data, len);
    struct socm_value_blocks blocks;
    socm_value_blocks_begin(&blocks);
    struct socm_value *root = socm_yaml_stream(&y);
    socm_value_blocks_end(&blocks);
    yaml_parser_delete(&y.parser);
    for (size_t i = 0; i < y.nanchors; i++) {
        free(y.anchors[i].name);
        socm_value_free(y.anchors[i].value);
    }
    free(y.anchors);
    return root;
}

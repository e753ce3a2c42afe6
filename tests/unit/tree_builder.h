/* tree_builder.h — builds config trees in code for unit tests, each node with a
 * made-up position (file "t.toml", the given line and column), so that tests do not
 * depend on a parser. */
#ifndef SOCM_TEST_TREE_BUILDER_H
#define SOCM_TEST_TREE_BUILDER_H

#include "config/value.h"

#include <stdarg.h>
#include <string.h>

static inline struct socm_pos tb_pos(int line, int col)
{
    return socm_pos_at("t.toml", line, col);
}
static inline struct socm_value *tb_tbl(int line)
{
    struct socm_pos p = tb_pos(line, 1);
    return socm_value_table(&p);
}
static inline struct socm_value *tb_str(const char *s, int line, int col)
{
    struct socm_pos p = tb_pos(line, col);
    return socm_value_string(s, strlen(s), &p);
}
static inline struct socm_value *tb_int(int64_t i, int line, int col)
{
    struct socm_pos p = tb_pos(line, col);
    return socm_value_integer(i, &p);
}
static inline struct socm_value *tb_null(int line, int col)
{
    struct socm_pos p = tb_pos(line, col);
    return socm_value_new(SOCM_V_NULL, &p);
}
/* An array of strings, item k at column col + 10*k. NULL-terminated list. */
static inline struct socm_value *tb_strs(int line, int col, ...)
{
    struct socm_pos p = tb_pos(line, col);
    struct socm_value *a = socm_value_array(&p);
    va_list ap;
    va_start(ap, col);
    const char *s;
    for (int k = 0; (s = va_arg(ap, const char *)); k++)
        socm_array_push(a, tb_str(s, line, col + 1 + 10 * k));
    va_end(ap);
    return a;
}
/* Adds key = v to t (key position = v's line, column 1); returns v. */
static inline struct socm_value *tb_put(struct socm_value *t, const char *key, struct socm_value *v)
{
    struct socm_pos p = {v->pos.file_id, v->pos.line, 1};
    socm_table_add(t, key, strlen(key), &p, v);
    return v;
}
/* resources = {ranks, threads, memory, runtime} at `line`. */
static inline struct socm_value *tb_res(struct socm_value *t, int line, int64_t ranks,
                                        int64_t threads, const char *memory, const char *runtime)
{
    struct socm_value *r = tb_put(t, "resources", tb_tbl(line));
    tb_put(r, "ranks", tb_int(ranks, line + 1, 9));
    tb_put(r, "threads", tb_int(threads, line + 2, 11));
    if (memory)
        tb_put(r, "memory", tb_str(memory, line + 3, 10));
    if (runtime)
        tb_put(r, "runtime", tb_str(runtime, line + 4, 11));
    return r;
}

#endif

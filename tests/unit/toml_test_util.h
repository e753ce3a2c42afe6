/* toml_test_util.h — helpers shared by the TOML tests: deep equality of config trees
 * (NaN equals NaN, -0.0 differs from 0.0, flags ignored) and reading test data. */
#ifndef SOCM_TOML_TEST_UTIL_H
#define SOCM_TOML_TEST_UTIL_H

#include "config/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static inline bool tree_equal(const struct socm_value *a, const struct socm_value *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case SOCM_V_NULL: return true;
    case SOCM_V_STRING:
        return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    case SOCM_V_INTEGER: return a->u.i == b->u.i;
    case SOCM_V_FLOAT:
        if (isnan(a->u.f) || isnan(b->u.f))
            return isnan(a->u.f) && isnan(b->u.f);
        return a->u.f == b->u.f && signbit(a->u.f) == signbit(b->u.f);
    case SOCM_V_BOOL: return a->u.b == b->u.b;
    case SOCM_V_DATETIME:
    case SOCM_V_DATETIME_LOCAL:
    case SOCM_V_DATE_LOCAL:
    case SOCM_V_TIME_LOCAL: {
        /* Only the fields the type has. */
        const struct socm_datetime *x = &a->u.dt, *y = &b->u.dt;
        if (a->type != SOCM_V_TIME_LOCAL &&
            (x->year != y->year || x->month != y->month || x->day != y->day))
            return false;
        if (a->type != SOCM_V_DATE_LOCAL &&
            (x->hour != y->hour || x->minute != y->minute || x->second != y->second ||
             x->nanosecond != y->nanosecond))
            return false;
        return a->type != SOCM_V_DATETIME || x->offset_minutes == y->offset_minutes;
    }
    case SOCM_V_ARRAY:
        if (a->u.arr.n != b->u.arr.n)
            return false;
        for (size_t i = 0; i < a->u.arr.n; i++)
            if (!tree_equal(a->u.arr.items[i], b->u.arr.items[i]))
                return false;
        return true;
    case SOCM_V_TABLE:
        if (a->u.tbl.n != b->u.tbl.n)
            return false;
        for (size_t i = 0; i < a->u.tbl.n; i++) {
            const struct socm_kv *kv = &a->u.tbl.items[i];
            const struct socm_value *o = socm_table_getn(b, kv->key, kv->keylen);
            if (!o || !tree_equal(kv->value, o))
                return false;
        }
        return true;
    }
    return false;
}

/* Whole file into a malloc'd buffer (NUL-terminated); NULL if unreadable. */
static inline char *slurp(const char *path, size_t *len)
{
    struct socm_error err;
    *len = 0;
    return socm_file_read(path, len, &err);
}

#endif

/* template_filter.c — template filters (`x | upper`, `default`, `join`, `replace`,
 * ...) and tests (`x is defined`, ...): their names, arity and results. */
#include "config/template_impl.h"

#include <stdint.h>
#include <string.h>

static int want_args(struct render *r, const struct expr *e, size_t lo, size_t hi)
{
    if (e->nargs < lo || e->nargs > hi)
        return socm_error_at(r->err, &e->pos, "filter '%s' takes %zu to %zu arguments, not %zu",
                             e->name, lo, hi, e->nargs);
    return 0;
}

/* The first pat (m > 0 bytes) in [s, end), or NULL. memmem over windows that
 * start small and double: a string with many hits costs time in proportion to its
 * length even where memmem is instrumented to check its whole range per call. */
static const char *find(const char *s, const char *end, const char *pat, size_t m)
{
    for (size_t w = m + 64; (size_t)(end - s) >= m; w *= 2) {
        size_t len = (size_t)(end - s) < w ? (size_t)(end - s) : w;
        const char *hit = memmem(s, len, pat, m);
        if (hit || len == (size_t)(end - s))
            return hit;
        s += len - m + 1;
    }
    return NULL;
}

/* Filters other than default: input v is defined; returns a new value or NULL. */
static struct socm_value *apply_filter(struct render *r, const struct expr *e,
                                       const struct socm_value *v,
                                       const struct socm_value *const *args)
{
    const char *f = e->name;
    const struct socm_pos *pos = &e->pos;
    if (!strcmp(f, "upper") || !strcmp(f, "lower")) {
        struct socm_value *s = socm_tpl_text_value(v, pos);
        for (size_t i = 0; i < s->u.str.len; i++) {
            char c = s->u.str.s[i];
            s->u.str.s[i] = f[0] == 'u' ? ((c >= 'a' && c <= 'z') ? c - 32 : c)
                                        : ((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
        return s;
    }
    if (!strcmp(f, "string"))
        return socm_tpl_text_value(v, pos);
    if (!strcmp(f, "trim")) {
        struct socm_value *s = socm_tpl_text_value(v, pos);
        size_t a = 0, b = s->u.str.len;
        while (a < b && socm_tpl_is_ws(s->u.str.s[a]))
            a++;
        while (b > a && socm_tpl_is_ws(s->u.str.s[b - 1]))
            b--;
        struct socm_value *t = socm_value_string(s->u.str.s + a, b - a, pos);
        socm_value_free(s);
        return t;
    }
    if (!strcmp(f, "length") || !strcmp(f, "count")) {
        if (v->type == SOCM_V_STRING)
            return socm_value_integer((int64_t)v->u.str.len, pos);
        if (v->type == SOCM_V_ARRAY)
            return socm_value_integer((int64_t)v->u.arr.n, pos);
        if (v->type == SOCM_V_TABLE)
            return socm_value_integer((int64_t)v->u.tbl.n, pos);
        socm_tpl_type_error(r, pos, "take the length of", v, NULL);
        return NULL;
    }
    if (!strcmp(f, "join")) {
        if (v->type != SOCM_V_ARRAY) {
            socm_tpl_type_error(r, pos, "join", v, NULL);
            return NULL;
        }
        struct socm_buf b = SOCM_BUF_INIT;
        struct socm_value *sep = e->nargs ? socm_tpl_text_value(args[0], pos) : NULL;
        for (size_t i = 0; i < v->u.arr.n && b.len <= SOCM_TPL_MAX_VALUE; i++) {
            if (i && sep)
                socm_buf_putn(&b, sep->u.str.s, sep->u.str.len);
            socm_tpl_text_of(v->u.arr.items[i], &b);
        }
        socm_value_free(sep);
        if (socm_tpl_too_large(r, pos, b.len) < 0) {
            socm_buf_free(&b);
            return NULL;
        }
        struct socm_value *s = socm_value_string(b.data ? b.data : "", b.len, pos);
        socm_buf_free(&b);
        return s;
    }
    if (!strcmp(f, "replace")) {
        if (v->type != SOCM_V_STRING || args[0]->type != SOCM_V_STRING ||
            args[1]->type != SOCM_V_STRING || args[0]->u.str.len == 0) {
            socm_error_at(r->err, pos, "replace needs a string and two strings (the first "
                                       "not empty)");
            return NULL;
        }
        const char *s = v->u.str.s, *end = s + v->u.str.len;
        const struct socm_value *from = args[0], *to = args[1];
        /* The result's size first: a short template can ask for an enormous one. */
        size_t hits = 0;
        for (const char *q = s; q < end; hits++) {
            const char *hit = find(q, end, from->u.str.s, from->u.str.len);
            if (!hit)
                break;
            q = hit + from->u.str.len;
        }
        size_t grow = to->u.str.len > from->u.str.len ? to->u.str.len - from->u.str.len : 0, size;
        if (__builtin_mul_overflow(hits, grow, &size) ||
            __builtin_add_overflow(size, v->u.str.len, &size))
            size = SIZE_MAX;
        if (socm_tpl_too_large(r, pos, size) < 0)
            return NULL;
        struct socm_buf b = SOCM_BUF_INIT;
        while (s < end) {
            const char *hit = find(s, end, from->u.str.s, from->u.str.len);
            if (!hit) {
                socm_buf_putn(&b, s, (size_t)(end - s));
                break;
            }
            socm_buf_putn(&b, s, (size_t)(hit - s));
            socm_buf_putn(&b, to->u.str.s, to->u.str.len);
            s = hit + from->u.str.len;
        }
        struct socm_value *out = socm_value_string(b.data ? b.data : "", b.len, pos);
        socm_buf_free(&b);
        return out;
    }
    if (!strcmp(f, "int") || !strcmp(f, "float")) {
        double d;
        if (socm_value_is_number(v))
            d = socm_value_as_double(v);
        else if (v->type == SOCM_V_STRING) {
            char *end;
            d = strtod(v->u.str.s, &end);
            if (end == v->u.str.s || *end) {
                socm_error_at(r->err, pos, "'%s' is not a number", v->u.str.s);
                return NULL;
            }
        } else {
            socm_tpl_type_error(r, pos, "convert to a number", v, NULL);
            return NULL;
        }
        if (f[0] == 'f')
            return socm_value_float(d, pos);
        if (!(d > -9.2e18 && d < 9.2e18)) {
            socm_error_at(r->err, pos, "number out of integer range");
            return NULL;
        }
        return socm_value_integer(v->type == SOCM_V_INTEGER ? v->u.i : (int64_t)d, pos);
    }
    if (!strcmp(f, "tojson")) {
        char *j = socm_config_to_json(v);
        size_t n = strlen(j);
        while (n && j[n - 1] == '\n')
            n--;
        struct socm_value *s = socm_value_string(j, n, pos);
        free(j);
        return s;
    }
    socm_error_at(r->err, pos, "unknown filter '%s'", f);
    return NULL;
}

int socm_tpl_eval_filter(struct render *r, const struct expr *e, struct socm_value **out)
{
    *out = NULL;
    const char *f = e->name;
    static const struct { const char *name; size_t lo, hi; } arity[] = {
        {"default", 0, 2}, {"d", 0, 2}, {"upper", 0, 0}, {"lower", 0, 0}, {"string", 0, 0},
        {"trim", 0, 0}, {"length", 0, 0}, {"count", 0, 0}, {"join", 0, 1}, {"replace", 2, 2},
        {"int", 0, 0}, {"float", 0, 0}, {"tojson", 0, 0},
    };
    size_t k = 0, nk = sizeof arity / sizeof arity[0];
    while (k < nk && strcmp(arity[k].name, f))
        k++;
    if (k == nk)
        return socm_error_at(r->err, &e->pos, "unknown filter '%s'", f);
    if (want_args(r, e, arity[k].lo, arity[k].hi) < 0)
        return -1;
    struct ref v;
    if (socm_tpl_eval_ref(r, e->a, &v) < 0)
        return -1;
    if (!strcmp(f, "default") || !strcmp(f, "d")) {
        bool use_default = !v.v;
        if (v.v && e->nargs == 2) {
            struct ref flag;
            if (socm_tpl_eval_ref_def(r, e->args[1], &flag) < 0) {
                socm_tpl_ref_drop(&v);
                return -1;
            }
            use_default = socm_tpl_truthy(flag.v) && !socm_tpl_truthy(v.v);
            socm_tpl_ref_drop(&flag);
        }
        if (!use_default) {
            *out = socm_tpl_ref_take(&v);
            return 0;
        }
        socm_tpl_ref_drop(&v);
        if (!e->nargs) {
            *out = socm_value_string("", 0, &e->pos);
            return 0;
        }
        *out = socm_tpl_eval_def(r, e->args[0]);
        return *out ? 0 : -1;
    }
    if (!v.v)
        return socm_tpl_undefined(r, e->a);
    struct ref args[2] = {{NULL, NULL}, {NULL, NULL}};
    int rc = 0;
    for (size_t i = 0; i < e->nargs && rc == 0; i++)
        rc = socm_tpl_eval_ref_def(r, e->args[i], &args[i]);
    const struct socm_value *argv[2] = {args[0].v, args[1].v};
    if (rc == 0 && !(*out = apply_filter(r, e, v.v, argv)))
        rc = -1;
    socm_tpl_ref_drop(&v);
    socm_tpl_ref_drop(&args[0]);
    socm_tpl_ref_drop(&args[1]);
    return rc;
}

int socm_tpl_eval_test(struct render *r, const struct expr *e, struct socm_value **out)
{
    const char *t = e->name;
    if (strcmp(t, "defined") && strcmp(t, "undefined") && strcmp(t, "none") &&
        strcmp(t, "number") && strcmp(t, "string"))
        return socm_error_at(r->err, &e->pos, "unknown test '%s' (defined, undefined, none, "
                                              "number, string)", t);
    struct ref x;
    if (socm_tpl_eval_ref(r, e->a, &x) < 0)
        return -1;
    const struct socm_value *v = x.v;
    bool res;
    if (!strcmp(t, "defined") || !strcmp(t, "undefined"))
        res = (v != NULL) == (t[0] == 'd');
    else if (!v)
        return socm_tpl_undefined(r, e->a);
    else if (!strcmp(t, "none"))
        res = v->type == SOCM_V_NULL;
    else if (!strcmp(t, "number"))
        res = socm_value_is_number(v);
    else
        res = v->type == SOCM_V_STRING;
    socm_tpl_ref_drop(&x);
    *out = socm_value_bool(res != e->negate, &e->pos);
    return 0;
}

/* template_eval.c — the template expression evaluator: variables and their parts
 * (borrowed, not copied), literals, lists, not/and/or, comparisons, arithmetic,
 * and the bound on every value an expression makes. Filters and tests are in
 * template_filter.c. */
#include "config/template_impl.h"

#include <string.h>

static const struct socm_value *lookup(const struct render *r, const char *name)
{
    for (const struct scope *s = r->scope; s; s = s->up) {
        const struct socm_value *v = socm_table_get(s->vars, name);
        if (v)
            return v;
    }
    return r->globals ? socm_table_get(r->globals, name) : NULL;
}

/* Refuses a value (or a string being built) of `bytes` above SOCM_TPL_MAX_VALUE. */
int socm_tpl_too_large(struct render *r, const struct socm_pos *pos, size_t bytes)
{
    if (bytes <= SOCM_TPL_MAX_VALUE)
        return 0;
    return socm_error_at(r->err, pos, "value larger than %u bytes", SOCM_TPL_MAX_VALUE);
}

static int eval(struct render *r, const struct expr *e, struct socm_value **out);

/* The error for e evaluating to nothing (a missing name, key or index). */
int socm_tpl_undefined(struct render *r, const struct expr *e)
{
    return socm_error_at(r->err, &e->pos, "undefined %s '%s'",
                         e->kind == E_NAME ? "variable" : "value", e->path ? e->path : "?");
}

/* Evaluates e, which must be defined. */
struct socm_value *socm_tpl_eval_def(struct render *r, const struct expr *e)
{
    struct socm_value *v;
    if (eval(r, e, &v) < 0)
        return NULL;
    if (!v)
        socm_tpl_undefined(r, e);
    return v;
}


void socm_tpl_ref_drop(struct ref *x)
{
    socm_value_free(x->owned);
    *x = (struct ref){NULL, NULL};
}

/* x's value as a new one (a copy, unless x owns it). */
struct socm_value *socm_tpl_ref_take(struct ref *x)
{
    struct socm_value *v = x->owned ? x->owned : x->v ? socm_value_clone(x->v) : NULL;
    *x = (struct ref){NULL, NULL};
    return v;
}

/* socm_tpl_eval_ref of an e that must be defined. */
int socm_tpl_eval_ref_def(struct render *r, const struct expr *e, struct ref *out)
{
    if (socm_tpl_eval_ref(r, e, out) < 0)
        return -1;
    return out->v ? 0 : socm_tpl_undefined(r, e);
}

int socm_tpl_type_error(struct render *r, const struct socm_pos *pos, const char *what,
                      const struct socm_value *a, const struct socm_value *b)
{
    if (b)
        return socm_error_at(r->err, pos, "cannot %s %s and %s", what, socm_vtype_name(a->type),
                             socm_vtype_name(b->type));
    return socm_error_at(r->err, pos, "cannot %s %s", what, socm_vtype_name(a->type));
}

static int eval_cmp(struct render *r, const struct expr *e, const struct socm_value *a,
                    const struct socm_value *b, bool *res)
{
    const char *op = e->name;
    if (!strcmp(op, "==") || !strcmp(op, "!=")) {
        *res = socm_tpl_values_equal(a, b) == (op[0] == '=');
        return 0;
    }
    if (!strcmp(op, "in") || !strcmp(op, "notin")) {
        bool found = false;
        if (b->type == SOCM_V_STRING) {
            if (a->type != SOCM_V_STRING)
                return socm_tpl_type_error(r, &e->pos, "look for", a, b);
            found = memmem(b->u.str.s, b->u.str.len, a->u.str.s, a->u.str.len) != NULL;
        } else if (b->type == SOCM_V_ARRAY) {
            for (size_t i = 0; i < b->u.arr.n && !found; i++)
                found = socm_tpl_values_equal(a, b->u.arr.items[i]);
        } else if (b->type == SOCM_V_TABLE) {
            if (a->type != SOCM_V_STRING)
                return socm_tpl_type_error(r, &e->pos, "look for", a, b);
            found = socm_table_getn(b, a->u.str.s, a->u.str.len) != NULL;
        } else
            return socm_error_at(r->err, &e->pos, "'in' needs a list, table or string on its "
                                                  "right, not %s", socm_vtype_name(b->type));
        *res = found == !strcmp(op, "in");
        return 0;
    }
    int c;
    if (socm_value_is_number(a) && socm_value_is_number(b)) {
        double x = socm_value_as_double(a), y = socm_value_as_double(b);
        if (a->type == SOCM_V_INTEGER && b->type == SOCM_V_INTEGER)
            c = (a->u.i > b->u.i) - (a->u.i < b->u.i);
        else
            c = (x > y) - (x < y);
    } else if (a->type == SOCM_V_STRING && b->type == SOCM_V_STRING) {
        size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
        c = memcmp(a->u.str.s, b->u.str.s, n);
        if (!c)
            c = (a->u.str.len > b->u.str.len) - (a->u.str.len < b->u.str.len);
    } else
        return socm_tpl_type_error(r, &e->pos, "compare", a, b);
    if (!strcmp(op, "<"))
        *res = c < 0;
    else if (!strcmp(op, ">"))
        *res = c > 0;
    else if (!strcmp(op, "<="))
        *res = c <= 0;
    else
        *res = c >= 0;
    return 0;
}

static struct socm_value *eval_arith(struct render *r, const struct expr *e,
                                     const struct socm_value *a, const struct socm_value *b)
{
    const char op = e->name[0];
    if (op == '~') {
        struct socm_buf s = SOCM_BUF_INIT;
        socm_tpl_text_of(a, &s);
        if (socm_tpl_too_large(r, &e->pos, s.len) == 0)
            socm_tpl_text_of(b, &s);
        if (socm_tpl_too_large(r, &e->pos, s.len) < 0) {
            socm_buf_free(&s);
            return NULL;
        }
        struct socm_value *v = socm_value_string(s.data ? s.data : "", s.len, &e->pos);
        socm_buf_free(&s);
        return v;
    }
    if (op == '+' && a->type == SOCM_V_STRING && b->type == SOCM_V_STRING) {
        if (socm_tpl_too_large(r, &e->pos, a->u.str.len + b->u.str.len) < 0)
            return NULL;
        struct socm_buf s = SOCM_BUF_INIT;
        socm_buf_putn(&s, a->u.str.s, a->u.str.len);
        socm_buf_putn(&s, b->u.str.s, b->u.str.len);
        struct socm_value *v = socm_value_string(s.data, s.len, &e->pos);
        socm_buf_free(&s);
        return v;
    }
    if (op == '+' && a->type == SOCM_V_ARRAY && b->type == SOCM_V_ARRAY) {
        struct socm_value *v = socm_value_clone(a);
        for (size_t i = 0; i < b->u.arr.n; i++)
            socm_array_push(v, socm_value_clone(b->u.arr.items[i]));
        return v;
    }
    if (!socm_value_is_number(a) || !socm_value_is_number(b)) {
        socm_tpl_type_error(r, &e->pos, op == '+' ? "add" : op == '-' ? "subtract" :
                               op == '*' ? "multiply" : "divide", a, b);
        return NULL;
    }
    if (op == '/') {
        double y = socm_value_as_double(b);
        if (y == 0.0) {
            socm_error_at(r->err, &e->pos, "division by zero");
            return NULL;
        }
        return socm_value_float(socm_value_as_double(a) / y, &e->pos);
    }
    if (a->type == SOCM_V_INTEGER && b->type == SOCM_V_INTEGER) {
        int64_t res;
        bool ovf = op == '+' ? __builtin_add_overflow(a->u.i, b->u.i, &res)
                 : op == '-' ? __builtin_sub_overflow(a->u.i, b->u.i, &res)
                             : __builtin_mul_overflow(a->u.i, b->u.i, &res);
        if (ovf) {
            socm_error_at(r->err, &e->pos, "integer overflow");
            return NULL;
        }
        return socm_value_integer(res, &e->pos);
    }
    double x = socm_value_as_double(a), y = socm_value_as_double(b);
    return socm_value_float(op == '+' ? x + y : op == '-' ? x - y : x * y, &e->pos);
}


/* *out: a new value, or NULL when e is undefined (a missing name, key or index). */
static int eval_node(struct render *r, const struct expr *e, struct socm_value **out)
{
    *out = NULL;
    switch (e->kind) {
    case E_LIT:
    case E_NAME:
    case E_INDEX: {
        struct ref x;
        if (socm_tpl_eval_ref(r, e, &x) < 0)
            return -1;
        *out = socm_tpl_ref_take(&x);
        return 0;
    }
    case E_ATTR: {
        struct ref base;
        if (!e->call) {
            if (socm_tpl_eval_ref(r, e, &base) < 0)
                return -1;
            *out = socm_tpl_ref_take(&base);
            return 0;
        }
        if (socm_tpl_eval_ref(r, e->a, &base) < 0)
            return -1;
        if (!base.v)
            return 0; /* undefined propagates, so `a.b | default(x)` works */
        const struct socm_value *t = base.v;
        if (t->type != SOCM_V_TABLE) {
            int rc = socm_error_at(r->err, &e->pos, "%s() needs a table, not %s", e->name,
                                   socm_vtype_name(t->type));
            socm_tpl_ref_drop(&base);
            return rc;
        }
        struct socm_value *arr = socm_value_array(&e->pos);
        for (size_t i = 0; i < t->u.tbl.n; i++) {
            const struct socm_kv *kv = &t->u.tbl.items[i];
            struct socm_value *k = socm_value_string(kv->key, kv->keylen, &e->pos);
            if (e->name[0] == 'k')
                socm_array_push(arr, k);
            else if (e->name[0] == 'v') {
                socm_value_free(k);
                socm_array_push(arr, socm_value_clone(kv->value));
            } else {
                struct socm_value *pair = socm_value_array(&e->pos);
                socm_array_push(pair, k);
                socm_array_push(pair, socm_value_clone(kv->value));
                socm_array_push(arr, pair);
            }
        }
        socm_tpl_ref_drop(&base);
        *out = arr;
        return 0;
    }
    case E_LIST: {
        struct socm_value *arr = socm_value_array(&e->pos);
        for (size_t i = 0; i < e->nargs; i++) {
            struct socm_value *v = socm_tpl_eval_def(r, e->args[i]);
            if (!v) {
                socm_value_free(arr);
                return -1;
            }
            socm_array_push(arr, v);
        }
        *out = arr;
        return 0;
    }
    case E_NOT: {
        struct ref x;
        if (socm_tpl_eval_ref_def(r, e->a, &x) < 0)
            return -1;
        *out = socm_value_bool(!socm_tpl_truthy(x.v), &e->pos);
        socm_tpl_ref_drop(&x);
        return 0;
    }
    case E_NEG: {
        struct ref x;
        if (socm_tpl_eval_ref_def(r, e->a, &x) < 0)
            return -1;
        const struct socm_value *v = x.v;
        if (v->type == SOCM_V_INTEGER && v->u.i != INT64_MIN)
            *out = socm_value_integer(-v->u.i, &e->pos);
        else if (v->type == SOCM_V_FLOAT)
            *out = socm_value_float(-v->u.f, &e->pos);
        else
            socm_tpl_type_error(r, &e->pos, "negate", v, NULL);
        socm_tpl_ref_drop(&x);
        return *out ? 0 : -1;
    }
    case E_AND:
    case E_OR: {
        struct ref a;
        if (socm_tpl_eval_ref_def(r, e->a, &a) < 0)
            return -1;
        /* Python semantics: the deciding operand is the result. */
        if (socm_tpl_truthy(a.v) == (e->kind == E_OR)) {
            *out = socm_tpl_ref_take(&a);
            return 0;
        }
        socm_tpl_ref_drop(&a);
        *out = socm_tpl_eval_def(r, e->b);
        return *out ? 0 : -1;
    }
    case E_CMP:
    case E_ARITH: {
        struct ref a, b;
        if (socm_tpl_eval_ref_def(r, e->a, &a) < 0)
            return -1;
        if (socm_tpl_eval_ref_def(r, e->b, &b) < 0) {
            socm_tpl_ref_drop(&a);
            return -1;
        }
        int rc = 0;
        if (e->kind == E_CMP) {
            bool res = false;
            rc = eval_cmp(r, e, a.v, b.v, &res);
            if (rc == 0)
                *out = socm_value_bool(res, &e->pos);
        } else if (!(*out = eval_arith(r, e, a.v, b.v)))
            rc = -1;
        socm_tpl_ref_drop(&a);
        socm_tpl_ref_drop(&b);
        return rc;
    }
    case E_FILTER:
        return socm_tpl_eval_filter(r, e, out);
    case E_TEST:
        return socm_tpl_eval_test(r, e, out);
    }
    return socm_error_at(r->err, &e->pos, "internal: unknown expression");
}

/* Every value an expression makes or copies passes here: none larger than
 * SOCM_TPL_MAX_VALUE or deeper than a config may be, and no more than
 * SOCM_TPL_MAX_WORK bytes made in one render, so a doubling `set`, a long chain of
 * replace or a loop copying a large value cannot exhaust memory or time. (What is
 * only read — a variable tested, compared, looped over, printed, a field taken from
 * it — is borrowed through socm_tpl_eval_ref and copies nothing.) */
static int eval(struct render *r, const struct expr *e, struct socm_value **out)
{
    int rc = eval_node(r, e, out);
    if (rc < 0 || !*out)
        return rc;
    bool deep = false;
    size_t n = socm_tpl_value_bytes(*out, SOCM_TPL_MAX_VALUE, 0, &deep);
    if (deep)
        rc = socm_error_at(r->err, &e->pos, "value nested deeper than %d levels",
                           SOCM_CONFIG_MAX_DEPTH);
    else if (socm_tpl_too_large(r, &e->pos, n) < 0)
        rc = -1;
    else if ((r->work += n) > SOCM_TPL_MAX_WORK)
        rc = socm_error_at(r->err, &e->pos, "the template makes more than %llu bytes of "
                                            "values in all; refused",
                           SOCM_TPL_MAX_WORK);
    if (rc < 0) {
        socm_value_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The part of base that e (E_ATTR `.name` or E_INDEX `[key]`) names, or NULL. */
static const struct socm_value *part_of(const struct expr *e, const struct socm_value *base,
                                        const struct socm_value *key)
{
    if (base->type == SOCM_V_TABLE) {
        if (e->kind == E_ATTR)
            return socm_table_get(base, e->name);
        if (key->type == SOCM_V_STRING)
            return socm_table_getn(base, key->u.str.s, key->u.str.len);
    } else if (base->type == SOCM_V_ARRAY) {
        int64_t i = -1;
        bool have = false;
        if (e->kind == E_INDEX && key->type == SOCM_V_INTEGER)
            i = key->u.i, have = true;
        else if (e->kind == E_ATTR && e->name[0] >= '0' && e->name[0] <= '9')
            i = strtoll(e->name, NULL, 10), have = true;
        if (have && i < 0)
            i += (int64_t)base->u.arr.n;
        if (have && i >= 0 && (uint64_t)i < base->u.arr.n)
            return base->u.arr.items[i];
    }
    return NULL;
}

/* A variable, a literal and a part of either are borrowed; anything else is
 * evaluated (and owned). out->v = NULL: undefined. */
int socm_tpl_eval_ref(struct render *r, const struct expr *e, struct ref *out)
{
    *out = (struct ref){NULL, NULL};
    if (e->kind == E_LIT) {
        out->v = e->lit;
        return 0;
    }
    if (e->kind == E_NAME) {
        out->v = lookup(r, e->name);
        return 0;
    }
    if (e->kind == E_INDEX || (e->kind == E_ATTR && !e->call)) {
        struct ref base, key = {NULL, NULL};
        if (socm_tpl_eval_ref(r, e->a, &base) < 0)
            return -1;
        if (!base.v)
            return 0; /* undefined propagates, so `a.b | default(x)` works */
        if (e->kind == E_INDEX && socm_tpl_eval_ref_def(r, e->b, &key) < 0) {
            socm_tpl_ref_drop(&base);
            return -1;
        }
        const struct socm_value *found = part_of(e, base.v, key.v);
        if (base.owned && found)
            out->v = out->owned = socm_value_clone(found);
        else if (!base.owned)
            out->v = found;
        socm_tpl_ref_drop(&base);
        socm_tpl_ref_drop(&key);
        return 0;
    }
    struct socm_value *v;
    if (eval(r, e, &v) < 0)
        return -1;
    out->v = out->owned = v;
    return 0;
}

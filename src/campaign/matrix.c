/* matrix.c — matrix expansion of workflow sections: `matrix = { bands = ["f090",
 * "f150"] }` turns one section into one per combination of the matrix values, so a
 * campaign need not repeat a section per band (the seed needed a template for it). */
#include "campaign/matrix.h"
#include "campaign/schema.h"

#include <ctype.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct axis {
    const char *key;
    const struct socm_value *values; /* array of scalars */
};

static bool is_scalar(const struct socm_value *v)
{
    return v->type == SOCM_V_STRING || v->type == SOCM_V_INTEGER || v->type == SOCM_V_FLOAT ||
           v->type == SOCM_V_BOOL;
}

static char *scalar_text(const struct socm_value *v)
{
    switch (v->type) {
    case SOCM_V_STRING: return socm_strdup(v->u.str.s);
    case SOCM_V_INTEGER: return socm_asprintf("%" PRId64, v->u.i);
    case SOCM_V_FLOAT: return socm_asprintf("%g", v->u.f);
    case SOCM_V_BOOL: return socm_strdup(v->u.b ? "true" : "false");
    default: return socm_strdup("");
    }
}

/* Checks the matrix table; fills axes (caller frees). Returns the number of
 * combinations, or 0 after adding an error. */
static size_t read_axes(const char *section, const struct socm_value *m, struct axis **axes,
                        size_t *n_axes, struct socm_errlist *errs)
{
    if (m->type != SOCM_V_TABLE || !m->u.tbl.n) {
        socm_errlist_addf(errs, &m->pos, "'matrix' of '%s' must be a non-empty table of "
                          "KEY = [values...]", section);
        return 0;
    }
    *axes = socm_xcalloc(m->u.tbl.n, sizeof **axes);
    *n_axes = m->u.tbl.n;
    size_t combos = 1;
    for (size_t i = 0; i < m->u.tbl.n; i++) {
        const struct socm_kv *kv = &m->u.tbl.items[i];
        const struct socm_value *v = kv->value;
        if (v->type != SOCM_V_ARRAY || !v->u.arr.n) {
            socm_errlist_addf(errs, &v->pos, "matrix key '%s' of '%s' must be a non-empty list",
                              kv->key, section);
            return 0;
        }
        for (size_t k = 0; k < v->u.arr.n; k++)
            if (!is_scalar(v->u.arr.items[k])) {
                socm_errlist_addf(errs, &v->u.arr.items[k]->pos, "matrix values must be strings, "
                                  "numbers or booleans, not %s",
                                  socm_vtype_name(v->u.arr.items[k]->type));
                return 0;
            }
        (*axes)[i] = (struct axis){kv->key, v};
        combos *= v->u.arr.n;
    }
    return combos;
}

/* "{key}" → value for every axis, in one pass over s. */
static char *substitute(const char *s, const struct axis *axes, size_t n, char *const *vals)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (const char *p = s; *p;) {
        bool done = false;
        if (*p == '{') {
            for (size_t i = 0; i < n && !done; i++) {
                size_t kl = strlen(axes[i].key);
                if (!strncmp(p + 1, axes[i].key, kl) && p[1 + kl] == '}') {
                    socm_buf_puts(&b, vals[i]);
                    p += kl + 2;
                    done = true;
                }
            }
        }
        if (!done)
            socm_buf_putc(&b, *p++);
    }
    return socm_buf_steal(&b);
}

static void substitute_tree(struct socm_value *v, const struct axis *axes, size_t n,
                            char *const *vals)
{
    if (v->type == SOCM_V_STRING && memchr(v->u.str.s, '{', v->u.str.len)) {
        char *s = substitute(v->u.str.s, axes, n, vals);
        socm_value_set_string(v, s, strlen(s));
        free(s);
    } else if (v->type == SOCM_V_ARRAY) {
        for (size_t i = 0; i < v->u.arr.n; i++)
            substitute_tree(v->u.arr.items[i], axes, n, vals);
    } else if (v->type == SOCM_V_TABLE) {
        for (size_t i = 0; i < v->u.tbl.n; i++)
            substitute_tree(v->u.tbl.items[i].value, axes, n, vals);
    }
}

/* A `{name}` in the section's strings that names no matrix key ({band} where the
 * key is `bands`) would stay in the command as it is: an error. Returns the number
 * reported. */
static size_t check_placeholders(const struct socm_value *v, const char *section,
                                 const char *const *keys, struct socm_errlist *errs)
{
    size_t bad = 0;
    if (v->type == SOCM_V_ARRAY) {
        for (size_t i = 0; i < v->u.arr.n; i++)
            bad += check_placeholders(v->u.arr.items[i], section, keys, errs);
    } else if (v->type == SOCM_V_TABLE) {
        for (size_t i = 0; i < v->u.tbl.n; i++)
            if (strcmp(v->u.tbl.items[i].key, "matrix"))
                bad += check_placeholders(v->u.tbl.items[i].value, section, keys, errs);
    } else if (v->type == SOCM_V_STRING) {
        for (const char *p = strchr(v->u.str.s, '{'); p; p = strchr(p + 1, '{')) {
            const char *e = p + 1;
            if (!isalpha((unsigned char)*e) && *e != '_')
                continue;
            while (isalnum((unsigned char)*e) || *e == '_' || *e == '-')
                e++;
            if (*e != '}')
                continue;
            char *name = socm_strndup(p + 1, (size_t)(e - p - 1));
            bool known = false;
            for (size_t k = 0; keys[k] && !known; k++)
                known = !strcmp(keys[k], name);
            if (!known) {
                const char *const *lists[] = {keys, NULL};
                char *w = socm_asprintf("the matrix of [campaign.%s]", section);
                socm_schema_unknown(errs, &v->pos, "placeholder", name, w, lists);
                free(w);
                bad++;
            }
            free(name);
        }
    }
    return bad;
}

/* Adds one section per combination to out; their names go to members. */
static void expand_one(const struct socm_kv *kv, const struct axis *axes, size_t n_axes,
                       size_t combos, struct socm_value *out, struct socm_value *members)
{
    char **vals = socm_xcalloc(n_axes, sizeof *vals);
    for (size_t c = 0; c < combos; c++) {
        /* Mixed radix, last key fastest: the product in key order. */
        size_t rest = c;
        for (size_t i = n_axes; i-- > 0;) {
            size_t len = axes[i].values->u.arr.n;
            vals[i] = scalar_text(axes[i].values->u.arr.items[rest % len]);
            rest /= len;
        }
        struct socm_buf name = SOCM_BUF_INIT;
        socm_buf_puts(&name, kv->key);
        for (size_t i = 0; i < n_axes; i++)
            socm_buf_printf(&name, "-%s", vals[i]);
        struct socm_value *sec = socm_value_clone(kv->value);
        socm_table_remove(sec, "matrix");
        substitute_tree(sec, axes, n_axes, vals);
        socm_array_push(members, socm_value_string(name.data, name.len, &kv->key_pos));
        if (socm_table_add(out, name.data, name.len, &kv->key_pos, sec) < 0)
            socm_value_free(sec); /* a clash: the campaign reports the duplicate name */
        socm_buf_free(&name);
        for (size_t i = 0; i < n_axes; i++)
            free(vals[i]);
    }
    free(vals);
}

/* A dependency on a matrixed section becomes one on each of its members. */
static void rewrite_depends(struct socm_value *sec, const struct socm_value *groups)
{
    struct socm_value *dep = socm_table_get(sec, "depends");
    if (!dep || (dep->type != SOCM_V_STRING && dep->type != SOCM_V_ARRAY))
        return;
    struct socm_value *out = socm_value_array(&dep->pos);
    bool changed = false;
    size_t n = dep->type == SOCM_V_ARRAY ? dep->u.arr.n : 1;
    for (size_t i = 0; i < n; i++) {
        const struct socm_value *d = dep->type == SOCM_V_ARRAY ? dep->u.arr.items[i] : dep;
        const struct socm_value *g = d->type == SOCM_V_STRING ? socm_table_get(groups, d->u.str.s)
                                                              : NULL;
        if (!g) {
            socm_array_push(out, socm_value_clone(d));
            continue;
        }
        changed = true;
        for (size_t k = 0; k < g->u.arr.n; k++) {
            struct socm_value *m = socm_value_clone(g->u.arr.items[k]);
            m->pos = d->pos;
            socm_array_push(out, m);
        }
    }
    if (changed)
        socm_table_set(sec, "depends", out);
    else
        socm_value_free(out);
}

static bool has_matrix(const struct socm_value *camp)
{
    for (size_t i = 0; i < camp->u.tbl.n; i++) {
        const struct socm_value *v = camp->u.tbl.items[i].value;
        if (v->type == SOCM_V_TABLE && socm_table_get(v, "matrix"))
            return true;
    }
    return false;
}

int socm_matrix_expand(struct socm_value *camp, struct socm_errlist *errs)
{
    if (!camp || camp->type != SOCM_V_TABLE || !has_matrix(camp))
        return 0;
    size_t errs_before = errs->n;
    struct socm_value *out = socm_value_table(&camp->pos);
    struct socm_value *groups = socm_value_table(NULL);
    for (size_t i = 0; i < camp->u.tbl.n; i++) {
        const struct socm_kv *kv = &camp->u.tbl.items[i];
        const struct socm_value *m =
            kv->value->type == SOCM_V_TABLE ? socm_table_get(kv->value, "matrix") : NULL;
        struct axis *axes = NULL;
        size_t n_axes = 0, combos = m ? read_axes(kv->key, m, &axes, &n_axes, errs) : 0;
        if (combos) {
            const char **keys = socm_xcalloc(n_axes + 1, sizeof *keys);
            for (size_t k = 0; k < n_axes; k++)
                keys[k] = axes[k].key;
            if (check_placeholders(kv->value, kv->key, keys, errs))
                combos = 0;
            free(keys);
        }
        if (combos) {
            struct socm_value *members = socm_value_array(&kv->key_pos);
            expand_one(kv, axes, n_axes, combos, out, members);
            socm_table_add(groups, kv->key, kv->keylen, &kv->key_pos, members);
        } else if (!m) {
            socm_table_add(out, kv->key, kv->keylen, &kv->key_pos, socm_value_clone(kv->value));
        }
        free(axes);
    }
    for (size_t i = 0; i < out->u.tbl.n; i++)
        if (out->u.tbl.items[i].value->type == SOCM_V_TABLE)
            rewrite_depends(out->u.tbl.items[i].value, groups);
    /* Swap contents: camp keeps its identity (the campaign holds pointers to it). */
    struct socm_value tmp = *camp;
    camp->u.tbl = out->u.tbl;
    out->u.tbl = tmp.u.tbl;
    socm_value_free(out);
    socm_value_free(groups);
    return (int)(errs->n - errs_before);
}

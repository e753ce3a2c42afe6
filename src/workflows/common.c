/* common.c — argv helpers shared by the built-in workflow types (see common.h). */
#include "workflows/common.h"

#include <ctype.h>
#include <string.h>

void socm_wfargv_words(struct socm_strv *argv, const char *s)
{
    while (s && *s) {
        while (isspace((unsigned char)*s))
            s++;
        const char *w = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (s > w)
            socm_strv_push_owned(argv, socm_strndup(w, (size_t)(s - w)));
    }
}

int socm_wfargv_check_list(const struct socm_value *section, const char *key,
                           struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(section, key);
    if (!v)
        return 0;
    if (v->type != SOCM_V_ARRAY)
        return socm_error_at(err, &v->pos, "'%s' must be an array, not %s", key,
                             socm_vtype_name(v->type));
    for (size_t i = 0; i < v->u.arr.n; i++) {
        const struct socm_value *it = v->u.arr.items[i];
        if (!socm_value_is_scalar(it) || it->type == SOCM_V_NULL)
            return socm_error_at(err, &it->pos, "'%s' items must be strings or numbers, not %s",
                                 key, socm_vtype_name(it->type));
    }
    return 0;
}

int socm_wfargv_check_kwargs(const struct socm_value *section, const char *key,
                             struct socm_error *err)
{
    const struct socm_value *v = socm_table_get(section, key);
    if (!v)
        return 0;
    if (v->type != SOCM_V_TABLE)
        return socm_error_at(err, &v->pos, "'%s' must be a table of name = value, not %s", key,
                             socm_vtype_name(v->type));
    /* Any value: lists and tables print as Python's str() prints them. */
    return 0;
}

static int kv_cmp(const void *a, const void *b)
{
    const struct socm_kv *x = *(const struct socm_kv *const *)a;
    const struct socm_kv *y = *(const struct socm_kv *const *)b;
    size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->keylen > y->keylen) - (x->keylen < y->keylen);
}

void socm_wfargv_kwargs(struct socm_strv *argv, const struct socm_value *kwargs)
{
    if (!kwargs || kwargs->type != SOCM_V_TABLE || !kwargs->u.tbl.n)
        return;
    size_t n = kwargs->u.tbl.n;
    const struct socm_kv **sorted = socm_xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &kwargs->u.tbl.items[i];
    qsort(sorted, n, sizeof *sorted, kv_cmp);
    for (size_t i = 0; i < n; i++) {
        char *text = socm_wfargv_pystr(sorted[i]->value);
        socm_strv_pushf(argv, "--%s=%s", sorted[i]->key, text);
        free(text);
    }
    free(sorted);
}

void socm_wfargv_flags(struct socm_strv *argv, const struct socm_value *flags)
{
    if (!flags || flags->type != SOCM_V_ARRAY)
        return;
    for (size_t i = 0; i < flags->u.arr.n; i++) {
        char *text = socm_wfargv_pystr(flags->u.arr.items[i]);
        socm_strv_pushf(argv, "--%s", text);
        free(text);
    }
}

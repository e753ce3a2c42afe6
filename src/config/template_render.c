/* template_render.c — rendering a parsed template: text and output nodes into the
 * output (bounded), for loops with their loop.* variables and scopes, if and set;
 * and socm_template_render, which lexes, parses and renders one template. */
#include "config/template_impl.h"

#include <string.h>

static int render_nodes(struct render *r, const struct nodes *l);

static int emit(struct render *r, const char *s, size_t n, const struct socm_pos *pos)
{
    if (r->out.len + n > SOCM_TPL_MAX_OUT)
        return socm_error_at(r->err, pos, "output larger than %u bytes", SOCM_TPL_MAX_OUT);
    socm_buf_putn(&r->out, s, n);
    return 0;
}

/* Sets the loop.* values for iteration i of n in the table l (created on first use;
 * updated in place afterwards, as loops must stay cheap). */
static void loop_update(struct socm_value *l, size_t i, size_t n, const struct socm_pos *pos)
{
    const char *ints[] = {"index", "index0", "revindex", "revindex0", "length"};
    int64_t vals[] = {(int64_t)i + 1, (int64_t)i, (int64_t)(n - i), (int64_t)(n - i - 1),
                      (int64_t)n};
    for (size_t k = 0; k < 5; k++) {
        struct socm_value *v = socm_table_get(l, ints[k]);
        if (v && v->type == SOCM_V_INTEGER)
            v->u.i = vals[k];
        else
            socm_table_set(l, ints[k], socm_value_integer(vals[k], pos));
    }
    const char *bools[] = {"first", "last"};
    bool bv[] = {i == 0, i + 1 == n};
    for (size_t k = 0; k < 2; k++) {
        struct socm_value *v = socm_table_get(l, bools[k]);
        if (v && v->type == SOCM_V_BOOL)
            v->u.b = bv[k];
        else
            socm_table_set(l, bools[k], socm_value_bool(bv[k], pos));
    }
}

static int render_for(struct render *r, const struct node *nd)
{
    struct ref sref;
    if (socm_tpl_eval_ref_def(r, nd->e, &sref) < 0)
        return -1;
    const struct socm_value *seq = sref.v;
    if (seq->type != SOCM_V_ARRAY && seq->type != SOCM_V_TABLE) {
        int rc = socm_error_at(r->err, &nd->e->pos, "cannot loop over %s (a list or table is "
                                                    "needed)", socm_vtype_name(seq->type));
        socm_tpl_ref_drop(&sref);
        return rc;
    }
    size_t n = seq->type == SOCM_V_ARRAY ? seq->u.arr.n : seq->u.tbl.n;
    if (n == 0) {
        socm_tpl_ref_drop(&sref);
        return render_nodes(r, &nd->else_body);
    }
    struct scope sc = {socm_value_table(&nd->pos), r->scope};
    r->scope = &sc;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (++r->iterations > SOCM_TPL_MAX_ITER) {
            rc = socm_error_at(r->err, &nd->pos, "more than %llu loop iterations",
                               SOCM_TPL_MAX_ITER);
            break;
        }
        struct socm_value *item =
            seq->type == SOCM_V_ARRAY
                ? socm_value_clone(seq->u.arr.items[i])
                : socm_value_string(seq->u.tbl.items[i].key, seq->u.tbl.items[i].keylen, &nd->pos);
        /* Each iteration starts from a clean scope: a `set` in the body (which adds a
         * third key) does not carry over to the next iteration or out of the loop. */
        if (sc.vars->u.tbl.n > (nd->var2 ? 3u : 2u)) {
            socm_value_free(sc.vars);
            sc.vars = socm_value_table(&nd->pos);
        }
        if (nd->var2) {
            /* `for a, b in pairs`: each item must be a two-element list. */
            if (item->type != SOCM_V_ARRAY || item->u.arr.n != 2) {
                rc = socm_error_at(r->err, &nd->e->pos, "cannot unpack %s into '%s, %s' (a "
                                                        "list of pairs is needed)",
                                   socm_vtype_name(item->type), nd->var, nd->var2);
                socm_value_free(item);
                break;
            }
            socm_table_set(sc.vars, nd->var, item->u.arr.items[0]);
            socm_table_set(sc.vars, nd->var2, item->u.arr.items[1]);
            item->u.arr.n = 0;
            socm_value_free(item);
        } else
            socm_table_set(sc.vars, nd->var, item);
        struct socm_value *loop = socm_table_get(sc.vars, "loop");
        if (!loop || loop->type != SOCM_V_TABLE) {
            loop = socm_value_table(&nd->pos);
            socm_table_set(sc.vars, "loop", loop);
        }
        loop_update(loop, i, n, &nd->pos);
        rc = render_nodes(r, &nd->body);
    }
    r->scope = sc.up;
    socm_value_free(sc.vars);
    socm_tpl_ref_drop(&sref);
    return rc;
}

static int render_nodes(struct render *r, const struct nodes *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct node *nd = l->v[i];
        switch (nd->kind) {
        case N_TEXT:
            if (emit(r, nd->text, nd->len, &nd->pos) < 0)
                return -1;
            break;
        case N_OUT: {
            struct ref v;
            if (socm_tpl_eval_ref_def(r, nd->e, &v) < 0)
                return -1;
            struct socm_buf b = SOCM_BUF_INIT;
            socm_tpl_text_of(v.v, &b);
            socm_tpl_ref_drop(&v);
            int rc = emit(r, b.data ? b.data : "", b.len, &nd->pos);
            socm_buf_free(&b);
            if (rc < 0)
                return -1;
            break;
        }
        case N_FOR:
            if (render_for(r, nd) < 0)
                return -1;
            break;
        case N_IF:
            for (size_t k = 0; k < nd->nbr; k++) {
                const struct branch *b = &nd->br[k];
                bool take = true;
                if (b->cond) {
                    struct ref c;
                    if (socm_tpl_eval_ref_def(r, b->cond, &c) < 0)
                        return -1;
                    take = socm_tpl_truthy(c.v);
                    socm_tpl_ref_drop(&c);
                }
                if (take) {
                    if (render_nodes(r, &b->body) < 0)
                        return -1;
                    break;
                }
            }
            break;
        case N_SET: {
            struct socm_value *v = socm_tpl_eval_def(r, nd->e);
            if (!v)
                return -1;
            if (!r->scope)
                return socm_error_at(r->err, &nd->pos, "internal: no scope");
            socm_table_set(r->scope->vars, nd->var, v);
            break;
        }
        }
    }
    return 0;
}

char *socm_template_render(const char *text, size_t len, const char *filename,
                           const struct socm_value *vars, size_t *out_len,
                           struct socm_error *err)
{
    const char *file = socm_intern(filename ? filename : "<template>");
    uint32_t file_id = socm_intern_id(file);
    if (len > SOCM_CONFIG_MAX_BYTES) {
        socm_error_at(err, &(struct socm_pos){file_id, 0, 0}, "template larger than %u bytes",
                      SOCM_CONFIG_MAX_BYTES);
        return NULL;
    }
    if (vars && vars->type != SOCM_V_TABLE) {
        socm_error_set(err, SOCM_E_INPUT, "%s: template variables must be a table", file);
        return NULL;
    }
    struct lexer lx = {.s = text, .len = len, .file_id = file_id, .line = 1, .col = 1, .err = err};
    struct nodes top = {0};
    char *result = NULL;
    if (socm_tpl_lex(&lx) == 0) {
        if (socm_tpl_parse(lx.toks, &top, err) == 0) {
            /* The top-level scope holds `set` assignments; globals stay untouched. */
            struct scope top_scope = {socm_value_table(NULL), NULL};
            struct render r = {.globals = vars, .scope = &top_scope, .err = err};
            if (render_nodes(&r, &top) == 0) {
                if (out_len)
                    *out_len = r.out.len;
                result = socm_buf_steal(&r.out);
            }
            socm_buf_free(&r.out);
            socm_value_free(top_scope.vars);
        }
    }
    socm_tpl_nodes_free(&top);
    socm_tpl_lex_free(&lx);
    return result;
}

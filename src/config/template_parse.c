/* template_parse.c — the template parser: tokens to a tree of nodes (text, output,
 * for, if, set) and expressions, by recursive descent with Jinja's precedence.
 * Nesting and the length of operator chains are bounded here, so that evaluating
 * and freeing the tree cannot recurse without limit. */
#include "config/template_impl.h"

#include <inttypes.h>
#include <string.h>

struct parser {
    struct tok *t;
    size_t i;
    int depth;
    struct socm_error *err;
};

static struct tok *pk(struct parser *p) { return &p->t[p->i]; }

static bool is_op(const struct tok *t, const char *op)
{
    return t->kind == T_OP && !strcmp(t->op, op);
}

static bool is_name(const struct tok *t, const char *name)
{
    return t->kind == T_NAME && !strcmp(t->text, name);
}

static const char *tok_desc(const struct tok *t)
{
    switch (t->kind) {
    case T_TEXT: return "text";
    case T_VAR_BEGIN: return "'{{'";
    case T_VAR_END: return "'}}'";
    case T_BLK_BEGIN: return "'{%'";
    case T_BLK_END: return "'%}'";
    case T_NAME: return t->text;
    case T_INT: case T_FLOAT: return "a number";
    case T_STRING: return "a string";
    case T_OP: return t->op;
    case T_EOF: return "the end of the template";
    }
    return "?";
}

static int expect_op(struct parser *p, const char *op)
{
    if (!is_op(pk(p), op))
        return socm_error_at(p->err, &pk(p)->pos, "expected '%s', found %s", op, tok_desc(pk(p)));
    p->i++;
    return 0;
}

static struct expr *parse_expr(struct parser *p);

static int enter(struct parser *p, const struct socm_pos *pos)
{
    if (++p->depth > SOCM_TPL_MAX_NEST)
        return socm_error_at(p->err, pos, "nested deeper than %d levels", SOCM_TPL_MAX_NEST);
    return 0;
}

/* Sets e's height from its operands. A chain (`a ~ b ~ …`, `x | f | g …`) is parsed
 * by a loop but evaluated (and freed) by recursion, one level per operator, so a
 * chain taller than SOCM_TPL_MAX_HEIGHT is refused here (and e freed), while its
 * tree is still shallow enough to free. */
static struct expr *grown(struct parser *p, struct expr *e)
{
    unsigned h = 0;
    if (e->a && e->a->height > h)
        h = e->a->height;
    if (e->b && e->b->height > h)
        h = e->b->height;
    for (size_t i = 0; i < e->nargs; i++)
        if (e->args[i]->height > h)
            h = e->args[i]->height;
    e->height = h + 1;
    if (e->height <= SOCM_TPL_MAX_HEIGHT)
        return e;
    socm_error_at(p->err, &e->pos, "expression too long: more than %u operators, filters or "
                                   "tests in a chain (split it with {%% set %%})",
                  SOCM_TPL_MAX_HEIGHT);
    socm_tpl_expr_free(e);
    return NULL;
}

/* Comma-separated expressions up to `close` (consumed). */
static int parse_args(struct parser *p, struct expr *e, const char *close)
{
    while (!is_op(pk(p), close)) {
        struct expr *a = parse_expr(p);
        if (!a)
            return -1;
        e->args = socm_xrealloc(e->args, (e->nargs + 1) * sizeof *e->args);
        e->args[e->nargs++] = a;
        if (is_op(pk(p), ","))
            p->i++;
        else if (!is_op(pk(p), close))
            return socm_error_at(p->err, &pk(p)->pos, "expected ',' or '%s', found %s", close,
                                 tok_desc(pk(p)));
    }
    p->i++;
    return 0;
}

static struct expr *parse_atom(struct parser *p)
{
    struct tok *t = pk(p);
    struct expr *e = NULL;
    switch (t->kind) {
    case T_INT:
        e = socm_tpl_expr_new(E_LIT, t->pos);
        e->lit = socm_value_integer(t->i, &t->pos);
        p->i++;
        return e;
    case T_FLOAT:
        e = socm_tpl_expr_new(E_LIT, t->pos);
        e->lit = socm_value_float(t->f, &t->pos);
        p->i++;
        return e;
    case T_STRING:
        e = socm_tpl_expr_new(E_LIT, t->pos);
        e->lit = socm_value_string(t->text, t->len, &t->pos);
        p->i++;
        return e;
    case T_NAME:
        e = socm_tpl_expr_new(E_LIT, t->pos);
        if (!strcmp(t->text, "true") || !strcmp(t->text, "True"))
            e->lit = socm_value_bool(true, &t->pos);
        else if (!strcmp(t->text, "false") || !strcmp(t->text, "False"))
            e->lit = socm_value_bool(false, &t->pos);
        else if (!strcmp(t->text, "none") || !strcmp(t->text, "None"))
            e->lit = socm_value_new(SOCM_V_NULL, &t->pos);
        else {
            e->kind = E_NAME;
            e->name = socm_strdup(t->text);
            e->path = socm_strdup(t->text);
        }
        p->i++;
        return e;
    case T_OP:
        if (is_op(t, "(")) {
            p->i++;
            e = parse_expr(p);
            if (e && expect_op(p, ")") < 0) {
                socm_tpl_expr_free(e);
                return NULL;
            }
            return e;
        }
        if (is_op(t, "[")) {
            p->i++;
            e = socm_tpl_expr_new(E_LIST, t->pos);
            if (parse_args(p, e, "]") < 0) {
                socm_tpl_expr_free(e);
                return NULL;
            }
            return grown(p, e);
        }
        break;
    default:
        break;
    }
    socm_error_at(p->err, &t->pos, "expected a value, found %s", tok_desc(t));
    return NULL;
}

/* atom followed by .name and [index] */
static struct expr *parse_postfix(struct parser *p)
{
    struct expr *e = parse_atom(p);
    while (e) {
        struct tok *t = pk(p);
        if (is_op(t, ".")) {
            p->i++;
            struct tok *n = pk(p);
            if (n->kind != T_NAME && n->kind != T_INT) {
                socm_error_at(p->err, &n->pos, "expected an attribute name after '.'");
                socm_tpl_expr_free(e);
                return NULL;
            }
            struct expr *a = socm_tpl_expr_new(E_ATTR, e->pos);
            a->a = e;
            a->name = n->kind == T_NAME ? socm_strdup(n->text) : socm_asprintf("%" PRId64, n->i);
            a->path = socm_asprintf("%s.%s", e->path ? e->path : "(value)", a->name);
            p->i++;
            if (!(e = grown(p, a)))
                return NULL;
            if (is_op(pk(p), "(")) {
                if (strcmp(a->name, "items") && strcmp(a->name, "keys") &&
                    strcmp(a->name, "values")) {
                    socm_error_at(p->err, &n->pos, "unknown method '%s' (items, keys, values)",
                                  a->name);
                    socm_tpl_expr_free(e);
                    return NULL;
                }
                p->i++;
                if (expect_op(p, ")") < 0) {
                    socm_tpl_expr_free(e);
                    return NULL;
                }
                a->call = true;
            }
        } else if (is_op(t, "[")) {
            p->i++;
            struct expr *ix = socm_tpl_expr_new(E_INDEX, e->pos);
            ix->a = e;
            e = ix;
            ix->b = parse_expr(p);
            if (!ix->b || expect_op(p, "]") < 0) {
                socm_tpl_expr_free(e);
                return NULL;
            }
            ix->path = socm_asprintf("%s[...]", ix->a->path ? ix->a->path : "(value)");
            if (!(e = grown(p, ix)))
                return NULL;
        } else
            break;
    }
    return e;
}

/* The operator (a symbol or a word such as `and`) of ops that t is, or NULL. */
static const char *match_op(const struct tok *t, const char *const *ops)
{
    for (; *ops; ops++)
        if (is_op(t, *ops) || is_name(t, *ops))
            return *ops;
    return NULL;
}

typedef struct expr *parse_fn(struct parser *p);

/* A prefix operator (`-x`, `not x`, repeatable), else an operand from next. */
static struct expr *parse_prefix(struct parser *p, const char *op, enum expr_kind kind,
                                 parse_fn *next)
{
    if (!is_op(pk(p), op) && !is_name(pk(p), op))
        return next(p);
    struct expr *e = socm_tpl_expr_new(kind, pk(p)->pos);
    p->i++;
    if (enter(p, &e->pos) < 0 || !(e->a = parse_prefix(p, op, kind, next))) {
        socm_tpl_expr_free(e);
        return NULL;
    }
    p->depth--;
    return grown(p, e);
}

static struct expr *parse_unary(struct parser *p)
{
    return parse_prefix(p, "-", E_NEG, parse_postfix);
}

/* unary ( '|' filter ('(' args ')')? | 'is' ['not'] test )* */
static struct expr *parse_filtered(struct parser *p)
{
    struct expr *e = parse_unary(p);
    while (e) {
        struct tok *t = pk(p);
        if (is_op(t, "|")) {
            p->i++;
            struct tok *n = pk(p);
            if (n->kind != T_NAME) {
                socm_error_at(p->err, &n->pos, "expected a filter name after '|'");
                socm_tpl_expr_free(e);
                return NULL;
            }
            struct expr *f = socm_tpl_expr_new(E_FILTER, n->pos);
            f->a = e;
            f->name = socm_strdup(n->text);
            e = f;
            p->i++;
            if (is_op(pk(p), "(")) {
                p->i++;
                if (parse_args(p, f, ")") < 0) {
                    socm_tpl_expr_free(e);
                    return NULL;
                }
            }
            e = grown(p, f);
        } else if (is_name(t, "is")) {
            p->i++;
            struct expr *te = socm_tpl_expr_new(E_TEST, t->pos);
            te->a = e;
            e = te;
            if (is_name(pk(p), "not")) {
                te->negate = true;
                p->i++;
            }
            struct tok *n = pk(p);
            if (n->kind != T_NAME) {
                socm_error_at(p->err, &n->pos, "expected a test name after 'is'");
                socm_tpl_expr_free(e);
                return NULL;
            }
            te->name = socm_strdup(n->text);
            p->i++;
            e = grown(p, te);
        } else
            break;
    }
    return e;
}

static struct expr *binary(enum expr_kind kind, const char *op, struct expr *a, struct expr *b,
                           struct socm_pos pos)
{
    struct expr *e = socm_tpl_expr_new(kind, pos);
    e->name = socm_strdup(op);
    e->a = a;
    e->b = b;
    return e;
}

/* One level of left-associative binary operators: operands from next, joined
 * while the next token is one of ops (NULL-terminated). */
static struct expr *parse_binary(struct parser *p, const char *const *ops, enum expr_kind kind,
                                 parse_fn *next)
{
    struct expr *e = next(p);
    const char *op;
    while (e && (op = match_op(pk(p), ops))) {
        struct socm_pos pos = pk(p)->pos;
        p->i++;
        struct expr *b = next(p);
        if (!b) {
            socm_tpl_expr_free(e);
            return NULL;
        }
        e = grown(p, binary(kind, op, e, b, pos));
    }
    return e;
}

static struct expr *parse_mul(struct parser *p)
{
    static const char *const ops[] = {"*", "/", NULL};
    return parse_binary(p, ops, E_ARITH, parse_filtered);
}

static struct expr *parse_add(struct parser *p)
{
    static const char *const ops[] = {"+", "-", "~", NULL};
    return parse_binary(p, ops, E_ARITH, parse_mul);
}

static struct expr *parse_cmp(struct parser *p)
{
    struct expr *e = parse_add(p);
    if (!e)
        return NULL;
    struct tok *t = pk(p);
    const char *op;
    size_t skip = 1;
    static const char *const ops[] = {"==", "!=", "<", ">", "<=", ">=", "in", NULL};
    op = match_op(t, ops);
    if (is_name(t, "not") && is_name(&p->t[p->i + 1], "in"))
        op = "notin", skip = 2;
    if (!op)
        return e;
    p->i += skip;
    struct expr *b = parse_add(p);
    if (!b) {
        socm_tpl_expr_free(e);
        return NULL;
    }
    return grown(p, binary(E_CMP, op, e, b, t->pos));
}

static struct expr *parse_not(struct parser *p)
{
    return parse_prefix(p, "not", E_NOT, parse_cmp);
}

static struct expr *parse_and(struct parser *p)
{
    static const char *const ops[] = {"and", NULL};
    return parse_binary(p, ops, E_AND, parse_not);
}

static struct expr *parse_expr(struct parser *p)
{
    static const char *const ops[] = {"or", NULL};
    struct socm_pos pos = pk(p)->pos;
    if (enter(p, &pos) < 0)
        return NULL;
    struct expr *e = parse_binary(p, ops, E_OR, parse_and);
    p->depth--;
    return e;
}

static int expect_end(struct parser *p, enum tok_kind end)
{
    if (pk(p)->kind != end)
        return socm_error_at(p->err, &pk(p)->pos, "expected %s, found %s",
                             end == T_BLK_END ? "'%}'" : "'}}'", tok_desc(pk(p)));
    p->i++;
    return 0;
}

static int parse_body(struct parser *p, struct nodes *out, const char *const *stops,
                      const char *opener, const struct socm_pos *open_pos);

/* Is the next token `{% word` for one of the words in stops? */
static const char *at_stop(struct parser *p, const char *const *stops)
{
    if (pk(p)->kind != T_BLK_BEGIN || p->t[p->i + 1].kind != T_NAME)
        return NULL;
    for (size_t k = 0; stops && stops[k]; k++)
        if (!strcmp(p->t[p->i + 1].text, stops[k]))
            return stops[k];
    return NULL;
}

static struct node *parse_for(struct parser *p, struct socm_pos pos)
{
    struct node *n = socm_tpl_node_new(N_FOR, pos);
    struct tok *v = pk(p);
    if (v->kind != T_NAME || !strcmp(v->text, "in") || !strcmp(v->text, "not") ||
        !strcmp(v->text, "and") || !strcmp(v->text, "or") || !strcmp(v->text, "is")) {
        socm_error_at(p->err, &v->pos, "expected a loop variable after 'for'");
        goto fail;
    }
    n->var = socm_strdup(v->text);
    p->i++;
    if (is_op(pk(p), ",")) {
        p->i++;
        struct tok *v2 = pk(p);
        if (v2->kind != T_NAME || !strcmp(v2->text, "in")) {
            socm_error_at(p->err, &v2->pos, "expected a second loop variable after ','");
            goto fail;
        }
        n->var2 = socm_strdup(v2->text);
        p->i++;
    }
    if (!is_name(pk(p), "in")) {
        socm_error_at(p->err, &pk(p)->pos, "expected 'in', found %s", tok_desc(pk(p)));
        goto fail;
    }
    p->i++;
    if (!(n->e = parse_expr(p)) || expect_end(p, T_BLK_END) < 0)
        goto fail;
    static const char *const stops[] = {"else", "endfor", NULL};
    if (parse_body(p, &n->body, stops, "for", &pos) < 0)
        goto fail;
    if (is_name(&p->t[p->i + 1], "else")) {
        p->i += 2;
        static const char *const end[] = {"endfor", NULL};
        if (expect_end(p, T_BLK_END) < 0 || parse_body(p, &n->else_body, end, "for", &pos) < 0)
            goto fail;
    }
    p->i += 2; /* {% endfor */
    if (expect_end(p, T_BLK_END) < 0)
        goto fail;
    return n;
fail:
    socm_tpl_node_free(n);
    return NULL;
}

static struct node *parse_if(struct parser *p, struct socm_pos pos)
{
    struct node *n = socm_tpl_node_new(N_IF, pos);
    static const char *const stops[] = {"elif", "else", "endif", NULL};
    bool seen_else = false;
    for (;;) {
        n->br = socm_xrealloc(n->br, (n->nbr + 1) * sizeof *n->br);
        struct branch *b = &n->br[n->nbr++];
        memset(b, 0, sizeof *b);
        if (!seen_else && !(b->cond = parse_expr(p)))
            goto fail;
        if (expect_end(p, T_BLK_END) < 0 || parse_body(p, &b->body, stops, "if", &pos) < 0)
            goto fail;
        struct tok *w = &p->t[p->i + 1];
        p->i += 2; /* {% word */
        if (!strcmp(w->text, "endif"))
            break;
        if (seen_else) {
            socm_error_at(p->err, &w->pos, "'%s' after 'else' in this 'if'", w->text);
            goto fail;
        }
        seen_else = !strcmp(w->text, "else");
    }
    if (expect_end(p, T_BLK_END) < 0)
        goto fail;
    return n;
fail:
    socm_tpl_node_free(n);
    return NULL;
}

static struct node *parse_set(struct parser *p, struct socm_pos pos)
{
    struct node *n = socm_tpl_node_new(N_SET, pos);
    if (pk(p)->kind != T_NAME) {
        socm_error_at(p->err, &pk(p)->pos, "expected a name after 'set'");
        goto fail;
    }
    n->var = socm_strdup(pk(p)->text);
    p->i++;
    if (expect_op(p, "=") < 0 || !(n->e = parse_expr(p)) || expect_end(p, T_BLK_END) < 0)
        goto fail;
    return n;
fail:
    socm_tpl_node_free(n);
    return NULL;
}

/* Parses nodes until one of stops (left unconsumed) or the end of the template. */
static int parse_body(struct parser *p, struct nodes *out, const char *const *stops,
                      const char *opener, const struct socm_pos *open_pos)
{
    for (;;) {
        struct tok *t = pk(p);
        if (t->kind == T_EOF) {
            if (opener)
                return socm_error_at(p->err, open_pos, "'%s' is never closed (no 'end%s')",
                                     opener, opener);
            return 0;
        }
        if (at_stop(p, stops))
            return 0;
        p->i++;
        if (t->kind == T_TEXT) {
            struct node *n = socm_tpl_node_new(N_TEXT, t->pos);
            n->text = t->text;
            n->len = t->len;
            socm_tpl_nodes_push(out, n);
            continue;
        }
        if (t->kind == T_VAR_BEGIN) {
            struct expr *e = parse_expr(p);
            if (!e)
                return -1;
            struct node *n = socm_tpl_node_new(N_OUT, t->pos);
            n->e = e;
            socm_tpl_nodes_push(out, n);
            if (expect_end(p, T_VAR_END) < 0)
                return -1;
            continue;
        }
        /* T_BLK_BEGIN */
        struct tok *w = pk(p);
        if (w->kind != T_NAME)
            return socm_error_at(p->err, &w->pos, "expected a statement after '{%%', found %s",
                                 tok_desc(w));
        p->i++;
        if (enter(p, &t->pos) < 0)
            return -1;
        struct node *n = NULL;
        if (!strcmp(w->text, "for"))
            n = parse_for(p, t->pos);
        else if (!strcmp(w->text, "if"))
            n = parse_if(p, t->pos);
        else if (!strcmp(w->text, "set"))
            n = parse_set(p, t->pos);
        else if (!strcmp(w->text, "endfor") || !strcmp(w->text, "endif") ||
                 !strcmp(w->text, "else") || !strcmp(w->text, "elif"))
            return socm_error_at(p->err, &w->pos, "'%s' without a matching '%s'", w->text,
                                 !strcmp(w->text, "endfor") ? "for" : "if");
        else
            return socm_error_at(p->err, &w->pos, "unknown statement '%s' (for, if, set)",
                                 w->text);
        p->depth--;
        if (!n)
            return -1;
        socm_tpl_nodes_push(out, n);
    }
}

int socm_tpl_parse(struct tok *toks, struct nodes *out, struct socm_error *err)
{
    struct parser p = {.t = toks, .err = err};
    return parse_body(&p, out, NULL, NULL, NULL);
}

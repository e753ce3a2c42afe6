/* template.c — the Jinja-style template engine described in template.h: a lexer
 * (text and tag tokens, whitespace control), a parser into a small tree of nodes
 * and expressions, and an evaluator over config-tree values. Every node keeps its
 * line:column so that errors, undefined variables above all, point into the file. */
#include "config/template.h"
#include "config/config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Bounds on hostile or runaway templates (documented in docs/templates.md). */
#define SOCM_TPL_MAX_NEST 100           /* nested blocks / parenthesised expressions */
#define SOCM_TPL_MAX_HEIGHT 500u        /* operators and filters chained in one expression */
#define SOCM_TPL_MAX_ITER 1000000ull   /* loop iterations in one render */
#define SOCM_TPL_MAX_OUT SOCM_CONFIG_MAX_BYTES
#define SOCM_TPL_MAX_VALUE (16u << 20)  /* bytes of memory of any one value */
#define SOCM_TPL_MAX_WORK (1ull << 30)  /* bytes of values made in one render */

/* ---------------------------------------------------------------- lexer ---- */

enum tok_kind {
    T_TEXT,      /* literal text (text/len) */
    T_VAR_BEGIN, /* {{ */
    T_VAR_END,   /* }} */
    T_BLK_BEGIN, /* {% */
    T_BLK_END,   /* %} */
    T_NAME,
    T_INT,
    T_FLOAT,
    T_STRING,    /* unescaped in text/len */
    T_OP,        /* punctuation in op[] */
    T_EOF,
};

struct tok {
    enum tok_kind kind;
    struct socm_pos pos;
    char *text; /* T_TEXT, T_NAME, T_STRING (owned) */
    size_t len;
    int64_t i;
    double f;
    char op[3];
};

struct lexer {
    const char *s;
    size_t len, off;
    const char *file;
    int line, col; /* at `off` */
    struct tok *toks;
    size_t n, cap;
    struct socm_error *err;
};

static void lex_advance(struct lexer *lx, size_t to)
{
    for (; lx->off < to; lx->off++) {
        if (lx->s[lx->off] == '\n')
            lx->line++, lx->col = 1;
        else
            lx->col++;
    }
}

static struct socm_pos lex_pos(const struct lexer *lx)
{
    return (struct socm_pos){lx->file, lx->line, lx->col};
}

static struct tok *lex_push(struct lexer *lx, enum tok_kind kind, struct socm_pos pos)
{
    if (lx->n == lx->cap) {
        lx->cap = lx->cap ? lx->cap * 2 : 64;
        lx->toks = socm_xrealloc(lx->toks, lx->cap * sizeof *lx->toks);
    }
    struct tok *t = &lx->toks[lx->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->pos = pos;
    return t;
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Text from off to end; strip_left drops its leading whitespace (after a `-%}`),
 * strip_right its trailing whitespace (before a `{%-`). */
static void lex_text(struct lexer *lx, size_t end, bool strip_left, bool strip_right)
{
    size_t a = lx->off, b = end;
    if (strip_left)
        while (a < b && is_ws(lx->s[a]))
            a++;
    if (strip_right)
        while (b > a && is_ws(lx->s[b - 1]))
            b--;
    lex_advance(lx, a);
    if (b > a) {
        struct tok *t = lex_push(lx, T_TEXT, lex_pos(lx));
        t->text = socm_strndup(lx->s + a, b - a);
        t->len = b - a;
    }
    lex_advance(lx, end);
}

static int lex_string(struct lexer *lx)
{
    struct socm_pos pos = lex_pos(lx);
    char q = lx->s[lx->off];
    struct socm_buf b = SOCM_BUF_INIT;
    size_t i = lx->off + 1;
    for (;;) {
        if (i >= lx->len || lx->s[i] == '\n') {
            socm_buf_free(&b);
            return socm_error_at(lx->err, &pos, "unterminated string");
        }
        char c = lx->s[i];
        if (c == q)
            break;
        if (c == '\\' && i + 1 < lx->len) {
            char e = lx->s[++i];
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '0': c = '\0'; break;
            default: c = e; break; /* \\ \" \' and anything else as itself */
            }
        }
        socm_buf_putc(&b, c);
        i++;
    }
    struct tok *t = lex_push(lx, T_STRING, pos);
    t->len = b.len;
    t->text = socm_buf_steal(&b);
    lex_advance(lx, i + 1);
    return 0;
}

static int lex_number(struct lexer *lx)
{
    struct socm_pos pos = lex_pos(lx);
    size_t i = lx->off;
    bool is_float = false;
    while (i < lx->len && (lx->s[i] >= '0' && lx->s[i] <= '9'))
        i++;
    if (i + 1 < lx->len && lx->s[i] == '.' && lx->s[i + 1] >= '0' && lx->s[i + 1] <= '9') {
        is_float = true;
        i++;
        while (i < lx->len && lx->s[i] >= '0' && lx->s[i] <= '9')
            i++;
    }
    if (i < lx->len && (lx->s[i] == 'e' || lx->s[i] == 'E')) {
        size_t j = i + 1;
        if (j < lx->len && (lx->s[j] == '+' || lx->s[j] == '-'))
            j++;
        if (j < lx->len && lx->s[j] >= '0' && lx->s[j] <= '9') {
            is_float = true;
            i = j;
            while (i < lx->len && lx->s[i] >= '0' && lx->s[i] <= '9')
                i++;
        }
    }
    char *num = socm_strndup(lx->s + lx->off, i - lx->off);
    struct tok *t = lex_push(lx, is_float ? T_FLOAT : T_INT, pos);
    if (is_float)
        t->f = strtod(num, NULL);
    else {
        errno = 0;
        t->i = strtoll(num, NULL, 10);
        if (errno == ERANGE) {
            free(num);
            return socm_error_at(lx->err, &pos, "integer literal out of range");
        }
    }
    free(num);
    lex_advance(lx, i);
    return 0;
}

/* Lexes the inside of a {{ }} or {% %} tag, from lx->off to its closer. Sets
 * *strip_after when the closer is `-}}` / `-%}`. */
static int lex_tag(struct lexer *lx, bool block, struct socm_pos open_pos, bool *strip_after)
{
    const char *close = block ? "%}" : "}}";
    for (;;) {
        while (lx->off < lx->len && is_ws(lx->s[lx->off]))
            lex_advance(lx, lx->off + 1);
        if (lx->off >= lx->len)
            return socm_error_at(lx->err, &open_pos, "unterminated '%s' (no closing '%s')",
                                 block ? "{%" : "{{", close);
        const char *p = lx->s + lx->off;
        size_t left = lx->len - lx->off;
        if (left >= 3 && p[0] == '-' && !strncmp(p + 1, close, 2)) {
            *strip_after = true;
            lex_push(lx, block ? T_BLK_END : T_VAR_END, lex_pos(lx));
            lex_advance(lx, lx->off + 3);
            return 0;
        }
        if (left >= 2 && !strncmp(p, close, 2)) {
            *strip_after = false;
            lex_push(lx, block ? T_BLK_END : T_VAR_END, lex_pos(lx));
            lex_advance(lx, lx->off + 2);
            return 0;
        }
        char c = *p;
        if (c == '"' || c == '\'') {
            if (lex_string(lx) < 0)
                return -1;
        } else if (c >= '0' && c <= '9') {
            if (lex_number(lx) < 0)
                return -1;
        } else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            size_t i = lx->off;
            while (i < lx->len && (lx->s[i] == '_' || (lx->s[i] >= 'a' && lx->s[i] <= 'z') ||
                                   (lx->s[i] >= 'A' && lx->s[i] <= 'Z') ||
                                   (lx->s[i] >= '0' && lx->s[i] <= '9')))
                i++;
            struct tok *t = lex_push(lx, T_NAME, lex_pos(lx));
            t->text = socm_strndup(p, i - lx->off);
            t->len = i - lx->off;
            lex_advance(lx, i);
        } else {
            static const char *const two[] = {"==", "!=", "<=", ">="};
            size_t n = 0;
            for (size_t k = 0; k < 4; k++)
                if (left >= 2 && !strncmp(p, two[k], 2))
                    n = 2;
            if (!n && strchr(".,()[]|<>=~+-*/:", c))
                n = 1;
            if (!n) {
                struct socm_pos pos = lex_pos(lx);
                return socm_error_at(lx->err, &pos, "unexpected character '%c' in tag",
                                     (c >= 32 && c < 127) ? c : '?');
            }
            struct tok *t = lex_push(lx, T_OP, lex_pos(lx));
            memcpy(t->op, p, n);
            lex_advance(lx, lx->off + n);
        }
    }
}

static int lex_all(struct lexer *lx)
{
    bool strip_next = false;
    for (;;) {
        /* The next opener: {{, {% or {#. */
        size_t i = lx->off;
        const char *open = NULL;
        for (; i + 1 < lx->len; i++)
            if (lx->s[i] == '{' && (lx->s[i + 1] == '{' || lx->s[i + 1] == '%' ||
                                    lx->s[i + 1] == '#')) {
                open = lx->s + i;
                break;
            }
        if (!open) {
            lex_text(lx, lx->len, strip_next, false);
            lex_push(lx, T_EOF, lex_pos(lx));
            return 0;
        }
        bool strip_before = i + 2 < lx->len && lx->s[i + 2] == '-';
        lex_text(lx, i, strip_next, strip_before);
        struct socm_pos open_pos = lex_pos(lx);
        char kind = open[1];
        lex_advance(lx, i + 2 + (strip_before ? 1 : 0));
        if (kind == '#') {
            const char *end = NULL;
            for (size_t j = lx->off; j + 1 < lx->len; j++)
                if (lx->s[j] == '#' && lx->s[j + 1] == '}') {
                    end = lx->s + j;
                    break;
                }
            if (!end)
                return socm_error_at(lx->err, &open_pos, "unterminated comment '{#'");
            size_t j = (size_t)(end - lx->s);
            strip_next = j > lx->off && lx->s[j - 1] == '-';
            lex_advance(lx, j + 2);
            continue;
        }
        bool block = kind == '%';
        lex_push(lx, block ? T_BLK_BEGIN : T_VAR_BEGIN, open_pos);
        if (lex_tag(lx, block, open_pos, &strip_next) < 0)
            return -1;
    }
}

static void lex_free(struct lexer *lx)
{
    for (size_t i = 0; i < lx->n; i++)
        free(lx->toks[i].text);
    free(lx->toks);
}

/* ---------------------------------------------------------- expressions ---- */

enum expr_kind {
    E_LIT,    /* lit */
    E_NAME,   /* name */
    E_ATTR,   /* a.name */
    E_INDEX,  /* a[b] */
    E_LIST,   /* [args...] */
    E_NOT,    /* not a */
    E_NEG,    /* -a */
    E_AND,
    E_OR,
    E_CMP,    /* a op b (op in name: == != < > <= >= in notin) */
    E_ARITH,  /* a op b (+ - * / ~) */
    E_FILTER, /* a | name(args) */
    E_TEST,   /* a is [not] name */
};

struct expr {
    enum expr_kind kind;
    struct socm_pos pos;
    struct socm_value *lit;
    char *name;
    char *path; /* source-like text of a name/attr chain, for undefined messages */
    struct expr *a, *b;
    struct expr **args;
    size_t nargs;
    bool negate;
    bool call; /* E_ATTR written as a method call: items(), keys(), values() */
    unsigned height; /* 1 + the tallest operand: bounds eval's recursion */
};

static void expr_free(struct expr *e)
{
    if (!e)
        return;
    socm_value_free(e->lit);
    free(e->name);
    free(e->path);
    expr_free(e->a);
    expr_free(e->b);
    for (size_t i = 0; i < e->nargs; i++)
        expr_free(e->args[i]);
    free(e->args);
    free(e);
}

static struct expr *expr_new(enum expr_kind kind, struct socm_pos pos)
{
    struct expr *e = socm_xcalloc(1, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    e->height = 1;
    return e;
}

/* ---------------------------------------------------------------- nodes ---- */

enum node_kind { N_TEXT, N_OUT, N_FOR, N_IF, N_SET };

struct node;
struct nodes {
    struct node **v;
    size_t n, cap;
};

struct branch {
    struct expr *cond; /* NULL: else */
    struct nodes body;
};

struct node {
    enum node_kind kind;
    struct socm_pos pos;
    const char *text; /* N_TEXT: points into a token (kept alive with the tokens) */
    size_t len;
    struct expr *e;   /* N_OUT, N_FOR iterable, N_SET value */
    char *var;        /* N_FOR loop variable, N_SET name */
    char *var2;       /* N_FOR second variable (`for k, v in t.items()`) */
    struct nodes body, else_body; /* N_FOR */
    struct branch *br;            /* N_IF */
    size_t nbr;
};

static struct node *node_new(enum node_kind kind, struct socm_pos pos)
{
    struct node *n = socm_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    return n;
}

static void nodes_push(struct nodes *l, struct node *n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = socm_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = n;
}

static void nodes_free(struct nodes *l);

static void node_free(struct node *n)
{
    if (!n)
        return;
    expr_free(n->e);
    free(n->var);
    free(n->var2);
    nodes_free(&n->body);
    nodes_free(&n->else_body);
    for (size_t i = 0; i < n->nbr; i++) {
        expr_free(n->br[i].cond);
        nodes_free(&n->br[i].body);
    }
    free(n->br);
    free(n);
}

static void nodes_free(struct nodes *l)
{
    for (size_t i = 0; i < l->n; i++)
        node_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* --------------------------------------------------------------- parser ---- */

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
    expr_free(e);
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
        e = expr_new(E_LIT, t->pos);
        e->lit = socm_value_integer(t->i, &t->pos);
        p->i++;
        return e;
    case T_FLOAT:
        e = expr_new(E_LIT, t->pos);
        e->lit = socm_value_float(t->f, &t->pos);
        p->i++;
        return e;
    case T_STRING:
        e = expr_new(E_LIT, t->pos);
        e->lit = socm_value_string(t->text, t->len, &t->pos);
        p->i++;
        return e;
    case T_NAME:
        e = expr_new(E_LIT, t->pos);
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
                expr_free(e);
                return NULL;
            }
            return e;
        }
        if (is_op(t, "[")) {
            p->i++;
            e = expr_new(E_LIST, t->pos);
            if (parse_args(p, e, "]") < 0) {
                expr_free(e);
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
                expr_free(e);
                return NULL;
            }
            struct expr *a = expr_new(E_ATTR, e->pos);
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
                    expr_free(e);
                    return NULL;
                }
                p->i++;
                if (expect_op(p, ")") < 0) {
                    expr_free(e);
                    return NULL;
                }
                a->call = true;
            }
        } else if (is_op(t, "[")) {
            p->i++;
            struct expr *ix = expr_new(E_INDEX, e->pos);
            ix->a = e;
            e = ix;
            ix->b = parse_expr(p);
            if (!ix->b || expect_op(p, "]") < 0) {
                expr_free(e);
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
    struct expr *e = expr_new(kind, pk(p)->pos);
    p->i++;
    if (enter(p, &e->pos) < 0 || !(e->a = parse_prefix(p, op, kind, next))) {
        expr_free(e);
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
                expr_free(e);
                return NULL;
            }
            struct expr *f = expr_new(E_FILTER, n->pos);
            f->a = e;
            f->name = socm_strdup(n->text);
            e = f;
            p->i++;
            if (is_op(pk(p), "(")) {
                p->i++;
                if (parse_args(p, f, ")") < 0) {
                    expr_free(e);
                    return NULL;
                }
            }
            e = grown(p, f);
        } else if (is_name(t, "is")) {
            p->i++;
            struct expr *te = expr_new(E_TEST, t->pos);
            te->a = e;
            e = te;
            if (is_name(pk(p), "not")) {
                te->negate = true;
                p->i++;
            }
            struct tok *n = pk(p);
            if (n->kind != T_NAME) {
                socm_error_at(p->err, &n->pos, "expected a test name after 'is'");
                expr_free(e);
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
    struct expr *e = expr_new(kind, pos);
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
            expr_free(e);
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
        expr_free(e);
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
    struct node *n = node_new(N_FOR, pos);
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
    node_free(n);
    return NULL;
}

static struct node *parse_if(struct parser *p, struct socm_pos pos)
{
    struct node *n = node_new(N_IF, pos);
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
    node_free(n);
    return NULL;
}

static struct node *parse_set(struct parser *p, struct socm_pos pos)
{
    struct node *n = node_new(N_SET, pos);
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
    node_free(n);
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
            struct node *n = node_new(N_TEXT, t->pos);
            n->text = t->text;
            n->len = t->len;
            nodes_push(out, n);
            continue;
        }
        if (t->kind == T_VAR_BEGIN) {
            struct expr *e = parse_expr(p);
            if (!e)
                return -1;
            struct node *n = node_new(N_OUT, t->pos);
            n->e = e;
            nodes_push(out, n);
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
        nodes_push(out, n);
    }
}

/* ------------------------------------------------------------ evaluator ---- */

struct scope {
    struct socm_value *vars; /* owned table */
    struct scope *up;
};

struct render {
    const struct socm_value *globals;
    struct scope *scope;
    struct socm_buf out;
    unsigned long long iterations;
    unsigned long long work; /* bytes of values made so far (SOCM_TPL_MAX_WORK) */
    struct socm_error *err;
};

static const struct socm_value *lookup(const struct render *r, const char *name)
{
    for (const struct scope *s = r->scope; s; s = s->up) {
        const struct socm_value *v = socm_table_get(s->vars, name);
        if (v)
            return v;
    }
    return r->globals ? socm_table_get(r->globals, name) : NULL;
}

static bool truthy(const struct socm_value *v)
{
    switch (v->type) {
    case SOCM_V_NULL: return false;
    case SOCM_V_BOOL: return v->u.b;
    case SOCM_V_INTEGER: return v->u.i != 0;
    case SOCM_V_FLOAT: return v->u.f != 0.0;
    case SOCM_V_STRING: return v->u.str.len > 0;
    case SOCM_V_ARRAY: return v->u.arr.n > 0;
    case SOCM_V_TABLE: return v->u.tbl.n > 0;
    default: return true;
    }
}

static void repr(const struct socm_value *v, struct socm_buf *b, bool quote);

/* Text as Jinja prints it: str() of the value (lists and dicts as Python shows them). */
static void text_of(const struct socm_value *v, struct socm_buf *b)
{
    repr(v, b, false);
}

static void repr(const struct socm_value *v, struct socm_buf *b, bool quote)
{
    if (v->type == SOCM_V_STRING && quote) {
        socm_buf_putc(b, '\'');
        for (size_t i = 0; i < v->u.str.len; i++) {
            char c = v->u.str.s[i];
            if (c == '\'' || c == '\\')
                socm_buf_putc(b, '\\');
            socm_buf_putc(b, c);
        }
        socm_buf_putc(b, '\'');
    } else if (v->type == SOCM_V_ARRAY) {
        socm_buf_putc(b, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                socm_buf_puts(b, ", ");
            repr(v->u.arr.items[i], b, true);
        }
        socm_buf_putc(b, ']');
    } else if (v->type == SOCM_V_TABLE) {
        socm_buf_putc(b, '{');
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            if (i)
                socm_buf_puts(b, ", ");
            struct socm_value k = {.type = SOCM_V_STRING};
            k.u.str.s = v->u.tbl.items[i].key;
            k.u.str.len = v->u.tbl.items[i].keylen;
            repr(&k, b, true);
            socm_buf_puts(b, ": ");
            repr(v->u.tbl.items[i].value, b, true);
        }
        socm_buf_putc(b, '}');
    } else {
        char *s = socm_value_to_text(v);
        socm_buf_puts(b, s);
        free(s);
    }
}

static struct socm_value *text_value(const struct socm_value *v, const struct socm_pos *pos)
{
    struct socm_buf b = SOCM_BUF_INIT;
    text_of(v, &b);
    struct socm_value *s = socm_value_string(b.data ? b.data : "", b.len, pos);
    socm_buf_free(&b);
    return s;
}

static bool values_equal(const struct socm_value *a, const struct socm_value *b)
{
    if (socm_value_is_number(a) && socm_value_is_number(b)) {
        if (a->type == SOCM_V_INTEGER && b->type == SOCM_V_INTEGER)
            return a->u.i == b->u.i;
        return socm_value_as_double(a) == socm_value_as_double(b);
    }
    if (a->type != b->type)
        return false;
    switch (a->type) {
    case SOCM_V_NULL: return true;
    case SOCM_V_BOOL: return a->u.b == b->u.b;
    case SOCM_V_STRING:
        return a->u.str.len == b->u.str.len && !memcmp(a->u.str.s, b->u.str.s, a->u.str.len);
    case SOCM_V_ARRAY:
        if (a->u.arr.n != b->u.arr.n)
            return false;
        for (size_t i = 0; i < a->u.arr.n; i++)
            if (!values_equal(a->u.arr.items[i], b->u.arr.items[i]))
                return false;
        return true;
    case SOCM_V_TABLE:
        if (a->u.tbl.n != b->u.tbl.n)
            return false;
        for (size_t i = 0; i < a->u.tbl.n; i++) {
            const struct socm_kv *kv = &a->u.tbl.items[i];
            const struct socm_value *o = socm_table_getn(b, kv->key, kv->keylen);
            if (!o || !values_equal(kv->value, o))
                return false;
        }
        return true;
    default: {
        struct socm_buf x = SOCM_BUF_INIT, y = SOCM_BUF_INIT;
        socm_datetime_format(a, &x);
        socm_datetime_format(b, &y);
        bool eq = x.len == y.len && !memcmp(x.data, y.data, x.len);
        socm_buf_free(&x);
        socm_buf_free(&y);
        return eq;
    }
    }
}

/* The memory a value takes, about: its text, and each node with its slot in a
 * list or table and the allocator's overhead. Stops counting
 * past `limit` (the caller refuses anything larger), so a huge value costs no
 * more to measure than to make; *deep is set if it nests deeper than a config. */
static size_t value_bytes(const struct socm_value *v, size_t limit, int depth, bool *deep)
{
    if (depth > SOCM_CONFIG_MAX_DEPTH) {
        *deep = true;
        return 0;
    }
    size_t n = sizeof *v + sizeof(struct socm_kv) + 16;
    if (v->type == SOCM_V_STRING)
        n += v->u.str.len + 16;
    else if (v->type == SOCM_V_ARRAY)
        for (size_t i = 0; i < v->u.arr.n && n <= limit && !*deep; i++)
            n += value_bytes(v->u.arr.items[i], limit - n, depth + 1, deep);
    else if (v->type == SOCM_V_TABLE)
        for (size_t i = 0; i < v->u.tbl.n && n <= limit && !*deep; i++)
            n += v->u.tbl.items[i].keylen +
                 value_bytes(v->u.tbl.items[i].value, limit - n, depth + 1, deep);
    return n;
}

/* Refuses a value (or a string being built) of `bytes` above SOCM_TPL_MAX_VALUE. */
static int too_large(struct render *r, const struct socm_pos *pos, size_t bytes)
{
    if (bytes <= SOCM_TPL_MAX_VALUE)
        return 0;
    return socm_error_at(r->err, pos, "value larger than %u bytes", SOCM_TPL_MAX_VALUE);
}

static int eval(struct render *r, const struct expr *e, struct socm_value **out);

/* The error for e evaluating to nothing (a missing name, key or index). */
static int undefined_error(struct render *r, const struct expr *e)
{
    return socm_error_at(r->err, &e->pos, "undefined %s '%s'",
                         e->kind == E_NAME ? "variable" : "value", e->path ? e->path : "?");
}

/* Evaluates e, which must be defined. */
static struct socm_value *eval_def(struct render *r, const struct expr *e)
{
    struct socm_value *v;
    if (eval(r, e, &v) < 0)
        return NULL;
    if (!v)
        undefined_error(r, e);
    return v;
}

/* A value that an expression reads: borrowed from a variable, a literal or a part
 * of one (owned = NULL), or made for it (owned, freed by ref_drop). Reading a field
 * of a large variable, testing it or looping over it copies nothing. */
struct ref {
    const struct socm_value *v; /* NULL: undefined */
    struct socm_value *owned;
};

static void ref_drop(struct ref *x)
{
    socm_value_free(x->owned);
    *x = (struct ref){NULL, NULL};
}

/* x's value as a new one (a copy, unless x owns it). */
static struct socm_value *ref_take(struct ref *x)
{
    struct socm_value *v = x->owned ? x->owned : x->v ? socm_value_clone(x->v) : NULL;
    *x = (struct ref){NULL, NULL};
    return v;
}

static int eval_ref(struct render *r, const struct expr *e, struct ref *out);

/* eval_ref of an e that must be defined. */
static int eval_ref_def(struct render *r, const struct expr *e, struct ref *out)
{
    if (eval_ref(r, e, out) < 0)
        return -1;
    return out->v ? 0 : undefined_error(r, e);
}

static int type_error(struct render *r, const struct socm_pos *pos, const char *what,
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
        *res = values_equal(a, b) == (op[0] == '=');
        return 0;
    }
    if (!strcmp(op, "in") || !strcmp(op, "notin")) {
        bool found = false;
        if (b->type == SOCM_V_STRING) {
            if (a->type != SOCM_V_STRING)
                return type_error(r, &e->pos, "look for", a, b);
            found = memmem(b->u.str.s, b->u.str.len, a->u.str.s, a->u.str.len) != NULL;
        } else if (b->type == SOCM_V_ARRAY) {
            for (size_t i = 0; i < b->u.arr.n && !found; i++)
                found = values_equal(a, b->u.arr.items[i]);
        } else if (b->type == SOCM_V_TABLE) {
            if (a->type != SOCM_V_STRING)
                return type_error(r, &e->pos, "look for", a, b);
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
        return type_error(r, &e->pos, "compare", a, b);
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
        text_of(a, &s);
        if (too_large(r, &e->pos, s.len) == 0)
            text_of(b, &s);
        if (too_large(r, &e->pos, s.len) < 0) {
            socm_buf_free(&s);
            return NULL;
        }
        struct socm_value *v = socm_value_string(s.data ? s.data : "", s.len, &e->pos);
        socm_buf_free(&s);
        return v;
    }
    if (op == '+' && a->type == SOCM_V_STRING && b->type == SOCM_V_STRING) {
        if (too_large(r, &e->pos, a->u.str.len + b->u.str.len) < 0)
            return NULL;
        struct socm_value *v = socm_value_string(a->u.str.s, a->u.str.len, &e->pos);
        v->u.str.s = socm_xrealloc(v->u.str.s, a->u.str.len + b->u.str.len + 1);
        memcpy(v->u.str.s + a->u.str.len, b->u.str.s, b->u.str.len);
        v->u.str.len += b->u.str.len;
        v->u.str.s[v->u.str.len] = 0;
        return v;
    }
    if (op == '+' && a->type == SOCM_V_ARRAY && b->type == SOCM_V_ARRAY) {
        struct socm_value *v = socm_value_clone(a);
        for (size_t i = 0; i < b->u.arr.n; i++)
            socm_array_push(v, socm_value_clone(b->u.arr.items[i]));
        return v;
    }
    if (!socm_value_is_number(a) || !socm_value_is_number(b)) {
        type_error(r, &e->pos, op == '+' ? "add" : op == '-' ? "subtract" :
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
                                       const struct socm_value *v, const struct socm_value *const *args)
{
    const char *f = e->name;
    const struct socm_pos *pos = &e->pos;
    if (!strcmp(f, "upper") || !strcmp(f, "lower")) {
        struct socm_value *s = text_value(v, pos);
        for (size_t i = 0; i < s->u.str.len; i++) {
            char c = s->u.str.s[i];
            s->u.str.s[i] = f[0] == 'u' ? ((c >= 'a' && c <= 'z') ? c - 32 : c)
                                        : ((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
        return s;
    }
    if (!strcmp(f, "string"))
        return text_value(v, pos);
    if (!strcmp(f, "trim")) {
        struct socm_value *s = text_value(v, pos);
        size_t a = 0, b = s->u.str.len;
        while (a < b && is_ws(s->u.str.s[a]))
            a++;
        while (b > a && is_ws(s->u.str.s[b - 1]))
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
        type_error(r, pos, "take the length of", v, NULL);
        return NULL;
    }
    if (!strcmp(f, "join")) {
        if (v->type != SOCM_V_ARRAY) {
            type_error(r, pos, "join", v, NULL);
            return NULL;
        }
        struct socm_buf b = SOCM_BUF_INIT;
        struct socm_value *sep = e->nargs ? text_value(args[0], pos) : NULL;
        for (size_t i = 0; i < v->u.arr.n && b.len <= SOCM_TPL_MAX_VALUE; i++) {
            if (i && sep)
                socm_buf_putn(&b, sep->u.str.s, sep->u.str.len);
            text_of(v->u.arr.items[i], &b);
        }
        socm_value_free(sep);
        if (too_large(r, pos, b.len) < 0) {
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
        if (too_large(r, pos, size) < 0)
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
            type_error(r, pos, "convert to a number", v, NULL);
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

static int eval_filter(struct render *r, const struct expr *e, struct socm_value **out)
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
    if (eval_ref(r, e->a, &v) < 0)
        return -1;
    if (!strcmp(f, "default") || !strcmp(f, "d")) {
        bool use_default = !v.v;
        if (v.v && e->nargs == 2) {
            struct ref flag;
            if (eval_ref_def(r, e->args[1], &flag) < 0) {
                ref_drop(&v);
                return -1;
            }
            use_default = truthy(flag.v) && !truthy(v.v);
            ref_drop(&flag);
        }
        if (!use_default) {
            *out = ref_take(&v);
            return 0;
        }
        ref_drop(&v);
        if (!e->nargs) {
            *out = socm_value_string("", 0, &e->pos);
            return 0;
        }
        *out = eval_def(r, e->args[0]);
        return *out ? 0 : -1;
    }
    if (!v.v)
        return undefined_error(r, e->a);
    struct ref args[2] = {{NULL, NULL}, {NULL, NULL}};
    int rc = 0;
    for (size_t i = 0; i < e->nargs && rc == 0; i++)
        rc = eval_ref_def(r, e->args[i], &args[i]);
    const struct socm_value *argv[2] = {args[0].v, args[1].v};
    if (rc == 0 && !(*out = apply_filter(r, e, v.v, argv)))
        rc = -1;
    ref_drop(&v);
    ref_drop(&args[0]);
    ref_drop(&args[1]);
    return rc;
}

static int eval_test(struct render *r, const struct expr *e, struct socm_value **out)
{
    const char *t = e->name;
    if (strcmp(t, "defined") && strcmp(t, "undefined") && strcmp(t, "none") &&
        strcmp(t, "number") && strcmp(t, "string"))
        return socm_error_at(r->err, &e->pos, "unknown test '%s' (defined, undefined, none, "
                                              "number, string)", t);
    struct ref x;
    if (eval_ref(r, e->a, &x) < 0)
        return -1;
    const struct socm_value *v = x.v;
    bool res;
    if (!strcmp(t, "defined") || !strcmp(t, "undefined"))
        res = (v != NULL) == (t[0] == 'd');
    else if (!v)
        return undefined_error(r, e->a);
    else if (!strcmp(t, "none"))
        res = v->type == SOCM_V_NULL;
    else if (!strcmp(t, "number"))
        res = socm_value_is_number(v);
    else
        res = v->type == SOCM_V_STRING;
    ref_drop(&x);
    *out = socm_value_bool(res != e->negate, &e->pos);
    return 0;
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
        if (eval_ref(r, e, &x) < 0)
            return -1;
        *out = ref_take(&x);
        return 0;
    }
    case E_ATTR: {
        struct ref base;
        if (!e->call) {
            if (eval_ref(r, e, &base) < 0)
                return -1;
            *out = ref_take(&base);
            return 0;
        }
        if (eval_ref(r, e->a, &base) < 0)
            return -1;
        if (!base.v)
            return 0; /* undefined propagates, so `a.b | default(x)` works */
        const struct socm_value *t = base.v;
        if (t->type != SOCM_V_TABLE) {
            int rc = socm_error_at(r->err, &e->pos, "%s() needs a table, not %s", e->name,
                                   socm_vtype_name(t->type));
            ref_drop(&base);
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
        ref_drop(&base);
        *out = arr;
        return 0;
    }
    case E_LIST: {
        struct socm_value *arr = socm_value_array(&e->pos);
        for (size_t i = 0; i < e->nargs; i++) {
            struct socm_value *v = eval_def(r, e->args[i]);
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
        if (eval_ref_def(r, e->a, &x) < 0)
            return -1;
        *out = socm_value_bool(!truthy(x.v), &e->pos);
        ref_drop(&x);
        return 0;
    }
    case E_NEG: {
        struct ref x;
        if (eval_ref_def(r, e->a, &x) < 0)
            return -1;
        const struct socm_value *v = x.v;
        if (v->type == SOCM_V_INTEGER && v->u.i != INT64_MIN)
            *out = socm_value_integer(-v->u.i, &e->pos);
        else if (v->type == SOCM_V_FLOAT)
            *out = socm_value_float(-v->u.f, &e->pos);
        else
            type_error(r, &e->pos, "negate", v, NULL);
        ref_drop(&x);
        return *out ? 0 : -1;
    }
    case E_AND:
    case E_OR: {
        struct ref a;
        if (eval_ref_def(r, e->a, &a) < 0)
            return -1;
        /* Python semantics: the deciding operand is the result. */
        if (truthy(a.v) == (e->kind == E_OR)) {
            *out = ref_take(&a);
            return 0;
        }
        ref_drop(&a);
        *out = eval_def(r, e->b);
        return *out ? 0 : -1;
    }
    case E_CMP:
    case E_ARITH: {
        struct ref a, b;
        if (eval_ref_def(r, e->a, &a) < 0)
            return -1;
        if (eval_ref_def(r, e->b, &b) < 0) {
            ref_drop(&a);
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
        ref_drop(&a);
        ref_drop(&b);
        return rc;
    }
    case E_FILTER:
        return eval_filter(r, e, out);
    case E_TEST:
        return eval_test(r, e, out);
    }
    return socm_error_at(r->err, &e->pos, "internal: unknown expression");
}

/* Every value an expression makes or copies passes here: none larger than
 * SOCM_TPL_MAX_VALUE or deeper than a config may be, and no more than
 * SOCM_TPL_MAX_WORK bytes made in one render, so a doubling `set`, a long chain of
 * replace or a loop copying a large value cannot exhaust memory or time. (What is
 * only read — a variable tested, compared, looped over, printed, a field taken from
 * it — is borrowed through eval_ref and copies nothing.) */
static int eval(struct render *r, const struct expr *e, struct socm_value **out)
{
    int rc = eval_node(r, e, out);
    if (rc < 0 || !*out)
        return rc;
    bool deep = false;
    size_t n = value_bytes(*out, SOCM_TPL_MAX_VALUE, 0, &deep);
    if (deep)
        rc = socm_error_at(r->err, &e->pos, "value nested deeper than %d levels",
                           SOCM_CONFIG_MAX_DEPTH);
    else if (too_large(r, &e->pos, n) < 0)
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
static int eval_ref(struct render *r, const struct expr *e, struct ref *out)
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
        if (eval_ref(r, e->a, &base) < 0)
            return -1;
        if (!base.v)
            return 0; /* undefined propagates, so `a.b | default(x)` works */
        if (e->kind == E_INDEX && eval_ref_def(r, e->b, &key) < 0) {
            ref_drop(&base);
            return -1;
        }
        const struct socm_value *found = part_of(e, base.v, key.v);
        if (base.owned && found)
            out->v = out->owned = socm_value_clone(found);
        else if (!base.owned)
            out->v = found;
        ref_drop(&base);
        ref_drop(&key);
        return 0;
    }
    struct socm_value *v;
    if (eval(r, e, &v) < 0)
        return -1;
    out->v = out->owned = v;
    return 0;
}

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
    if (eval_ref_def(r, nd->e, &sref) < 0)
        return -1;
    const struct socm_value *seq = sref.v;
    if (seq->type != SOCM_V_ARRAY && seq->type != SOCM_V_TABLE) {
        int rc = socm_error_at(r->err, &nd->e->pos, "cannot loop over %s (a list or table is "
                                                    "needed)", socm_vtype_name(seq->type));
        ref_drop(&sref);
        return rc;
    }
    size_t n = seq->type == SOCM_V_ARRAY ? seq->u.arr.n : seq->u.tbl.n;
    if (n == 0) {
        ref_drop(&sref);
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
    ref_drop(&sref);
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
            if (eval_ref_def(r, nd->e, &v) < 0)
                return -1;
            struct socm_buf b = SOCM_BUF_INIT;
            text_of(v.v, &b);
            ref_drop(&v);
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
                    if (eval_ref_def(r, b->cond, &c) < 0)
                        return -1;
                    take = truthy(c.v);
                    ref_drop(&c);
                }
                if (take) {
                    if (render_nodes(r, &b->body) < 0)
                        return -1;
                    break;
                }
            }
            break;
        case N_SET: {
            struct socm_value *v = eval_def(r, nd->e);
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
    if (len > SOCM_CONFIG_MAX_BYTES) {
        socm_error_at(err, &(struct socm_pos){file, 0, 0}, "template larger than %u bytes",
                      SOCM_CONFIG_MAX_BYTES);
        return NULL;
    }
    if (vars && vars->type != SOCM_V_TABLE) {
        socm_error_set(err, SOCM_E_INPUT, "%s: template variables must be a table", file);
        return NULL;
    }
    struct lexer lx = {.s = text, .len = len, .file = file, .line = 1, .col = 1, .err = err};
    struct nodes top = {0};
    char *result = NULL;
    if (lex_all(&lx) == 0) {
        struct parser p = {.t = lx.toks, .err = err};
        if (parse_body(&p, &top, NULL, NULL, NULL) == 0) {
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
    nodes_free(&top);
    lex_free(&lx);
    return result;
}

/* Finds or creates the table that a dotted key's last part goes into. */
static struct socm_value *define_parent(struct socm_value *vars, char *key, char **last,
                                        struct socm_error *err)
{
    struct socm_value *t = vars;
    char *part = key;
    for (char *dot; (dot = strchr(part, '.'));) {
        *dot = 0;
        if (!*part)
            break;
        struct socm_value *next = socm_table_get(t, part);
        if (!next) {
            next = socm_value_table(NULL);
            socm_table_set(t, part, next);
        } else if (next->type != SOCM_V_TABLE) {
            socm_error_set(err, SOCM_E_INPUT, "-D %s: '%s' is already %s, not a table", key,
                           part, socm_vtype_name(next->type));
            return NULL;
        }
        t = next;
        part = dot + 1;
    }
    if (!*part) {
        socm_error_set(err, SOCM_E_INPUT, "-D: empty key part in '%s'", key);
        return NULL;
    }
    *last = part;
    return t;
}

int socm_template_define(struct socm_value *vars, const char *def, struct socm_error *err)
{
    const char *eq = strchr(def, '=');
    if (!eq || eq == def)
        return socm_error_set(err, SOCM_E_INPUT, "-D '%s': expected key=value", def);
    char *key = socm_strndup(def, (size_t)(eq - def));
    const char *text = eq + 1;
    /* Parse "v = <text>" as TOML; it counts only if that yields exactly the key v
     * (so "1\nx = 2" stays a string rather than smuggling in a second key). */
    char *doc = socm_asprintf("v = %s\n", text);
    struct socm_error ignored = {0};
    struct socm_value *parsed = strchr(text, '\n') ? NULL
                              : socm_toml_parse(doc, strlen(doc), "-D", &ignored);
    free(doc);
    struct socm_value *value = NULL;
    if (parsed && parsed->type == SOCM_V_TABLE && parsed->u.tbl.n == 1)
        value = socm_table_take(parsed, "v");
    socm_value_free(parsed);
    if (!value)
        value = socm_value_string(text, strlen(text), NULL);
    char *last = NULL;
    struct socm_value *parent = define_parent(vars, key, &last, err);
    if (!parent) {
        socm_value_free(value);
        free(key);
        return -1;
    }
    socm_table_set(parent, last, value);
    free(key);
    return 0;
}

/* Whether a template's output is YAML: its name without ".j2" ends in .yml/.yaml. */
static bool socm_template_yields_yaml(const char *path)
{
    size_t n = strlen(path);
    if (n >= 3 && !strcmp(path + n - 3, ".j2"))
        n -= 3;
    return (n >= 4 && !strncmp(path + n - 4, ".yml", 4)) ||
           (n >= 5 && !strncmp(path + n - 5, ".yaml", 5));
}

struct socm_value *socm_template_load(const char *path, const char *const *defs, size_t ndefs,
                                      const char *values_path, struct socm_error *err)
{
    struct socm_value *vars = values_path ? socm_config_load_file(values_path, err)
                                          : socm_value_table(NULL);
    if (!vars)
        return NULL;
    for (size_t i = 0; i < ndefs; i++)
        if (socm_template_define(vars, defs[i], err) < 0) {
            socm_value_free(vars);
            return NULL;
        }
    size_t len = 0, out_len = 0;
    char *text = socm_file_read(path, &len, err);
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    char *out = text ? socm_template_render(text, len, name, vars, &out_len, err) : NULL;
    free(text);
    socm_value_free(vars);
    if (!out)
        return NULL;
    char *rendered = socm_asprintf("%s (rendered)", name);
    struct socm_value *root = socm_template_yields_yaml(path)
                                  ? socm_yaml_parse(out, out_len, rendered, err)
                                  : socm_toml_parse(out, out_len, rendered, err);
    free(rendered);
    free(out);
    return root;
}

/* template_impl.h — internal to the template engine (template_*.c): the bounds,
 * the token, expression and node types, and the functions that the lexer, parser,
 * evaluator, filters and renderer share. Not for use outside src/config/template_*. */
#ifndef SOCM_TEMPLATE_IMPL_H
#define SOCM_TEMPLATE_IMPL_H

#include "config/formats.h"
#include "config/template.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    uint32_t file_id; /* socm_intern_id */
    int line, col; /* at `off` */
    struct tok *toks;
    size_t n, cap;
    struct socm_error *err;
};

/* Lexes lx->s (set s, len, file, line = col = 1, err) into lx->toks, ending in T_EOF. */
int socm_tpl_lex(struct lexer *lx);
void socm_tpl_lex_free(struct lexer *lx);
bool socm_tpl_is_ws(char c);

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

struct expr *socm_tpl_expr_new(enum expr_kind kind, struct socm_pos pos);
void socm_tpl_expr_free(struct expr *e);
struct node *socm_tpl_node_new(enum node_kind kind, struct socm_pos pos);
void socm_tpl_nodes_push(struct nodes *l, struct node *n);
void socm_tpl_node_free(struct node *n);
void socm_tpl_nodes_free(struct nodes *l);

/* Parses the tokens (ending in T_EOF) into out; -1 with err on a syntax error. */
int socm_tpl_parse(struct tok *toks, struct nodes *out, struct socm_error *err);

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

/* A value that an expression reads: borrowed from a variable, a literal or a part
 * of one (owned = NULL), or made for it (owned, freed by ref_drop). Reading a field
 * of a large variable, testing it or looping over it copies nothing. */
struct ref {
    const struct socm_value *v; /* NULL: undefined */
    struct socm_value *owned;
};


bool socm_tpl_truthy(const struct socm_value *v);
/* Text as Jinja prints it: str() of the value (lists and dicts as Python shows them). */
void socm_tpl_text_of(const struct socm_value *v, struct socm_buf *b);
struct socm_value *socm_tpl_text_value(const struct socm_value *v, const struct socm_pos *pos);
bool socm_tpl_values_equal(const struct socm_value *a, const struct socm_value *b);
size_t socm_tpl_value_bytes(const struct socm_value *v, size_t limit, int depth, bool *deep);

int socm_tpl_too_large(struct render *r, const struct socm_pos *pos, size_t bytes);
int socm_tpl_type_error(struct render *r, const struct socm_pos *pos, const char *what,
                        const struct socm_value *a, const struct socm_value *b);
int socm_tpl_undefined(struct render *r, const struct expr *e);
struct socm_value *socm_tpl_eval_def(struct render *r, const struct expr *e);
int socm_tpl_eval_ref(struct render *r, const struct expr *e, struct ref *out);
int socm_tpl_eval_ref_def(struct render *r, const struct expr *e, struct ref *out);
void socm_tpl_ref_drop(struct ref *x);
struct socm_value *socm_tpl_ref_take(struct ref *x);
int socm_tpl_eval_filter(struct render *r, const struct expr *e, struct socm_value **out);
int socm_tpl_eval_test(struct render *r, const struct expr *e, struct socm_value **out);

#endif

/* template_ast.c — the template's tree: making and freeing expressions and nodes
 * (their types are in template_impl.h). */
#include "config/template_impl.h"


void socm_tpl_expr_free(struct expr *e)
{
    if (!e)
        return;
    socm_value_free(e->lit);
    free(e->name);
    free(e->path);
    socm_tpl_expr_free(e->a);
    socm_tpl_expr_free(e->b);
    for (size_t i = 0; i < e->nargs; i++)
        socm_tpl_expr_free(e->args[i]);
    free(e->args);
    free(e);
}

struct expr *socm_tpl_expr_new(enum expr_kind kind, struct socm_pos pos)
{
    struct expr *e = socm_xcalloc(1, sizeof *e);
    e->kind = kind;
    e->pos = pos;
    e->height = 1;
    return e;
}

struct node *socm_tpl_node_new(enum node_kind kind, struct socm_pos pos)
{
    struct node *n = socm_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    return n;
}

void socm_tpl_nodes_push(struct nodes *l, struct node *n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = socm_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = n;
}

void socm_tpl_node_free(struct node *n)
{
    if (!n)
        return;
    socm_tpl_expr_free(n->e);
    free(n->var);
    free(n->var2);
    socm_tpl_nodes_free(&n->body);
    socm_tpl_nodes_free(&n->else_body);
    for (size_t i = 0; i < n->nbr; i++) {
        socm_tpl_expr_free(n->br[i].cond);
        socm_tpl_nodes_free(&n->br[i].body);
    }
    free(n->br);
    free(n);
}

void socm_tpl_nodes_free(struct nodes *l)
{
    for (size_t i = 0; i < l->n; i++)
        socm_tpl_node_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

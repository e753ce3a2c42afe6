/* dag.c — the workflow DAG: edges, topological order (Kahn, smallest index first),
 * cycle extraction for error messages, and generations computed exactly as the
 * original tool computes them (its planner's levels depend on that order). */
#include "campaign/campaign.h"
#include "util/heap.h"

#include <string.h>

void socm_intv_push(struct socm_intv *iv, int x)
{
    if (iv->n == iv->cap) {
        iv->cap = iv->cap ? iv->cap * 2 : 4;
        iv->v = socm_xrealloc(iv->v, iv->cap * sizeof *iv->v);
    }
    iv->v[iv->n++] = x;
}

void socm_intv_free(struct socm_intv *iv)
{
    free(iv->v);
    iv->v = NULL;
    iv->n = iv->cap = 0;
}

void socm_dag_init(struct socm_dag *d, size_t n)
{
    d->n = n;
    d->pred = socm_xcalloc(n ? n : 1, sizeof *d->pred);
    d->succ = socm_xcalloc(n ? n : 1, sizeof *d->succ);
}

void socm_dag_free(struct socm_dag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        socm_intv_free(&d->pred[i]);
        socm_intv_free(&d->succ[i]);
    }
    free(d->pred);
    free(d->succ);
    d->pred = d->succ = NULL;
    d->n = 0;
}

void socm_dag_add_edge(struct socm_dag *d, int from, int to)
{
    /* Scan the shorter list for a duplicate. */
    const struct socm_intv *a = &d->succ[from], *b = &d->pred[to];
    if (a->n <= b->n) {
        for (size_t i = 0; i < a->n; i++)
            if (a->v[i] == to)
                return;
    } else {
        for (size_t i = 0; i < b->n; i++)
            if (b->v[i] == from)
                return;
    }
    socm_intv_push(&d->succ[from], to);
    socm_intv_push(&d->pred[to], from);
}

/* Kahn's ready set yields the smallest index first. */
static bool smaller(const void *ctx, int a, int b)
{
    (void)ctx;
    return a < b;
}

/* Among the nodes Kahn could not order (each has a remaining predecessor), walk
 * predecessors from the smallest one until a node repeats: that loop is a cycle. */
static void dag_find_cycle(const struct socm_dag *d, const size_t *indeg, struct socm_intv *cycle)
{
    int start = -1;
    for (size_t i = 0; i < d->n && start < 0; i++)
        if (indeg[i] > 0)
            start = (int)i;
    if (start < 0)
        return;
    int *seen = socm_xcalloc(d->n, sizeof *seen); /* step number + 1 */
    int *path = socm_xmalloc(d->n * sizeof *path);
    size_t len = 0;
    int u = start;
    while (!seen[u]) {
        seen[u] = (int)len + 1;
        path[len++] = u;
        int next = -1;
        for (size_t k = 0; k < d->pred[u].n; k++) {
            int p = d->pred[u].v[k];
            if (indeg[p] > 0 && (next < 0 || p < next))
                next = p;
        }
        u = next;
    }
    /* path[seen[u]-1 .. len-1] walks the cycle backwards (along predecessors). */
    size_t first = (size_t)seen[u] - 1;
    cycle->n = 0;
    for (size_t k = len; k > first; k--)
        socm_intv_push(cycle, path[k - 1]);
    /* Start the cycle at its smallest node, for stable messages. */
    size_t m = 0;
    for (size_t k = 1; k < cycle->n; k++)
        if (cycle->v[k] < cycle->v[m])
            m = k;
    int *rot = socm_xmalloc(cycle->n * sizeof *rot);
    for (size_t k = 0; k < cycle->n; k++)
        rot[k] = cycle->v[(m + k) % cycle->n];
    memcpy(cycle->v, rot, cycle->n * sizeof *rot);
    free(rot);
    free(seen);
    free(path);
}

int socm_dag_topo(const struct socm_dag *d, int *order, struct socm_intv *cycle)
{
    size_t *indeg = socm_xcalloc(d->n ? d->n : 1, sizeof *indeg);
    int *heap = socm_xmalloc((d->n ? d->n : 1) * sizeof(int));
    size_t nheap = 0;
    for (size_t i = 0; i < d->n; i++) {
        indeg[i] = d->pred[i].n;
        if (!indeg[i])
            socm_heap_push(heap, &nheap, (int)i, smaller, NULL);
    }
    size_t k = 0;
    while (nheap) {
        int u = socm_heap_pop(heap, &nheap, smaller, NULL);
        order[k++] = u;
        for (size_t j = 0; j < d->succ[u].n; j++) {
            int s = d->succ[u].v[j];
            if (--indeg[s] == 0)
                socm_heap_push(heap, &nheap, s, smaller, NULL);
        }
    }
    int rc = 0;
    if (k < d->n) {
        if (cycle)
            dag_find_cycle(d, indeg, cycle);
        rc = -1;
    }
    free(heap);
    free(indeg);
    return rc;
}

/* The original's generations (networkx.topological_generations): generation 0 is
 * every node without predecessor in index order; generation k+1 collects, in the
 * order met, the successors (edge order) of generation k's nodes (in order) whose
 * last remaining predecessor was just removed. */
void socm_dag_generations(const struct socm_dag *d, int *order, size_t **gen_start, size_t *ngen)
{
    size_t *indeg = socm_xcalloc(d->n ? d->n : 1, sizeof *indeg);
    size_t *starts = socm_xmalloc((d->n + 2) * sizeof *starts);
    size_t k = 0, g = 0;
    for (size_t i = 0; i < d->n; i++) {
        indeg[i] = d->pred[i].n;
        if (!indeg[i])
            order[k++] = (int)i;
    }
    size_t begin = 0;
    while (begin < k) {
        starts[g++] = begin;
        size_t end = k;
        for (size_t i = begin; i < end; i++) {
            int u = order[i];
            for (size_t j = 0; j < d->succ[u].n; j++) {
                int s = d->succ[u].v[j];
                if (--indeg[s] == 0)
                    order[k++] = s;
            }
        }
        begin = end;
    }
    starts[g] = k;
    free(indeg);
    *gen_start = starts;
    *ngen = g;
}

/* ---- The public accessors (socm/model.h) ---- */

/* Out-of-range nodes read as having no edges: a plug-in's mistake is not a crash. */
static const struct socm_intv *dag_list(const struct socm_dag *d, int node, bool pred)
{
    if (!d || node < 0 || (size_t)node >= d->n)
        return NULL;
    return pred ? &d->pred[node] : &d->succ[node];
}

size_t socm_dag_size(const struct socm_dag *d) { return d ? d->n : 0; }

size_t socm_dag_npred(const struct socm_dag *d, int node)
{
    const struct socm_intv *l = dag_list(d, node, true);
    return l ? l->n : 0;
}

int socm_dag_pred(const struct socm_dag *d, int node, size_t k)
{
    const struct socm_intv *l = dag_list(d, node, true);
    return l && k < l->n ? l->v[k] : -1;
}

size_t socm_dag_nsucc(const struct socm_dag *d, int node)
{
    const struct socm_intv *l = dag_list(d, node, false);
    return l ? l->n : 0;
}

int socm_dag_succ(const struct socm_dag *d, int node, size_t k)
{
    const struct socm_intv *l = dag_list(d, node, false);
    return l && k < l->n ? l->v[k] : -1;
}

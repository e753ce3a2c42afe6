/* model_rf.c — a random forest of regression trees (model "random_forest"): each tree
 * is grown on a bootstrap sample of the runs, choosing every split among a random
 * subset of the inputs, and the forest predicts the mean of its trees — bagging,
 * not boosting (that is "gbtree"). Splits are searched on at most 64 quantile bins
 * per input, so that 10,000 runs train in a fraction of a second; a tree stores the
 * thresholds as values, so prediction needs no bins. */
#include "predict/model.h"

#include <math.h>
#include <string.h>

#define RF_BINS 64
#define RF_MAX_DEPTH 40
#define RF_MIN_LEAF 1 /* grown deep, as forests are: averaging, not pruning, tames them */
#define RF_MAGIC 0x31465246524d4353ull /* "SCMRFRF1" */

struct rf_node {
    int64_t feature;    /* -1 for a leaf */
    double threshold;   /* x[feature] <= threshold goes left */
    int64_t left, right;
    double value;       /* the leaf's mean */
};

struct rf_tree {
    struct rf_node *nodes;
    size_t n, cap;
};

struct rf {
    size_t p, ntrees;
    struct rf_tree *trees;
};

static void rf_free(void *model)
{
    struct rf *m = model;
    if (!m)
        return;
    for (size_t t = 0; t < m->ntrees; t++)
        free(m->trees[t].nodes);
    free(m->trees);
    free(m);
}

/* Per input: the bin of every row and the threshold (upper edge) of every bin. */
struct binned {
    size_t n, p;
    unsigned char *bin;   /* n × p */
    double *edge;         /* p × RF_BINS: value of the bin's upper edge */
    int *nbins;           /* per input */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Quantile bins of each input: edges halfway between distinct values. */
static void bin_inputs(const double *x, size_t n, size_t p, struct binned *b)
{
    b->n = n;
    b->p = p;
    b->bin = socm_xmalloc((n * p > 0 ? n * p : 1));
    b->edge = socm_xmalloc((p ? p : 1) * RF_BINS * sizeof *b->edge);
    b->nbins = socm_xcalloc(p ? p : 1, sizeof *b->nbins);
    double *col = socm_xmalloc((n ? n : 1) * sizeof *col);
    for (size_t j = 0; j < p; j++) {
        for (size_t i = 0; i < n; i++)
            col[i] = x[i * p + j];
        qsort(col, n, sizeof *col, cmp_double);
        double *e = b->edge + j * RF_BINS;
        int nb = 0;
        /* candidate edges at quantiles, kept when they separate distinct values */
        for (int q = 1; q < RF_BINS && n > 1; q++) {
            size_t k = (size_t)((double)q * (double)n / RF_BINS);
            if (k == 0 || k >= n || col[k - 1] == col[k])
                continue; /* inside a run of equal values: no edge here */
            double edge = col[k - 1] + (col[k] - col[k - 1]) / 2;
            if (nb == 0 || edge > e[nb - 1])
                e[nb++] = edge;
        }
        /* few distinct values: one edge between each */
        if (nb < RF_BINS - 1) {
            int distinct = 1;
            for (size_t i = 1; i < n; i++)
                distinct += col[i] != col[i - 1];
            if (distinct <= RF_BINS) {
                nb = 0;
                for (size_t i = 1; i < n; i++)
                    if (col[i] != col[i - 1])
                        e[nb++] = col[i - 1] + (col[i] - col[i - 1]) / 2;
            }
        }
        e[nb] = INFINITY; /* the last bin */
        b->nbins[j] = nb + 1;
        for (size_t i = 0; i < n; i++) {
            double v = x[i * p + j];
            int lo = 0, hi = nb; /* first edge >= v */
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (e[mid] < v)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            b->bin[i * p + j] = (unsigned char)lo;
        }
    }
    free(col);
}

static void binned_free(struct binned *b)
{
    free(b->bin);
    free(b->edge);
    free(b->nbins);
}

struct grow {
    const struct binned *b;
    const double *y;
    size_t mtry, max_depth;
    uint64_t rng;
    size_t *feat; /* scratch: a permutation of the inputs */
    double bs[RF_BINS]; /* scratch: per bin, sum of y and count (zero between uses) */
    size_t bc[RF_BINS];
};

static int64_t add_node(struct rf_tree *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->nodes = socm_xrealloc(t->nodes, t->cap * sizeof *t->nodes);
    }
    memset(&t->nodes[t->n], 0, sizeof t->nodes[t->n]);
    t->nodes[t->n].feature = -1;
    return (int64_t)t->n++;
}

/* Grows the subtree of rows idx[0..n) at node `at`. */
static void grow(struct grow *g, struct rf_tree *t, int64_t at, size_t *idx, size_t n, size_t depth)
{
    const struct binned *b = g->b;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += g->y[idx[i]];
    t->nodes[at].value = n ? sum / (double)n : 0;
    if (n < 2 * RF_MIN_LEAF || depth >= g->max_depth)
        return;
    /* mtry inputs at random (a partial Fisher–Yates shuffle) */
    for (size_t j = 0; j < b->p; j++)
        g->feat[j] = j;
    double best_gain = 0, parent = sum * sum / (double)n;
    int64_t best_f = -1;
    int best_bin = 0;
    /* as in common forests: more inputs are tried when the mtry drawn allow no split
     * (a constant input, say) */
    for (size_t k = 0; k < b->p && (k < g->mtry || best_f < 0); k++) {
        size_t r = k + (size_t)(socm_rand_next(&g->rng) % (b->p - k));
        size_t f = g->feat[r];
        g->feat[r] = g->feat[k];
        g->feat[k] = f;
        int nb = b->nbins[f];
        if (nb < 2)
            continue;
        double *bs = g->bs;
        size_t *bc = g->bc;
        int bmin = nb, bmax = 0; /* a small node fills few bins: only those are scanned */
        for (size_t i = 0; i < n; i++) {
            unsigned char v = b->bin[idx[i] * b->p + f];
            bs[v] += g->y[idx[i]];
            bc[v]++;
            bmin = v < bmin ? v : bmin;
            bmax = v > bmax ? v : bmax;
        }
        double sl = 0;
        size_t cl = 0;
        for (int s = bmin; s < bmax; s++) {
            sl += bs[s];
            cl += bc[s];
            if (cl < RF_MIN_LEAF || n - cl < RF_MIN_LEAF)
                continue;
            double sr = sum - sl;
            double gain = sl * sl / (double)cl + sr * sr / (double)(n - cl) - parent;
            if (gain > best_gain * (1 + 1e-12) + 1e-12 * fabs(parent)) {
                best_gain = gain;
                best_f = (int64_t)f;
                best_bin = s;
            }
        }
        for (int s = bmin; s <= bmax; s++) /* only the bins this node filled */
            bs[s] = 0, bc[s] = 0;
    }
    if (best_f < 0)
        return;
    /* partition: rows with bin <= best_bin first */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        if (b->bin[idx[lo] * b->p + (size_t)best_f] <= best_bin)
            lo++;
        else {
            size_t tmp = idx[lo];
            idx[lo] = idx[--hi];
            idx[hi] = tmp;
        }
    }
    int64_t l = add_node(t), r = add_node(t);
    t->nodes[at].feature = best_f;
    t->nodes[at].threshold = b->edge[(size_t)best_f * RF_BINS + (size_t)best_bin];
    t->nodes[at].left = l;
    t->nodes[at].right = r;
    grow(g, t, l, idx, lo, depth + 1);
    grow(g, t, r, idx + lo, n - lo, depth + 1);
}

static void *rf_train(const struct socm_model_params *params, const double *x, const double *y, size_t n,
                      size_t p, struct socm_error *err)
{
    if (n == 0 || params->n_trees < 0 || params->max_depth < 0) {
        socm_error_set(err, SOCM_E_INPUT, "random_forest: needs rows, n_trees >= 1 and max_depth >= 1");
        return NULL;
    }
    struct binned b;
    bin_inputs(x, n, p, &b);
    struct rf *m = socm_xcalloc(1, sizeof *m);
    m->p = p;
    m->ntrees = (size_t)(params->n_trees ? params->n_trees : 100);
    m->trees = socm_xcalloc(m->ntrees, sizeof *m->trees);
    /* half of the inputs at each split (at least one): on few inputs a third leaves
     * too many splits on the ones that matter least */
    struct grow g = {&b, y, (p + 1) / 2, (size_t)(params->max_depth ? params->max_depth : RF_MAX_DEPTH), 0,
                     socm_xmalloc((p ? p : 1) * sizeof(size_t)), {0}, {0}};
    size_t *idx = socm_xmalloc(n * sizeof *idx);
    uint64_t seed = params->seed ? params->seed : 42;
    for (size_t t = 0; t < m->ntrees; t++) {
        g.rng = seed ^ (0x9E3779B97F4A7C15ull * (t + 1));
        for (size_t i = 0; i < n; i++) /* bootstrap: n rows drawn with replacement */
            idx[i] = (size_t)(socm_rand_next(&g.rng) % n);
        int64_t root = add_node(&m->trees[t]);
        grow(&g, &m->trees[t], root, idx, n, 0);
    }
    free(idx);
    free(g.feat);
    binned_free(&b);
    return m;
}

static int rf_predict(const void *model, const double *x, size_t n, double *out, struct socm_error *err)
{
    const struct rf *m = model;
    for (size_t r = 0; r < n; r++) {
        const double *row = x + r * m->p;
        double s = 0;
        for (size_t t = 0; t < m->ntrees; t++) {
            const struct rf_node *nodes = m->trees[t].nodes;
            int64_t at = 0;
            while (nodes[at].feature >= 0)
                at = row[nodes[at].feature] <= nodes[at].threshold ? nodes[at].left : nodes[at].right;
            s += nodes[at].value;
        }
        out[r] = m->ntrees ? s / (double)m->ntrees : NAN;
    }
    (void)err;
    return 0;
}

static char *rf_describe(const void *model)
{
    const struct rf *m = model;
    size_t nodes = 0;
    for (size_t t = 0; t < m->ntrees; t++)
        nodes += m->trees[t].n;
    return socm_asprintf("%zu bagged trees, %zu nodes", m->ntrees, nodes);
}

static int rf_save(const void *model, struct socm_buf *out, struct socm_error *err)
{
    const struct rf *m = model;
    socm_blob_u64(out, RF_MAGIC);
    socm_blob_u64(out, m->p);
    socm_blob_u64(out, m->ntrees);
    for (size_t t = 0; t < m->ntrees; t++) {
        socm_blob_u64(out, m->trees[t].n);
        for (size_t i = 0; i < m->trees[t].n; i++) {
            const struct rf_node *nd = &m->trees[t].nodes[i];
            socm_blob_u64(out, (uint64_t)nd->feature);
            socm_blob_u64(out, (uint64_t)nd->left);
            socm_blob_u64(out, (uint64_t)nd->right);
            socm_blob_f64s(out, &nd->threshold, 1);
            socm_blob_f64s(out, &nd->value, 1);
        }
    }
    (void)err;
    return 0;
}

/* A loaded tree must be a tree: children after their parent and inside it, inputs
 * in range — so that prediction can neither loop nor read outside. */
static bool tree_ok(const struct rf_tree *t, size_t p)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct rf_node *nd = &t->nodes[i];
        if (nd->feature == -1)
            continue;
        if (nd->feature < 0 || (uint64_t)nd->feature >= p || nd->left <= (int64_t)i || nd->right <= (int64_t)i ||
            (uint64_t)nd->left >= t->n || (uint64_t)nd->right >= t->n)
            return false;
    }
    return t->n > 0;
}

static void *rf_load(const void *data, size_t len, struct socm_error *err)
{
    struct socm_blob_reader r = {data, len, 0};
    if (socm_blob_read_u64(&r) != RF_MAGIC) {
        socm_error_set(err, SOCM_E_INPUT, "random_forest: not a saved random forest");
        return NULL;
    }
    uint64_t p = socm_blob_read_u64(&r), ntrees = socm_blob_read_u64(&r);
    /* each tree takes at least 8 + 40 bytes: sizes must fit in what is left */
    if (r.bad || p > 100000 || ntrees == 0 || ntrees > r.left / 48) {
        socm_error_set(err, SOCM_E_INPUT, "random_forest: corrupt saved model");
        return NULL;
    }
    struct rf *m = socm_xcalloc(1, sizeof *m);
    m->p = p;
    m->ntrees = ntrees;
    m->trees = socm_xcalloc(ntrees, sizeof *m->trees);
    for (size_t t = 0; t < ntrees && !r.bad; t++) {
        uint64_t nn = socm_blob_read_u64(&r);
        if (r.bad || nn == 0 || nn > r.left / 40) {
            r.bad = 1;
            break;
        }
        struct rf_tree *tr = &m->trees[t];
        tr->nodes = socm_xmalloc(nn * sizeof *tr->nodes);
        tr->n = tr->cap = nn;
        for (size_t i = 0; i < nn; i++) {
            struct rf_node *nd = &tr->nodes[i];
            nd->feature = (int64_t)socm_blob_read_u64(&r);
            nd->left = (int64_t)socm_blob_read_u64(&r);
            nd->right = (int64_t)socm_blob_read_u64(&r);
            socm_blob_read_f64s(&r, &nd->threshold, 1);
            socm_blob_read_f64s(&r, &nd->value, 1);
        }
        if (!r.bad && !tree_ok(tr, p))
            r.bad = 1;
    }
    if (r.bad) {
        socm_error_set(err, SOCM_E_INPUT, "random_forest: corrupt saved model");
        rf_free(m);
        return NULL;
    }
    return m;
}

const struct socm_model_kind socm_model_rf = {
    .name = "random_forest",
    .description = "random forest: bagged regression trees, half of the inputs tried at each split",
    .train = rf_train,
    .predict = rf_predict,
    .describe = rf_describe,
    .save = rf_save,
    .load = rf_load,
    .free = rf_free,
};

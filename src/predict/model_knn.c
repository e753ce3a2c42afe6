/* model_knn.c — k nearest neighbours on standardised inputs: the prediction is the
 * mean target of the k training runs closest (Euclidean) to the query. The model is
 * the standardised training set itself; a linear scan is fast enough for 10^5 runs. */
#include "predict/model.h"

#include <math.h>
#include <string.h>

struct knn {
    struct socm_scaler sc;
    size_t n, k;
    double *z; /* n × p standardised inputs */
    double *y;
};

static void knn_free(void *model)
{
    struct knn *m = model;
    if (!m)
        return;
    socm_scaler_free(&m->sc);
    free(m->z);
    free(m->y);
    free(m);
}

static void *knn_train(const struct socm_model_params *params, const double *x, const double *y,
                       size_t n, size_t p, struct socm_error *err)
{
    if (n == 0 || params->k < 0) {
        socm_error_set(err, SOCM_E_INPUT, "knn: needs rows and k >= 1");
        return NULL;
    }
    struct knn *m = socm_xcalloc(1, sizeof *m);
    socm_scaler_fit(&m->sc, x, n, p);
    m->n = n;
    m->k = (size_t)(params->k ? params->k : 5);
    if (m->k > n)
        m->k = n;
    m->z = socm_xmalloc((n * p > 0 ? n * p : 1) * sizeof *m->z);
    m->y = socm_xmalloc(n * sizeof *m->y);
    for (size_t i = 0; i < n; i++)
        socm_scaler_apply(&m->sc, x + i * p, m->z + i * p);
    memcpy(m->y, y, n * sizeof *y);
    return m;
}

/* Inserts (d, v) into the k best so far (sorted ascending by distance). */
static void keep_best(double *bd, double *bv, size_t *nb, size_t k, double d, double v)
{
    if (*nb == k && d >= bd[k - 1])
        return;
    size_t i = *nb < k ? (*nb)++ : k - 1;
    while (i > 0 && bd[i - 1] > d) {
        bd[i] = bd[i - 1];
        bv[i] = bv[i - 1];
        i--;
    }
    bd[i] = d;
    bv[i] = v;
}

static int knn_predict(const void *model, const double *x, size_t n, double *out,
                       struct socm_error *err)
{
    const struct knn *m = model;
    size_t p = m->sc.p;
    double *q = socm_xmalloc((p ? p : 1) * sizeof *q);
    double *bd = socm_xmalloc(m->k * sizeof *bd), *bv = socm_xmalloc(m->k * sizeof *bv);
    for (size_t r = 0; r < n; r++) {
        socm_scaler_apply(&m->sc, x + r * p, q);
        size_t nb = 0;
        for (size_t i = 0; i < m->n; i++) {
            const double *zi = m->z + i * p;
            double d = 0;
            for (size_t j = 0; j < p; j++)
                d += (zi[j] - q[j]) * (zi[j] - q[j]);
            keep_best(bd, bv, &nb, m->k, d, m->y[i]);
        }
        double s = 0;
        for (size_t i = 0; i < nb; i++)
            s += bv[i];
        out[r] = nb ? s / (double)nb : NAN;
    }
    free(q);
    free(bd);
    free(bv);
    (void)err;
    return 0;
}

static char *knn_describe(const void *model)
{
    const struct knn *m = model;
    return socm_asprintf("k = %zu of %zu runs", m->k, m->n);
}

#define KNN_MAGIC 0x314e4e4b4d4353ull /* "SCMKNN1" */

static int knn_save(const void *model, struct socm_buf *out, struct socm_error *err)
{
    const struct knn *m = model;
    socm_blob_u64(out, KNN_MAGIC);
    socm_blob_u64(out, m->sc.p);
    socm_blob_u64(out, m->n);
    socm_blob_u64(out, m->k);
    socm_blob_f64s(out, m->sc.mean, m->sc.p);
    socm_blob_f64s(out, m->sc.sd, m->sc.p);
    socm_blob_f64s(out, m->z, m->n * m->sc.p);
    socm_blob_f64s(out, m->y, m->n);
    (void)err;
    return 0;
}

static void *knn_load(const void *data, size_t len, struct socm_error *err)
{
    struct socm_blob_reader r = {data, len, 0};
    if (socm_blob_read_u64(&r) != KNN_MAGIC) {
        socm_error_set(err, SOCM_E_INPUT, "knn: not a saved knn model");
        return NULL;
    }
    uint64_t p = socm_blob_read_u64(&r), n = socm_blob_read_u64(&r), k = socm_blob_read_u64(&r);
    /* sizes must fit in what is left before anything is allocated */
    if (r.bad || n == 0 || k == 0 || k > n || p > 100000 ||
        (p + 1) * n > len / sizeof(double) + 1) {
        socm_error_set(err, SOCM_E_INPUT, "knn: corrupt saved model");
        return NULL;
    }
    struct knn *m = socm_xcalloc(1, sizeof *m);
    m->sc.p = p;
    m->n = n;
    m->k = k;
    m->sc.mean = socm_xcalloc(p ? p : 1, sizeof(double));
    m->sc.sd = socm_xcalloc(p ? p : 1, sizeof(double));
    m->z = socm_xmalloc((n * p > 0 ? n * p : 1) * sizeof(double));
    m->y = socm_xmalloc(n * sizeof(double));
    socm_blob_read_f64s(&r, m->sc.mean, p);
    socm_blob_read_f64s(&r, m->sc.sd, p);
    socm_blob_read_f64s(&r, m->z, n * p);
    socm_blob_read_f64s(&r, m->y, n);
    if (r.bad) {
        socm_error_set(err, SOCM_E_INPUT, "knn: truncated saved model");
        knn_free(m);
        return NULL;
    }
    return m;
}

const struct socm_model_kind socm_model_knn = {
    .name = "knn",
    .description = "k nearest neighbours (mean of k), standardised inputs",
    .train = knn_train,
    .predict = knn_predict,
    .describe = knn_describe,
    .save = knn_save,
    .load = knn_load,
    .free = knn_free,
};

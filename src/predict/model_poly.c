/* model_poly.c — polynomial least squares of degree 1–3 on standardised inputs
 * (GSL gsl_multifit_linear, SVD based, so collinear or constant inputs do not make
 * it fail). Terms include interactions; constant inputs are left out. The fit is
 * made either on the values as they are or in log space (log of the target and of
 * every input that is always positive), where a power law such as runtime ∝ size ×
 * detectors / ranks is a plane; with degree 0 ("auto") the degree, and in any case
 * the space, are chosen on a validation split of the training rows, by the error of
 * the predictions on the original scale. */
#ifdef SOCM_HAVE_GSL /* else model_poly_missing.c */
#include "predict/model.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <string.h>

/* Keeps the design matrix of a 100,000-run history in memory. */
#define POLY_MAX_TERMS 256

struct poly_term {
    int n;       /* degree of this term (0 = intercept) */
    int idx[3];  /* input indexes, nondecreasing */
};

struct poly {
    struct socm_scaler sc;
    bool logy;            /* the target is fitted as log(y) */
    unsigned char *logx;  /* per input: fitted as log(x) */
    int degree;
    size_t nterms;
    struct poly_term *terms;
    double *coef;
};

static size_t make_terms(const struct socm_scaler *sc, int degree, struct poly_term *out)
{
    size_t m = 0, p = sc->p;
    out[m++] = (struct poly_term){0, {0, 0, 0}};
    for (size_t a = 0; a < p; a++) {
        if (sc->sd[a] == 0)
            continue;
        if (m < POLY_MAX_TERMS)
            out[m] = (struct poly_term){1, {(int)a, 0, 0}};
        m++;
        for (size_t b = a; degree >= 2 && b < p; b++) {
            if (sc->sd[b] == 0)
                continue;
            if (m < POLY_MAX_TERMS)
                out[m] = (struct poly_term){2, {(int)a, (int)b, 0}};
            m++;
            for (size_t c = b; degree >= 3 && c < p; c++) {
                if (sc->sd[c] == 0)
                    continue;
                if (m < POLY_MAX_TERMS)
                    out[m] = (struct poly_term){3, {(int)a, (int)b, (int)c}};
                m++;
            }
        }
    }
    return m; /* may exceed POLY_MAX_TERMS: the caller checks */
}

static void design_row(const struct poly *m, const double *z, double *row)
{
    for (size_t t = 0; t < m->nterms; t++) {
        double v = 1;
        for (int k = 0; k < m->terms[t].n; k++)
            v *= z[m->terms[t].idx[k]];
        row[t] = v;
    }
}

static void poly_free(void *model)
{
    struct poly *m = model;
    if (!m)
        return;
    socm_scaler_free(&m->sc);
    free(m->logx);
    free(m->terms);
    free(m->coef);
    free(m);
}

/* One input row in the model's space, standardised, into z. */
static void prep(const struct poly *m, const double *x, double *t, double *z)
{
    for (size_t j = 0; j < m->sc.p; j++)
        t[j] = m->logx && m->logx[j] ? log(x[j]) : x[j];
    socm_scaler_apply(&m->sc, t, z);
}

/* Fits coefficients of `m` (scaler and terms set) on the rows `rows` of x. */
static int poly_fit(struct poly *m, const double *x, const double *y, const size_t *rows,
                    size_t n, size_t p, struct socm_error *err)
{
    if (n < m->nterms)
        return socm_error_set(err, SOCM_E_INPUT, "poly: %zu rows for %zu terms", n, m->nterms);
    gsl_matrix *X = gsl_matrix_alloc(n, m->nterms);
    gsl_vector *Y = gsl_vector_alloc(n);
    gsl_vector *c = gsl_vector_alloc(m->nterms);
    gsl_matrix *cov = gsl_matrix_alloc(m->nterms, m->nterms);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(n, m->nterms);
    double *z = socm_xmalloc((p ? p : 1) * sizeof *z), *t = socm_xmalloc((p ? p : 1) * sizeof *t);
    for (size_t i = 0; i < n; i++) {
        prep(m, x + rows[i] * p, t, z);
        design_row(m, z, gsl_matrix_ptr(X, i, 0));
        gsl_vector_set(Y, i, m->logy ? log(y[rows[i]]) : y[rows[i]]);
    }
    free(t);
    double chisq;
    int rc = gsl_multifit_linear(X, Y, c, cov, &chisq, w);
    if (rc == GSL_SUCCESS) {
        m->coef = socm_xmalloc(m->nterms * sizeof *m->coef);
        for (size_t t = 0; t < m->nterms; t++)
            m->coef[t] = gsl_vector_get(c, t);
    } else {
        socm_error_set(err, SOCM_E_FAILED, "poly: least squares failed: %s", gsl_strerror(rc));
    }
    free(z);
    gsl_multifit_linear_free(w);
    gsl_matrix_free(cov);
    gsl_vector_free(c);
    gsl_vector_free(Y);
    gsl_matrix_free(X);
    return rc == GSL_SUCCESS ? 0 : -1;
}

/* A model of `degree` (lowered until its terms fit POLY_MAX_TERMS), its scaler fitted
 * on the rows in its space: log space takes the log of every input that is always
 * positive (the caller checks that y is). */
static struct poly *poly_new(const double *x, size_t n, size_t p, int degree, bool logspace)
{
    struct poly *m = socm_xcalloc(1, sizeof *m);
    m->logy = logspace;
    m->logx = socm_xcalloc(p ? p : 1, 1);
    for (size_t j = 0; logspace && j < p; j++) {
        bool pos = n > 0;
        for (size_t i = 0; i < n && pos; i++)
            pos = x[i * p + j] > 0;
        m->logx[j] = pos;
    }
    double *xt = socm_xmalloc((n * p > 0 ? n * p : 1) * sizeof *xt);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            xt[i * p + j] = m->logx[j] ? log(x[i * p + j]) : x[i * p + j];
    socm_scaler_fit(&m->sc, xt, n, p);
    free(xt);
    m->terms = socm_xmalloc(POLY_MAX_TERMS * sizeof *m->terms);
    for (; degree >= 1; degree--) {
        size_t nt = make_terms(&m->sc, degree, m->terms);
        if (nt <= POLY_MAX_TERMS) {
            m->nterms = nt;
            break;
        }
    }
    m->degree = degree;
    return m;
}

static int poly_predict(const void *model, const double *x, size_t n, double *out,
                        struct socm_error *err)
{
    const struct poly *m = model;
    size_t p = m->sc.p;
    double *z = socm_xmalloc((p ? p : 1) * sizeof *z), *tx = socm_xmalloc((p ? p : 1) * sizeof *tx);
    double *row = socm_xmalloc(m->nterms * sizeof *row);
    for (size_t i = 0; i < n; i++) {
        prep(m, x + i * p, tx, z);
        design_row(m, z, row);
        double v = 0;
        for (size_t t = 0; t < m->nterms; t++)
            v += m->coef[t] * row[t];
        /* log of a non-positive input: no answer (the caller falls back) */
        out[i] = isfinite(v) ? (m->logy ? exp(v) : v) : NAN;
    }
    free(tx);
    free(z);
    free(row);
    (void)err;
    return 0;
}

static double validation_mse(const struct poly *m, const double *x, const double *y,
                             const size_t *rows, size_t n, size_t p)
{
    double s = 0, pred;
    for (size_t i = 0; i < n; i++) {
        poly_predict(m, x + rows[i] * p, 1, &pred, NULL);
        s += (pred - y[rows[i]]) * (pred - y[rows[i]]);
    }
    return n ? s / (double)n : INFINITY;
}

/* The degree and space with the smallest validation error on the original scale;
 * ties go to the simpler model (lower degree, then the values as they are). With a
 * given degree, only the space is chosen. */
static void choose_model(const struct socm_model_params *params, const double *x, const double *y, size_t n,
                         size_t p, int *degree, bool *logspace)
{
    size_t *idx = socm_xmalloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    socm_shuffle(idx, n, (params->seed ? params->seed : 42) ^ 0x706f6c79u);
    size_t nval = n / 5, nfit = n - nval;
    bool ypos = n > 0;
    for (size_t i = 0; i < n && ypos; i++)
        ypos = y[i] > 0 && isfinite(log(y[i]));
    *degree = params->degree ? params->degree : 1;
    *logspace = false;
    double best_mse = INFINITY;
    for (int sp = 0; sp < 2 && nval > 0; sp++) {
        if (sp == 1 && !ypos)
            break;
        for (int d = params->degree ? params->degree : 1; d <= (params->degree ? params->degree : 3); d++) {
            struct poly *m = poly_new(x, n, p, d, sp == 1);
            struct socm_error e = {0};
            if (m->degree == d && poly_fit(m, x, y, idx, nfit, p, &e) == 0) {
                double mse = validation_mse(m, x, y, idx + nfit, nval, p);
                if (mse < best_mse * 0.99) {
                    best_mse = mse;
                    *degree = d;
                    *logspace = sp == 1;
                }
            }
            poly_free(m);
        }
    }
    free(idx);
}

static void *poly_train(const struct socm_model_params *params, const double *x, const double *y,
                        size_t n, size_t p, struct socm_error *err)
{
    gsl_set_error_handler_off(); /* errors come back as codes, never abort() */
    if (params->degree < 0 || params->degree > 3) {
        socm_error_set(err, SOCM_E_INPUT, "poly: degree must be 1, 2 or 3 (got %d)", params->degree);
        return NULL;
    }
    int degree;
    bool logspace;
    choose_model(params, x, y, n, p, &degree, &logspace);
    struct poly *m = poly_new(x, n, p, degree, logspace);
    size_t *rows = socm_xmalloc((n ? n : 1) * sizeof *rows);
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    int rc = poly_fit(m, x, y, rows, n, p, err);
    free(rows);
    if (rc != 0) {
        poly_free(m);
        return NULL;
    }
    return m;
}

static char *poly_describe(const void *model)
{
    const struct poly *m = model;
    return socm_asprintf("degree %d, %zu terms%s", m->degree, m->nterms, m->logy ? ", log space" : "");
}

#define POLY_MAGIC 0x31594c4f504d4353ull  /* "SCMPOLY1": the values as they are */
#define POLY_MAGIC2 0x32594c4f504d4353ull /* "SCMPOLY2": + log space flags */

static int poly_save(const void *model, struct socm_buf *out, struct socm_error *err)
{
    const struct poly *m = model;
    socm_blob_u64(out, POLY_MAGIC2);
    socm_blob_u64(out, m->sc.p);
    socm_blob_u64(out, (uint64_t)m->degree);
    socm_blob_u64(out, m->logy);
    for (size_t j = 0; j < m->sc.p; j++)
        socm_blob_u64(out, m->logx[j]);
    socm_blob_f64s(out, m->sc.mean, m->sc.p);
    socm_blob_f64s(out, m->sc.sd, m->sc.p);
    socm_blob_u64(out, m->nterms);
    socm_blob_f64s(out, m->coef, m->nterms);
    (void)err;
    return 0;
}

static void *poly_load(const void *data, size_t len, struct socm_error *err)
{
    struct socm_blob_reader r = {data, len, 0};
    uint64_t magic = socm_blob_read_u64(&r);
    if (magic != POLY_MAGIC && magic != POLY_MAGIC2) {
        socm_error_set(err, SOCM_E_INPUT, "poly: not a saved poly model");
        return NULL;
    }
    uint64_t p = socm_blob_read_u64(&r), degree = socm_blob_read_u64(&r);
    if (r.bad || p > 100000 || p > len || degree < 1 || degree > 3) {
        socm_error_set(err, SOCM_E_INPUT, "poly: corrupt saved model");
        return NULL;
    }
    struct poly *m = socm_xcalloc(1, sizeof *m);
    m->logx = socm_xcalloc(p ? p : 1, 1);
    if (magic == POLY_MAGIC2) {
        m->logy = socm_blob_read_u64(&r) != 0;
        for (size_t j = 0; j < p; j++)
            m->logx[j] = socm_blob_read_u64(&r) != 0;
    }
    m->sc.p = p;
    m->sc.mean = socm_xcalloc(p ? p : 1, sizeof(double));
    m->sc.sd = socm_xcalloc(p ? p : 1, sizeof(double));
    socm_blob_read_f64s(&r, m->sc.mean, p);
    socm_blob_read_f64s(&r, m->sc.sd, p);
    m->degree = (int)degree;
    m->terms = socm_xmalloc(POLY_MAX_TERMS * sizeof *m->terms);
    m->nterms = make_terms(&m->sc, m->degree, m->terms);
    uint64_t nt = socm_blob_read_u64(&r);
    if (r.bad || nt != m->nterms) {
        socm_error_set(err, SOCM_E_INPUT, "poly: corrupt saved model");
        poly_free(m);
        return NULL;
    }
    m->coef = socm_xmalloc(nt * sizeof *m->coef);
    socm_blob_read_f64s(&r, m->coef, nt);
    if (r.bad) {
        socm_error_set(err, SOCM_E_INPUT, "poly: truncated saved model");
        poly_free(m);
        return NULL;
    }
    return m;
}

const struct socm_model_kind socm_model_poly = {
    .name = "poly",
    .description = "polynomial least squares, degree 1-3, standardised inputs",
    .train = poly_train,
    .predict = poly_predict,
    .describe = poly_describe,
    .save = poly_save,
    .load = poly_load,
    .free = poly_free,
};
#endif

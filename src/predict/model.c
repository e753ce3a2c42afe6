/* model.c — the model registry and what every model kind shares: standardising
 * inputs, reproducible shuffles, and the blob format helpers. */
#include "predict/model.h"

#include <math.h>
#include <string.h>

#define MAX_PLUGIN_MODELS 16
static const struct socm_model_kind *plugins[MAX_PLUGIN_MODELS];
static size_t n_plugins;

static const struct socm_model_kind *const builtins[] = {
    &socm_model_poly,
    &socm_model_knn,
    &socm_model_rf,
#ifdef SOCM_HAVE_XGBOOST
    &socm_model_forest,
#endif
};
#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

int socm_model_register(const struct socm_model_kind *kind)
{
    if (socm_model_find(kind->name) || n_plugins == MAX_PLUGIN_MODELS)
        return -1;
    plugins[n_plugins++] = kind;
    return 0;
}

const struct socm_model_kind *socm_model_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    for (size_t i = 0; i < n_plugins; i++)
        if (strcmp(plugins[i]->name, name) == 0)
            return plugins[i];
    /* XGBoost's name, and "forest", which earlier versions called the boosted
     * trees (their stored models keep loading) */
    if (strcmp(name, "xgboost") == 0 || strcmp(name, "forest") == 0)
        return socm_model_find("gbtree");
    return NULL;
}

void socm_model_names(struct socm_strv *names)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        socm_strv_push(names, builtins[i]->name);
    for (size_t i = 0; i < n_plugins; i++)
        socm_strv_push(names, plugins[i]->name);
}

void socm_scaler_fit(struct socm_scaler *s, const double *x, size_t n, size_t p)
{
    s->p = p;
    s->mean = socm_xcalloc(p ? p : 1, sizeof *s->mean);
    s->sd = socm_xcalloc(p ? p : 1, sizeof *s->sd);
    for (size_t j = 0; j < p; j++) {
        /* Welford: stable for large n with a large mean */
        double m = 0, m2 = 0;
        for (size_t i = 0; i < n; i++) {
            double d = x[i * p + j] - m;
            m += d / (double)(i + 1);
            m2 += d * (x[i * p + j] - m);
        }
        s->mean[j] = m;
        double sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0;
        s->sd[j] = sd > 1e-12 * (fabs(m) + 1) ? sd : 0;
    }
}

void socm_scaler_apply(const struct socm_scaler *s, const double *x, double *z)
{
    for (size_t j = 0; j < s->p; j++)
        z[j] = s->sd[j] > 0 ? (x[j] - s->mean[j]) / s->sd[j] : 0;
}

void socm_scaler_free(struct socm_scaler *s)
{
    free(s->mean);
    free(s->sd);
    memset(s, 0, sizeof *s);
}

uint64_t socm_rand_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void socm_shuffle(size_t *idx, size_t n, uint64_t seed)
{
    uint64_t st = seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(socm_rand_next(&st) % i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

void socm_blob_u64(struct socm_buf *b, uint64_t v) { socm_buf_putn(b, (const char *)&v, sizeof v); }

void socm_blob_f64s(struct socm_buf *b, const double *v, size_t n)
{
    socm_buf_putn(b, (const char *)v, n * sizeof *v);
}

uint64_t socm_blob_read_u64(struct socm_blob_reader *r)
{
    uint64_t v = 0;
    if (r->bad || r->left < sizeof v) {
        r->bad = 1;
        return 0;
    }
    memcpy(&v, r->p, sizeof v);
    r->p += sizeof v;
    r->left -= sizeof v;
    return v;
}

void socm_blob_read_f64s(struct socm_blob_reader *r, double *v, size_t n)
{
    if (r->bad || n > r->left / sizeof *v) {
        r->bad = 1;
        memset(v, 0, n * sizeof *v);
        return;
    }
    memcpy(v, r->p, n * sizeof *v);
    r->p += n * sizeof *v;
    r->left -= n * sizeof *v;
}

/* model_forest.c — gradient-boosted trees through XGBoost's C API (model "gbtree",
 * also "xgboost" and, as earlier versions named it, "forest"). Trees need no standardisation; the model is saved
 * in XGBoost's own UBJSON format. Built only when CMake found libxgboost. */
#ifdef SOCM_HAVE_XGBOOST
#include "predict/model.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <xgboost/c_api.h>

struct forest {
    BoosterHandle booster;
    size_t p;
    int rounds;
};

static int xgb_fail(struct socm_error *err, const char *what)
{
    return socm_error_set(err, SOCM_E_FAILED, "gbtree: %s: %s", what, XGBGetLastError());
}

static void quiet(void)
{
    static int done;
    if (!done) {
        XGBSetGlobalConfig("{\"verbosity\": 0}");
        done = 1;
    }
}

static void forest_free(void *model)
{
    struct forest *m = model;
    if (!m)
        return;
    if (m->booster)
        XGBoosterFree(m->booster);
    free(m);
}

static float *to_float(const double *x, size_t n)
{
    float *f = socm_xmalloc((n ? n : 1) * sizeof *f);
    for (size_t i = 0; i < n; i++)
        f[i] = (float)x[i];
    return f;
}

static int set_params(BoosterHandle b, const struct socm_model_params *params)
{
    char depth[32], seed[32];
    snprintf(depth, sizeof depth, "%d", params->max_depth ? params->max_depth : 6);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)(params->seed ? params->seed : 42));
    const char *kv[][2] = {
        {"objective", "reg:squarederror"}, {"eta", "0.1"}, {"max_depth", depth},
        {"subsample", "0.8"}, {"colsample_bynode", "0.8"}, {"tree_method", "hist"},
        {"nthread", "1"}, {"seed", seed},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (XGBoosterSetParam(b, kv[i][0], kv[i][1]) != 0)
            return -1;
    return 0;
}

static void *forest_train(const struct socm_model_params *params, const double *x,
                          const double *y, size_t n, size_t p, struct socm_error *err)
{
    quiet();
    if (n == 0 || p == 0) {
        socm_error_set(err, SOCM_E_INPUT, "gbtree: needs rows and inputs");
        return NULL;
    }
    float *fx = to_float(x, n * p), *fy = to_float(y, n);
    DMatrixHandle dm = NULL;
    struct forest *m = socm_xcalloc(1, sizeof *m);
    m->p = p;
    m->rounds = params->n_trees ? params->n_trees : 100;
    int ok = XGDMatrixCreateFromMat(fx, n, p, NAN, &dm) == 0 &&
             XGDMatrixSetFloatInfo(dm, "label", fy, n) == 0 &&
             XGBoosterCreate(&dm, 1, &m->booster) == 0 && set_params(m->booster, params) == 0;
    for (int it = 0; ok && it < m->rounds; it++)
        ok = XGBoosterUpdateOneIter(m->booster, it, dm) == 0;
    if (!ok) {
        xgb_fail(err, "training");
        forest_free(m);
        m = NULL;
    }
    if (dm)
        XGDMatrixFree(dm);
    free(fx);
    free(fy);
    return m;
}

/* In-place prediction on the caller's doubles (no DMatrix: a planner asks one row
 * at a time, and building a DMatrix costs more than the trees). */
static int forest_predict(const void *model, const double *x, size_t n, double *out,
                          struct socm_error *err)
{
    const struct forest *m = model;
    char values[256];
    snprintf(values, sizeof values,
             "{\"data\": [%llu, true], \"shape\": [%zu, %zu], \"typestr\": \"<f8\", \"version\": 3}",
             (unsigned long long)(uintptr_t)x, n, m->p);
    const bst_ulong *shape = NULL;
    bst_ulong dim = 0;
    const float *res = NULL;
    if (XGBoosterPredictFromDense(m->booster, values,
                                  "{\"type\": 0, \"training\": false, \"iteration_begin\": 0,"
                                  " \"iteration_end\": 0, \"strict_shape\": false, \"missing\": NaN, \"cache_id\": 0}",
                                  NULL, &shape, &dim, &res) != 0)
        return xgb_fail(err, "prediction");
    for (size_t i = 0; i < n; i++)
        out[i] = res[i];
    return 0;
}

static char *forest_describe(const void *model)
{
    const struct forest *m = model;
    return socm_asprintf("%d boosted trees", m->rounds);
}

/* Blob: p, rounds, then XGBoost's UBJSON model. */
static int forest_save(const void *model, struct socm_buf *out, struct socm_error *err)
{
    const struct forest *m = model;
    bst_ulong len = 0;
    const char *buf = NULL;
    if (XGBoosterSaveModelToBuffer(m->booster, "{\"format\": \"ubj\"}", &len, &buf) != 0)
        return xgb_fail(err, "saving");
    socm_blob_u64(out, m->p);
    socm_blob_u64(out, (uint64_t)m->rounds);
    socm_buf_putn(out, buf, len);
    return 0;
}

static void *forest_load(const void *data, size_t len, struct socm_error *err)
{
    quiet();
    struct socm_blob_reader r = {data, len, 0};
    uint64_t p = socm_blob_read_u64(&r), rounds = socm_blob_read_u64(&r);
    if (r.bad || p == 0 || p > 100000 || r.left == 0) {
        socm_error_set(err, SOCM_E_INPUT, "gbtree: corrupt saved model");
        return NULL;
    }
    struct forest *m = socm_xcalloc(1, sizeof *m);
    m->p = p;
    m->rounds = (int)rounds;
    if (XGBoosterCreate(NULL, 0, &m->booster) != 0 ||
        XGBoosterLoadModelFromBuffer(m->booster, r.p, r.left) != 0 ||
        /* one row at a time: OpenMP start-up would cost more than the trees */
        XGBoosterSetParam(m->booster, "nthread", "1") != 0) {
        xgb_fail(err, "loading");
        forest_free(m);
        return NULL;
    }
    return m;
}

const struct socm_model_kind socm_model_forest = {
    .name = "gbtree",
    .description = "gradient-boosted trees (XGBoost)",
    .train = forest_train,
    .predict = forest_predict,
    .describe = forest_describe,
    .save = forest_save,
    .load = forest_load,
    .free = forest_free,
};
#else
/* Without XGBoost the forest model is simply not registered. */
typedef int socm_model_forest_unavailable;
#endif

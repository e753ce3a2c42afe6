/* model_poly_missing.c — the `poly` model kind of a socm built without GSL: it is
 * still known by name (the default kind), so asking for it gives a clear refusal
 * naming what is missing rather than "unknown model". */
#ifndef SOCM_HAVE_GSL
#include "predict/model.h"

static int poly_missing(struct socm_error *err)
{
    return socm_error_set(err, SOCM_E_INPUT,
                          "model 'poly' needs the GSL library, which this socm was built "
                          "without (install GSL, e.g. libgsl-dev, and rebuild; or use "
                          "--model knn)");
}

static void *poly_train(const struct socm_model_params *params, const double *x, const double *y,
                        size_t n, size_t p, struct socm_error *err)
{
    poly_missing(err);
    return NULL;
}

static int poly_predict(const void *model, const double *x, size_t n, double *out,
                        struct socm_error *err)
{
    return poly_missing(err);
}

static char *poly_describe(const void *model) { return socm_strdup("poly (not built: no GSL)"); }

static int poly_save(const void *model, struct socm_buf *out, struct socm_error *err)
{
    return poly_missing(err);
}

static void *poly_load(const void *data, size_t len, struct socm_error *err)
{
    poly_missing(err);
    return NULL;
}

static void poly_free(void *model) {}

const struct socm_model_kind socm_model_poly = {
    .name = "poly",
    .description = "polynomial least squares (not in this build: needs GSL)",
    .train = poly_train,
    .predict = poly_predict,
    .describe = poly_describe,
    .save = poly_save,
    .load = poly_load,
    .free = poly_free,
};
#endif

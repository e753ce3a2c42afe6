/* model.h — the regression model interface: a model kind is a struct of functions
 * registered by name (poly, knn, random_forest, gbtree, or a plug-in); it trains on rows of numeric
 * inputs, predicts, and turns itself into bytes for the history database. */
#ifndef SOCM_PREDICT_MODEL_H
#define SOCM_PREDICT_MODEL_H

#include "util/error.h"
#include "util/str.h"

#include <stddef.h>
#include <stdint.h>

/* Knobs; 0 means the kind's default. */
struct socm_model_params {
    int degree;      /* poly: 1..3; 0 = chosen on a validation split */
    int k;           /* knn: neighbours (default 5) */
    int n_trees;     /* random_forest: trees; gbtree: boosting rounds (default 100) */
    int max_depth;   /* tree depth (default: random_forest 40, gbtree 6) */
    uint64_t seed;   /* anything random (default 42) */
};

struct socm_model_kind {
    const char *name;
    const char *description;
    /* Fits y ≈ f(x) on n rows of p inputs (x row-major). Returns the model or NULL. */
    void *(*train)(const struct socm_model_params *params, const double *x, const double *y,
                   size_t n, size_t p, struct socm_error *err);
    /* Predicts n rows into out. */
    int (*predict)(const void *model, const double *x, size_t n, double *out,
                   struct socm_error *err);
    /* A one-line description of the fitted model ("degree 2, 6 terms"). Malloc'd. */
    char *(*describe)(const void *model);
    int (*save)(const void *model, struct socm_buf *out, struct socm_error *err);
    void *(*load)(const void *data, size_t len, struct socm_error *err);
    void (*free)(void *model);
};

/* Registry: the built-in kinds are always there; plug-ins may add more. */
int socm_model_register(const struct socm_model_kind *kind);
const struct socm_model_kind *socm_model_find(const char *name);
void socm_model_names(struct socm_strv *names);

/* Built-in kinds (gbtree only when built with XGBoost). */
extern const struct socm_model_kind socm_model_poly;
extern const struct socm_model_kind socm_model_knn;
extern const struct socm_model_kind socm_model_rf;
#ifdef SOCM_HAVE_XGBOOST
extern const struct socm_model_kind socm_model_forest;
#endif

/* ---- Shared by the kinds ---- */

/* Per-input mean and standard deviation (sd 0 for a constant input). */
struct socm_scaler {
    size_t p;
    double *mean, *sd;
};
void socm_scaler_fit(struct socm_scaler *s, const double *x, size_t n, size_t p);
/* (x - mean) / sd, with constant inputs mapped to 0. */
void socm_scaler_apply(const struct socm_scaler *s, const double *x, double *z);
void socm_scaler_free(struct socm_scaler *s);

/* A deterministic generator (splitmix64) so that splits are reproducible. */
uint64_t socm_rand_next(uint64_t *state);
/* Fisher–Yates shuffle of idx[0..n). */
void socm_shuffle(size_t *idx, size_t n, uint64_t seed);

/* Little binary writer/reader for save/load: fixed-width host-order fields. */
void socm_blob_u64(struct socm_buf *b, uint64_t v);
void socm_blob_f64s(struct socm_buf *b, const double *v, size_t n);
struct socm_blob_reader {
    const unsigned char *p;
    size_t left;
    int bad;
};
uint64_t socm_blob_read_u64(struct socm_blob_reader *r);
void socm_blob_read_f64s(struct socm_blob_reader *r, double *v, size_t n);

#endif

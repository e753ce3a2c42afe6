/* evaluate.c — k-fold cross-validation of the model kinds on each history group and
 * target (`socm history evaluate`): every run is predicted once by a model that did
 * not see it, and R², RMSE and the mean percent error are computed over those
 * out-of-fold predictions, so that kinds can be compared on the same folds. */
#include "predict/evaluate.h"

#include "util/proc.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

struct cv_ctx {
    const struct socm_predict_options *o;
    const struct socm_strv *kinds;
    size_t folds;
    socm_cv_report_fn report;
    void *arg;
};

/* Out-of-fold figures of one kind on dataset d, rows in the order idx. */
static int cross_validate_kind(const struct socm_model_kind *kind, const struct socm_predict_options *o,
                               const struct socm_dataset *d, const size_t *idx, size_t folds,
                               struct socm_cv_result *r, struct socm_error *err)
{
    size_t n = d->n, p = d->p;
    double *xtr = socm_xmalloc((n * p > 0 ? n * p : 1) * sizeof *xtr), *ytr = socm_xmalloc(n * sizeof *ytr);
    double *xte = socm_xmalloc((n * p > 0 ? n * p : 1) * sizeof *xte), *yte = socm_xmalloc(n * sizeof *yte);
    double *pred = socm_xmalloc(n * sizeof *pred);
    double sse = 0, pct = 0, mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += d->y[i] / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (d->y[i] - mean) * (d->y[i] - mean);
    double t0 = socm_mono();
    int rc = 0;
    for (size_t f = 0; f < folds && rc == 0; f++) {
        size_t lo = f * n / folds, hi = (f + 1) * n / folds, ntr = 0, nte = 0;
        for (size_t i = 0; i < n; i++) {
            bool test = i >= lo && i < hi;
            double *x = test ? xte + nte * p : xtr + ntr * p;
            memcpy(x, d->x + idx[i] * p, p * sizeof *x);
            if (test)
                yte[nte++] = d->y[idx[i]];
            else
                ytr[ntr++] = d->y[idx[i]];
        }
        void *m = kind->train(&o->params, xtr, ytr, ntr, p, err);
        if (!m || kind->predict(m, xte, nte, pred, err) != 0) {
            rc = -1;
        } else {
            for (size_t i = 0; i < nte; i++) {
                sse += (pred[i] - yte[i]) * (pred[i] - yte[i]);
                pct += fabs(pred[i] - yte[i]) / yte[i];
            }
        }
        if (m)
            kind->free(m);
    }
    r->train_s = (socm_mono() - t0) / (double)folds;
    r->rmse = sqrt(sse / (double)n);
    r->r2 = ss > 0 ? 1 - sse / ss : sse == 0 ? 1 : 0;
    r->mean_pct_error = 100 * pct / (double)n;
    free(xtr);
    free(ytr);
    free(xte);
    free(yte);
    free(pred);
    return rc;
}

static int cv_group(const char *job, const char *cat, const struct socm_history_runs *runs, void *arg,
                    struct socm_error *err)
{
    struct cv_ctx *c = arg;
    for (int t = 0; t < SOCM_TARGET_COUNT; t++) {
        if (!socm_predict_wants_target(c->o, (enum socm_target)t))
            continue;
        struct socm_dataset d;
        socm_dataset_build(runs, (enum socm_target)t, &d);
        struct socm_cv_result r = {.job_name = job, .categorical = cat, .target = (enum socm_target)t,
                                   .n = d.n, .folds = c->folds};
        size_t need = c->o->min_runs > c->folds ? c->o->min_runs : c->folds;
        if (d.n < need) {
            char why[128];
            snprintf(why, sizeof why, "only %zu completed runs with a measured %s (need %zu)", d.n,
                     socm_target_name((enum socm_target)t), need);
            r.skipped = why;
            c->report(&r, c->arg);
            socm_dataset_free(&d);
            continue;
        }
        size_t *idx = socm_xmalloc(d.n * sizeof *idx);
        for (size_t i = 0; i < d.n; i++)
            idx[i] = i;
        socm_shuffle(idx, d.n, c->o->params.seed ? c->o->params.seed : 42);
        int rc = 0;
        for (size_t k = 0; k < c->kinds->n && rc == 0; k++) {
            const struct socm_model_kind *kind = socm_model_find(c->kinds->v[k]);
            r.kind = kind ? kind->name : c->kinds->v[k];
            struct socm_error e = {0};
            if (!kind || cross_validate_kind(kind, c->o, &d, idx, c->folds, &r, &e) != 0) {
                char why[sizeof e.msg + 32];
                snprintf(why, sizeof why, "failed: %s", kind ? e.msg : "unknown model");
                r.skipped = why;
                c->report(&r, c->arg);
                r.skipped = NULL;
                continue;
            }
            c->report(&r, c->arg);
        }
        free(idx);
        socm_dataset_free(&d);
        if (rc)
            return rc;
    }
    (void)err;
    return 0;
}

int socm_predict_cross_validate(struct socm_history *h, const char *job_name, const struct socm_predict_options *o,
                                const struct socm_strv *kinds, size_t folds, socm_cv_report_fn report, void *arg,
                                struct socm_error *err)
{
    if (folds < 2)
        return socm_error_set(err, SOCM_E_INPUT, "cross-validation needs at least 2 folds");
    struct cv_ctx c = {o, kinds, folds, report, arg};
    return socm_predict_each_group(h, job_name, o, cv_group, &c, err);
}

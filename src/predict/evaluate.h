/* evaluate.h — k-fold cross-validation of model kinds on the history (`socm history
 * evaluate`), so a user can choose the model on figures measured the same way. */
#ifndef SOCM_PREDICT_EVALUATE_H
#define SOCM_PREDICT_EVALUATE_H

#include "predict/predict.h"

/* One (group, target, kind): pooled out-of-fold figures, or why it was skipped.
 * Strings are borrowed for the duration of the report call. */
struct socm_cv_result {
    const char *job_name, *categorical, *kind; /* kind NULL when the group was skipped */
    enum socm_target target;
    size_t n, folds;
    double r2, rmse, mean_pct_error;
    double train_s; /* mean training time of one fold */
    const char *skipped; /* NULL, or why there are no figures */
};
typedef void (*socm_cv_report_fn)(const struct socm_cv_result *r, void *arg);

/* Cross-validates each kind (names in `kinds`) with `folds` folds on every group of
 * completed runs (only job_name's when given) and each target o wants; nothing is
 * stored. A group with fewer runs than max(min_runs, folds) is reported skipped. */
int socm_predict_cross_validate(struct socm_history *h, const char *job_name, const struct socm_predict_options *o,
                                const struct socm_strv *kinds, size_t folds, socm_cv_report_fn report, void *arg,
                                struct socm_error *err);

#endif

/* history_train.h — what `socm history train` prints: a summary (models trained per
 * target and job names, and the reasons for skipping the others counted — "fewer
 * than 10 completed runs with a measured runtime" once with its count, not once per
 * job name and target), a line per trained model with its held-out R², RMSE and
 * percent error (all of them, skipped ones too, with --verbose; up to 20 without),
 * every model with --json. */
#ifndef SOCM_CLI_HISTORY_TRAIN_H
#define SOCM_CLI_HISTORY_TRAIN_H

#include "predict/predict.h"
#include "util/str.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define SOCM_TRAIN_REASONS 16
#define SOCM_TRAIN_LINES 20
struct socm_train_out {
    bool json, verbose;
    json_t *arr;
    int trained, skipped, by_target[SOCM_TARGET_COUNT];
    struct socm_strv jobs; /* job names with a model */
    struct socm_strv lines; /* without --verbose: the trained models' lines, shown when few */
    char *reason[SOCM_TRAIN_REASONS + 1];
    int count[SOCM_TRAIN_REASONS + 1];
};

void socm_train_out_init(struct socm_train_out *t, bool json, bool verbose);
/* A socm_train_report_fn: counts (and with --verbose prints, with --json collects)
 * one trained or skipped model. */
void socm_train_out_report(const struct socm_model_info *mi, void *arg);
void socm_train_out_summary(const struct socm_train_out *t, FILE *out);
void socm_train_out_free(struct socm_train_out *t);

/* A JSON text as JSON (features, categories), or as a string when it is not JSON. */
json_t *socm_history_json_or_text(const char *s);

#endif

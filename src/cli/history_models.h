/* history_models.h — `socm history train` and `socm history evaluate`. */
#ifndef SOCM_CLI_HISTORY_MODELS_H
#define SOCM_CLI_HISTORY_MODELS_H

#include "cli/cli.h"

#include <stdbool.h>

struct socm_history_model_args {
    const char *db, *job_name, *model, *config;
    long degree, k, seed, min_runs, folds;
    bool json, verbose, skip_bad;
};

/* Each returns the exit code. */
int socm_history_train_cmd(const struct socm_history_model_args *a);
int socm_history_evaluate_cmd(const struct socm_history_model_args *a);

#endif

/* slurmise.h — the `[slurmise]` table, read alongside `[predict]`:
 *   model_type = "random_forest"           the model kind (as [predict] model)
 *   model_path = "models.db"               where `history train` saves the models
 *                                          and planning loads them from
 *   numeric_features = ["data_size"]       explicit split of the features into
 *   categorical_features = ["band"]        model inputs and categories
 *   targets = ["walltime", "memory", "cpu_efficiency", "cpu_cores"]
 *   training_data_path = "jobs.csv"        imported (idempotently) before training
 * Relative paths are relative to the directory of the file they are written in. */
#ifndef SOCM_PREDICT_SLURMISE_H
#define SOCM_PREDICT_SLURMISE_H

#include "predict/predict.h"

/* Overlays the [slurmise] table `t` (NULL = none) on o; unknown keys are errors. */
int socm_predict_options_from_slurmise(const struct socm_value *t, struct socm_predict_options *o,
                                       struct socm_error *err);
/* The settings of a whole config: `[predict]` (else `[campaign.predict]`), then
 * `[slurmise]`. When history_db is non-NULL and *history_db is NULL, it gets the
 * `history_db` of [predict] or [campaign] (borrowed), if any. */
int socm_predict_options_from_root(const struct socm_value *config, struct socm_predict_options *o,
                                   const char **history_db, struct socm_error *err);

/* Whether o has numeric_features or categorical_features. */
bool socm_predict_has_feature_lists(const struct socm_predict_options *o);
/* Re-splits a run's features by o's lists: a listed name goes to its list's side (a
 * number becomes the category of its text; text that is not a number cannot be a
 * numeric input and is dropped); an unlisted name keeps its side, unless that side
 * has a list of its own (then it is left out). Outputs are canonical JSON (malloc'd). -1 if an input is not a JSON object. */
int socm_features_resplit(const struct socm_predict_options *o, const char *categorical_json,
                          const char *numeric_json, char **cat_out, char **num_out);

/* Saves every model of h to `path` atomically (a SQLite file with the models
 * table: written beside it, synced, renamed over it). */
int socm_models_save(struct socm_history *h, const char *path, int64_t *n_models, struct socm_error *err);

#endif

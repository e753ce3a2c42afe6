/* so_types.h — the Simons Observatory workflow types (ml-mapmaking, the nine
 * ml-null-tests members, sat-sims) and the helpers they share. The registry's
 * built-in tables list the structs declared here. */
#ifndef SOCM_WORKFLOWS_SO_TYPES_H
#define SOCM_WORKFLOWS_SO_TYPES_H

#include "obsdb/obsdb.h"
#include "campaign/campaign.h"
#include "socm/workflow.h"

extern const struct socm_workflow_type socm_wftype_ml_mapmaking;
extern const struct socm_workflow_type socm_wftype_sat_sims;
/* "ml-null-tests.<member>" */
extern const struct socm_workflow_type socm_wftype_ml_null_mission;
extern const struct socm_workflow_type socm_wftype_ml_null_wafer;
extern const struct socm_workflow_type socm_wftype_ml_null_direction;
extern const struct socm_workflow_type socm_wftype_ml_null_pwv;
extern const struct socm_workflow_type socm_wftype_ml_null_day_night;
extern const struct socm_workflow_type socm_wftype_ml_null_moonrise_set;
extern const struct socm_workflow_type socm_wftype_ml_null_elevation;
extern const struct socm_workflow_type socm_wftype_ml_null_sun_close;
extern const struct socm_workflow_type socm_wftype_ml_null_moon_close;
extern const struct socm_subcampaign socm_subcampaign_ml_null_tests;

/* ---- shared by ml_mapmaking.c and null_tests.c ---- */

/* Keys the ML types read (besides every workflow's); others become options. */
extern const char *const socm_so_ml_keys[];
/* Keys socm itself reads that never become program options. */
extern const char *const socm_so_socm_keys[];

/* Fills wf from an ML section: the common fields, the ML defaults (executable
 * so-site-pipeline, subcommand make-ml-map), the required keys (context, area,
 * output_dir, preprocess_config), `maxiter`/`downsample` "200,200" as lists of
 * integers, and every "file://" value made absolute against base_dir. */
int socm_so_ml_fill(struct socm_workflow *wf, const struct socm_value *section,
                    const char *default_name, const char *base_dir, struct socm_error *err);
/* Runs the workflow's query on its context's obsdb (rows in obs_id order); an empty
 * result is an error. Errors carry the position of the key at fault. */
int socm_so_query(const struct socm_workflow *wf, const char *base_dir, struct socm_obslist *out,
                  struct socm_error *err);
/* The ML command line: srun ... <exe> <subcommand> <query> <area> <output_dir>
 * <preprocess_config> --k=v... for the set keys, sorted, minus `exclude` (NULL-
 * terminated) and socm's own keys. */
int socm_so_ml_argv(const struct socm_workflow *wf, const char *const *exclude,
                    struct socm_strv *argv, struct socm_error *err);
/* Every "file://" string (and area, preprocess_config) → "file://<absolute path>". */
void socm_so_absolutize(struct socm_value *fields, const char *base_dir);
/* Sorts idx by (timestamp, obs_id), cuts it into ceil(n / chunk_nobs) chunks of
 * nearly equal size (numpy.array_split: the first n mod k chunks one longer) and
 * deals chunk i to split i mod nsplits: split_of[j] is the split of idx[j]. */
void socm_so_null_split(const struct socm_obslist *obs, size_t *idx, size_t n, int64_t chunk_nobs,
                        int64_t nsplits, size_t *split_of);
/* Whitespace-separated words of s appended to argv. */
void socm_so_words(struct socm_strv *argv, const char *s);
/* Keys of a table in bytewise order (pointers into the table). */
const char **socm_so_sorted_keys(const struct socm_value *tbl, size_t *n);
/* Text of a value in a command line: file:// made a path, lists joined with ",". */
char *socm_so_value_text(const struct socm_value *v);

#endif

/* record.h — the execution engine's link to the run history: what a task will record
 * is captured when the spec is built (so it survives in the journal for resume), and
 * each finished attempt is written to the history database. A history failure is
 * reported to the caller to log; it never fails the campaign. */
#ifndef SOCM_EXEC_RECORD_H
#define SOCM_EXEC_RECORD_H

#include "campaign/campaign.h"
#include "socm/enactor.h"
#include "util/error.h"

#include <jansson.h>

struct socm_history;

/* Where the campaign records runs: NULL when `[campaign] record_history = false`,
 * else `history_db` from [predict], [campaign.predict] or [campaign], else the
 * default path ($SOCM_HISTORY_DB, ~/.local/share/socm/history.db). Malloc'd. */
int socm_record_db_path(const struct socm_value *config, char **path, struct socm_error *err);

/* The run's fields known before it runs (job name, type, command, features,
 * request) as JSON; NULL if the features cannot be computed. */
json_t *socm_record_prepare(const struct socm_workflow *wf);

/* Records one finished attempt of a workflow of `campaign`: `prepared` from
 * socm_record_prepare, the measures and outcome from r; `where` is "local" or the
 * Slurm job id. Added to h's batch (socm_history_add): socm_history_commit
 * keeps it. */
int socm_record_result(struct socm_history *h, const json_t *prepared, const char *campaign,
                       const struct socm_result *r, const char *resource, const char *where,
                       struct socm_error *err);

#endif

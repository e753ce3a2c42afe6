/* pilot.h — what the slurm-pilot manager and its agent (`socm agent`, inside the
 * allocation) share: the layout of STATE_DIR/pilot/ through which they talk (a
 * shared file system, so the manager can die and come back), and the one quoting
 * function every value written into a batch script goes through.
 *
 *   pilot/jobs              pilot job ids, one per line (manager, after each sbatch)
 *   pilot/queue/I.A.json    work for the agent: workflow index I, attempt A (manager)
 *   pilot/taken/I.A.json    the same once the agent started it (agent, by rename)
 *   pilot/reports/I.A.step  "JOBID.STEPID" once the srun step runs (the step itself)
 *   pilot/reports/I.A.end   the attempt's result (agent)
 *   pilot/cancel/I.A        the manager asks the agent to stop that attempt
 *   pilot/stop              the manager has no more work: the agent exits when idle
 * Every file is written atomically (tmp + rename), so a reader never sees half. */
#ifndef SOCM_EXEC_PILOT_H
#define SOCM_EXEC_PILOT_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

/* Single-quote shell quoting: 'it'\''s' — safe for any byte string (newlines,
 * $, ;, quotes) in a POSIX shell. Returns a malloc'd string. */
char *socm_sh_quote(const char *s);

/* "STATE_DIR/pilot/<sub>" (malloc'd). */
char *socm_pilot_path(const char *state_dir, const char *sub);
/* Creates pilot/ and its subdirectories. */
int socm_pilot_mkdirs(const char *state_dir, struct socm_error *err);
/* Parses "I.A.<ext>" → index, attempt; returns false for other names (tmp files). */
bool socm_pilot_name_parse(const char *name, const char *ext, int *index, int *attempt);

/* `socm cancel`: scancel of every pilot job the campaign started (pilot/jobs) that
 * Slurm still has queued or running; *n gets how many. 0 without pilots. */
int socm_pilot_scancel(const char *state_dir, size_t *n, struct socm_error *err);

/* Runs the agent in the current Slurm allocation until the manager says stop (and
 * nothing runs) or Slurm ends the job. Returns 0, or -1 with err filled. */
int socm_pilot_agent_run(const char *state_dir, struct socm_error *err);

#endif

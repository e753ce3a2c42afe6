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

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Single-quote shell quoting: 'it'\''s' — safe for any byte string (newlines,
 * $, ;, quotes) in a POSIX shell. Returns a malloc'd string. */
char *socm_sh_quote(const char *s);

/* "STATE_DIR/pilot/<sub>" (malloc'd). */
char *socm_pilot_path(const char *state_dir, const char *sub);
/* Creates pilot/ and its subdirectories. */
int socm_pilot_mkdirs(const char *state_dir, struct socm_error *err);
/* Parses "I.A.<ext>" → index, attempt; returns false for other names (tmp files). */
bool socm_pilot_name_parse(const char *name, const char *ext, int *index, int *attempt);
/* The whole of a file under pilot/ (malloc'd), or NULL when it is not there (yet).
 * Files there are written atomically, so what is read is never half of one. */
char *socm_pilot_read(const char *path);

/* Where attempt A of workflow index I runs or ran on Slurm, "JOBID.STEPID" (malloc'd),
 * or NULL when unknown or not a Slurm enactor: slurm-pilot reads the step report the
 * step wrote (pilot/reports/I.A.step); slurm-jobs runs the program as step 0 of the
 * workflow's job, so it is "JOB.0" once the job ran (job > 0). */
char *socm_slurm_step_of(const char *state_dir, const char *enactor, int index, int attempt,
                         long job);

/* `socm cancel`: scancel of every pilot job the campaign started (pilot/jobs) that
 * Slurm still has queued or running; *n gets how many. 0 without pilots. */
int socm_pilot_scancel(const char *state_dir, size_t *n, struct socm_error *err);

/* The next pilot's shape, re-planned (pilot_replan.c). */
struct socm_pilot_shape {
    int64_t cores;
    double walltime_min;
    char *qos;                /* NULL = the site's default */
    size_t workflows;         /* how many remain */
    double deadline_left_min; /* what the plan was made against */
};

struct socm_resource;
/* The campaign's resource from its resolved configuration (the journal's spec): a
 * named one, its own [campaign.resources], or the live cluster for "discover". */
struct socm_resource *socm_pilot_resource(const json_t *config, struct socm_error *err);
/* Whether that resource is the live cluster (resource = "discover", read with sinfo
 * and sacctmgr); *partition gets [campaign.slurm]'s partition (malloc'd, or NULL). */
bool socm_pilot_resource_live(const json_t *config, char **partition);

/* Plans the campaign's remaining workflows (journal state: not DONE, FAILED or
 * CANCELED) with its planner, resource and schema against the deadline that is
 * left. The resource is `given` when not NULL (a live cluster read beforehand, away
 * from the event loop; taken and freed), else socm_pilot_resource's. min_walltime (nmin entries by workflow index, minutes; may be NULL) raises a workflow's
 * walltime, for one a pilot's walltime cut off after it ran that long. Returns 0
 * with *out filled, 1 when nothing remains, -1 with err filled (deadline passed,
 * no plan meets it, resource unknown): the caller keeps the old shape. */
int socm_pilot_replan(const char *state_dir, struct socm_resource *given,
                      const double *min_walltime, size_t nmin, struct socm_pilot_shape *out,
                      struct socm_error *err);
void socm_pilot_shape_free(struct socm_pilot_shape *s);

/* Runs the agent in the current Slurm allocation until the manager says stop (and
 * nothing runs) or Slurm ends the job. Returns 0, or -1 with err filled. */
int socm_pilot_agent_run(const char *state_dir, struct socm_error *err);

#endif

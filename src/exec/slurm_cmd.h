/* slurm_cmd.h — runs one Slurm command (an argv array, never a shell) with a timeout
 * and captures its stdout and stderr. Self-contained so the Slurm layer does not
 * depend on the general process helper. */
#ifndef SOCM_SLURM_CMD_H
#define SOCM_SLURM_CMD_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

struct socm_slurm_cmd_result {
    int status;     /* exit code; 128+N if killed by signal N; -1 if not run */
    bool timed_out; /* killed because the timeout passed */
    char *out;      /* captured stdout, NUL-terminated (never NULL after a run) */
    size_t out_len;
    char *errtext;  /* captured stderr, NUL-terminated */
    size_t err_len;
};

/* Runs argv (argv[0] looked up in PATH) with stdin from /dev/null, in its own
 * process group, killing the group after timeout_s seconds (<= 0: no limit).
 * Returns 0 when the command ran (whatever its exit status) and -1 when it could
 * not be started (err says why, e.g. "sbatch: No such file or directory"). */
int socm_slurm_cmd_run(const char *const *argv, double timeout_s,
                       struct socm_slurm_cmd_result *res, struct socm_error *err);
void socm_slurm_cmd_result_free(struct socm_slurm_cmd_result *res);

#endif

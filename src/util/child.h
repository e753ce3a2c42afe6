/* child.h — the one way socm runs a helper program and reads what it printed (Slurm's
 * commands, awk feature parsers, scontrol): an argv array, never a shell; stdin from
 * /dev/null; stdout and stderr captured; in its own process group, which is killed
 * at a deadline or when the output grows past a limit. */
#ifndef SOCM_CHILD_H
#define SOCM_CHILD_H

#include "util/error.h"
#include "util/str.h"

#include <stdbool.h>
#include <stddef.h>

struct socm_child_result {
    int status;     /* exit code; 128+N if killed by signal N; -1 if not run */
    bool timed_out; /* killed because the timeout passed */
    bool too_long;  /* killed because its output passed the size limit */
    char *out;      /* captured stdout, NUL-terminated (never NULL after a run) */
    size_t out_len;
    char *errtext;  /* captured stderr, NUL-terminated (never NULL after a run) */
    size_t err_len;
};

/* Runs argv (argv[0] looked up in PATH). timeout_s <= 0: no limit; max_bytes 0: no
 * limit on stdout + stderr. Returns 0 when the command ran (whatever its exit
 * status; res says how it ended) and -1 when it could not be started (err says
 * why, e.g. "cannot start 'sbatch': No such file or directory"); res is then empty
 * and needs no free. */
int socm_child_run(const char *const *argv, double timeout_s, size_t max_bytes,
                   struct socm_child_result *res, struct socm_error *err);
/* The same with `input` written to the child's stdin (then closed) while its output
 * is read; a child that exits without reading it all is not an error here. */
int socm_child_run_input(const char *const *argv, const char *input, size_t input_len,
                         double timeout_s, size_t max_bytes, struct socm_child_result *res,
                         struct socm_error *err);
void socm_child_result_free(struct socm_child_result *res);

/* The command's output when it succeeded: socm_child_run, then 0 only for exit
 * status 0 in time and within the limit (stdout appended to out); otherwise -1
 * with a message naming argv[0] and what it wrote on stderr. */
int socm_child_capture(const char *const *argv, double timeout_s, size_t max_bytes,
                       struct socm_buf *out, struct socm_error *err);

#endif

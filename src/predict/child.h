/* child.h — running a helper program (awk, sacct) as an argv child, never through a
 * shell, capturing its standard output, with a timeout and an output limit. */
#ifndef SOCM_PREDICT_CHILD_H
#define SOCM_PREDICT_CHILD_H

#include "util/error.h"
#include "util/str.h"

/* Runs argv[0] (found on PATH) with stdin and stderr on /dev/null; its stdout is
 * appended to out (at most max_bytes). The child is killed after timeout_s. Returns
 * 0 when it exited with status 0; otherwise -1 with a message naming argv[0]. */
int socm_child_capture(char *const argv[], double timeout_s, size_t max_bytes,
                       struct socm_buf *out, struct socm_error *err);

#endif

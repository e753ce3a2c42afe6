/* retry.h — which workflows `socm retry` (and `socm resume --retry-failed`) runs
 * again: the FAILED and CANCELED ones, or those named, and with each every dependant
 * a failure canceled; never one that is DONE or still under way. The bookkeeper
 * journals the choice and runs them with the campaign's plan (bookkeeper.c). */
#ifndef SOCM_EXEC_RETRY_H
#define SOCM_EXEC_RETRY_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

struct socm_bk;

struct socm_retry_req {
    const char *const *names; /* workflows to retry; none = every one in the states below */
    size_t nnames;
    bool failed, canceled;    /* which states; neither = both */
};

/* Fills *idx (malloc'd, n entries, ascending) with the workflow indexes to run again.
 * An unknown name, or a named workflow that is not FAILED or CANCELED, is bad input
 * (exit 2). n = 0 when nothing is to be retried. */
int socm_retry_select(const struct socm_bk *bk, const struct socm_retry_req *r, int **idx,
                      size_t *n, struct socm_error *err);

#endif

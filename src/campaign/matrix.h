/* matrix.h — `matrix = { KEY = [values...] }` in a workflow section: the section
 * becomes one section per combination (cartesian product, keys in order), named
 * SECTION-<v1>-<v2>..., with {KEY} substituted in its strings; a `depends` on the
 * matrixed section means every member. Works on the config tree before expansion. */
#ifndef SOCM_MATRIX_H
#define SOCM_MATRIX_H

#include "config/value.h"
#include "util/error.h"

/* Rewrites the sections of the [campaign] table `camp` in place. Returns the number
 * of errors added to errs (0 when every matrix is well formed). */
int socm_matrix_expand(struct socm_value *camp, struct socm_errlist *errs);

#endif

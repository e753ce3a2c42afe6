/* dot.h — a campaign's DAG in Graphviz DOT: one node per workflow (labelled with
 * its name and, when given, its cores and walltime), one edge per dependency. */
#ifndef SOCM_DOT_H
#define SOCM_DOT_H

#include "campaign/campaign.h"
#include "socm/planner.h"

#include <stdio.h>

/* reqs may be NULL (names only). */
void socm_dot(FILE *out, const char *graph_name, const struct socm_dag *dag, const char *const *names,
              const struct socm_req *reqs);
int socm_dot_write(const char *path, const char *graph_name, const struct socm_dag *dag, const char *const *names,
                   const struct socm_req *reqs, struct socm_error *err);

#endif

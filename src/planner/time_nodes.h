/* time_nodes.h — per node, for policy `time`'s list scheduler (time_place.c): its
 * memory and cores in use together (nodeline.h), which tell when a node first has
 * a workflow's cores and memory free together (no slot inside it can start
 * earlier), and when keeping them pays. Plans are the same with them or without. */
#ifndef SOCM_TIME_NODES_H
#define SOCM_TIME_NODES_H

#include "planner/nodeline.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct socm_time_node_first;
struct socm_time_placed;

struct socm_time_nodes {
    int64_t cores, cpn, nnodes; /* the cores a plan uses, in nodes of cpn */
    struct socm_nodeline *line; /* per node */
    struct socm_time_node_first *first; /* per node: socm_time_nodes_start's last answer */
    /* Whether the lines are kept and asked (`on`). They pay where the slot
     * searches walk many intervals (universe's wide nodes: 7–10 a search at
     * 10,000 workflows), not where they walk 2 (the default clusters' remote
     * plans): so a plan starts without them and, once a window of searches has
     * walked enough intervals a search, builds them from its placements so far
     * (`log`); and drops them for good (`retired`) where their own searches cost
     * more than the walks they save (socm_time_nodes_searched). */
    bool on, retired;
    unsigned long searches, walks, fits; /* in this window: fits, steps the lines looked at */
    double rate; /* intervals walked a search without the lines */
    struct socm_time_placed *log;
    size_t nlog, caplog;
};

void socm_time_nodes_init(struct socm_time_nodes *tn, int64_t cores, int64_t cpn);
void socm_time_nodes_free(struct socm_time_nodes *tn);
/* A workflow placed on k cores from `first` over [s, e) with memory m (split over
 * its nodes in proportion to its cores there, as for the memory lines). */
void socm_time_nodes_place(struct socm_time_nodes *tn, int64_t first, int64_t k, double s, double e, double m);
/* With the lines on: the earliest start from t, before `limit`, at which node j
 * has k cores free and memory in use at most `room` all along a walltime w; or a
 * time before which none is (a search that would look at too many steps stops);
 * INFINITY if none before `limit`. Kept for the workflow being placed (`epoch`),
 * whose tries on the node's slots ask again. */
double socm_time_nodes_start(struct socm_time_nodes *tn, unsigned long epoch, int64_t j, int64_t k, double w,
                             double room, double t, double limit);
/* One more insertion search made (its intervals walked are added to `walks` by
 * the caller): at the end of a window, the lines may be turned on or off. */
void socm_time_nodes_searched(struct socm_time_nodes *tn);

/* For tests: the lines are built once a window of `window` insertion searches
 * has walked `walks` intervals a search (8,192 and 4; 1 and 0: at the first
 * search; 0: never). The plans are the same whatever these are. */
void socm_plan_time_node_window(unsigned long window, unsigned long walks);

#endif

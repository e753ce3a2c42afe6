/* time_nodes.c — per node memory and cores in use together, for policy `time`'s
 * list scheduler (see time_nodes.h). */
#include "planner/time_nodes.h"
#include "util/str.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* socm_time_nodes_start's answer for one workflow: from `from`, the earliest start
 * `at`, or INFINITY for none before `stop` (stop INFINITY: `at` is only a time
 * before which no start fits). */
struct socm_time_node_first {
    unsigned long epoch;
    double from, at, stop;
};

/* One placement, for building the lines later. */
struct socm_time_placed {
    int64_t first, k;
    double s, e, m;
};

/* Steps a line's search may look at before it answers with a time before which
 * nothing fits (still a start for the slots' searches). */
#define NODE_BUDGET 16384
/* See socm_time_nodes_searched. */
#define NODE_FIT_COST 48

static unsigned long node_window = 8192, node_walks = 4;

void socm_plan_time_node_window(unsigned long window, unsigned long walks)
{
    node_window = window;
    node_walks = walks;
}

void socm_time_nodes_init(struct socm_time_nodes *tn, int64_t cores, int64_t cpn)
{
    memset(tn, 0, sizeof *tn);
    tn->cores = cores;
    tn->cpn = cpn;
    tn->nnodes = (cores + cpn - 1) / cpn;
    tn->line = socm_xcalloc((size_t)tn->nnodes, sizeof *tn->line);
    tn->first = socm_xcalloc((size_t)tn->nnodes, sizeof *tn->first);
}

void socm_time_nodes_free(struct socm_time_nodes *tn)
{
    for (int64_t j = 0; j < tn->nnodes; j++)
        socm_nodeline_free(&tn->line[j]);
    free(tn->line);
    free(tn->first);
    free(tn->log);
    memset(tn, 0, sizeof *tn);
}

/* Adds a placement to the lines of its nodes: cores on node j are those of
 * [first, first + k) in [j·cpn, (j + 1)·cpn), and its memory there the same share
 * as on the memory lines (the same sums, in the same order). */
static void lines_add(struct socm_time_nodes *tn, int64_t first, int64_t k, double s, double e, double m)
{
    for (int64_t j = first / tn->cpn; j <= (first + k - 1) / tn->cpn; j++) {
        int64_t a = j * tn->cpn > first ? j * tn->cpn : first;
        int64_t b = (j + 1) * tn->cpn < first + k ? (j + 1) * tn->cpn : first + k;
        socm_nodeline_add(&tn->line[j], s, e, m * (double)(b - a) / (double)k, (double)(b - a));
    }
}

void socm_time_nodes_place(struct socm_time_nodes *tn, int64_t first, int64_t k, double s, double e, double m)
{
    if (tn->on) {
        lines_add(tn, first, k, s, e, m);
        return;
    }
    if (tn->retired)
        return;
    if (tn->nlog == tn->caplog) { /* the lines may be wanted later */
        tn->caplog = tn->caplog ? 2 * tn->caplog : 256;
        tn->log = socm_xrealloc(tn->log, tn->caplog * sizeof *tn->log);
    }
    tn->log[tn->nlog++] = (struct socm_time_placed){first, k, s, e, m};
}

double socm_time_nodes_start(struct socm_time_nodes *tn, unsigned long epoch, int64_t j, int64_t k, double w,
                             double room, double t, double limit)
{
    struct socm_time_node_first *nf = &tn->first[j];
    if (nf->epoch == epoch && nf->from == t && (nf->at != INFINITY || limit <= nf->stop))
        return nf->at;
    int64_t ncores = tn->cores - j * tn->cpn < tn->cpn ? tn->cores - j * tn->cpn : tn->cpn;
    struct socm_nodeline *l = &tn->line[j];
    /* What the line's changes since it was last asked cost (redone first). */
    tn->fits += l->stale < l->n ? l->n - l->stale : 0;
    size_t budget = NODE_BUDGET;
    /* At most ncores − k cores in use: k free. */
    double c = socm_nodeline_fit(l, t, w, room, (double)(ncores - k), limit, &budget);
    tn->fits += NODE_BUDGET - budget;
    *nf = (struct socm_time_node_first){.epoch = epoch, .from = t, .at = c, .stop = budget ? limit : INFINITY};
    return c;
}

/* At the end of each window of searches, the lines are turned on where the
 * searches walk many intervals (built from the placements so far, in their order:
 * the same sums as if kept all along), and off for good where, on, their searches
 * look at more than NODE_FIT_COST steps for each interval a search walked without
 * them (a step of theirs is a look at contiguous figures; an interval walked costs
 * a core's list and memory questions: on universe they look at 15–150 steps a
 * search for 5 intervals walked, and pay; in the default clusters' batch plans
 * 600–1,100 for 9, and do not). */
void socm_time_nodes_searched(struct socm_time_nodes *tn)
{
    if (tn->retired || ++tn->searches != node_window)
        return;
    if (!tn->on) {
        if (tn->walks >= node_window * node_walks) {
            tn->rate = (double)tn->walks / (double)tn->searches;
            tn->on = true;
            for (size_t i = 0; i < tn->nlog; i++)
                lines_add(tn, tn->log[i].first, tn->log[i].k, tn->log[i].s, tn->log[i].e, tn->log[i].m);
            free(tn->log);
            tn->log = NULL;
            tn->nlog = tn->caplog = 0;
        }
    } else if ((double)tn->fits > NODE_FIT_COST * tn->rate * (double)tn->searches) {
        tn->on = false;
        tn->retired = true;
        for (int64_t j = 0; j < tn->nnodes; j++)
            socm_nodeline_free(&tn->line[j]);
    }
    tn->searches = tn->walks = tn->fits = 0;
}

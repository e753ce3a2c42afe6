/* pilot_agent.h — what the two files of the slurm-pilot agent (`socm agent`) share,
 * private to them: the allocation's nodes, the work items, the cores of ended steps
 * Slurm has yet to release, and the functions each file gives the other.
 *
 *   pilot_agent.c  the agent's loop: takes work, places it on the nodes, cancels
 *   pilot_step.c   one attempt as an srun step: launch, how it ended, its end report
 */
#ifndef SOCM_EXEC_PILOT_AGENT_H
#define SOCM_EXEC_PILOT_AGENT_H

#include "state/spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A step Slurm refuses to create is retried with back-off (0.5 s doubling, at most
 * STEP_BACKOFF_MAX_S) for as long as STEP_REFUSED_MAX_S: a restarted controller
 * refuses steps for a while ("Memory required by task is not available") until the
 * nodes have reported what the old steps released. */
#define STEP_BACKOFF_MAX_S 30.0
#define STEP_REFUSED_MAX_S 900.0
/* An ended step's cores and memory are placed again only once Slurm no longer lists
 * the step (squeue --steps), at most DRAIN_MAX_S after its end. */
#define DRAIN_MAX_S 30.0

struct node {
    char *name;
    int64_t cpus, free;
};

struct item {
    int index, attempt;
    struct socm_task task;
    char *sandbox;
    int64_t *use; /* cores used per node while running */
    pid_t pid;
    int pidfd;    /* -1 while pending */
    int tries;    /* step creation refusals so far */
    double refused_since; /* first refusal of this attempt's step (0 = none) */
    double not_before;
    bool cancel;
    char *unreported;     /* its end report, until it could be written */
    bool unreported_said;
};

/* Cores of an ended step that Slurm may not have released yet. */
struct drain {
    char *step;    /* "JOBID.STEPID" */
    int64_t *use;  /* cores per node it holds */
    double until;  /* release anyway then */
};

struct agent {
    char *dir;
    struct drain *drains;
    size_t ndrains;
    double drain_check; /* next squeue --steps, 0 = none due */
    const char *campaign;
    double grace_s;
    struct node *nodes;
    size_t nn;
    struct item **items;
    size_t n, cap;
    bool ending; /* Slurm is ending this pilot (a step saw its node fail or its time
                  * run out): take no more work, the manager hands it to a new pilot */
};

/* pilot_agent.c */
void socm_pagent_release(struct agent *A, struct item *it);
void socm_pagent_remove_item(struct agent *A, size_t k);
/* pilot_step.c */
/* Item k ended: its end report (the supervisor's result plus the step id, or with
 * `outcome` set a result of the agent's own, reason `why`) is written and the item
 * removed (true). A report that cannot be written is kept in the item, which stays
 * (its work in taken/: never run again) until socm_pagent_reports_retry writes it. */
bool socm_pagent_end(struct agent *A, size_t k, const char *outcome, const char *why);
/* Writes the kept end reports it can; returns when to try again (0 = none left). */
double socm_pagent_reports_retry(struct agent *A);
/* Starts the placed item as an srun step under the supervisor; -1 with err. */
int socm_pagent_launch(struct agent *A, struct item *it, struct socm_error *err);
/* Releases the cores of ended steps Slurm no longer lists; returns when to look
 * again (0 = nothing drains). */
double socm_pagent_drain_check(struct agent *A);
void socm_pagent_drain_release(struct agent *A, size_t k);
/* Item k's supervisor ended: a refused step is tried again later, anything else is
 * reported and the item removed. */
void socm_pagent_finish(struct agent *A, size_t k);

#endif

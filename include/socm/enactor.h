/* socm/enactor.h — the enactor interface (public plug-in API). An enactor runs the
 * workflows the bookkeeper hands it — on this machine (local), nowhere (dryrun), or
 * on Slurm — and reports their state changes back through callbacks. The bookkeeper
 * owns the event loop: it polls the descriptors the enactor exposes and calls
 * handle() when they are ready, so an enactor never blocks and never spins.
 *
 * Placement is separate from launching: place() reserves resources for one workflow
 * (so that the bookkeeper can journal the decision), submit() starts it. */
#ifndef SOCM_PUBLIC_ENACTOR_H
#define SOCM_PUBLIC_ENACTOR_H

#include "socm/model.h"

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the enactor may use: the whole local machine, or the planned allocation. */
struct socm_allocation {
    const char *campaign;
    const char *state_dir;
    int64_t cores;      /* 0 = all of this machine */
    double memory_mb;   /* 0 = MemAvailable */
    bool pin;           /* bind each workflow to its cores */
    double grace_s;     /* SIGTERM → SIGKILL on walltime and stop */
    bool simulate;      /* dryrun: replay the plan on a virtual clock */
    const char *account;   /* Slurm --account of this site; NULL = none/the config's */
    const char *partition; /* Slurm --partition of this site; NULL = none/the config's */
};

/* One attempt of one workflow. The bookkeeper fills index/attempt/task/sandbox;
 * place() fills cores (the core numbers reserved, ncores = task->cores). */
struct socm_launch {
    int index;   /* 0-based workflow index */
    int attempt; /* 1-based */
    const struct socm_task *task;
    const char *sandbox;   /* STATE_DIR/workflows/<name> */
    int64_t *cores;        /* placement (owned by the launch, freed by the bookkeeper) */
    size_t ncores;
    long job;              /* enactor's handle once started: pid, Slurm job id... */
    /* Only for an enactor that orders dependencies itself (orders_dependencies):
     * the job handles of the predecessors that have not ended yet, which this launch
     * must wait for (Slurm: --dependency=afterok:<ids>). Owned by the bookkeeper. */
    long *after;
    size_t nafter;
};

/* How an attempt ended. SYSTEM: socm itself could not do its part (a file it cannot
 * write, a process it cannot start) and the command never started: not the
 * workflow's failure — no attempt is counted, the manager stops (exit 3) and a
 * resume starts it again. */
enum socm_outcome { SOCM_OUT_DONE, SOCM_OUT_FAILED, SOCM_OUT_TIMEOUT, SOCM_OUT_CANCELED,
                    SOCM_OUT_LOST, SOCM_OUT_SYSTEM };
struct socm_result {
    int index, attempt;
    enum socm_outcome outcome;
    int exit_code;       /* -1 if killed by a signal */
    int signal;          /* 0 if none */
    double start, end;   /* epoch seconds */
    double elapsed_s, max_rss_mb, cpu_s; /* max_rss_mb NAN: not known (yet; see accounting) */
    const char *reason;  /* human text for failures, may be NULL */
};

struct socm_enactor;
struct socm_enactor_callbacks {
    void *ctx;
    void (*running)(void *ctx, int index, int attempt, long job);
    void (*finished)(void *ctx, const struct socm_result *r);
    void (*log)(void *ctx, const char *msg);
};

struct socm_enactor_ops {
    const char *name;
    const char *description;
    int (*setup)(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err);
    /* 0 placed, 1 no room now (try later), -1 can never fit (err says why). */
    int (*place)(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err);
    void (*unplace)(struct socm_enactor *e, struct socm_launch *l);
    /* Starts placed launches; a launch that cannot start is reported through finished(). */
    void (*submit)(struct socm_enactor *e, struct socm_launch *const *l, size_t n);
    /* After a restart: 0 live again (resources re-reserved), 1 it ended meanwhile
     * (result delivered through finished()), 2 never started (start it again), 3 it
     * was cut short while it ran and what was left of it is stopped (start it again,
     * the attempt counted), -1 cannot tell now (err says why; the resume stops). */
    int (*reattach)(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err);
    /* Descriptors to poll (returns how many were written, at most max). */
    size_t (*pollfds)(struct socm_enactor *e, struct pollfd *fds, size_t max);
    /* Longest the loop may sleep for this enactor (ms), -1 = no limit. */
    int (*timeout_ms)(struct socm_enactor *e);
    /* Handles ready descriptors (and due timers) and reports through callbacks. */
    void (*handle)(struct socm_enactor *e, const struct pollfd *fds, size_t n);
    /* The enactor's clock (epoch seconds); NULL = wall clock. */
    double (*now)(struct socm_enactor *e);
    /* Stops one workflow (SIGTERM, grace, SIGKILL); its end comes through finished(). */
    void (*cancel)(struct socm_enactor *e, int index);
    /* Stops everything (same as cancel on each). */
    void (*terminate)(struct socm_enactor *e);
    size_t (*active)(struct socm_enactor *e); /* launches started and not yet reported */
    void (*destroy)(struct socm_enactor *e);
};

struct socm_enactor {
    const struct socm_enactor_ops *ops;
    struct socm_enactor_callbacks cb;
    void *priv;
    /* Set by setup() when the enactor makes a launch wait for launch->after itself
     * (Slurm's afterok): the bookkeeper then hands over a workflow as soon as each
     * predecessor is DONE or has a job handle and cannot be resubmitted, rather
     * than when all are DONE. */
    bool orders_dependencies;
    /* Set by setup() when the walltime it enforces is the task's rounded up to a
     * multiple of this many minutes (Slurm's --time: 1); 0 = exactly the task's. */
    double walltime_step_min;
    /* Set by socm (may be NULL): an ended attempt's peak memory, known later than
     * its end — finished() had max_rss_mb NAN (the batch system's accounting did not
     * answer then). Called with cb.ctx. */
    void (*accounting)(void *ctx, int index, int attempt, double max_rss_mb);
};

int socm_enactor_register(const struct socm_enactor_ops *ops);
const struct socm_enactor_ops *socm_enactor_find(const char *name);
void socm_enactor_names(struct socm_strv *names);
/* Loads an enactor from a shared object exporting `socm_enactor_plugin`. */
const struct socm_enactor_ops *socm_enactor_load_plugin(const char *path, struct socm_error *err);

/* The operations of an enactor by name (a built-in or registered one) or path to a
 * .so (loaded); an unknown name or a bad plug-in is an error listing what exists. */
const struct socm_enactor_ops *socm_enactor_resolve(const char *name, struct socm_error *err);

/* Creates an enactor by name (or path to a .so) and sets it up. */
struct socm_enactor *socm_enactor_create(const char *name, const struct socm_allocation *a,
                                         const struct socm_enactor_callbacks *cb,
                                         struct socm_error *err);
void socm_enactor_destroy(struct socm_enactor *e);
/* The enactor could not do what it was asked and nothing else will tell (a cancel
 * request it cannot write): the manager stops with msg as the reason (exit 3, the
 * system refused), leaving the work as it is for a resume once that is fixed. An
 * enactor made outside a manager logs msg. (Added within API version 2.) */
void socm_enactor_fault(struct socm_enactor *e, const char *msg);
double socm_enactor_now(struct socm_enactor *e);

/* Built-ins. */
extern const struct socm_enactor_ops socm_enactor_local;
extern const struct socm_enactor_ops socm_enactor_dryrun;
extern const struct socm_enactor_ops socm_enactor_slurm_pilot;
extern const struct socm_enactor_ops socm_enactor_slurm_jobs;

#ifdef __cplusplus
}
#endif

#endif

/* pilot_manager.h — what the files of the slurm-pilot enactor (the manager's side)
 * share, private to them: its state (struct pilot), one attempt handed to the pilot
 * (struct prun), and the functions each file gives the others.
 *
 *   enactor_slurm_pilot.c  the enactor's operations and its event handling
 *   pilot_job.c            the pilot job: sbatch, its durable record, adoption, re-plan
 *   pilot_replan.c         the re-plan itself (planner, resource, what is left)
 *   pilot_results.c        work to the agent, reports and accounting back
 *   pilot_calls.c          Slurm's commands run beside the event loop (a worker thread)
 */
#ifndef SOCM_EXEC_PILOT_MANAGER_H
#define SOCM_EXEC_PILOT_MANAGER_H

#include "agents/agent.h"
#include "enactors/enactor_slurm.h"
#include "slurm/slurm.h"
#include "socm/enactor.h"
#include "util/str.h"

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_PILOTS 20          /* pilots one manager run may submit */
#define ACCOUNTING_WAIT_S 20.0 /* how long an ended step waits for sacct's figures */
#define MAX_RERUNS 3           /* re-runs of one attempt whose step Slurm ended (node lost) */

struct prun {
    struct socm_launch *l;
    bool running_said;
    bool canceled_here; /* taken back from the queue before the agent saw it */
    json_t *end;        /* the agent's end report, once there */
    double ended_at;
    double started_at;  /* when its step was first seen (monotonic), 0 = not seen */
    char *step;         /* "JOBID.STEPID" */
    int reruns;         /* times its step was ended by Slurm and it was queued again */
};

/* One Slurm query or submission, run by a worker thread (pilot_calls.c): the loop
 * hands it copies of what it needs and reads the answer once `efd` is readable. */
enum pcall_kind { PCALL_POLL, PCALL_SUBMIT, PCALL_ADOPT, PCALL_DISCOVER };
struct pcall {
    enum pcall_kind kind;
    /* what to do (owned copies: the thread never touches struct pilot) */
    char *jobname, *dir, *partition;
    bool want_squeue, want_sacct, want_sinfo;
    struct socm_strv ids;  /* sacct: the pilot ids */
    struct socm_strv args; /* sbatch's arguments */
    char *script;
    int64_t cores;         /* sbatch: the pilot's cores (--nodes follows from cpn) */
    double since;          /* adoption: when the interrupted sbatch began */
    /* the answers */
    int squeue_rc, sacct_rc, sbatch_rc;
    struct socm_squeue q;
    struct socm_sacct acct;
    struct socm_error squeue_err, sacct_err, sbatch_err, sinfo_err;
    int64_t cpn;           /* cores per node: known (given), or sinfo's, 0 = unknown */
    int64_t id;            /* sbatch's job id; adoption: the job found (0 none, -1 cannot tell) */
    bool retry;            /* sbatch's refusal is for now only */
    struct socm_resource *res; /* discover: the live cluster (NULL: res_err says why) */
    struct socm_error res_err;
    /* plumbing */
    int efd;               /* eventfd: readable once the answers are in */
    atomic_int refs;       /* the loop and the thread; the last one frees it */
    bool started;
    pthread_t thread;
};

struct pilot {
    struct socm_allocation a;
    char *dir;     /* absolute state directory */
    char *jobname; /* socm-<campaign> */
    struct socm_pool pool;
    int64_t cores, nodes, cpn;
    double walltime_min;
    char *qos;
    struct socm_slurm_where where;
    struct socm_strv jobs; /* every pilot id of this campaign */
    int64_t cur;           /* the live pilot, -1 = none */
    int npilots;
    double sbatch_at;      /* retry of a refused sbatch, 0 = none due */
    int sbatch_tries;
    struct prun *runs;
    size_t n, cap;
    int ifd, tfd;
    struct pcall *call;  /* the Slurm call under way, NULL = none */
    double squeue_at;    /* next squeue for the pilot (monotonic), 0 = at once */
    double sacct_at;     /* next sacct for ended steps (monotonic), 0 = at once */
    double interval;     /* squeue's current interval */
    int acct_tries;      /* sacct calls since the last end report that did not deliver all */
    bool pending_said;
    bool replan_due;     /* a pilot ended with work left: plan the next one again */
    double *min_wall;    /* per workflow index: walltime (min) a cut-off run showed it needs */
    size_t nmin;
    bool live;           /* resource = "discover": a re-plan reads the cluster first */
    char *live_partition;
    bool discovered;     /* that reading is done for the re-plan due */
    struct socm_resource *cluster; /* what it found (NULL: cluster_err says why) */
    struct socm_error cluster_err;
    bool adopt_due;      /* an sbatch may have made a pilot whose id is not recorded */
    double intent_t;     /* when that sbatch began (epoch seconds) */
    double squeue_fail_since; /* squeue failing since (monotonic) */
    int squeue_fails;         /* failed squeue calls in a row, 0 = answering */
    int sacct_fails;          /* failed sacct calls in a row (slurmdbd away) */
};

/* ---- pilot_calls.c ---- */
struct pcall *socm_pcall_new(enum pcall_kind kind);
/* Starts the worker thread; -1 with err when it cannot (the call is freed). */
int socm_pcall_start(struct pcall *c, struct socm_error *err);
/* Waits for the (finished: efd readable) thread and takes its answers. */
void socm_pcall_join(struct pcall *c);
/* Frees a finished call, or leaves a running one to free itself when it ends (the
 * manager is stopping: nothing waits for a hung controller). */
void socm_pcall_release(struct pcall *c);

/* ---- pilot_job.c ---- */
int64_t socm_pilot_cpus_per_node(const char *partition, struct socm_error *err);
void socm_pilot_read_jobs(struct pilot *P);
void socm_pilot_intent_clear(struct pilot *P);
/* Everything a pilot's sbatch needs, decided in the loop (re-plan, batch script, the
 * durable intent); NULL when nothing is to be submitted now (said or reported). */
struct pcall *socm_pilot_submit_call(struct socm_enactor *e);
void socm_pilot_submit_done(struct socm_enactor *e, struct pcall *c);
void socm_pilot_adopt_done(struct socm_enactor *e, struct pcall *c);
void socm_pilot_discover_done(struct socm_enactor *e, struct pcall *c);

/* ---- pilot_results.c ---- */
char *socm_prun_path(const struct pilot *P, const char *sub, const struct socm_launch *l,
                     const char *ext);
bool socm_pilot_needs_pilot(const struct pilot *P);
bool socm_pilot_accounting_due(const struct pilot *P);
/* When the first ended run is delivered without sacct's figures (monotonic), 0 = none. */
double socm_pilot_accounting_deadline(const struct pilot *P);
void socm_pilot_add_run(struct pilot *P, struct socm_launch *l);
int socm_pilot_write_work(struct pilot *P, const struct socm_launch *l, struct socm_error *err);
void socm_pilot_fail_unstarted(struct socm_enactor *e, enum socm_outcome o, const char *why);
/* Reads the step and end reports; true if an attempt ended since the last call. */
bool socm_pilot_read_reports(struct socm_enactor *e);
void socm_pilot_deliver(struct socm_enactor *e, const struct socm_sacct *acct);
/* The answer of one squeue for the live pilot. */
void socm_pilot_squeue_done(struct socm_enactor *e, struct pcall *c);

#endif

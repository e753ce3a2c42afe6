/* slurm_jobs.h — what the files of the slurm-jobs enactor share, private to them: its
 * state (struct sj), one workflow attempt's Slurm job (struct sj_job), and the
 * functions each file gives the others.
 *
 *   enactor_slurm_jobs.c  the enactor's operations: submission with retry and
 *                         look-up, cancel, the job table
 *   slurm_jobs_sbatch.c   one sbatch: the sandbox's files, the options, the QoS, the
 *                         durable record of the job (socm-slurm-job)
 *   slurm_jobs_poll.c     one poll: squeue (running, requeued), sacct (ends,
 *                         accounting), late peak-memory figures
 */
#ifndef SOCM_ENACTORS_SLURM_JOBS_H
#define SOCM_ENACTORS_SLURM_JOBS_H

#include "enactors/enactor_slurm.h"
#include "slurm/slurm.h"
#include "socm/enactor.h"

#include <stdbool.h>
#include <stdint.h>

/* Between two polls: POLL_MIN_S while things change, growing to POLL_MAX_S. */
#define POLL_MIN_S 1.0
#define POLL_MAX_S 15.0

struct sj_job {
    struct socm_launch *l; /* the bookkeeper's; freed once the end is reported */
    int index, attempt;    /* l's, for after that (a late peak memory) */
    int64_t id;           /* 0 = not submitted yet (waiting to retry) */
    double retry_at;      /* for id 0 */
    double backoff_s;
    double gone_since;    /* first poll it was missing from squeue; 0 = seen */
    enum socm_slurm_state sq_final; /* the final state squeue showed, or UNKNOWN */
    int64_t sq_elapsed;             /* and its elapsed time (s) */
    bool running_told;
    bool requeue_told;    /* said that Slurm requeued it (back to pending after running) */
    int64_t run_elapsed;  /* its elapsed time at the last poll that saw it run */
    bool done;
    /* The id is not known but a job may exist (the manager died during sbatch, or
     * sbatch timed out): look for it by working directory before submitting. */
    bool lookup;
    bool cancel_asked;    /* canceled while the lookup was pending */
    bool canceled_here;   /* socm asked Slurm to cancel it */
    double intent_t;      /* when that sbatch began (epoch seconds) */
    const char *qos;      /* the QoS it was submitted with (the resource's name), or NULL */
    /* Ended, but its peak memory is not in sacct yet (slurmdbd was down or lagging):
     * asked again with each poll's sacct, and given through cb.accounting. */
    bool rss_pending;
    int rss_asks;
    bool unreachable;     /* its sbatch could not reach slurmctld: retried once it answers */
};

struct sj {
    char *job_name;
    char *campaign;
    struct socm_resource *res; /* its QoS limits; NULL = each task's planned QoS */
    struct socm_slurm_where where;
    struct sj_job **v; /* pointers: callbacks may submit (and grow v) mid-poll */
    size_t n, cap;
    double next_poll, interval;
    bool ctld_failed; /* the last Slurm call could not reach slurmctld */
};

/* ---- enactor_slurm_jobs.c ---- */
/* slurmctld did not answer (down, restarting): not a refusal of this job. */
bool socm_sj_ctld_unreachable(const char *msg);
/* slurmctld answers again at time t (epoch seconds). */
void socm_sj_ctld_back(struct sj *s, double t);
/* Ends j: tells the bookkeeper (cb.running first if it never did, then cb.finished).
 * end: when the job ended (sacct), <= 0 if not known: then now. rss_mb NAN: not known
 * yet, asked again by later polls. */
void socm_sj_job_report(struct socm_enactor *e, struct sj_job *j, enum socm_outcome o, int code,
                        int sig, double elapsed, double end, double rss_mb, const char *reason);

/* ---- slurm_jobs_sbatch.c ---- */
/* Prepares the sandbox and submits; 0 ok, 1 retry later, -1 refused (err). */
int socm_sj_job_submit(struct sj *s, struct sj_job *j, struct socm_error *err);
/* The sandbox's record of the attempt's job (socm-slurm-job): written with id 0 before
 * sbatch (durably) and with the id after it. */
int socm_sj_job_file_write(const char *sandbox, int attempt, int64_t id, double t,
                           struct socm_error *err);
/* 0 with the attempt's id (0 = sbatch began, id unknown) and intent time; -1 when
 * the file says nothing about this attempt (it never reached sbatch). */
int socm_sj_job_file_read(const char *sandbox, int attempt, int64_t *id, double *t);

/* ---- slurm_jobs_poll.c ---- */
/* One squeue for every active job; one sacct for those that ended or left (and those
 * whose peak memory is still missing); sets s->interval for the next poll. */
void socm_sj_poll(struct socm_enactor *e);

#endif

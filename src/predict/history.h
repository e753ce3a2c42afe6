/* history.h — the history of finished workflow runs: a SQLite database (one row per
 * run) that several socm processes may write at once, plus the models trained from
 * it. The execution engine records every run here; predict/ learns from it. */
#ifndef SOCM_PREDICT_HISTORY_H
#define SOCM_PREDICT_HISTORY_H

#include "campaign/campaign.h"
#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>

struct socm_history; /* an open database */

/* Exit states written by the recorders (Slurm's names, so sacct rows fit as-is). */
#define SOCM_HISTORY_COMPLETED "COMPLETED"
#define SOCM_HISTORY_FAILED "FAILED"

/* One finished run. Strings are owned by the struct (socm_history_run_clear frees
 * them); NULL strings are stored as empty text. Times are Unix seconds. */
struct socm_history_run {
    int64_t id;             /* set when read back; ignored when recording */
    char *job_name;         /* grouping key: wf->job_name or the name sans _split_N */
    char *workflow;         /* workflow type ("generic", "ml-mapmaking", "jobspec") */
    char *command;          /* the command line, space-joined */
    char *categorical_json; /* JSON object {"key": "value"}, keys sorted */
    char *numeric_json;     /* JSON object {"key": number | [numbers]}, keys sorted */
    int64_t ranks, threads;
    double req_memory_mb, req_runtime_min; /* what was asked for (0 = not given) */
    double elapsed_s;       /* measured wall time */
    double max_rss_mb;      /* peak resident memory over all tasks */
    double cpu_s;           /* user + system CPU time */
    char *state;            /* "COMPLETED", "FAILED", "TIMEOUT", "OUT_OF_MEMORY", ... */
    char *resource;         /* cluster name, or "local" */
    char *location;         /* Slurm "JOBID.STEP", or "local" */
    char *campaign;         /* the campaign the run came from ("" = recorded outside one) */
    char *fingerprint;      /* identity for imports: "md5:..." of the content (NULL: computed
                             * when recorded), or "slurm:JOBID" for a job sacct reported */
    double started_at, finished_at, recorded_at;
};
void socm_history_run_clear(struct socm_history_run *run);

struct socm_history_runs {
    struct socm_history_run *v;
    size_t n, cap;
};
void socm_history_runs_free(struct socm_history_runs *runs);

/* The default path: $SOCM_HISTORY_DB, else $XDG_DATA_HOME/socm/history.db, else
 * ~/.local/share/socm/history.db. Malloc'd. */
char *socm_history_default_path(void);

/* Opens (creating with mode 0600, and its directory with 0700) the database at
 * `path` (NULL = default). WAL mode and a busy timeout make concurrent writers from
 * several processes wait for each other instead of failing. */
struct socm_history *socm_history_open(const char *path, struct socm_error *err);
void socm_history_close(struct socm_history *h);
const char *socm_history_path(const struct socm_history *h);
/* The raw handle, for the model store in predict/ (same file). */
struct sqlite3 *socm_history_sqlite(struct socm_history *h);

/* Appends one run in its own IMMEDIATE transaction; sets run->id. recorded_at is
 * filled with the current time when 0. */
int socm_history_record(struct socm_history *h, struct socm_history_run *run,
                        struct socm_error *err);

/* Batched recording: socm_history_add takes the run (its strings are the history's
 * afterwards, *run is left empty) and keeps it in memory; socm_history_commit writes
 * what was added in one transaction: 0 written (or nothing to write), 1 another
 * process holds the database (the runs are kept for the next commit, after waiting
 * at most 0.1 s, so a manager's loop never stalls on it), -1 failed (the runs are
 * lost, err says why). socm_history_close writes what is left, waiting as long as it
 * takes, as do socm_history_record and socm_history_import before their own. */
int socm_history_add(struct socm_history *h, struct socm_history_run *run, struct socm_error *err);
int socm_history_commit(struct socm_history *h, struct socm_error *err);

/* Adds runs in ONE IMMEDIATE transaction, leaving out each run whose fingerprint is
 * already in the database (so importing the same runs twice adds nothing): all the
 * new ones are added or, on any failure, none. *added gets how many were new; the
 * added runs get their id. */
int socm_history_import(struct socm_history *h, struct socm_history_run *runs, size_t n, size_t *added,
                        struct socm_error *err);
/* The content fingerprint of a run: "md5:" and the MD5 of every field but id,
 * recorded_at and fingerprint (doubles exactly). Malloc'd. */
char *socm_history_fingerprint(const struct socm_history_run *run);

/* Which runs a query selects. Zero/NULL fields select everything. */
struct socm_history_filter {
    const char *job_name;
    const char *categorical_json; /* exact (canonical) categories */
    double finished_before;       /* finished_at (else recorded_at) < this */
    const char *state;            /* e.g. "COMPLETED" */
    const char *campaign;         /* runs of this campaign */
    int64_t id;                   /* one run */
    size_t limit;                 /* newest first when set */
};
int socm_history_query(struct socm_history *h, const struct socm_history_filter *f,
                       struct socm_history_runs *out, struct socm_error *err);
/* Deletes the selected runs (id and limit are ignored); *deleted gets the count. */
int socm_history_prune(struct socm_history *h, const struct socm_history_filter *f,
                       int64_t *deleted, struct socm_error *err);
/* Number of selected runs. */
int socm_history_count(struct socm_history *h, const struct socm_history_filter *f,
                       int64_t *count, struct socm_error *err);

/* ---- Building a run from a workflow ---- */

/* The grouping name: wf->job_name if set, else wf->name without trailing
 * "_split_N" suffixes. Malloc'd. */
char *socm_history_job_name(const struct socm_workflow *wf);
/* Features of a workflow: numeric = integer/float values and arrays of numbers, plus
 * ranks and threads; categorical = string (and bool) values except name, executable,
 * context, output_dir, query, depends, id, job_name, environment and the type's
 * feature_exclude, with file:// values replaced by the MD5 of the file's content
 * (unreadable files keep their URL). Both outputs are canonical JSON (sorted keys). */
int socm_history_features(const struct socm_workflow *wf, char **categorical_json,
                          char **numeric_json, struct socm_error *err);
/* Fills everything a run knows before it has run: job name, workflow type, command,
 * features, requested ranks/threads/memory/runtime. The caller adds the measures. */
int socm_history_run_from_workflow(const struct socm_workflow *wf, struct socm_history_run *run,
                                   struct socm_error *err);

/* MD5 of a file's content as 32 lowercase hex digits into hex[33]. */
int socm_file_md5(const char *path, char hex[33], struct socm_error *err);
/* MD5 of `len` bytes into hex[33]. */
void socm_md5_hex(const void *data, size_t len, char hex[33]);

/* Measures of a Slurm run from its accounting rows (socm_slurm_sacct) for `jobid`
 * (JOBID or JOBID.STEP): elapsed and state from the matching row (the job's row
 * when no step is given), MaxRSS × NTasks (in MB) as the largest over the row and
 * its steps, TotalCPU of the row (or the sum over its steps). Fills elapsed_s,
 * max_rss_mb, cpu_s, state and location of run. */
struct socm_sacct;
int socm_history_run_from_sacct(const struct socm_sacct *acct, const char *jobid,
                                struct socm_history_run *run, struct socm_error *err);
/* Runs from a batch of sacct rows (socm_slurm_sacct_history): each finished job whose
 * name matches name_pattern (fnmatch; NULL = all) becomes a run — of the job
 * specification whose job_prefix starts its command line (SubmitLine) at a word, or
 * else its name, with that specification's features; without specifications
 * (specs NULL), of its own name with no features. Measures as
 * socm_history_run_from_sacct, cores = AllocCPUS (as threads), fingerprint
 * "slurm:JOBID@START" (so that importing twice adds nothing). */
struct socm_jobspecs;
struct socm_sacct_import {
    struct socm_history_runs runs;
    size_t jobs;        /* allocation rows seen */
    size_t other_names; /* not matching the pattern */
    size_t unfinished;  /* still pending or running */
    size_t unmatched;   /* no specification matches */
    size_t unparsed;    /* a specification matched but could not take the features */
    struct socm_strv problems; /* why, for the unparsed ones */
};
int socm_history_runs_from_sacct_import(const struct socm_sacct *acct, const struct socm_jobspecs *specs,
                                        const char *name_pattern, struct socm_sacct_import *imp);
void socm_sacct_import_free(struct socm_sacct_import *imp);
/* Measures of a local run from wait4()'s rusage (children's peak RSS, user +
 * system CPU) and the wall time the caller measured. */
struct rusage;
void socm_history_run_set_rusage(struct socm_history_run *run, const struct rusage *ru,
                                 double elapsed_s);

#endif

/* slurm.h — socm's interface to Slurm through its standard commands (sbatch, squeue,
 * sacct, scancel, sinfo, sacctmgr, scontrol), run as argv arrays with a timeout, and
 * the parsers of their output. A layer of its own below campaign/, predict/ and
 * exec/, which all talk to Slurm: it depends on util/ only. The parsers are pure functions of the text (fuzzable):
 * malformed lines are skipped and counted, never a crash; values Slurm prints as
 * "Unknown", "INVALID", "None" or blank come out as -1 ("not known"). */
#ifndef SOCM_SLURM_H
#define SOCM_SLURM_H

#include "util/error.h"
#include "util/str.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- Job states ---- */

enum socm_slurm_state {
    SOCM_SLURM_UNKNOWN = 0,
    SOCM_SLURM_PENDING,
    SOCM_SLURM_CONFIGURING,
    SOCM_SLURM_RUNNING,
    SOCM_SLURM_COMPLETING,
    SOCM_SLURM_SUSPENDED,
    SOCM_SLURM_REQUEUED,
    SOCM_SLURM_RESIZING,
    SOCM_SLURM_COMPLETED,
    SOCM_SLURM_FAILED,
    SOCM_SLURM_CANCELLED,
    SOCM_SLURM_TIMEOUT,
    SOCM_SLURM_NODE_FAIL,
    SOCM_SLURM_OUT_OF_MEMORY,
    SOCM_SLURM_PREEMPTED,
    SOCM_SLURM_BOOT_FAIL,
    SOCM_SLURM_DEADLINE,
};

/* "RUNNING", "CANCELLED by 0", "CANCELLED+", "OOM" (squeue's short codes too:
 * "PD", "R", "CG", "CD", "F", "CA", "TO", "NF", "OOM"...). Unknown text → UNKNOWN. */
enum socm_slurm_state socm_slurm_state_parse(const char *s);
const char *socm_slurm_state_name(enum socm_slurm_state st);
/* The job will not change any more (COMPLETED, FAILED, CANCELLED, TIMEOUT...). */
bool socm_slurm_state_is_final(enum socm_slurm_state st);

/* What an ended job means to the manager. */
enum socm_slurm_outcome {
    SOCM_SLURM_OUT_ACTIVE,    /* not ended */
    SOCM_SLURM_OUT_DONE,      /* COMPLETED with exit 0 */
    SOCM_SLURM_OUT_FAILED,    /* the program failed (FAILED, OOM, COMPLETED with exit != 0) */
    SOCM_SLURM_OUT_TIMEOUT,   /* hit its walltime (TIMEOUT, DEADLINE): resubmit longer */
    SOCM_SLURM_OUT_CANCELLED, /* scancel'd */
    SOCM_SLURM_OUT_LOST,      /* the system failed it (NODE_FAIL, BOOT_FAIL, PREEMPTED): retry */
};
enum socm_slurm_outcome socm_slurm_outcome(enum socm_slurm_state st, int exit_code);

/* True when a command's error text says "try again later" rather than "no":
 * submission limits (QOSMaxSubmitJobPerUserLimit...), "Job step creation
 * temporarily disabled", "Socket timed out", an unreachable controller. */
bool socm_slurm_error_retryable(const char *text);

/* ---- Value parsers (-1 = not known) ---- */

/* "[D-]HH:MM:SS", "MM:SS", "SS", with optional ".mmm" → seconds. "UNLIMITED",
 * "INFINITE" → INT64_MAX. "", "Unknown", "INVALID", "None", garbage → -1. */
int64_t socm_slurm_duration_parse(const char *s);
/* "219964K", "1.5M", "2G", "3T" → KiB; unitless is KiB (sacct's base unit for
 * MaxRSS, printed bare only for 0); -1 if blank, not a size or beyond int64. */
int64_t socm_slurm_size_kib_parse(const char *s);
/* "0:0" → code 0, signal 0. Returns 0, or -1 when s is not "N:N". */
int socm_slurm_exitcode_parse(const char *s, int *code, int *sig);
/* The count of `name` in a TRES string "cpu=16,mem=100G,node=2" (-1 if absent). */
int64_t socm_slurm_tres_get(const char *tres, const char *name);
/* sacct's Start/End "2026-11-24T21:08:12" (local time) → epoch seconds; -1 for
 * "Unknown", "None" or anything else. */
double socm_slurm_time_parse(const char *s);
/* sbatch --parsable output "123" or "123;cluster" → 123; -1 if not a job id. */
int64_t socm_slurm_jobid_parse(const char *s);
/* A whole-string non-negative decimal integer (spaces around allowed); -1 otherwise
 * or on overflow. */
int64_t socm_slurm_count_parse(const char *s);

/* ---- sacct -P ---- */

/* The columns socm asks sacct for (the parser reads any order, by header). */
#define SOCM_SACCT_FORMAT "JobID,JobName,State,ExitCode,Elapsed,MaxRSS,NTasks,TotalCPU,NodeList,Start,End"

struct socm_sacct_row {
    char *jobid;    /* as printed: "123", "123.batch", "123.0", "123_4.extern" */
    int64_t job;    /* 123 (the part before '.'; "123_4" → 123); -1 if unparsable */
    char *step;     /* NULL on the allocation row; "batch", "extern", "0"... */
    char *name;     /* JobName ("" if not asked) */
    enum socm_slurm_state state;
    char *state_text; /* as printed ("CANCELLED by 0") */
    int exit_code;    /* -1 if not known */
    int exit_signal;
    int64_t elapsed_s;  /* -1 if not known */
    int64_t max_rss_kib; /* only on step rows; -1 on the allocation row or if blank */
    int64_t ntasks;      /* -1 if not known */
    double cpu_s;        /* TotalCPU, seconds; -1 if not known */
    char *nodelist;      /* "" if not asked */
    char *start, *end;   /* as printed ("Unknown", ISO time) */
    char *submit_line;   /* SubmitLine ("" if not asked) */
    int64_t alloc_cpus;  /* AllocCPUS; -1 if not known */
};

struct socm_sacct {
    struct socm_sacct_row *v;
    size_t n;
    size_t n_bad; /* lines skipped as malformed */
};

/* Parses `sacct -P` output with its header line. A job name holding '|' is
 * rejoined (it is the one free-text column). Returns -1 only when there is text
 * but no recognisable header (no JobID column). Empty text → 0 rows. */
int socm_sacct_parse(const char *text, struct socm_sacct *out, struct socm_error *err);
void socm_sacct_free(struct socm_sacct *s);
/* The allocation row of job `job`, or NULL. */
const struct socm_sacct_row *socm_sacct_find_job(const struct socm_sacct *s, int64_t job);
/* Largest MaxRSS over the job's steps in KiB, and the NTasks of that step (≥1);
 * -1 if no step has one. */
int64_t socm_sacct_job_max_rss_kib(const struct socm_sacct *s, int64_t job, int64_t *ntasks);

/* ---- squeue ---- */

/* The format socm passes to `squeue -h -o`; the job name is last so that a '|'
 * inside it does not shift the other columns. */
#define SOCM_SQUEUE_FORMAT "%i|%T|%M|%D|%R|%j"

struct socm_squeue_row {
    char *jobid; /* "123" or "123_4" */
    int64_t job;
    enum socm_slurm_state state;
    int64_t elapsed_s;
    int64_t nodes;
    char *reason; /* reason while pending ("Priority", "QOSMaxJobsPerUserLimit"), else node list */
    char *name;
};

struct socm_squeue {
    struct socm_squeue_row *v;
    size_t n;
    size_t n_bad;
};

void socm_squeue_parse(const char *text, struct socm_squeue *out);
void socm_squeue_free(struct socm_squeue *q);

/* ---- Jobs by working directory (squeue or sacct) ---- */

/* What finds a job socm submitted when its id was never recorded (the manager died
 * during sbatch): its name, --chdir and submit time. */
struct socm_slurm_jobdir {
    int64_t job;
    enum socm_slurm_state state;
    double submit;  /* epoch seconds, -1 if not known */
    char *workdir;
};

struct socm_slurm_jobdirs {
    struct socm_slurm_jobdir *v;
    size_t n;
    size_t n_bad;
};

/* Parses lines "ID|STATE|SUBMIT|WORKDIR" (squeue -o "%i|%T|%V|%Z", sacct -n -X -P
 * -o JobID,State,Submit,WorkDir). */
void socm_slurm_jobdirs_parse(const char *text, struct socm_slurm_jobdirs *out);
void socm_slurm_jobdirs_free(struct socm_slurm_jobdirs *d);

/* ---- sinfo ---- */

#define SOCM_SINFO_FORMAT "%N|%T|%c|%m|%P"

struct socm_sinfo_node {
    char *name;
    char *state; /* "idle", "mixed", "down*", "drained"... (lower case as printed) */
    int64_t cpus;
    int64_t memory_mb;
    char *partition; /* "debug*" → "debug" */
    bool default_partition;
};

struct socm_sinfo {
    struct socm_sinfo_node *v;
    size_t n;
    size_t n_bad;
};

/* Parses `sinfo -h -N -o SOCM_SINFO_FORMAT`. */
void socm_sinfo_parse(const char *text, struct socm_sinfo *out);
void socm_sinfo_free(struct socm_sinfo *s);
/* A node state that cannot take work (down, drain, fail, not responding '*'). */
bool socm_sinfo_node_usable(const struct socm_sinfo_node *n);

/* ---- sacctmgr show qos -P ---- */

#define SOCM_QOS_FORMAT "Name,Priority,MaxWall,MaxJobsPU,MaxSubmitPU,GrpTRES,MaxTRESPU,MaxTRES"

struct socm_slurm_qos {
    char *name;
    int64_t priority;      /* -1 if not known */
    int64_t max_wall_s;    /* -1 = no limit */
    int64_t max_jobs_pu;   /* -1 = no limit */
    int64_t max_submit_pu; /* -1 = no limit */
    int64_t grp_cpus;      /* GrpTRES cpu=, -1 = no limit */
    int64_t max_cpus_pu;   /* MaxTRESPU cpu=, -1 = no limit */
    int64_t max_cpus_job;  /* MaxTRES cpu=, -1 = no limit */
};

struct socm_slurm_qoslist {
    struct socm_slurm_qos *v;
    size_t n;
    size_t n_bad;
};

/* Parses `sacctmgr show qos -P` (with its header; any column order). */
int socm_slurm_qos_parse(const char *text, struct socm_slurm_qoslist *out, struct socm_error *err);
void socm_slurm_qoslist_free(struct socm_slurm_qoslist *l);
/* The tightest core limit a user meets in this QoS (min of GrpTRES, MaxTRESPU,
 * MaxTRES cpu), -1 if none. */
int64_t socm_slurm_qos_max_cores(const struct socm_slurm_qos *q);

/* ---- sacctmgr show assoc ---- */

/* `sacctmgr -n -P show assoc where user=U format=qos`: one comma list per
 * association ("long,normal,short,test"); the union, in first-seen order. */
void socm_slurm_assoc_qos_parse(const char *text, struct socm_strv *names);

/* ---- Running the commands ---- */

/* Timeout for every command, seconds; SOCM_SLURM_TIMEOUT in the environment
 * overrides the default of 60. Commands are looked up in PATH, or in
 * $SOCM_SLURM_BINDIR when set (tests substitute fakes there). */
double socm_slurm_timeout(void);

/* sbatch --parsable [args...] [script] → job id. On refusal returns -1 with the
 * command's message in err; *retryable (may be NULL) says whether to try later. */
int socm_slurm_sbatch(const struct socm_strv *args, const char *script, int64_t *jobid, bool *retryable,
                      struct socm_error *err);
/* squeue for the jobs with this name (may be NULL) and/or these ids (may be NULL or
 * empty), all states; all of the user's jobs when both are empty. A job id that
 * Slurm no longer knows is not an error (the job left the queue). */
int socm_slurm_squeue(const char *name, const struct socm_strv *ids, struct socm_squeue *out,
                      struct socm_error *err);
/* sacct -P for jobs with this name and/or ids, steps included, since `starttime`;
 * when NULL: "now-7days", or with ids, sacct's own default for --jobs (the epoch). */
int socm_slurm_sacct(const char *name, const struct socm_strv *ids, const char *starttime,
                     struct socm_sacct *out, struct socm_error *err);
/* The columns of a history import: the measures, the cores, and the command line
 * (SubmitLine: the free-text column read whole when it holds '|'). */
#define SOCM_SACCT_HISTORY_FORMAT \
    "JobID,JobName,State,Elapsed,MaxRSS,NTasks,TotalCPU,AllocCPUS,Start,End,SubmitLine"
/* One sacct -P query, steps included, for the jobs of `user` (NULL: sacct's default,
 * the caller) started since `starttime`, in SOCM_SACCT_HISTORY_FORMAT. */
int socm_slurm_sacct_history(const char *user, const char *starttime, struct socm_sacct *out,
                             struct socm_error *err);
/* The jobs named `name` with their working directories: from squeue (the queue, all
 * states) or, when `accounting`, from sacct since `since` (epoch seconds). */
int socm_slurm_jobdirs(const char *name, bool accounting, double since, struct socm_slurm_jobdirs *out,
                       struct socm_error *err);
/* The steps of job `job` Slurm still lists ("JOBID.STEPID", squeue --steps). */
int socm_slurm_steps(const char *job, struct socm_strv *steps, struct socm_error *err);
/* scancel the given ids (a no-op for an empty list). */
int socm_slurm_scancel(const struct socm_strv *ids, struct socm_error *err);
int socm_slurm_sinfo(struct socm_sinfo *out, struct socm_error *err);
int socm_slurm_qos_show(struct socm_slurm_qoslist *out, struct socm_error *err);
/* The QoS names the user's associations allow (empty if the user has none). */
int socm_slurm_user_qos(const char *user, struct socm_strv *names, struct socm_error *err);
/* `scontrol update JobId=N StartTime=now`: a pending job may start at once (Slurm
 * holds a requeued job for about 2 minutes). */
int socm_slurm_start_now(int64_t job, struct socm_error *err);
/* `scontrol show hostnames LIST`: "n[1-3]" → n1, n2, n3 appended to names. */
int socm_slurm_hostnames(const char *nodelist, struct socm_strv *names, struct socm_error *err);

/* How many times this process ran each command (whatever the outcome): what a
 * campaign cost the controller, reported at the end of a run. */
enum socm_slurm_cmd {
    SOCM_SLURM_SBATCH,
    SOCM_SLURM_SQUEUE,
    SOCM_SLURM_SACCT,
    SOCM_SLURM_SCANCEL,
    SOCM_SLURM_SINFO,
    SOCM_SLURM_SACCTMGR,
    SOCM_SLURM_SCONTROL,
    SOCM_SLURM_NCMD
};
size_t socm_slurm_calls(enum socm_slurm_cmd cmd);
const char *socm_slurm_cmd_name(enum socm_slurm_cmd cmd);

#endif

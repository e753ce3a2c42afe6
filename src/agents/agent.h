/* agent.h — the agent owns a set of cores and memory and runs workflows on them.
 * Placement (which cores, how much memory; never oversubscribed) is kept apart from
 * launching (here: a supervisor started with posix_spawn; inside a Slurm allocation
 * the launch method will be srun), so the same placement serves both. */
#ifndef SOCM_AGENT_H
#define SOCM_AGENT_H

#include "socm/enactor.h"
#include "util/error.h"
#include "util/str.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct socm_pool {
    int64_t ncores, nfree;
    unsigned char *used; /* per core */
    double mem_total, mem_used;
};
void socm_pool_init(struct socm_pool *p, int64_t ncores, double mem_mb);
void socm_pool_free(struct socm_pool *p);
/* 0 placed (out gets `cores` core numbers), 1 no room now, -1 never fits. */
int socm_pool_place(struct socm_pool *p, int64_t cores, double mem_mb, int64_t *out,
                    struct socm_error *err);
void socm_pool_release(struct socm_pool *p, const int64_t *cores, size_t n, double mem_mb);
/* The same for one launch: places its task (at least one core) and stores the cores
 * in l->cores; releases what l holds. Shared by every enactor that owns a pool. */
int socm_pool_place_launch(struct socm_pool *p, struct socm_launch *l, struct socm_error *err);
void socm_pool_release_launch(struct socm_pool *p, const struct socm_launch *l);

/* Tells the enactor's owner that the launch ended without a result of its command
 * (never started, lost, or a fault of the machine): exit code -1, now as start and
 * end, `why` as the reason. */
void socm_launch_report_end(struct socm_enactor *e, const struct socm_launch *l,
                            enum socm_outcome o, const char *why);
/* Marks given cores/memory as used (re-attached work); out-of-range cores ignored. */
void socm_pool_reserve(struct socm_pool *p, const int64_t *cores, size_t n, double mem_mb);

int64_t socm_machine_cores(void);
double socm_machine_mem_available_mb(void);

/* How supervisors are started. Default: socm-supervise found next to this
 * process's executable, started with posix_spawn; without it, a fork of this
 * process. A path sets the executable: one named socm-supervise*, or a socm that
 * provides `socm supervise`; NULL goes back to the default. _fork forces the fork
 * (benchmarks compare the forms). */
void socm_agent_set_supervisor_exe(const char *path);
void socm_agent_set_supervisor_fork(void);

/* Starts the supervisor for one placed launch (fork/exec launch method): sandbox
 * created, its lock handed to the supervisor, environment built. Returns the pid
 * and a pidfd in *pidfd. *srun_stripped tells whether an `srun` prefix was replaced
 * by exported geometry (no Slurm allocation here). */
pid_t socm_agent_launch(const struct socm_launch *l, const struct socm_allocation *a,
                        int *pidfd, bool *srun_stripped, struct socm_error *err);

/* Supervisors started from now on tell this process at once when they cannot write
 * their result (SOCM_SUPERVISE_FAULT_SIGNAL, errno as its value): set by a manager
 * that reads that signal. */
void socm_agent_set_fault_reports(bool on);

/* The state of an attempt found in its sandbox after a restart:
 *  LIVE         its supervisor runs (*pid; *pidfd, if asked, a pidfd verified against
 *               the lock the supervisor holds, so never a process that reused the pid);
 *  ENDED        its result is there;
 *  INTERRUPTED  no supervisor, no result, but the start record says the command was
 *               started: it was cut short (kill what is left, socm_agent_kill_leftovers);
 *  GONE         it provably never started (no start record of this attempt);
 *  UNKNOWN      a supervisor holds the lock but wrote no pid within a minute. */
enum socm_sandbox_state { SOCM_SB_LIVE, SOCM_SB_ENDED, SOCM_SB_GONE, SOCM_SB_INTERRUPTED,
                          SOCM_SB_UNKNOWN };
enum socm_sandbox_state socm_agent_probe(const char *sandbox, int attempt, pid_t *pid,
                                         int *pidfd);

/* Whether the command of `attempt` was started (its start record is in the sandbox);
 * if so, SIGKILLs what is left of its process group on this machine (a record of
 * another boot or machine names nothing here) and waits, up to 10 s, for it to go. */
bool socm_agent_kill_leftovers(const char *sandbox, int attempt);

/* Result file of the supervisor (STATE_DIR/workflows/<name>/result.json, never
 * through a symbolic link). Reading fills r; *reason is malloc'd (may be NULL).
 * Returns -1 if absent or of another attempt. */
int socm_result_read(const char *sandbox, int attempt, struct socm_result *r, char **reason);

/* Rewrites argv for a machine without Slurm: `srun [opts] prog args` → `prog args`,
 * the task geometry going to env as SLURM_NTASKS / SLURM_CPUS_PER_TASK / SLURM_NNODES.
 * Returns whether it did. */
bool socm_srun_strip(const struct socm_strv *argv, struct socm_strv *out, struct socm_strv *env);

#endif

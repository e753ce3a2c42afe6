/* supervise.h — the per-attempt supervisor (`socm supervise`): runs one workflow in
 * its own process group inside its sandbox, enforces the walltime (SIGTERM, grace,
 * SIGKILL), forwards a stop request the same way, and writes exit status, elapsed
 * time, max RSS and CPU time atomically as result.json. It lives in its own session,
 * so the work outlives a killed manager; the command does not outlive its supervisor
 * (it gets SIGKILL when the supervisor dies, PR_SET_PDEATHSIG).
 *
 * Just before the command is exec'd, its start record "PGID ATTEMPT BOOT_ID RUN_ID" is
 * written by the command's own process, so an attempt without it provably never
 * started, and the process group to kill is known if the supervisor dies. With a
 * lock (--lock-fd) it is the lock file's second line, after "PID ATTEMPT" (one
 * file fewer per workflow); without, SANDBOX/started. Every
 * file is opened inside the sandbox without following a symbolic link. A result
 * that cannot be written (disk full, read-only, ...) is kept and written again until
 * it can be; the manager (--report-faults) hears of it at once (SIGUSR2 carrying the
 * errno), since it is a fault of the machine, not of the workflow. */
#ifndef SOCM_SUPERVISE_H
#define SOCM_SUPERVISE_H

#include "util/error.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct socm_supervise_opts {
    const char *sandbox;
    int attempt;
    double walltime_s; /* 0 = none */
    double grace_s;
    int lock_fd;       /* -1 = none */
    const char *cpus;  /* "0,1" to pin, NULL = no pinning */
    char *const *argv; /* the workflow's command */
    /* The manager that started this supervisor and journals its result (fsync'd)
     * before acting on it. While it is still our parent, result.json is replaced
     * atomically but not fsync'd (the journal makes the outcome durable, and a
     * machine crash would stop the manager before it acted anyway); once it is gone
     * the result is fsync'd, since it alone holds the outcome until a resume.
     * 0 = always fsync. */
    long manager_pid;
    /* Tell the manager (while it is the parent) at once when the result cannot be
     * written: SIGUSR2 with the errno as its value. */
    bool report_faults;
    const char *workdir; /* where the command runs; NULL = the sandbox */
    /* This machine's boot id for the start record, read once by a manager on the
     * same machine; NULL = read it here. */
    const char *boot_id;
};

/* The signal a supervisor sends its manager for a fault of the machine. */
#define SOCM_SUPERVISE_FAULT_SIGNAL SIGUSR2
/* The start record in a sandbox (see above). */
#define SOCM_SUPERVISE_STARTED "started"
/* The variable in the command's environment that marks the processes of one attempt
 * (a random id, also in the start record): what is left of a command is told apart
 * from strangers who reused its process group's id. */
#define SOCM_SUPERVISE_RUN_ID "SOCM_RUN_ID"

/* Returns 0 once result.json is written (whatever the workflow's outcome); -1 if
 * the command could not be started for a reason of the machine (nothing of it ran:
 * no start record) or the sandbox is gone — said in SANDBOX/supervisor.log too. */
int socm_supervise(const struct socm_supervise_opts *o, struct socm_error *err);

/* The command line shared by `socm supervise` and socm-supervise (argv[0] is the
 * program or subcommand): --sandbox DIR [--attempt N] [--walltime S] [--grace S]
 * [--lock-fd FD] [--cpus LIST] [--manager-pid PID] [--report-faults] [--workdir DIR]
 * [--boot-id ID] -- COMMAND... Returns 0 (o filled, pointing into argv), 1 for --help, -1 for a
 * usage error. */
int socm_supervise_args(int argc, char **argv, struct socm_supervise_opts *o,
                        struct socm_error *err);

/* Appends one line to SANDBOX/supervisor.log, created only when there is something
 * to say (the supervisor's own messages; the workflow's go to stdout/stderr). */
void socm_supervise_say(const char *sandbox, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

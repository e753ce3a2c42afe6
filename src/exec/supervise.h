/* supervise.h — the per-attempt supervisor (`socm supervise`): runs one workflow in
 * its own process group inside its sandbox, enforces the walltime (SIGTERM, grace,
 * SIGKILL), forwards a stop request the same way, and writes exit status, elapsed
 * time, max RSS and CPU time atomically as result.json. It lives in its own session,
 * so the work outlives a killed manager. */
#ifndef SOCM_SUPERVISE_H
#define SOCM_SUPERVISE_H

#include "util/error.h"

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
    const char *workdir; /* where the command runs; NULL = the sandbox */
};

/* Returns 0 once result.json is written (whatever the workflow's outcome). */
int socm_supervise(const struct socm_supervise_opts *o, struct socm_error *err);

/* The command line shared by `socm supervise` and socm-supervise (argv[0] is the
 * program or subcommand): --sandbox DIR [--attempt N] [--walltime S] [--grace S]
 * [--lock-fd FD] [--cpus LIST] [--manager-pid PID] [--workdir DIR] -- COMMAND... Returns 0 (o
 * filled, pointing into argv), 1 for --help, -1 for a usage error. */
int socm_supervise_args(int argc, char **argv, struct socm_supervise_opts *o,
                        struct socm_error *err);

/* Appends one line to SANDBOX/supervisor.log, created only when there is something
 * to say (the supervisor's own messages; the workflow's go to stdout/stderr). */
void socm_supervise_say(const char *sandbox, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

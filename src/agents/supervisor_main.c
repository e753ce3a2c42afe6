/* main.c — socm-supervise: the supervisor of one workflow attempt as a small
 * executable of its own (libc only, static where the toolchain allows), which the
 * local agent starts with posix_spawn. Forking the manager instead costs the manager
 * copy-on-write faults and TLB shootdowns on its own pages for as long as each
 * supervisor lives, and exec'ing socm itself loads every library socm links. Same
 * code and command line as `socm supervise` (src/agents/supervise.c). */
#include "agents/supervise.h"

#include <stdio.h>

int main(int argc, char **argv)
{
    struct socm_supervise_opts o;
    struct socm_error err = {0};
    int rc = socm_supervise_args(argc, argv, &o, &err);
    if (rc == 1) {
        puts("usage: socm-supervise --sandbox DIR [--attempt N] [--walltime S] [--grace S]\n"
             "                      [--lock-fd FD] [--cpus LIST] [--manager-pid PID]\n"
             "                      [--report-faults] [--workdir WDIR] [--boot-id ID]\n"
             "                      -- COMMAND...\n"
             "(internal) runs COMMAND in WDIR (default DIR) in its own process group, enforces\n"
             "the walltime (SIGTERM, grace, SIGKILL) and writes DIR/stdout, DIR/stderr and\n"
             "DIR/result.json. Started by\n"
             "`socm run` in a session of its own; the same as `socm supervise`. COMMAND\n"
             "dies with it; its process group is recorded before it runs (the lock file's\n"
             "second line with --lock-fd, else DIR/started). A result it cannot write\n"
             "is kept and written again until it can (--report-faults: PID hears of it at\n"
             "once, SIGUSR2). --boot-id: this machine's boot id for that record.\n"
             "\n"
             "example:\n"
             "  socm-supervise --sandbox /tmp/wf --walltime 60 -- sleep 1");
        return 0;
    }
    if (rc < 0) {
        fprintf(stderr, "socm-supervise: %s (try --help)\n", err.msg);
        return 2;
    }
    if (socm_supervise(&o, &err) != 0) { /* said in supervisor.log already */
        fprintf(stderr, "socm-supervise: %s\n", err.msg);
        return 3;
    }
    return 0;
}

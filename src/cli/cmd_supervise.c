/* cmd_supervise.c — `socm supervise` (internal): the supervisor of one workflow
 * attempt, the same code as the standalone socm-supervise. See src/agents/supervise.h. */
#include "cli/cli.h"
#include "agents/supervise.h"

#include <stdio.h>

int socm_cmd_supervise(int argc, char **argv)
{
    struct socm_supervise_opts o;
    struct socm_error err = {0};
    int rc = socm_supervise_args(argc, argv, &o, &err);
    if (rc == 1) {
        puts("usage: socm supervise --sandbox DIR [--attempt N] [--walltime S] [--grace S]\n"
             "                      [--lock-fd FD] [--cpus LIST] [--manager-pid PID]\n"
             "                      [--report-faults] [--workdir WDIR] [--boot-id ID]\n"
             "                      -- COMMAND...\n"
             "(internal) runs COMMAND in WDIR (default DIR) in its own process group, keeps\n"
             "its stdout and stderr in DIR, enforces the\n"
             "walltime and writes DIR/result.json (fsync'd unless PID, the manager that\n"
             "journals it, is still its parent). `socm run` starts the same supervisor as\n"
             "the small executable socm-supervise next to socm when it is there.\n"
             "COMMAND dies with it; its process group is recorded before it runs (the lock\n"
             "file's second line with --lock-fd, else DIR/started). A result it cannot write\n"
             "is kept and written again until it can (--report-faults: PID hears of it at\n"
             "once, SIGUSR2). --boot-id: this machine's boot id for that record.\n"
             "\n"
             "example:\n"
             "  socm supervise --sandbox /tmp/wf --walltime 60 -- sleep 1");
        return 0;
    }
    if (rc < 0)
        return socm_cli_usage("supervise", "%s", err.msg);
    if (socm_supervise(&o, &err) != 0)
        return socm_cli_fail("supervise", &err);
    return 0;
}

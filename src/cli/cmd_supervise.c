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
             "                      [--report-faults] [--workdir WDIR] -- COMMAND...\n"
             "(internal) runs COMMAND in WDIR (default DIR) in its own process group, keeps\n"
             "its stdout and stderr in DIR, enforces the\n"
             "walltime and writes DIR/result.json (fsync'd unless PID, the manager that\n"
             "journals it, is still its parent). `socm run` starts the same supervisor as\n"
             "the small executable socm-supervise next to socm when it is there.\n"
             "COMMAND dies with it; DIR/started records its process group before it\n"
             "runs. A result it cannot write is kept and written again until it can\n"
             "(--report-faults: PID hears of it at once, SIGUSR2).\n"
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

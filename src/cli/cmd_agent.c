/* cmd_agent.c — `socm agent` (internal): the pilot agent that runs inside a Slurm
 * allocation. It arrives with the Slurm issue (#5): the same placement code as the
 * local enactor (src/exec/agent.c) with srun as the launch method. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int socm_cmd_agent(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: socm agent STATE_DIR\n"
             "(internal) the Slurm pilot agent: started by the slurm-pilot enactor's batch\n"
             "script inside the allocation, e.g.\n"
             "  socm agent ./socm-quickstart\n"
             "It comes with the Slurm enactors; this build has the local agent only.");
        return 0;
    }
    return socm_cli_not_built("agent", "the Slurm pilot agent (it comes with the Slurm enactors)");
}

/* cmd_agent.c — `socm agent`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_agent(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("agent", "execution");
}

/* cmd_plan.c — `socm plan`: placeholder until the planner lands. */
#include "cli/cli.h"

int socm_cmd_plan(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("plan", "the planner");
}

/* cmd_run.c — `socm run`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("run", "execution");
}

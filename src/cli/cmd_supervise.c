/* cmd_supervise.c — `socm supervise`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_supervise(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("supervise", "execution");
}

/* cmd_status.c — `socm status`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_status(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("status", "execution");
}

/* cmd_resources.c — `socm resources`: placeholder until resource listing lands. */
#include "cli/cli.h"

int socm_cmd_resources(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("resources", "resource listing");
}

/* cmd_config.c — `socm config`: placeholder until campaign parsing lands. */
#include "cli/cli.h"

int socm_cmd_config(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("config", "campaign parsing");
}

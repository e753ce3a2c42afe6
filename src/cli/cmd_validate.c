/* cmd_validate.c — `socm validate`: placeholder until campaign parsing lands. */
#include "cli/cli.h"

int socm_cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("validate", "campaign parsing");
}

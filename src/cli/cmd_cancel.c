/* cmd_cancel.c — `socm cancel`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_cancel(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("cancel", "execution");
}

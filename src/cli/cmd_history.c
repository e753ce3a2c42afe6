/* cmd_history.c — `socm history`: placeholder until prediction from history lands. */
#include "cli/cli.h"

int socm_cmd_history(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("history", "prediction from history");
}

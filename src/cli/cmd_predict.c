/* cmd_predict.c — `socm predict`: placeholder until prediction from history lands. */
#include "cli/cli.h"

int socm_cmd_predict(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("predict", "prediction from history");
}

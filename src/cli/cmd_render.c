/* cmd_render.c — `socm render`: placeholder until template rendering lands. */
#include "cli/cli.h"

int socm_cmd_render(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("render", "template rendering");
}

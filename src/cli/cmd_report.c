/* cmd_report.c — `socm report`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("report", "execution");
}

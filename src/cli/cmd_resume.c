/* cmd_resume.c — `socm resume`: placeholder until execution lands. */
#include "cli/cli.h"

int socm_cmd_resume(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return socm_cli_not_built("resume", "execution");
}

/* cmd_resume.c — `socm resume STATE_DIR`: continue a campaign from its journal. */
#include "cli/cli.h"
#include "config/config.h"
#include "exec/bookkeeper.h"
#include "exec/program.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int socm_cmd_resume(int argc, char **argv)
{
    struct socm_run_opts o = {0};
    const char *dir = NULL;
    struct socm_error err = {0};
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        SOCM_CLI_EXEC_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("resume", argc, argv, "hq", opts)) != -1) {
        int used = socm_cli_exec_option("resume", ch, optarg, &o);
        if (used < 0 || (used == 0 && ch != 'h'))
            return 2;
        if (ch == 'h') {
            puts("usage: socm resume STATE_DIR [--cores N] [--memory SIZE] [--enactor NAME] [--quiet]\n"
                 "\n"
                 "Continues a campaign from the journal in STATE_DIR: finished work is never\n"
                 "run again, workflows still running are re-attached, results written while\n"
                 "the manager was away are collected, and only work whose supervisor is gone\n"
                 "without a result is started again. The options are run's, with the same\n"
                 "rules (--cores=4, --cores 4, abbreviations such as --co 4).\n"
                 "\n"
                 "example:\n"
                 "  socm resume ./socm-quickstart");
            return 0;
        }
    }
    for (int i = optind; i < argc; i++)
        if (socm_cli_state_dir_arg("resume", argv[i], &dir) != 0)
            return 2;
    if (!dir)
        return socm_cli_usage("resume", "no state directory given");
    o.tty = isatty(2);
    bool prog = socm_program_is_state_dir(dir);
    if (prog)
        socm_cli_outlive_terminal();
    int code = prog ? socm_program_resume(dir, &o, &err) : socm_bk_resume(dir, &o, &err);
    if (code < 0)
        return socm_cli_fail("resume", &err);
    return code;
}

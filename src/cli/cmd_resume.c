/* cmd_resume.c — `socm resume STATE_DIR`: continue a campaign from its journal. */
#include "cli/cli.h"
#include "config/config.h"
#include "manager/bookkeeper.h"
#include "api/program.h"

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
    bool retry_failed = false;
    enum { O_RETRY_FAILED = SOCM_CLI_OPT_FIRST_FREE };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"retry-failed", no_argument, NULL, O_RETRY_FAILED},
        SOCM_CLI_EXEC_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("resume", argc, argv, "hq", opts)) != -1) {
        if (ch == O_RETRY_FAILED) {
            retry_failed = true;
            continue;
        }
        int used = socm_cli_exec_option("resume", ch, optarg, &o);
        if (used < 0 || (used == 0 && ch != 'h'))
            return 2;
        if (ch == 'h') {
            puts("usage: socm resume STATE_DIR [--retry-failed] [--cores N] [--memory SIZE]\n"
                 "                   [--enactor NAME] [--quiet] [--json]\n"
                 "\n"
                 "Continues a campaign from the journal in STATE_DIR: finished work is never\n"
                 "run again, workflows still running are re-attached, results written while\n"
                 "the manager was away are collected, and only work whose supervisor is gone\n"
                 "without a result is started again. The options are run's, with the same\n"
                 "rules (--cores=4, --cores 4, abbreviations such as --co 4); without them the\n"
                 "--cores and --memory given to `socm run` apply again. A campaign that\n"
                 "ended FAILED is not run again unless --retry-failed asks to: its FAILED and\n"
                 "CANCELED workflows run again, DONE ones never (the same as `socm retry`).\n"
                 "--json prints the campaign's `socm status --json` when it is done.\n"
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
    if (prog && retry_failed)
        return socm_cli_usage("resume", "--retry-failed is for a campaign's state directory, not "
                                        "a program's");
    struct socm_retry_req all = {0};
    int code = prog           ? socm_program_resume(dir, &o, &err)
               : retry_failed ? socm_bk_retry(dir, &o, &all, &err)
                              : socm_bk_resume(dir, &o, &err);
    if (code < 0)
        return socm_cli_fail("resume", &err);
    if (prog && socm_cli_json_on() && socm_cli_program_json_print(dir, &err) != 0)
        return socm_cli_fail("resume", &err);
    if (!prog && socm_cli_json_on())
        socm_cli_status_json_print(dir);
    return code;
}

/* cmd_retry.c — `socm retry STATE_DIR [NAME...] [--failed] [--canceled]`: after a
 * fix, run a campaign's FAILED and CANCELED workflows again (or those named), with
 * the dependants their failure canceled, keeping everything DONE. It is a resume
 * (same lock, same plan, same options) that first journals what it retries. */
#include "cli/cli.h"
#include "manager/bookkeeper.h"
#include "api/program.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

int socm_cmd_retry(int argc, char **argv)
{
    struct socm_run_opts o = {0};
    struct socm_retry_req r = {0};
    enum { O_FAILED = SOCM_CLI_OPT_FIRST_FREE, O_CANCELED };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"failed", no_argument, NULL, O_FAILED},
        {"canceled", no_argument, NULL, O_CANCELED},
        SOCM_CLI_EXEC_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("retry", argc, argv, "hq", opts)) != -1) {
        if (ch == O_FAILED) {
            r.failed = true;
            continue;
        }
        if (ch == O_CANCELED) {
            r.canceled = true;
            continue;
        }
        int used = socm_cli_exec_option("retry", ch, optarg, &o);
        if (used < 0 || (used == 0 && ch != 'h'))
            return 2;
        if (ch == 'h') {
            puts("usage: socm retry STATE_DIR [NAME...] [--failed] [--canceled]\n"
                 "                  [--cores N] [--memory SIZE] [--enactor NAME] [--quiet] [--json]\n"
                 "\n"
                 "Runs a campaign's FAILED and CANCELED workflows again with its plan (only\n"
                 "the FAILED ones with --failed, only the CANCELED ones with --canceled, or\n"
                 "the workflows NAME...), together with the dependants their failure\n"
                 "canceled; DONE work is never run again. The choice is journaled first, then\n"
                 "the campaign goes on as `socm resume` would, each retried workflow with its\n"
                 "max_retries anew and its attempts counted on (`socm logs --attempt N` shows\n"
                 "earlier ones). Naming a workflow that is DONE or still under way is an error\n"
                 "(exit 2), and so is retrying one whose predecessor is neither DONE nor\n"
                 "retried with it (it could not run); another manager running the campaign\n"
                 "is refused (exit 3). Exits as\n"
                 "run does: 0 when the campaign ends DONE, 1 when something failed again.\n"
                 "`socm resume STATE_DIR --retry-failed` is the same as `socm retry STATE_DIR`.\n"
                 "--json prints the campaign's `socm status --json` when it is done.\n"
                 "\n"
                 "example:\n"
                 "  socm retry ./socm-quickstart --failed");
            return 0;
        }
    }
    if (optind >= argc)
        return socm_cli_usage("retry", "no state directory given");
    const char *dir = NULL;
    if (socm_cli_state_dir_arg("retry", argv[optind], &dir) != 0)
        return 2;
    r.names = (const char *const *)argv + optind + 1;
    r.nnames = (size_t)(argc - optind - 1);
    if (r.nnames && (r.failed || r.canceled))
        return socm_cli_usage("retry", "name workflows or choose them with --failed/--canceled, "
                                       "not both");
    if (socm_program_is_state_dir(dir))
        return socm_cli_usage("retry", "%s is a program's state directory; retry one of its "
                                       "campaigns' directories", dir);
    o.tty = isatty(2);
    struct socm_error err = {0};
    int code = socm_bk_retry(dir, &o, &r, &err);
    if (code < 0)
        return socm_cli_fail("retry", &err);
    if (socm_cli_json_on())
        socm_cli_status_json_print(dir);
    return code;
}

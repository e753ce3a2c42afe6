/* cmd_resume.c — `socm resume STATE_DIR`: continue a campaign from its journal. */
#include "campaign/campaign.h"
#include "cli/cli.h"
#include "config/config.h"
#include "exec/bookkeeper.h"
#include "exec/program.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int socm_cmd_resume(int argc, char **argv)
{
    struct socm_run_opts o = {0};
    const char *dir = NULL;
    struct socm_error err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            puts("usage: socm resume STATE_DIR [--cores N] [--memory SIZE] [--quiet]\n"
                 "\n"
                 "Continues a campaign from the journal in STATE_DIR: finished work is never\n"
                 "run again, workflows still running are re-attached, results written while\n"
                 "the manager was away are collected, and only work whose supervisor is gone\n"
                 "without a result is started again.\n"
                 "\n"
                 "example:\n"
                 "  socm resume ./socm-quickstart");
            return 0;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q"))
            o.quiet = true;
        else if (!strcmp(a, "--cores") && i + 1 < argc) {
            char *e;
            o.cores = strtoll(argv[++i], &e, 10);
            if (*e || o.cores <= 0 || o.cores > SOCM_MAX_CORES)
                return socm_cli_usage("resume", "--cores needs a positive integer of at most %lld",
                                      (long long)SOCM_MAX_CORES);
        } else if (!strcmp(a, "--memory") && i + 1 < argc) {
            if (socm_units_parse_memory_mb(argv[++i], &o.memory_mb, &err) != 0)
                return socm_cli_usage("resume", "--memory: %s", err.msg);
        } else if (socm_cli_state_dir_arg("resume", a, &dir) != 0)
            return 2;
    }
    if (!dir)
        return socm_cli_usage("resume", "no state directory given");
    o.tty = isatty(2);
    int code = socm_program_is_state_dir(dir) ? socm_program_resume(dir, &o, &err)
                                              : socm_bk_resume(dir, &o, &err);
    if (code < 0)
        return socm_cli_fail("resume", &err);
    return code;
}

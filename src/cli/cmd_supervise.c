/* cmd_supervise.c — `socm supervise` (internal): the supervisor of one workflow
 * attempt, started by the local agent. See src/exec/supervise.h. */
#include "cli/cli.h"
#include "exec/supervise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *opt_value(char **argv, int *i, int argc, const char *name)
{
    size_t n = strlen(name);
    if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (!strcmp(argv[*i], name) && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int socm_cmd_supervise(int argc, char **argv)
{
    struct socm_supervise_opts o = {0};
    o.lock_fd = -1;
    o.grace_s = 10;
    int i = 1;
    for (; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: socm supervise --sandbox DIR [--attempt N] [--walltime S] [--grace S]\n"
                 "                      [--lock-fd FD] [--cpus LIST] [--manager-pid PID] -- COMMAND...\n"
                 "(internal) runs COMMAND in DIR in its own process group, enforces the\n"
                 "walltime and writes DIR/result.json (fsync'd unless PID, the manager that\n"
                 "journals it, is still its parent). Started by `socm run`.\n"
                 "\n"
                 "example:\n"
                 "  socm supervise --sandbox /tmp/wf --walltime 60 -- sleep 1");
            return 0;
        }
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if ((v = opt_value(argv, &i, argc, "--sandbox")))
            o.sandbox = v;
        else if ((v = opt_value(argv, &i, argc, "--attempt")))
            o.attempt = atoi(v);
        else if ((v = opt_value(argv, &i, argc, "--walltime")))
            o.walltime_s = atof(v);
        else if ((v = opt_value(argv, &i, argc, "--grace")))
            o.grace_s = atof(v);
        else if ((v = opt_value(argv, &i, argc, "--lock-fd")))
            o.lock_fd = atoi(v);
        else if ((v = opt_value(argv, &i, argc, "--cpus")))
            o.cpus = v;
        else if ((v = opt_value(argv, &i, argc, "--manager-pid")))
            o.manager_pid = atol(v);
        else
            return socm_cli_usage("supervise", "unknown option '%s'", argv[i]);
    }
    if (!o.sandbox || i >= argc)
        return socm_cli_usage("supervise", "needs --sandbox DIR and -- COMMAND");
    if (o.attempt <= 0)
        o.attempt = 1;
    o.argv = argv + i;
    struct socm_error err = {0};
    if (socm_supervise(&o, &err) != 0)
        return socm_cli_fail("supervise", &err);
    return 0;
}

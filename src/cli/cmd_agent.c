/* cmd_agent.c — `socm agent STATE_DIR`: the slurm-pilot agent, started by the pilot's
 * batch script inside the allocation (src/agents/pilot_agent.c). Also the tiny step
 * wrapper each srun step runs: `socm agent --step-report FILE -- PROG ARGS...` writes
 * "JOBID.STEPID" to FILE (rank 0 only) and execs PROG with its arguments untouched. */
#include "cli/cli.h"
#include "agents/pilot.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int step_report(const char *file, char **argv)
{
    const char *rank = getenv("SLURM_PROCID");
    if (!rank || !strcmp(rank, "0")) {
        const char *job = getenv("SLURM_JOB_ID"), *step = getenv("SLURM_STEP_ID");
        char *text = socm_asprintf("%s.%s\n", job ? job : "?", step ? step : "?");
        struct socm_error err = {0};
        if (socm_write_atomic(file, text, strlen(text), 0600, &err) != 0)
            fprintf(stderr, "socm agent: %s\n", err.msg);
        free(text);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "socm agent: cannot run %s: %s\n", argv[0], strerror(errno));
    return 127;
}

int socm_cmd_agent(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        puts("usage: socm agent STATE_DIR\n"
             "\n"
             "(internal) the Slurm pilot agent: started by the slurm-pilot enactor's batch\n"
             "script inside the allocation. It takes the work the manager writes into\n"
             "STATE_DIR/pilot/queue, places it on the allocation's nodes and cores, runs each\n"
             "workflow attempt as an srun step (--exact, -w <its nodes>) under a supervisor,\n"
             "and reports step ids and results to STATE_DIR/pilot/reports.\n"
             "\n"
             "example (inside `sbatch`/`salloc`):\n"
             "  socm agent ./socm-quickstart");
        return 0;
    }
    if (argc > 2 && !strcmp(argv[1], "--step-report")) {
        if (argc < 5 || strcmp(argv[3], "--"))
            return socm_cli_usage("agent", "--step-report FILE -- PROGRAM [ARGS...]");
        return step_report(argv[2], argv + 4);
    }
    if (argc != 2 || argv[1][0] == '-')
        return socm_cli_usage("agent", "expects exactly one STATE_DIR");
    struct socm_error err = {0};
    if (socm_pilot_agent_run(argv[1], &err) != 0)
        return socm_cli_fail("agent", &err);
    return 0;
}

/* cmd_cancel.c — `socm cancel STATE_DIR`: stops everything the campaign started. A
 * running manager is asked to stop (SIGTERM: it stops its work cleanly and journals
 * it); without one, every live supervisor is told to stop its workflow, and the next
 * `socm resume` collects the results. */
#include "cli/cli.h"
#include "exec/agent.h"
#include "exec/bookkeeper.h"
#include "exec/enactor_slurm.h"
#include "exec/pilot.h"
#include "util/proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool alive(long pid)
{
    return pid > 0 && kill((pid_t)pid, 0) == 0;
}

/* Waits (at most `s` seconds) for a process to end, sleeping on its pidfd. */
static bool wait_gone(long pid, double s)
{
    int fd = socm_pidfd_open((pid_t)pid);
    if (fd < 0)
        return true;
    struct pollfd p = {fd, POLLIN, 0};
    int rc = poll(&p, 1, (int)(s * 1000));
    close(fd);
    return rc > 0;
}

int socm_cmd_cancel(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: socm cancel STATE_DIR\n"
                 "\n"
                 "Stops everything the campaign in STATE_DIR started: a running `socm run`\n"
                 "stops its workflows (SIGTERM, grace, SIGKILL) and records it; workflows left\n"
                 "running by a killed manager are stopped through their supervisors. Nothing\n"
                 "else is touched.\n"
                 "\n"
                 "example:\n"
                 "  socm cancel ./socm-quickstart");
            return 0;
        } else if (socm_cli_state_dir_arg("cancel", argv[i], &dir) != 0)
            return 2;
    }
    if (!dir)
        return socm_cli_usage("cancel", "no state directory given");
    struct socm_error err = {0};
    struct socm_bk *bk = socm_bk_load(dir, &err);
    if (!bk)
        return socm_cli_fail("cancel", &err);
    if (bk->cstate == SOCM_C_DONE || bk->cstate == SOCM_C_FAILED) {
        printf("campaign %s already ended %s; nothing to cancel\n", bk->spec.campaign,
               socm_cstate_name(bk->cstate));
        socm_bk_free(bk);
        return 0;
    }
    int code = 0;
    if (alive(bk->manager_pid)) {
        printf("asking the manager (pid %ld) to stop campaign %s\n", bk->manager_pid,
               bk->spec.campaign);
        if (kill((pid_t)bk->manager_pid, SIGTERM) != 0)
            code = 1;
        else if (!wait_gone(bk->manager_pid, bk->spec.grace_s + 30))
            fprintf(stderr, "socm cancel: the manager is still stopping; see `socm status %s`\n",
                    dir);
    } else {
        /* Durable first: whatever the supervisors do next, the next resume ends the
         * campaign CANCELED instead of going on with it. */
        if (socm_bk_request_cancel(dir, &err) != 0) {
            socm_bk_free(bk);
            return socm_cli_fail("cancel", &err);
        }
        size_t n = 0;
        for (size_t i = 0; i < bk->spec.n; i++) {
            const struct socm_wfstate *w = &bk->w[i];
            if (w->state != SOCM_W_SUBMITTED && w->state != SOCM_W_RUNNING)
                continue;
            char *sb = socm_bk_sandbox(&bk->spec, dir, (int)i);
            pid_t pid;
            if (socm_agent_probe(sb, w->attempts, &pid) == SOCM_SB_LIVE && kill(pid, SIGTERM) == 0) {
                printf("stopping %s (supervisor pid %ld)\n", bk->spec.tasks[i].name, (long)pid);
                n++;
            }
            free(sb);
        }
        printf("no manager is running campaign %s; %zu workflow%s told to stop. `socm resume "
               "%s` records the outcome and ends it CANCELED (a later resume continues it).\n",
               bk->spec.campaign, n, n == 1 ? "" : "s", dir);
    }
    /* slurm-pilot: the pilot jobs go too (scancel), so no allocation is left behind. */
    size_t npilots = 0;
    struct socm_error serr = {0};
    if (socm_pilot_scancel(dir, &npilots, &serr) != 0) {
        fprintf(stderr, "socm cancel: scancel of the pilot: %s\n", serr.msg);
        code = 1;
    } else if (npilots)
        printf("cancelled %zu pilot job%s (scancel)\n", npilots, npilots == 1 ? "" : "s");
    /* The campaign's queued and running Slurm jobs go too (scancel), those recorded
     * and those a killed manager submitted without recording (found by name and
     * working directory). */
    if (socm_slurm_spec_uses(&bk->spec, "slurm-jobs") || socm_slurm_spec_uses(&bk->spec, "slurm-pilot")) {
        size_t njobs = 0;
        if (socm_slurm_campaign_scancel(dir, bk->spec.campaign, &njobs, &serr) != 0) {
            fprintf(stderr, "socm cancel: scancel of the Slurm jobs: %s\n", serr.msg);
            code = 1;
        } else if (njobs)
            printf("cancelled %zu Slurm job%s (scancel)\n", njobs, njobs == 1 ? "" : "s");
    }
    socm_bk_free(bk);
    return code;
}

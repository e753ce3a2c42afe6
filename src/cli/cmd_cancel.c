/* cmd_cancel.c — `socm cancel STATE_DIR`: stops everything the campaign started. A
 * running manager is asked to stop (SIGTERM: it stops its work cleanly and journals
 * it); without one, every live supervisor is told to stop its workflow and the cancel
 * itself collects their results as a manager would, so the campaign is CANCELED when
 * it returns. */
#include "cli/cli.h"
#include "agents/agent.h"
#include "manager/bookkeeper.h"
#include "enactors/enactor_slurm.h"
#include "agents/pilot.h"
#include "state/statedir.h"
#include "util/proc.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Waits (at most `s` seconds) for the process behind a pidfd to end. */
static bool wait_gone(int pidfd, double s)
{
    struct pollfd p = {pidfd, POLLIN, 0};
    int rc;
    do
        rc = poll(&p, 1, (int)(s * 1000));
    while (rc < 0 && errno == EINTR);
    return rc > 0;
}

/* slurm-pilot: the pilot jobs go (scancel), so no allocation is left behind; the
 * campaign's queued and running Slurm jobs go too, those recorded and those a killed
 * manager submitted without recording (found by name and working directory). 0, or 1
 * when an scancel failed (said on stderr). */
static int scancel_slurm(const char *dir, const struct socm_bk *bk)
{
    int code = 0;
    size_t npilots = 0;
    struct socm_error serr = {0};
    if (socm_pilot_scancel(dir, &npilots, &serr) != 0) {
        fprintf(stderr, "socm cancel: scancel of the pilot: %s\n", serr.msg);
        code = 1;
    } else if (npilots)
        fprintf(socm_cli_human_out(), "cancelled %zu pilot job%s (scancel)\n", npilots,
                npilots == 1 ? "" : "s");
    if (socm_slurm_spec_uses(&bk->spec, "slurm-jobs") || socm_slurm_spec_uses(&bk->spec, "slurm-pilot")) {
        size_t njobs = 0;
        if (socm_slurm_campaign_scancel(dir, bk->spec.campaign, &njobs, &serr) != 0) {
            fprintf(stderr, "socm cancel: scancel of the Slurm jobs: %s\n", serr.msg);
            code = 1;
        } else if (njobs)
            fprintf(socm_cli_human_out(), "cancelled %zu Slurm job%s (scancel)\n", njobs,
                    njobs == 1 ? "" : "s");
    }
    return code;
}

/* No manager: the cancel is journaled (under the manager lock, so no resume starts
 * meanwhile) and the live supervisors are told to stop. 1 if a manager took the
 * directory in the meantime (the caller asks that one instead). */
static int cancel_unmanaged(const char *dir, struct socm_bk *bk, int *slurm_code,
                            struct socm_error *err)
{
    /* Durable first: whatever the supervisors do next, the next resume ends the
     * campaign CANCELED instead of going on with it. */
    if (socm_bk_request_cancel(dir, err) != 0) {
        struct socm_manager m;
        struct socm_error qerr = {0};
        return socm_statedir_manager(dir, &m, &qerr) == 0 && m.held && strcmp(m.role, "cancel")
                   ? 1
                   : -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < bk->spec.n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_SUBMITTED && w->state != SOCM_W_RUNNING)
            continue;
        char *sb = socm_bk_sandbox(&bk->spec, dir, (int)i);
        pid_t pid;
        int pidfd; /* verified against the supervisor's lock: never a reused pid */
        if (socm_agent_probe(sb, w->attempts, &pid, &pidfd) == SOCM_SB_LIVE) {
            if (socm_pidfd_signal(pidfd, SIGTERM) == 0) {
                fprintf(socm_cli_human_out(), "stopping %s (supervisor pid %ld)\n",
                        bk->spec.tasks[i].name, (long)pid);
                n++;
            }
            close(pidfd);
        }
        free(sb);
    }
    fprintf(socm_cli_human_out(), "no manager is running campaign %s; %zu workflow%s told to stop\n",
            bk->spec.campaign, n, n == 1 ? "" : "s");
    /* Slurm's jobs go before the collecting resume below: it re-attaches to every
     * job it can find and would otherwise wait for them to run to their end. */
    *slurm_code = scancel_slurm(dir, bk);
    /* Final at once: a resume that finds the cancel collects what the supervisors
     * leave (waiting for them to stop), starts nothing, and ends the campaign CANCELED. */
    struct socm_run_opts o = {.quiet = true};
    int code = socm_bk_resume(dir, &o, err);
    if (code < 0)
        return -1;
    fprintf(socm_cli_human_out(),
            "campaign %s CANCELED; `socm resume %s` continues it, `socm retry %s` runs the "
            "canceled workflows again\n",
            bk->spec.campaign, dir, dir);
    return 0;
}

/* A manager holds the lock: SIGTERM through a pidfd verified against the lock, then
 * wait for it. 0 the campaign is stopped (or ended), 1 the manager is gone without
 * recording it (the caller goes on as if there were none), -1 error. */
static int cancel_managed(const char *dir, int pidfd, const struct socm_manager *m,
                          struct socm_bk *bk, struct socm_error *err)
{
    fprintf(socm_cli_human_out(), "asking the manager (pid %ld) to stop campaign %s\n", m->pid,
            bk->spec.campaign);
    if (socm_pidfd_signal_tagged(pidfd, SIGTERM, SOCM_CANCEL_TAG) != 0) {
        if (errno == ESRCH)
            return 1;
        return socm_error_errno(err, "cannot signal the manager (pid %ld)", m->pid);
    }
    if (!wait_gone(pidfd, bk->spec.grace_s + 30)) {
        fprintf(stderr, "socm cancel: the manager is still stopping; see `socm status %s`\n", dir);
        return 0;
    }
    /* Gone: it must have recorded the stop, else nobody did. */
    struct socm_bk *after = socm_bk_load(dir, err);
    if (!after)
        return -1;
    bool recorded = after->cstate == SOCM_C_CANCELED || after->cstate == SOCM_C_DONE ||
                    after->cstate == SOCM_C_FAILED;
    socm_bk_free(after);
    if (recorded)
        return 0;
    fprintf(stderr, "socm cancel: the manager (pid %ld) ended without recording the stop\n",
            m->pid);
    return 1;
}

int socm_cmd_cancel(int argc, char **argv)
{
    const char *dir = NULL;
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("cancel", argc, argv, "h", opts)) != -1) {
        if (ch != 'h')
            return 2;
        puts("usage: socm cancel STATE_DIR [--json]\n"
             "\n"
             "Stops everything the campaign in STATE_DIR started: a running `socm run`\n"
             "stops its workflows (SIGTERM, grace, SIGKILL) and records it; workflows left\n"
             "running by a killed manager are stopped through their supervisors, and the\n"
             "campaign is recorded CANCELED before cancel returns. Nothing else is touched:\n"
             "`socm resume` continues the campaign later, `socm retry` runs the canceled\n"
             "workflows again. --json prints the campaign's `socm status --json` once it\n"
             "is canceled (what cancel says goes to stderr then).\n"
             "\n"
             "example:\n"
             "  socm cancel ./socm-quickstart");
        return 0;
    }
    for (int i = optind; i < argc; i++)
        if (socm_cli_state_dir_arg("cancel", argv[i], &dir) != 0)
            return 2;
    if (!dir)
        return socm_cli_usage("cancel", "no state directory given");
    struct socm_error err = {0};
    struct socm_bk *bk = socm_bk_load(dir, &err);
    if (!bk)
        return socm_cli_fail("cancel", &err);
    if (bk->cstate == SOCM_C_DONE || bk->cstate == SOCM_C_FAILED) {
        fprintf(socm_cli_human_out(), "campaign %s already ended %s; nothing to cancel\n",
                bk->spec.campaign, socm_cstate_name(bk->cstate));
        socm_bk_free(bk);
        if (socm_cli_json_on())
            socm_cli_status_json_print(dir);
        return 0;
    }
    int code = 0, slurm_code = 0;
    bool slurm_done = false; /* the unmanaged path cancels Slurm's jobs itself */
    /* Who runs the campaign comes from the manager lock, never from a pid in the
     * journal (which a dead manager's successor process may have). A manager that ends
     * without recording the stop, or one that starts meanwhile, sends us round again. */
    int rc = 1;
    for (int round = 0; rc == 1 && round < 5; round++) {
        struct socm_manager m;
        int pidfd = socm_statedir_manager_pidfd(dir, &m, &err);
        if (pidfd >= 0 && !strcmp(m.role, "cancel")) {
            close(pidfd); /* another `socm cancel` is journaling its cancel: wait for it */
            usleep(200000);
        } else if (pidfd >= 0) {
            rc = cancel_managed(dir, pidfd, &m, bk, &err);
            close(pidfd);
        } else if (m.held || err.msg[0])
            rc = -1;
        else {
            rc = cancel_unmanaged(dir, bk, &slurm_code, &err);
            slurm_done = rc == 0;
        }
    }
    if (rc != 0) {
        if (rc == 1)
            socm_error_set(&err, SOCM_E_SYSTEM, "the manager of %s keeps changing; try again", dir);
        socm_bk_free(bk);
        return socm_cli_fail("cancel", &err);
    }
    if (slurm_done ? slurm_code != 0 : scancel_slurm(dir, bk) != 0)
        code = 1;
    socm_bk_free(bk);
    if (socm_cli_json_on())
        socm_cli_status_json_print(dir);
    return code;
}

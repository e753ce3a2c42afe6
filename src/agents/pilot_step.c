/* pilot_step.c — one attempt of the slurm-pilot agent as an srun step: the srun
 * command (`srun --exact --nodes --ntasks --cpus-per-task --mem --export=ALL -w
 * <nodes>`) run by the local supervisor, and when it ends, how: a step Slurm refused
 * for a passing reason is tried again with back-off, a step Slurm itself ended (node
 * failure, time limit, preemption) is reported "lost" for the manager to run again,
 * anything else is the program's own result. An ended step's cores are held until
 * Slurm no longer lists the step (squeue --steps), so the next step does not ask for
 * what Slurm has not released. */
#include "agents/agent.h"
#include "agents/pilot.h"
#include "agents/pilot_agent.h"
#include "slurm/slurm.h"
#include "util/proc.h"
#include "util/str.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *report_path(struct agent *A, const struct item *it, const char *ext)
{
    return socm_asprintf("%s/pilot/reports/%d.%d.%s", A->dir, it->index, it->attempt, ext);
}

/* Writes an end report kept because it could not be written; true once written. */
static bool report_write(struct agent *A, struct item *it)
{
    char *p = report_path(A, it, "end");
    struct socm_error err = {0};
    bool ok = socm_write_atomic(p, it->unreported, strlen(it->unreported), 0600, &err) == 0;
    free(p);
    if (!ok && !it->unreported_said) {
        /* The manager waits for it; the work stays in taken/, never run again. */
        fprintf(stderr, "socm agent: %s: %s; the end report is kept and written again "
                        "every second\n", it->task.name, err.msg);
        it->unreported_said = true;
    }
    if (ok && it->unreported_said)
        fprintf(stderr, "socm agent: %s: end report written\n", it->task.name);
    return ok;
}

bool socm_pagent_end(struct agent *A, size_t k, const char *outcome, const char *why)
{
    struct item *it = A->items[k];
    if (it->pidfd >= 0) {
        close(it->pidfd);
        it->pidfd = -1;
    }
    char *rp = socm_asprintf("%s/result.json", it->sandbox);
    json_t *j = json_load_file(rp, 0, NULL);
    free(rp);
    if (!j || outcome) {
        json_decref(j);
        double now = socm_now();
        j = json_pack("{s:i,s:s,s:i,s:i,s:f,s:f,s:f,s:f,s:f}", "attempt", it->attempt, "outcome",
                      outcome ? outcome : "failed", "exit_code", -1, "signal", 0, "start", now,
                      "end", now, "elapsed_s", 0.0, "max_rss_mb", 0.0, "cpu_s", 0.0);
        json_object_set_new(j, "reason", json_string(why ? why : "the supervisor left no result"));
    }
    char *sp = report_path(A, it, "step");
    char *step = socm_pilot_read(sp);
    free(sp);
    if (step) {
        step[strcspn(step, "\n")] = '\0';
        json_object_set_new(j, "step", json_string(step));
        free(step);
    }
    it->unreported = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (!report_write(A, it))
        return false;
    socm_pagent_remove_item(A, k);
    return true;
}

int socm_pagent_launch(struct agent *A, struct item *it, struct socm_error *err)
{
    int64_t T = it->task.threads, R = it->task.cores / T;
    if (R < 1)
        R = 1;
    struct socm_buf nodes = SOCM_BUF_INIT;
    int64_t nnodes = 0;
    for (size_t k = 0; k < A->nn; k++)
        if (it->use[k]) {
            socm_buf_printf(&nodes, "%s%s", nnodes ? "," : "", A->nodes[k].name);
            nnodes++;
        }
    double mem = it->task.memory_mb / (double)nnodes;
    long long mem_mb = mem < 1 ? 1 : (long long)(mem + 0.999);
    /* The step is the launch method: the supervisor runs srun, which runs the program
     * through `socm agent --step-report`, which records JOBID.STEPID and execs it. */
    struct socm_task t = it->task;
    struct socm_strv argv = SOCM_STRV_INIT;
    socm_strv_push(&argv, "srun");
    socm_strv_push(&argv, "--exact");
    socm_strv_pushf(&argv, "--nodes=%lld", (long long)nnodes);
    socm_strv_pushf(&argv, "--ntasks=%lld", (long long)R);
    socm_strv_pushf(&argv, "--cpus-per-task=%lld", (long long)T);
    socm_strv_pushf(&argv, "--mem=%lld", mem_mb);
    socm_strv_push(&argv, "--export=ALL");
    socm_strv_push(&argv, "-w");
    socm_strv_push_owned(&argv, socm_buf_steal(&nodes));
    socm_strv_pushf(&argv, "--job-name=%s", it->task.name);
    socm_strv_push(&argv, "--");
    socm_strv_push(&argv, socm_self_exe());
    socm_strv_push(&argv, "agent");
    socm_strv_push(&argv, "--step-report");
    socm_strv_push_owned(&argv, report_path(A, it, "step"));
    socm_strv_push(&argv, "--");
    for (size_t i = 0; i < it->task.argv.n; i++)
        socm_strv_push(&argv, it->task.argv.v[i]);
    t.argv = argv;
    struct socm_launch l = {.index = it->index, .attempt = it->attempt, .task = &t,
                            .sandbox = it->sandbox};
    struct socm_allocation a = {.campaign = A->campaign, .state_dir = A->dir,
                                .grace_s = A->grace_s};
    bool stripped = false;
    it->pid = socm_agent_launch(&l, &a, &it->pidfd, &stripped, err);
    socm_strv_free(&argv);
    if (it->pid < 0 || it->pidfd < 0) {
        if (it->pid > 0)
            kill(it->pid, SIGKILL);
        it->pidfd = -1;
        return -1;
    }
    return 0;
}

/* The last `max` bytes of a file (srun's own words come at the end of the step's
 * stderr, which may be huge), or NULL. */
static char *tail_of(const char *path, long max)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > max)
        fseek(f, -max, SEEK_END);
    else
        rewind(f);
    char *buf = socm_xmalloc((size_t)max + 1);
    size_t n = fread(buf, 1, (size_t)max, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Why Slurm ended a step under the program (srun's and slurmstepd's words), or NULL:
 * srun may even exit 0 after "Node failure", so this is asked of every step. */
static const char *slurm_ended(const char *text)
{
    static const char *const marks[][2] = {
        {"srun: error: Node failure on", "its node failed"},
        {"DUE TO NODE FAILURE", "its node failed"},
        {"DUE TO TIME LIMIT", "the pilot's time limit"},
        {"DUE TO PREEMPTION", "preempted"},
        {"srun: Job step aborted", "its step was aborted"}};
    for (size_t i = 0; text && i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i][0]))
            return marks[i][1];
    return NULL;
}

/* srun refused because the pilot itself is ending or gone (its node failed and Slurm
 * is completing the job): the program never ran, so this is no failure of it. */
static const char *pilot_gone(const char *text)
{
    static const char *const marks[] = {"already completing or completed", "Invalid job id",
                                        "Job has already finished", "job has expired"};
    for (size_t i = 0; text && i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i]))
            return "its pilot was ending";
    return NULL;
}

/* srun's words when Slurm would not create the step (the program never started):
 * "not now" refusals, and those a restarted controller gives until its nodes have
 * reported the resources that ended steps released. */
static bool step_refused(const char *text)
{
    static const char *const marks[] = {"Unable to create step", "Memory required by task is not available",
                                        "Requested node configuration is not available",
                                        "Unable to confirm allocation"};
    if (socm_slurm_error_retryable(text))
        return true;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i]))
            return true;
    return false;
}

/* Holds an ended step's cores until Slurm has let go of the step. */
static void drain_add(struct agent *A, struct item *it, char *step)
{
    A->drains = socm_xrealloc(A->drains, (A->ndrains + 1) * sizeof *A->drains);
    struct drain *d = &A->drains[A->ndrains++];
    d->step = step;
    d->use = socm_xcalloc(A->nn, sizeof *d->use);
    memcpy(d->use, it->use, A->nn * sizeof *d->use);
    memset(it->use, 0, A->nn * sizeof *it->use);
    d->until = socm_now() + DRAIN_MAX_S;
    if (!A->drain_check)
        A->drain_check = socm_now() + 0.2;
}

void socm_pagent_drain_release(struct agent *A, size_t k)
{
    struct drain *d = &A->drains[k];
    for (size_t n = 0; n < A->nn; n++)
        A->nodes[n].free += d->use[n];
    free(d->use);
    free(d->step);
    A->drains[k] = A->drains[--A->ndrains];
}

/* One squeue --steps for the pilot: the steps Slurm still lists keep their cores.
 * Returns when to look again (0 = nothing drains). */
double socm_pagent_drain_check(struct agent *A)
{
    double now = socm_now();
    if (!A->ndrains)
        return A->drain_check = 0;
    if (now < A->drain_check)
        return A->drain_check;
    struct socm_strv steps = SOCM_STRV_INIT;
    struct socm_error err = {0};
    bool known = socm_slurm_steps(getenv("SLURM_JOB_ID"), &steps, &err) == 0;
    for (size_t k = 0; k < A->ndrains; k++) {
        bool listed = false;
        for (size_t i = 0; known && i < steps.n && !listed; i++)
            listed = !strcmp(steps.v[i], A->drains[k].step);
        if ((known && !listed) || now >= A->drains[k].until)
            socm_pagent_drain_release(A, k--);
    }
    socm_strv_free(&steps);
    return A->drain_check = A->ndrains ? now + 0.5 : 0;
}

double socm_pagent_reports_retry(struct agent *A)
{
    bool left = false;
    for (size_t k = 0; k < A->n; k++) {
        struct item *it = A->items[k];
        if (!it->unreported)
            continue;
        if (report_write(A, it))
            socm_pagent_remove_item(A, k--);
        else
            left = true;
    }
    return left ? socm_now() + 1 : 0;
}

void socm_pagent_finish(struct agent *A, size_t k)
{
    struct item *it = A->items[k];
    int status;
    waitpid(it->pid, &status, 0);
    close(it->pidfd);
    it->pidfd = -1;
    char *sp = report_path(A, it, "step");
    char *step_id = socm_pilot_read(sp);
    bool stepped = step_id != NULL;
    free(sp);
    if (step_id) {
        step_id[strcspn(step_id, "\n")] = '\0';
        drain_add(A, it, step_id); /* takes step_id */
    } else
        socm_pagent_release(A, it);
    struct socm_result r;
    char *reason = NULL;
    bool have = socm_result_read(it->sandbox, it->attempt, &r, &reason) == 0;
    bool failed = !have || r.outcome == SOCM_OUT_FAILED;
    /* The supervisor stopped it at its walltime (srun then says "Job step aborted"):
     * a TIMEOUT of the workflow, not Slurm ending the step. */
    bool timed_out = have && r.outcome == SOCM_OUT_TIMEOUT;
    free(reason);
    char *ep = socm_asprintf("%s/stderr", it->sandbox);
    char *text = it->cancel ? NULL : tail_of(ep, 65536);
    free(ep);
    const char *ended = stepped && !timed_out ? slurm_ended(text) : NULL;
    if (!ended && failed && !stepped)
        ended = pilot_gone(text);
    if (ended)
        A->ending = true;
    double now = socm_now();
    if (failed && text && !stepped && !ended && step_refused(text) &&
        (!it->refused_since || now - it->refused_since < STEP_REFUSED_MAX_S)) {
        /* srun never made the step: Slurm refused the step, the program never ran. */
        double delay = it->tries < 6 ? 0.5 * (1 << it->tries) : STEP_BACKOFF_MAX_S;
        if (!it->refused_since)
            it->refused_since = now;
        it->tries++;
        it->not_before = now + delay;
        fprintf(stderr, "socm agent: %s: Slurm refused the step for now; retry %d in %.1f s\n",
                it->task.name, it->tries, delay);
        free(text);
        return;
    }
    free(text);
    if (ended) {
        char why[128];
        snprintf(why, sizeof why, "Slurm ended its step: %s", ended);
        socm_pagent_end(A, k, "lost", why);
    } else
        socm_pagent_end(A, k, NULL, NULL);
}

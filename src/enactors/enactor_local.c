/* enactor_local.c — the `local` enactor: an agent owning this machine's cores and
 * memory, one supervisor per workflow attempt, pidfds polled by the bookkeeper. */
#include "agents/agent.h"
#include "state/spec.h"
#include "socm/enactor.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct run {
    struct socm_launch *l;
    pid_t pid;
    int pidfd;
    bool child; /* ours to reap (not re-attached) */
};

struct local {
    struct socm_allocation a;
    struct socm_pool pool;
    struct run *runs; /* active, dense */
    size_t n, cap;
    bool srun_said;
};

static int local_setup(struct socm_enactor *e, const struct socm_allocation *a,
                       struct socm_error *err)
{
    struct local *L = socm_xcalloc(1, sizeof *L);
    L->a = *a;
    int64_t cores = a->cores > 0 ? a->cores : socm_machine_cores();
    double mem = a->memory_mb > 0 ? a->memory_mb : socm_machine_mem_available_mb();
    socm_pool_init(&L->pool, cores, mem);
    e->priv = L;
    socm_agent_set_fault_reports(!a->simulate); /* the bookkeeper reads the signal */
    return 0;
}

static int local_place(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct local *L = e->priv;
    return socm_pool_place_launch(&L->pool, l, err);
}

static void local_unplace(struct socm_enactor *e, struct socm_launch *l)
{
    struct local *L = e->priv;
    socm_pool_release_launch(&L->pool, l);
}

static void add_run(struct local *L, struct socm_launch *l, pid_t pid, int pidfd, bool child)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 16;
        L->runs = socm_xrealloc(L->runs, L->cap * sizeof *L->runs);
    }
    L->runs[L->n++] = (struct run){l, pid, pidfd, child};
}

static void local_submit(struct socm_enactor *e, struct socm_launch *const *ls, size_t n)
{
    struct local *L = e->priv;
    for (size_t i = 0; i < n; i++) {
        struct socm_launch *l = ls[i];
        struct socm_error err = {0};
        int pidfd = -1;
        bool stripped = false;
        pid_t pid = socm_agent_launch(l, &L->a, &pidfd, &stripped, &err);
        if (pid < 0 || pidfd < 0) {
            socm_pool_release_launch(&L->pool, l);
            /* socm could not start its own supervisor: a fault of the machine */
            socm_launch_report_end(e, l, SOCM_OUT_SYSTEM,
                        err.msg[0] ? err.msg : "cannot start the supervisor");
            continue;
        }
        if (stripped && !L->srun_said) {
            L->srun_said = true;
            e->cb.log(e->cb.ctx, "no Slurm allocation here: workflows whose command starts "
                                 "with srun run the program directly, with the srun task "
                                 "geometry exported as SLURM_NTASKS/SLURM_CPUS_PER_TASK");
        }
        l->job = pid;
        add_run(L, l, pid, pidfd, true);
        e->cb.running(e->cb.ctx, l->index, l->attempt, pid);
    }
}

static int local_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct local *L = e->priv;
    pid_t pid;
    int pidfd;
    switch (socm_agent_probe(l->sandbox, l->attempt, &pid, &pidfd)) {
    case SOCM_SB_LIVE:
        socm_pool_reserve(&L->pool, l->cores, l->ncores, l->task->memory_mb);
        l->job = pid;
        add_run(L, l, pid, pidfd, false);
        return 0;
    case SOCM_SB_ENDED: {
        struct socm_result r;
        char *reason = NULL;
        if (socm_result_read(l->sandbox, l->attempt, &r, &reason) != 0)
            return socm_error_set(err, SOCM_E_SYSTEM, "%s/result.json: cannot be read",
                                  l->sandbox);
        r.index = l->index;
        r.reason = reason;
        e->cb.finished(e->cb.ctx, &r);
        free(reason);
        return 1;
    }
    case SOCM_SB_INTERRUPTED:
        socm_agent_kill_leftovers(l->sandbox, l->attempt);
        return 3;
    case SOCM_SB_UNKNOWN:
        return socm_error_set(err, SOCM_E_SYSTEM,
                              "%s: a supervisor holds its lock but has not written its pid for a "
                              "minute; resume again later (or stop it)", l->sandbox);
    default:
        return 2;
    }
}

static size_t local_pollfds(struct socm_enactor *e, struct pollfd *fds, size_t max)
{
    struct local *L = e->priv;
    size_t k = 0;
    for (size_t i = 0; i < L->n && k < max; i++)
        fds[k++] = (struct pollfd){L->runs[i].pidfd, POLLIN, 0};
    return k;
}

static int local_timeout(struct socm_enactor *e)
{
    (void)e;
    return -1;
}

/* The last line of the supervisor's own log (its reason for ending early), or "". */
static void last_said(const char *sandbox, char *buf, size_t n)
{
    buf[0] = '\0';
    char *p = socm_asprintf("%s/supervisor.log", sandbox);
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    free(p);
    if (fd < 0)
        return;
    char tail[512];
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)sizeof tail - 1 ? end - (off_t)sizeof tail + 1 : 0;
    ssize_t r = pread(fd, tail, sizeof tail - 1, from);
    close(fd);
    if (r <= 0)
        return;
    tail[r] = '\0';
    while (r > 0 && tail[r - 1] == '\n')
        tail[--r] = '\0';
    const char *line = strrchr(tail, '\n');
    const char *s = line ? line + 1 : tail;
    size_t k = strlen(s) < n - 1 ? strlen(s) : n - 1;
    memcpy(buf, s, k);
    buf[k] = '\0';
}

/* A supervisor ended without a result. If the command had started, the supervisor
 * died under it: the command went with it (PR_SET_PDEATHSIG), what is left of its
 * group is killed before anything runs again, and the attempt is lost. If it never
 * started, socm could not do its part: a fault of the machine, not of the workflow. */
static void report_no_result(struct socm_enactor *e, struct socm_launch *l, const struct run *r,
                             int status)
{
    char how[64] = "";
    if (r->child && WIFSIGNALED(status))
        snprintf(how, sizeof how, " (killed by signal %d)", WTERMSIG(status));
    else if (r->child && WIFEXITED(status))
        snprintf(how, sizeof how, " (exit status %d)", WEXITSTATUS(status));
    char msg[1024];
    if (socm_agent_kill_leftovers(l->sandbox, l->attempt)) {
        snprintf(msg, sizeof msg,
                 "its supervisor died%s while the command ran; the command was stopped with it",
                 how);
        socm_launch_report_end(e, l, SOCM_OUT_LOST, msg);
        return;
    }
    char said[400];
    last_said(l->sandbox, said, sizeof said);
    snprintf(msg, sizeof msg, "its supervisor ended%s before starting the command: %s", how,
             said[0] ? said : "see its supervisor.log");
    socm_launch_report_end(e, l, SOCM_OUT_SYSTEM, msg);
}

static void finish_run(struct socm_enactor *e, struct run *r)
{
    struct local *L = e->priv;
    int status = 0;
    if (r->child)
        waitpid(r->pid, &status, 0); /* exited: the pidfd said so */
    close(r->pidfd);
    struct socm_launch *l = r->l;
    socm_pool_release_launch(&L->pool, l);
    struct socm_result res;
    char *reason = NULL;
    if (socm_result_read(l->sandbox, l->attempt, &res, &reason) == 0) {
        res.index = l->index;
        res.reason = reason;
        e->cb.finished(e->cb.ctx, &res);
    } else
        report_no_result(e, l, r, status);
    free(reason);
}

static void local_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct local *L = e->priv;
    /* Collect first: finished() may not be called while runs[] is being walked. */
    struct run *done = socm_xcalloc(n ? n : 1, sizeof *done);
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        if (!fds[i].revents)
            continue;
        for (size_t k = 0; k < L->n; k++)
            if (L->runs[k].pidfd == fds[i].fd) {
                done[nd++] = L->runs[k];
                L->runs[k] = L->runs[--L->n];
                break;
            }
    }
    for (size_t i = 0; i < nd; i++)
        finish_run(e, &done[i]);
    free(done);
}

static void local_cancel(struct socm_enactor *e, int index)
{
    struct local *L = e->priv;
    for (size_t k = 0; k < L->n; k++)
        if (L->runs[k].l->index == index)
            socm_pidfd_signal(L->runs[k].pidfd, SIGTERM); /* the supervisor does the grace */
}

static void local_terminate(struct socm_enactor *e)
{
    struct local *L = e->priv;
    for (size_t k = 0; k < L->n; k++)
        socm_pidfd_signal(L->runs[k].pidfd, SIGTERM);
}

static size_t local_active(struct socm_enactor *e)
{
    return ((struct local *)e->priv)->n;
}

static void local_destroy(struct socm_enactor *e)
{
    struct local *L = e->priv;
    for (size_t k = 0; k < L->n; k++)
        close(L->runs[k].pidfd); /* supervisors keep running: resume re-attaches */
    free(L->runs);
    socm_pool_free(&L->pool);
    free(L);
}

const struct socm_enactor_ops socm_enactor_local = {
    .name = "local",
    .description = "this machine: cores and memory placed, one supervisor per workflow",
    .setup = local_setup,
    .place = local_place,
    .unplace = local_unplace,
    .submit = local_submit,
    .reattach = local_reattach,
    .pollfds = local_pollfds,
    .timeout_ms = local_timeout,
    .handle = local_handle,
    .cancel = local_cancel,
    .terminate = local_terminate,
    .active = local_active,
    .destroy = local_destroy,
};

/* pilot_calls.c — the slurm-pilot manager's Slurm commands, run beside its event loop.
 * An enactor never blocks the loop (socm/enactor.h), yet squeue, sacct, sinfo,
 * sacctmgr and sbatch may take up to SOCM_SLURM_TIMEOUT (60 s) while slurmctld or slurmdbd do not
 * answer; meanwhile signals, hooks and other sites must still be served. So each
 * call runs in a worker thread of its own, on copies of what it needs (it never
 * touches the enactor's state), and tells the loop it is done through an eventfd the
 * loop polls. At most one call per pilot enactor is under way. A manager that stops
 * while a call hangs does not wait for it: the call frees itself when it ends, and
 * the process's exit ends the thread. */
#include "enactors/pilot_manager.h"
#include "campaign/discover.h"
#include "campaign/campaign.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct pcall *socm_pcall_new(enum pcall_kind kind)
{
    struct pcall *c = socm_xcalloc(1, sizeof *c);
    c->kind = kind;
    c->efd = -1;
    c->ids = (struct socm_strv)SOCM_STRV_INIT;
    c->args = (struct socm_strv)SOCM_STRV_INIT;
    atomic_init(&c->refs, 1);
    return c;
}

static void pcall_free(struct pcall *c)
{
    free(c->jobname);
    free(c->dir);
    free(c->partition);
    free(c->script);
    socm_strv_free(&c->ids);
    socm_strv_free(&c->args);
    socm_squeue_free(&c->q);
    socm_sacct_free(&c->acct);
    socm_resource_free(c->res);
    if (c->efd >= 0)
        close(c->efd);
    free(c);
}

static void pcall_unref(struct pcall *c)
{
    if (atomic_fetch_sub(&c->refs, 1) == 1)
        pcall_free(c);
}

static void poll_run(struct pcall *c)
{
    if (c->want_squeue)
        c->squeue_rc = socm_slurm_squeue(c->jobname, NULL, &c->q, &c->squeue_err);
    if (c->want_sacct)
        c->sacct_rc = socm_slurm_sacct(NULL, &c->ids, NULL, &c->acct, &c->sacct_err);
}

static void submit_run(struct pcall *c)
{
    if (c->want_sinfo) {
        c->cpn = socm_pilot_cpus_per_node(c->partition, &c->sinfo_err);
        if (c->cpn <= 0)
            return; /* the loop says why and tries later */
    }
    socm_strv_pushf(&c->args, "--nodes=%lld", (long long)((c->cores + c->cpn - 1) / c->cpn));
    c->sbatch_rc = socm_slurm_sbatch(&c->args, c->script, &c->id, &c->retry, &c->sbatch_err);
}

static void *pcall_thread(void *arg)
{
    struct pcall *c = arg;
    switch (c->kind) {
    case PCALL_POLL:
        poll_run(c);
        break;
    case PCALL_SUBMIT:
        submit_run(c);
        break;
    case PCALL_ADOPT:
        c->id = socm_slurm_find_job(c->jobname, c->dir, c->since, &c->sbatch_err);
        break;
    case PCALL_DISCOVER:
        c->res = socm_resource_discover("discover", c->partition, NULL, &c->res_err);
        break;
    }
    uint64_t one = 1;
    if (write(c->efd, &one, sizeof one) < 0) {
        /* an eventfd counter far from overflow: cannot fail */
    }
    pcall_unref(c);
    return NULL;
}

int socm_pcall_start(struct pcall *c, struct socm_error *err)
{
    c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->efd < 0) {
        socm_error_errno(err, "slurm-pilot: eventfd");
        pcall_free(c);
        return -1;
    }
    atomic_fetch_add(&c->refs, 1); /* the thread's */
    /* The thread starts with every signal blocked (it inherits the mask in force at
     * pthread_create): a signal meant for the loop's signalfd, or for the process,
     * is never taken by it. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&c->thread, NULL, pcall_thread, c);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        errno = rc;
        socm_error_errno(err, "slurm-pilot: cannot start a thread for Slurm's commands");
        pcall_free(c);
        return -1;
    }
    c->started = true;
    return 0;
}

void socm_pcall_join(struct pcall *c)
{
    if (c->started) {
        pthread_join(c->thread, NULL);
        c->started = false;
    }
}

void socm_pcall_release(struct pcall *c)
{
    if (!c)
        return;
    if (c->started) {
        uint64_t x;
        if (read(c->efd, &x, sizeof x) == (ssize_t)sizeof x) /* done: join, no wait */
            socm_pcall_join(c);
        else
            pthread_detach(c->thread);
        c->started = false;
    }
    pcall_unref(c);
}

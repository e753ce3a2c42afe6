/* campaign_run.c — the library's run/wait/succeeded API (include/socm/socm.h): a
 * campaign loaded, planned and executed by its bookkeeper in a child process. */
#include "socm/socm.h"
#include "campaign/campaign.h"
#include "manager/bookkeeper.h"
#include "api/run_pipeline.h"
#include "planner/sites.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct socm_campaign_handle {
    pid_t pid;
    bool finished;
    int code;
};

int socm_campaign_plan(const struct socm_campaign *c, struct socm_plan *plan,
                       struct socm_error *err)
{
    struct socm_sites_plan sp;
    if (socm_sites_plan_make(c, NULL, &sp, err) != 0)
        return -1;
    *plan = sp.plan; /* the merged plan when the campaign has several sites */
    memset(&sp.plan, 0, sizeof sp.plan);
    socm_sites_plan_free(&sp);
    return 0;
}

static void print_load_errors(void *ctx, const struct socm_errlist *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(stderr, "socm: %s\n", errs->msgs[i]);
}

/* The child's whole life: the run pipeline (the same as `socm run`); returns its
 * exit code. */
static int child_main(const char *const *files, size_t nfiles, const char *state_dir,
                      const struct socm_run_opts *opts, bool resume)
{
    struct socm_error err = {0};
    struct socm_pipeline p = {
        .files = files, .nfiles = nfiles,
        .vars = {(const char *const *)opts->defines.v, opts->defines.n, opts->values},
        .state_dir = state_dir, .resume = resume, .opts = opts,
        .load_failed = print_load_errors,
    };
    int code = socm_pipeline_run(&p, &err);
    free(p.ran_dir);
    if (code < 0)
        fprintf(stderr, "socm: %s\n", err.msg);
    return code < 0 ? (err.code ? (int)err.code : 2) : code; /* 3: e.g. another manager */
}

struct socm_campaign_handle *socm_campaign_run(const char *const *files, size_t nfiles,
                                               const char *state_dir,
                                               const struct socm_run_opts *opts, bool resume,
                                               struct socm_error *err)
{
    struct socm_run_opts o = opts ? *opts : (struct socm_run_opts){0};
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        socm_error_errno(err, "fork");
        return NULL;
    }
    if (pid == 0) {
        /* The manager handles SIGHUP itself (it goes on, see bookkeeper.c), even when
         * the caller ignores it: blocked first, so one that comes now waits for it. */
        sigset_t hup;
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        sigprocmask(SIG_BLOCK, &hup, NULL);
        signal(SIGHUP, SIG_DFL);
        int code = child_main(files, nfiles, state_dir, &o, resume);
        fflush(NULL);
        _exit(code); /* the caller's atexit handlers and buffers are not ours */
    }
    struct socm_campaign_handle *h = socm_xcalloc(1, sizeof *h);
    h->pid = pid;
    return h;
}

void socm_campaign_reaped(struct socm_campaign_handle *h, int st)
{
    h->finished = true;
    h->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

int socm_campaign_wait(struct socm_campaign_handle *h)
{
    while (!h->finished) {
        int st;
        pid_t r = waitpid(h->pid, &st, 0);
        if (r == h->pid)
            socm_campaign_reaped(h, st);
        else if (r < 0 && errno != EINTR) {
            h->finished = true;
            h->code = 2;
        }
    }
    return h->code;
}

pid_t socm_campaign_pid(const struct socm_campaign_handle *h) { return h->pid; }
bool socm_campaign_finished(const struct socm_campaign_handle *h) { return h->finished; }
bool socm_campaign_succeeded(const struct socm_campaign_handle *h)
{
    return h->finished && h->code == 0;
}
int socm_campaign_exit_code(const struct socm_campaign_handle *h) { return h->code; }
void socm_campaign_handle_free(struct socm_campaign_handle *h) { free(h); }

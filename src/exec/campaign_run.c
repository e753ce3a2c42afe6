/* campaign_run.c — the library's run/wait/succeeded API (include/socm/socm.h): a
 * campaign loaded, planned and executed by its bookkeeper in a child process. */
#include "socm/socm.h"
#include "exec/spec.h"

#include <errno.h>
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
    size_t n = c->n_wfs ? c->n_wfs : 1;
    struct socm_req *reqs = socm_xcalloc(n, sizeof *reqs);
    const char **names = socm_xcalloc(n, sizeof *names);
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *w = c->wfs[i];
        reqs[i].cpus = (w->res.ranks > 0 ? w->res.ranks : 1) *
                       (w->res.threads > 0 ? w->res.threads : 1);
        reqs[i].memory_mb = w->res.memory_mb;
        reqs[i].walltime_min = w->res.runtime_min > 0 ? w->res.runtime_min : 1;
        names[i] = w->name;
    }
    const struct socm_planner *pl = c->planner_plugin
                                        ? socm_planner_load_plugin(c->planner_plugin, err)
                                        : socm_planner_find(c->policy ? c->policy : "time");
    int rc = -1;
    if (!pl) {
        if (!err->msg[0])
            socm_error_set(err, SOCM_E_INPUT, "unknown planner policy '%s'", c->policy);
    } else {
        struct socm_plan_input in = {c->n_wfs, reqs, names, &c->dag, c->resource,
                                     c->deadline_min, c->schema, c->requested_cores};
        memset(plan, 0, sizeof *plan);
        rc = socm_plan_make(pl, &in, plan, err);
    }
    free(reqs);
    free(names);
    return rc;
}

/* The child's whole life: returns its exit code. */
static int child_main(const char *const *files, size_t nfiles, const char *state_dir,
                      const struct socm_run_opts *opts, bool resume)
{
    struct socm_error err = {0};
    if (resume && state_dir) {
        char *jp = socm_asprintf("%s/journal.jsonl", state_dir);
        bool exists = access(jp, F_OK) == 0;
        free(jp);
        if (exists) {
            int code = socm_bk_resume(state_dir, opts, &err);
            if (code < 0)
                fprintf(stderr, "socm: %s\n", err.msg);
            return code < 0 ? 2 : code;
        }
    }
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_load(files, nfiles, &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "socm: %s\n", errs.msgs[i]);
    socm_errlist_free(&errs);
    if (!c)
        return 2;
    struct socm_plan plan;
    if (socm_campaign_plan(c, &plan, &err) != 0) {
        fprintf(stderr, "socm: %s\n", err.msg);
        socm_campaign_free(c);
        return 2;
    }
    struct socm_spec spec;
    int rc = socm_spec_from_campaign(c, &plan, state_dir, &spec, &err);
    socm_plan_free(&plan);
    socm_campaign_free(c);
    if (rc != 0) {
        fprintf(stderr, "socm: %s\n", err.msg);
        return 2;
    }
    int code = socm_bk_run(&spec, opts, &err);
    if (code < 0)
        fprintf(stderr, "socm: %s\n", err.msg);
    return code < 0 ? 2 : code;
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

/* test_enactor.c — an enactor provided by a plug-in, for tests/integration/
 * test_plugin_enactor.sh. `queue` runs nothing: each submitted workflow is written
 * as one line "name attempt core... -- argv..." to STATE_DIR/queue.log, reported
 * RUNNING at once with job 1000+id, and finished on the next turn of the manager's
 * loop (a readable eventfd): FAILED with exit code 3 when its command has an argument
 * "fail", DONE otherwise. It owns `cores` slots (default 2) and never gives out more.
 *
 * Exported two ways: `socm_enactor_plugin` (for `--enactor path/to/lib.so`), and
 * registered by name through `plugins = [...]` (socm_plugin_init). Built like any
 * plug-in: the public headers only. */
#include "socm/enactor.h"
#include "socm/plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

struct queue {
    FILE *log;
    int efd;
    int64_t cores;
    unsigned char *used;
    struct socm_launch **pending; /* started, to finish on the next turn */
    size_t n, cap;
};

static int q_setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err)
{
    struct queue *q = calloc(1, sizeof *q);
    char path[4096];
    snprintf(path, sizeof path, "%s/queue.log", a->state_dir);
    q->log = fopen(path, "ae");
    q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    q->cores = a->cores > 0 ? a->cores : 2;
    q->used = calloc((size_t)q->cores, 1);
    if (!q->log || q->efd < 0 || !q->used) {
        snprintf(err->msg, sizeof err->msg, "queue enactor: cannot set up in %s", a->state_dir);
        return -1;
    }
    e->priv = q;
    return 0;
}

static int q_place(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct queue *q = e->priv;
    int64_t want = socm_task_cores(l->task) > 0 ? socm_task_cores(l->task) : 1, free_n = 0;
    if (want > q->cores) {
        snprintf(err->msg, sizeof err->msg, "needs %lld cores, the queue has %lld",
                 (long long)want, (long long)q->cores);
        return -1;
    }
    for (int64_t c = 0; c < q->cores; c++)
        free_n += !q->used[c];
    if (free_n < want)
        return 1;
    l->cores = calloc((size_t)want, sizeof *l->cores);
    l->ncores = 0;
    for (int64_t c = 0; c < q->cores && (int64_t)l->ncores < want; c++)
        if (!q->used[c]) {
            q->used[c] = 1;
            l->cores[l->ncores++] = c;
        }
    return 0;
}

static void release(struct queue *q, const struct socm_launch *l)
{
    for (size_t k = 0; k < l->ncores; k++)
        q->used[l->cores[k]] = 0;
}

static void q_unplace(struct socm_enactor *e, struct socm_launch *l) { release(e->priv, l); }

static void q_submit(struct socm_enactor *e, struct socm_launch *const *ls, size_t n)
{
    struct queue *q = e->priv;
    for (size_t i = 0; i < n; i++) {
        struct socm_launch *l = ls[i];
        fprintf(q->log, "%s %d", socm_task_name(l->task), l->attempt);
        for (size_t k = 0; k < l->ncores; k++)
            fprintf(q->log, " %lld", (long long)l->cores[k]);
        fputs(" --", q->log);
        const struct socm_strv *argv = socm_task_argv(l->task);
        for (size_t k = 0; k < socm_strv_count(argv); k++)
            fprintf(q->log, " %s", socm_strv_get(argv, k));
        fputc('\n', q->log);
        fflush(q->log);
        if (q->n == q->cap) {
            q->cap = q->cap ? 2 * q->cap : 16;
            q->pending = realloc(q->pending, q->cap * sizeof *q->pending);
        }
        q->pending[q->n++] = l;
        l->job = 1000 + socm_task_id(l->task);
        e->cb.running(e->cb.ctx, l->index, l->attempt, l->job);
    }
    uint64_t one = 1;
    if (n && write(q->efd, &one, sizeof one) < 0) {
    }
}

static int q_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    (void)e, (void)l, (void)err;
    return 2; /* nothing outlives this enactor: start it again */
}

static size_t q_pollfds(struct socm_enactor *e, struct pollfd *fds, size_t max)
{
    struct queue *q = e->priv;
    if (!max)
        return 0;
    fds[0] = (struct pollfd){q->efd, POLLIN, 0};
    return 1;
}

static int q_timeout(struct socm_enactor *e) { return -1; }

static void q_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct queue *q = e->priv;
    if (n < 1 || !(fds[0].revents & POLLIN))
        return;
    uint64_t x;
    if (read(q->efd, &x, sizeof x) < 0) {
    }
    /* finished() may submit nothing here (the manager schedules after handle), but
     * take the list first all the same. */
    struct socm_launch **done = q->pending;
    size_t nd = q->n;
    q->pending = NULL;
    q->n = q->cap = 0;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    double now = ts.tv_sec + ts.tv_nsec / 1e9;
    for (size_t i = 0; i < nd; i++) {
        struct socm_launch *l = done[i];
        bool fail = false;
        const struct socm_strv *argv = socm_task_argv(l->task);
        for (size_t k = 1; k < socm_strv_count(argv); k++)
            fail |= !strcmp(socm_strv_get(argv, k), "fail");
        struct socm_result r = {l->index, l->attempt, fail ? SOCM_OUT_FAILED : SOCM_OUT_DONE,
                                fail ? 3 : 0, 0, now, now, 0, 1.0, 0, fail ? "exit code 3" : NULL};
        release(q, l);
        e->cb.finished(e->cb.ctx, &r);
    }
    free(done);
}

static void q_cancel(struct socm_enactor *e, int index) { (void)e, (void)index; }
static void q_terminate(struct socm_enactor *e) { (void)e; }
static size_t q_active(struct socm_enactor *e) { return ((struct queue *)e->priv)->n; }

static void q_destroy(struct socm_enactor *e)
{
    struct queue *q = e->priv;
    fclose(q->log);
    close(q->efd);
    free(q->used);
    free(q->pending);
    free(q);
}

const struct socm_enactor_ops socm_enactor_plugin = {
    .name = "queue",
    .description = "test plug-in: records launches, runs nothing",
    .setup = q_setup,
    .place = q_place,
    .unplace = q_unplace,
    .submit = q_submit,
    .reattach = q_reattach,
    .pollfds = q_pollfds,
    .timeout_ms = q_timeout,
    .handle = q_handle,
    .cancel = q_cancel,
    .terminate = q_terminate,
    .active = q_active,
    .destroy = q_destroy,
};

const int socm_plugin_api_version = SOCM_PLUGIN_API_VERSION;

int socm_plugin_init(const struct socm_plugin_api *api)
{
    return api->register_enactor(&socm_enactor_plugin);
}

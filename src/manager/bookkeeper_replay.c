/* bookkeeper_replay.c — a bookkeeper rebuilt from its journal: every event applied
 * in order (socm_bk_apply), then loaded and freed. */
#include "manager/bookkeeper_impl.h"
#include "manager/progress_line.h"
#include "enactors/enactor_sites.h"
#include "state/record.h"
#include "agents/supervise.h"
#include "predict/history.h"
#include "slurm/slurm.h"
#include "util/dirfd.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
/* ---- replay ---- */

static void copy_cores(struct socm_wfstate *w, const json_t *a)
{
    free(w->cores);
    w->ncores = json_array_size(a);
    w->cores = socm_xcalloc(w->ncores ? w->ncores : 1, sizeof *w->cores);
    for (size_t k = 0; k < w->ncores; k++)
        w->cores[k] = json_integer_value(json_array_get(a, k));
}

static void read_result(struct socm_wfstate *w, const json_t *ev)
{
    json_t *v;
    if ((v = json_object_get(ev, "exit_code")))
        w->exit_code = (int)json_integer_value(v);
    if ((v = json_object_get(ev, "signal")))
        w->signal = (int)json_integer_value(v);
    if ((v = json_object_get(ev, "start")))
        w->start = json_number_value(v);
    if ((v = json_object_get(ev, "end")))
        w->end = json_number_value(v);
    if ((v = json_object_get(ev, "elapsed_s")))
        w->elapsed_s = json_number_value(v);
    if ((v = json_object_get(ev, "max_rss_mb"))) /* null: not known (yet) */
        w->max_rss_mb = json_is_number(v) ? json_number_value(v) : NAN;
    if ((v = json_object_get(ev, "cpu_s")))
        w->cpu_s = json_number_value(v);
    if ((v = json_object_get(ev, "reason")) && json_is_string(v)) {
        free(w->reason);
        w->reason = socm_strdup(json_string_value(v));
    }
}

int socm_bk_apply(struct socm_bk *bk, json_t *ev, size_t line, struct socm_error *err)
{
    const char *kind = json_string_value(json_object_get(ev, "ev"));
    double t = json_number_value(json_object_get(ev, "t"));
    if (!strcmp(kind, "begin")) {
        if (bk->spec.tasks || bk->spec.campaign)
            return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: a second campaign record",
                                  line);
        if (socm_spec_from_json(json_object_get(ev, "spec"), &bk->spec, err) != 0)
            return -1;
        socm_bk_build_index(bk);
        bk->t_begin = t;
        bk->manager_pid = (long)json_integer_value(json_object_get(ev, "pid"));
        return 0;
    }
    if (!bk->spec.campaign)
        return socm_error_set(err, SOCM_E_INPUT,
                              "journal line %zu: event before the campaign record", line);
    bk->t_end = t;
    if (!strcmp(kind, "campaign")) {
        int st = socm_bk_cstate_from(json_string_value(json_object_get(ev, "state")) ?: "");
        if (st < 0)
            return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: unknown campaign state",
                                  line);
        bk->cstate = st;
        free(bk->creason);
        const char *r = json_string_value(json_object_get(ev, "reason"));
        bk->creason = r ? socm_strdup(r) : NULL;
        return 0;
    }
    if (!strcmp(kind, "interrupted")) {
        bk->interrupt_signal = (int)json_integer_value(json_object_get(ev, "signal"));
        return 0;
    }
    if (!strcmp(kind, "cancel")) {
        bk->cancel_pending = true;
        return 0;
    }
    if (!strcmp(kind, "resume")) {
        bk->interrupt_signal = 0;
        bk->cancel_pending = false;
        bk->manager_pid = (long)json_integer_value(json_object_get(ev, "pid"));
        return 0;
    }
    if (strcmp(kind, "wf") && strcmp(kind, "retry") && strcmp(kind, "acct"))
        return 0; /* log, hook, ...: for people, not for state */
    json_int_t id = json_integer_value(json_object_get(ev, "id"));
    if (id < 1 || (size_t)id > bk->spec.n)
        return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: unknown workflow id %lld",
                              line, (long long)id);
    int i = (int)id - 1;
    struct socm_wfstate *w = &bk->w[i];
    if (!strcmp(kind, "acct")) { /* an ended attempt's peak memory, known late */
        json_t *rss = json_object_get(ev, "max_rss_mb");
        if (json_integer_value(json_object_get(ev, "attempt")) == w->attempts && json_is_number(rss))
            w->max_rss_mb = json_number_value(rss);
        return 0;
    }
    if (!strcmp(kind, "retry")) {
        read_result(w, ev);
        w->not_before = json_number_value(json_object_get(ev, "not_before"));
        json_t *grown = json_object_get(ev, "walltime_min");
        if (json_is_number(grown)) { /* a TIMEOUT resubmitted with a longer walltime */
            bk->spec.tasks[i].walltime_min = json_number_value(grown);
            w->growths++;
        }
        socm_bk_set_state(bk, i, SOCM_W_READY);
        return 0;
    }
    int st = socm_bk_wstate_from(json_string_value(json_object_get(ev, "state")) ?: "");
    if (st < 0)
        return socm_error_set(err, SOCM_E_INPUT, "journal line %zu: unknown workflow state", line);
    json_t *v;
    if ((v = json_object_get(ev, "attempt")))
        w->attempts = (int)json_integer_value(v);
    switch (st) {
    case SOCM_W_NEW:
        w->interrupted = false;
        if (json_is_true(json_object_get(ev, "retried"))) {
            w->retry_base = w->attempts;
            w->growths = 0;
            free(w->reason);
            w->reason = NULL;
        }
        break;
    case SOCM_W_SUBMITTED:
        copy_cores(w, json_object_get(ev, "cores"));
        w->submit_t = t;
        w->start = w->end = 0;
        w->elapsed_s = w->max_rss_mb = w->cpu_s = 0;
        break;
    case SOCM_W_RUNNING:
        w->job = (long)json_integer_value(json_object_get(ev, "job"));
        if (!w->start)
            w->start = t;
        break;
    case SOCM_W_DONE:
    case SOCM_W_FAILED:
    case SOCM_W_CANCELED:
        read_result(w, ev);
        w->interrupted = json_is_true(json_object_get(ev, "interrupted"));
        if (!w->end)
            w->end = t;
        break;
    default:
        break;
    }
    socm_bk_set_state(bk, i, st);
    return 0;
}

int socm_bk_apply_cb(void *ctx, json_t *ev, size_t line, struct socm_error *err)
{
    return socm_bk_apply(ctx, ev, line, err);
}

struct socm_bk *socm_bk_new(void)
{
    struct socm_bk *bk = socm_xcalloc(1, sizeof *bk);
    bk->j.fd = -1;
    bk->sd.fd = bk->sd.lock_fd = -1;
    return bk;
}

struct socm_bk *socm_bk_load(const char *state_dir, struct socm_error *err)
{
    struct socm_bk *bk = socm_bk_new();
    if (socm_journal_replay(state_dir, socm_bk_apply_cb, bk, NULL, err) != 0) {
        socm_bk_free(bk);
        return NULL;
    }
    if (!bk->spec.campaign) {
        socm_error_set(err, SOCM_E_INPUT, "%s: the journal holds no campaign record", state_dir);
        socm_bk_free(bk);
        return NULL;
    }
    return bk;
}

void socm_bk_free_launch(struct socm_launch *l)
{
    free(l->cores);
    free(l->after);
    free((char *)l->sandbox);
    free(l);
}

void socm_bk_free(struct socm_bk *bk)
{
    if (!bk)
        return;
    for (size_t i = 0; bk->w && i < bk->spec.n; i++) {
        free(bk->w[i].reason);
        free(bk->w[i].cores);
        if (bk->w[i].launch)
            socm_bk_free_launch(bk->w[i].launch);
    }
    free(bk->w);
    free(bk->rank);
    free(bk->heap);
    free(bk->held);
    free(bk->succ_off);
    free(bk->succ);
    bk->succ_off = NULL;
    bk->succ = NULL;
    free(bk->creason);
    socm_spec_free(&bk->spec);
    socm_journal_close(&bk->j);
    socm_history_close(bk->history);
    if (bk->log)
        fclose(bk->log);
    socm_statedir_close(&bk->sd); /* last: the lock goes when nothing is left to write */
    free(bk);
}

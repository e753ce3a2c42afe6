/* bookkeeper.c — the manager's event loop and its entries: scheduling READY work in
 * plan order, signals, finishing, and run / resume / retry (see bookkeeper.h; the
 * other bookkeeper_*.c files hold its states, output, replay and events). */
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
static double schedule(struct socm_bk *bk)
{
    if (bk->interrupt_signal || bk->failed_io)
        return 0;
    double now = socm_bk_now(bk), next_retry = 0;
    struct socm_launch **ls = NULL;
    int *ls_index = NULL;
    size_t nl = 0, capl = 0;
    int *aside = NULL;
    size_t na = 0, capa = 0;
    int misses = 0;
    while (bk->nheap && misses < 64) {
        int i = socm_bk_heap_pop(bk);
        struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_READY)
            continue;
        bool later = w->not_before > now;
        struct socm_launch *l = NULL;
        int rc = 1;
        struct socm_error perr = {0};
        if (!later) {
            l = socm_bk_new_launch(bk, i, w->attempts + 1);
            rc = bk->e->ops->place(bk->e, l, &perr);
        }
        if (rc == 1) {
            if (later && (next_retry == 0 || w->not_before < next_retry))
                next_retry = w->not_before;
            if (!later)
                misses++;
            if (l)
                socm_bk_free_launch(l);
            if (na == capa) {
                capa = capa ? 2 * capa : 64;
                aside = socm_xrealloc(aside, capa * sizeof *aside);
            }
            aside[na++] = i;
            continue;
        }
        if (rc < 0) {
            socm_bk_free_launch(l);
            json_t *ev = socm_bk_wf_event(bk, i, SOCM_W_FAILED);
            json_object_set_new(ev, "reason", json_string(perr.msg));
            socm_bk_jappend(bk, ev);
            free(w->reason);
            w->reason = socm_strdup(perr.msg);
            socm_bk_set_state(bk, i, SOCM_W_FAILED);
            socm_bk_log(bk, "%s FAILED: %s", bk->spec.tasks[i].name, perr.msg);
            socm_bk_on_final(bk, i);
            continue;
        }
        misses = 0;
        w->attempts++;
        w->launch = l;
        free(w->cores);
        w->ncores = l->ncores;
        w->cores = socm_xcalloc(l->ncores ? l->ncores : 1, sizeof *w->cores);
        if (l->ncores) /* an enactor that places nothing may give no list at all */
            memcpy(w->cores, l->cores, l->ncores * sizeof *w->cores);
        json_t *ev = socm_bk_wf_event(bk, i, SOCM_W_SUBMITTED);
        json_t *cores = json_array();
        for (size_t k = 0; k < l->ncores; k++)
            json_array_append_new(cores, json_integer(l->cores[k]));
        json_object_set_new(ev, "attempt", json_integer(l->attempt));
        json_object_set_new(ev, "cores", cores);
        json_object_set_new(ev, "memory_mb", json_real(l->task->memory_mb));
        socm_bk_jappend(bk, ev);
        socm_bk_set_state(bk, i, SOCM_W_SUBMITTED);
        w->submit_t = now;
        if (nl == capl) {
            capl = capl ? 2 * capl : 64;
            ls = socm_xrealloc(ls, capl * sizeof *ls);
            ls_index = socm_xrealloc(ls_index, capl * sizeof *ls_index);
        }
        ls_index[nl] = i;
        ls[nl++] = l;
    }
    for (size_t k = 0; k < na; k++)
        socm_bk_heap_push(bk, aside[k]);
    free(aside);
    /* Durable before acted upon: the submissions are in the journal first. */
    if (nl && socm_bk_jsync(bk)) {
        bk->e->ops->submit(bk->e, ls, nl);
        for (size_t k = 0; k < nl; k++) /* a launch that failed at once is freed already */
            if (bk->w[ls_index[k]].launch == ls[k] && ls[k]->job > 0)
                socm_bk_on_job_known(bk, ls_index[k]);
    }
    free(ls);
    free(ls_index);
    return next_retry;
}

static bool all_final(struct socm_bk *bk)
{
    return bk->count[SOCM_W_DONE] + bk->count[SOCM_W_FAILED] + bk->count[SOCM_W_CANCELED] ==
           bk->spec.n;
}

static int wait_ms(double until, double now)
{
    double ms = (until - now) * 1000;
    return ms <= 0 ? 0 : ms > 3.6e6 ? 3600000 : (int)ms + 1;
}

static void on_signal(struct socm_bk *bk, int sig)
{
    if (sig == SIGHUP) {
        /* The terminal (or ssh session) is gone. A manager outlives it: the campaign
         * goes on, journaled as ever; `socm cancel` or SIGTERM stops it. */
        socm_bk_output_lost(bk, "SIGHUP");
        socm_bk_cb_log(bk, "SIGHUP (terminal gone): the campaign goes on; progress in socm.log");
        return;
    }
    if (bk->interrupt_signal) {
        socm_bk_log(bk, "second %s: still stopping (grace %.0f s, then SIGKILL)", strsignal(sig),
               bk->spec.grace_s);
        return;
    }
    bk->interrupt_signal = sig;
    json_t *ev = json_pack("{s:s,s:i}", "ev", "interrupted", "signal", sig);
    if (bk->cancel_asked)
        json_object_set_new(ev, "by", json_string("socm cancel"));
    socm_bk_jappend(bk, ev);
    socm_bk_jsync(bk);
    socm_bk_log(bk, "%s: stopping running workflows (SIGTERM, %.0f s grace, SIGKILL)",
           strsignal(sig), bk->spec.grace_s);
    bk->e->ops->terminate(bk->e);
}

/* The event loop: sleeps in ppoll on the signalfd, the enactor's and the hooks'
 * descriptors, with a timeout only for due retries, hook deadlines and the
 * progress line. */
static int loop(struct socm_bk *bk, int sfd)
{
    size_t cap = 64;
    struct pollfd *fds = socm_xcalloc(cap, sizeof *fds);
    for (;;) {
        bk->resched = false;
        double next_retry = schedule(bk);
        if (bk->failed_io)
            break;
        if (bk->resched && !bk->interrupt_signal)
            continue; /* a launch failed at once: its resources are free again */
        size_t active = bk->e->ops->active(bk->e);
        if (active == 0 && (all_final(bk) || bk->interrupt_signal))
            break;
        if (active == 0 && bk->nheap == 0 && next_retry == 0) {
            socm_error_set(bk->err, SOCM_E_FAILED, "internal: nothing runs and nothing can start");
            bk->failed_io = true;
            break;
        }
        socm_bk_jflush(bk);
        if (bk->failed_io)
            break;
        size_t want = 1 + active + bk->hooks.n + 16;
        if (want > cap) {
            cap = want * 2;
            fds = socm_xrealloc(fds, cap * sizeof *fds);
        }
        fds[0] = (struct pollfd){sfd, POLLIN, 0};
        size_t ne = bk->e->ops->pollfds(bk->e, fds + 1, cap - 1);
        size_t nh = socm_hooks_pollfds(&bk->hooks, fds + 1 + ne, cap - 1 - ne);
        int tmo = bk->e->ops->timeout_ms(bk->e);
        int ht = socm_hooks_timeout_ms(&bk->hooks);
        if (ht >= 0 && (tmo < 0 || ht < tmo))
            tmo = ht;
        if (next_retry > 0) {
            int rt = wait_ms(next_retry, socm_bk_now(bk));
            if (tmo < 0 || rt < tmo)
                tmo = rt;
        }
        if (bk->opts.tty && !bk->opts.quiet && (tmo < 0 || tmo > 1000))
            tmo = 1000;
        int rc;
        if (tmo == 0)
            rc = poll(fds, 1 + ne + nh, 0);
        else {
            struct timespec ts = {tmo / 1000, (tmo % 1000) * 1000000L};
            rc = ppoll(fds, 1 + ne + nh, tmo < 0 ? NULL : &ts, NULL);
        }
        if (rc < 0 && errno != EINTR) {
            socm_error_errno(bk->err, "ppoll");
            bk->failed_io = true;
            break;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo == SOCM_SUPERVISE_FAULT_SIGNAL)
                    socm_bk_on_fault_report(bk, (long)si.ssi_pid, si.ssi_int);
                else {
                    if (si.ssi_signo == SIGTERM && si.ssi_code == SI_QUEUE &&
                        si.ssi_int == SOCM_CANCEL_TAG && !bk->interrupt_signal)
                        bk->cancel_asked = true;
                    on_signal(bk, (int)si.ssi_signo);
                }
        }
        bk->e->ops->handle(bk->e, fds + 1, ne);
        socm_hooks_handle(&bk->hooks, fds + 1 + ne, nh);
        socm_bk_draw_progress(bk);
        socm_bk_check_stderr(bk); /* stderr's error flag stays set: once a turn is enough */
    }
    free(fds);
    return bk->failed_io ? -1 : 0;
}

static int finish(struct socm_bk *bk)
{
    int code;
    if (bk->interrupt_signal) {
        char why[64];
        if (bk->cancel_pending || bk->cancel_asked)
            snprintf(why, sizeof why, "canceled by `socm cancel`");
        else
            snprintf(why, sizeof why, "interrupted by %s",
                     sigabbrev_np(bk->interrupt_signal) ? sigabbrev_np(bk->interrupt_signal)
                                                        : "signal");
        socm_bk_set_campaign(bk, SOCM_C_CANCELED, why);
        code = 128 + bk->interrupt_signal;
    } else if (bk->count[SOCM_W_FAILED] > 0 || bk->count[SOCM_W_CANCELED] > 0) {
        socm_bk_set_campaign(bk, SOCM_C_FAILED, NULL);
        code = 1;
    } else {
        socm_bk_set_campaign(bk, SOCM_C_DONE, NULL);
        code = 0;
    }
    socm_bk_jsync(bk);
    socm_bk_run_hook(bk, code == 0 ? SOCM_HOOK_CAMPAIGN_DONE : SOCM_HOOK_CAMPAIGN_FAILED, -1,
             socm_cstate_name(bk->cstate), code);
    socm_hooks_drain(&bk->hooks);
    socm_bk_clear_progress(bk);
    bk->progress_off = true;
    socm_bk_log(bk, "campaign %s %s: %zu done, %zu failed, %zu canceled of %zu (%.1f s)%s",
           bk->spec.campaign, socm_cstate_name(bk->cstate), bk->count[SOCM_W_DONE],
           bk->count[SOCM_W_FAILED], bk->count[SOCM_W_CANCELED], bk->spec.n,
           socm_bk_now(bk) - bk->t_begin,
           bk->interrupt_signal ? "; `socm resume` continues it" : "");
    return code;
}

/* The enactor a run uses: the dryrun one for a simulation, else --enactor, else the
 * campaign's. */
static const char *enactor_name(const struct socm_spec *spec, const struct socm_run_opts *o)
{
    return o->simulate ? "dryrun" : o->enactor ? o->enactor : spec->enactor;
}

/* STATE_DIR/socm.log, opened before anything is journaled: a link planted there stops
 * the run before it has begun. */
static FILE *open_log(struct socm_bk *bk, struct socm_error *err)
{
    return socm_dirfd_fopen(bk->sd.fd, bk->sd.path, "socm.log", "a", err);
}

static int setup_run(struct socm_bk *bk, const struct socm_run_opts *o, struct socm_error *err)
{
    bk->opts = *o;
    bk->err = err;
    if (!bk->log && !(bk->log = open_log(bk, err)))
        return -1;
    const char *name = enactor_name(&bk->spec, o);
    /* A resume without --cores/--memory runs on what the run was given. */
    struct socm_allocation a = {bk->spec.campaign, bk->spec.state_dir,
                                o->cores > 0 ? o->cores : bk->spec.run_cores,
                                o->memory_mb > 0 ? o->memory_mb : bk->spec.run_memory_mb,
                                bk->spec.pin, bk->spec.grace_s, o->simulate, NULL, NULL};
    if (o->simulate && a.cores == 0)
        a.cores = bk->spec.plan_cores;
    struct socm_enactor_callbacks cb = {bk, socm_bk_cb_running, socm_bk_cb_finished, socm_bk_cb_log};
    bk->e = socm_enactor_for_spec(&bk->spec, name, &a, &cb, socm_bk_cb_fault, err); /* one per site */
    if (!bk->e)
        return -1;
    socm_enactor_set_accounting(bk->e, socm_bk_cb_accounting);
    socm_hooks_init(&bk->hooks, bk->spec.state_dir, bk->spec.hook_timeout_s,
                    (socm_hook_log_fn)socm_bk_cb_log, bk);
    if (!o->simulate)
        socm_ext_callback_start(&bk->callback, bk->spec.state_dir, &bk->spec.hooks[SOCM_HOOK_EVENTS],
                                (socm_ext_callback_log_fn)socm_bk_cb_log, bk);
    return 0;
}

static int run_loop(struct socm_bk *bk)
{
    /* Supervisors' fault reports are read from the signalfd; ignored, not fatal, once
     * it is closed (a supervisor may outlive this loop). */
    signal(SOCM_SUPERVISE_FAULT_SIGNAL, SIG_IGN);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SOCM_SUPERVISE_FAULT_SIGNAL, 0};
    sigset_t old;
    int sfd = socm_signalfd_open(sigs, &old, bk->err);
    if (sfd < 0)
        return -1;
    int rc = loop(bk, sfd);
    int code = rc == 0 ? finish(bk) : -1;
    if (rc != 0) {
        /* The journal cannot record what we do: stop acting, leave supervisors be. */
        socm_bk_clear_progress(bk);
    }
    close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return code;
}

/* What the run cost Slurm's controller, in commands this manager ran (the
 * benchmark bench/slurm_bench reads this line from the log). */
static void log_slurm_calls(struct socm_bk *bk)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (int c = 0; c < SOCM_SLURM_NCMD; c++)
        if (socm_slurm_calls(c))
            socm_buf_printf(&b, " %s=%zu", socm_slurm_cmd_name(c), socm_slurm_calls(c));
    if (b.len) {
        char *m = socm_asprintf("slurm commands:%s", b.data);
        socm_bk_cb_log(bk, m);
        free(m);
    }
    socm_buf_free(&b);
}

static void teardown(struct socm_bk *bk)
{
    log_slurm_calls(bk);
    socm_ext_callback_finish(&bk->callback, bk->hooks.timeout_s, (socm_ext_callback_log_fn)socm_bk_cb_log, bk);
    socm_hooks_free(&bk->hooks);
    socm_enactor_destroy(bk->e);
    bk->e = NULL;
}

static int bk_run(struct socm_spec *spec, const struct socm_run_opts *o, struct socm_error *err)
{
    if (!spec->deadline_soft && spec->deadline_min > 0 &&
        spec->makespan_min > spec->deadline_min + 1e-9) {
        int rc = socm_error_set(err, SOCM_E_FAILED,
                                "campaign %s cannot meet its deadline: the plan takes %.1f min, "
                                "the deadline is %.1f min; refusing to start (raise the deadline "
                                "or the resources)",
                                spec->campaign, spec->makespan_min, spec->deadline_min);
        socm_spec_free(spec);
        return rc;
    }
    if (socm_enactor_check_spec(spec, enactor_name(spec, o), o->simulate, err) != 0) {
        socm_spec_free(spec);
        return -1;
    }
    struct socm_bk *bk = socm_bk_new();
    double t0 = socm_now();
    /* One manager per state directory: the lock comes before the journal exists. */
    int rc = socm_statedir_open(&bk->sd, spec->state_dir, SOCM_SD_CREATE, err);
    if (rc == 0)
        rc = socm_statedir_lock(&bk->sd, "run", spec->campaign, err);
    if (rc == 0 && !(bk->log = open_log(bk, err)))
        rc = -1;
    if (rc == 0) {
        spec->run_cores = o->cores;
        spec->run_memory_mb = o->memory_mb;
        rc = socm_spec_journal_create(spec, t0, (long)getpid(), &bk->j, bk->sd.fd, bk->sd.path,
                                      err);
    }
    if (rc != 0) {
        socm_spec_free(spec);
        socm_bk_free(bk);
        return -1;
    }
    bk->spec = *spec;
    memset(spec, 0, sizeof *spec);
    socm_bk_build_index(bk);
    bk->err = err;
    bk->t_begin = t0;
    bk->j.no_sync = o->simulate;
    socm_bk_set_campaign(bk, SOCM_C_NEW, NULL);
    socm_bk_set_campaign(bk, SOCM_C_PLANNING, NULL);
    if (!socm_bk_jsync(bk) || setup_run(bk, o, err) != 0) {
        socm_bk_free(bk);
        return -1;
    }
    bk->t_begin = socm_bk_now(bk);
    socm_bk_set_campaign(bk, SOCM_C_EXECUTING, NULL);
    socm_bk_log(bk, "campaign %s: %zu workflows, state in %s (enactor %s)", bk->spec.campaign,
           bk->spec.n, bk->spec.state_dir, bk->e->ops->name);
    for (size_t i = 0; i < bk->spec.n; i++)
        socm_bk_ready_check(bk, (int)i);
    int code = run_loop(bk);
    teardown(bk);
    socm_bk_free(bk);
    return code;
}

/* `socm retry`: the chosen workflows (and their canceled dependants) become NEW
 * again, journaled with the request before anything starts. */
static void apply_retry(struct socm_bk *bk, const int *sel, size_t nsel)
{
    json_t *ids = json_array();
    for (size_t k = 0; k < nsel; k++)
        json_array_append_new(ids, json_integer(bk->spec.tasks[sel[k]].id));
    socm_bk_jappend(bk, json_pack("{s:s,s:o,s:i}", "ev", "retry_request", "ids", ids, "pid", (int)getpid()));
    for (size_t k = 0; k < nsel; k++) {
        struct socm_wfstate *w = &bk->w[sel[k]];
        json_t *ev = socm_bk_wf_event(bk, sel[k], SOCM_W_NEW);
        json_object_set_new(ev, "retried", json_true());
        socm_bk_jappend(bk, ev);
        w->interrupted = false;
        w->retry_base = w->attempts;
        w->growths = 0;
        free(w->reason);
        w->reason = NULL;
        socm_bk_set_state(bk, sel[k], SOCM_W_NEW);
    }
    bk->cancel_pending = false; /* a retry asks for the work an earlier cancel stopped */
    socm_bk_log(bk, "retrying %zu workflow%s (FAILED or CANCELED, with their canceled dependants)",
           nsel, nsel == 1 ? "" : "s");
}

static int bk_resume(const char *state_dir, const struct socm_run_opts *o,
                     const struct socm_retry_req *retry, struct socm_error *err)
{
    struct socm_bk *bk = socm_bk_new();
    long long valid = -1;
    /* One manager per state directory: the lock comes before the journal is read. */
    if (socm_statedir_open(&bk->sd, state_dir, 0, err) != 0 ||
        socm_statedir_lock(&bk->sd, "resume", NULL, err) != 0 || !(bk->log = open_log(bk, err))) {
        socm_bk_free(bk);
        return -1;
    }
    if (socm_journal_replay_at(bk->sd.fd, bk->sd.path, socm_bk_apply_cb, bk, &valid, err) != 0 ||
        !bk->spec.campaign) {
        if (!bk->spec.campaign && !err->msg[0])
            socm_error_set(err, SOCM_E_INPUT, "%s: the journal holds no campaign record", state_dir);
        socm_bk_free(bk);
        return -1;
    }
    int *sel = NULL;
    size_t nsel = 0;
    if (retry && socm_retry_select(bk, retry, &sel, &nsel, err) != 0) {
        socm_bk_free(bk);
        return -1;
    }
    if (retry && !nsel) {
        /* Nothing chosen: a retry runs nothing else either (a CANCELED campaign's
         * pending work is `socm resume`'s to continue, not retry's). */
        bool both = retry->failed == retry->canceled;
        fprintf(stderr, "socm retry: campaign %s (%s) has no %s workflow to retry; nothing run\n",
                bk->spec.campaign, socm_cstate_name(bk->cstate),
                both ? "FAILED or CANCELED" : retry->failed ? "FAILED" : "CANCELED");
        free(sel);
        int code = bk->cstate == SOCM_C_DONE ? 0 : 1;
        socm_bk_free(bk);
        return code;
    }
    if (!nsel && (bk->cstate == SOCM_C_DONE || bk->cstate == SOCM_C_FAILED)) {
        fprintf(stderr, "socm resume: campaign %s already ended %s; nothing to do%s\n",
                bk->spec.campaign, socm_cstate_name(bk->cstate),
                bk->cstate == SOCM_C_FAILED ? " (`socm retry` runs its failures again)" : "");
        free(sel);
        int code = bk->cstate == SOCM_C_DONE ? 0 : 1;
        socm_bk_free(bk);
        return code;
    }
    socm_statedir_lock_note(&bk->sd, bk->spec.campaign);
    /* The directory may have moved: the sandboxes are where the journal is now. */
    free(bk->spec.state_dir);
    bk->spec.state_dir = socm_strdup(state_dir);
    if (socm_journal_open_at(&bk->j, bk->sd.fd, bk->sd.path, false, valid, err) != 0 ||
        setup_run(bk, o, err) != 0) {
        free(sel);
        socm_bk_free(bk);
        return -1;
    }
    if (nsel)
        apply_retry(bk, sel, nsel);
    free(sel);
    bk->resumed = true;
    bk->interrupt_signal = 0;
    socm_bk_jappend(bk, json_pack("{s:s,s:i}", "ev", "resume", "pid", (int)getpid()));
    socm_bk_set_campaign(bk, SOCM_C_EXECUTING, NULL);
    socm_bk_log(bk, "campaign %s resumed from %s", bk->spec.campaign, state_dir);
    if (bk->cancel_pending) {
        /* As if the manager had been stopped: what ran is collected (interrupted, so a
         * later resume runs it again), nothing new starts, the campaign ends CANCELED. */
        bk->interrupt_signal = SIGTERM;
        socm_bk_jappend(bk, json_pack("{s:s,s:i,s:s}", "ev", "interrupted", "signal", SIGTERM, "by",
                              "socm cancel"));
        socm_bk_log(bk, "`socm cancel` was asked while no manager ran: collecting what ran, "
                   "starting nothing");
    }
    for (size_t i = 0; i < bk->spec.n; i++) {
        struct socm_wfstate *w = &bk->w[i];
        if (w->state == SOCM_W_CANCELED && w->interrupted) {
            socm_bk_jappend(bk, socm_bk_wf_event(bk, (int)i, SOCM_W_NEW));
            w->interrupted = false;
            socm_bk_set_state(bk, (int)i, SOCM_W_NEW);
        }
    }
    for (size_t i = 0; i < bk->spec.n; i++) {
        struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_SUBMITTED && w->state != SOCM_W_RUNNING)
            continue;
        struct socm_launch *l = socm_bk_new_launch(bk, (int)i, w->attempts);
        l->ncores = w->ncores;
        l->cores = socm_xcalloc(w->ncores ? w->ncores : 1, sizeof *l->cores);
        if (w->ncores)
            memcpy(l->cores, w->cores, w->ncores * sizeof *l->cores);
        w->launch = l;
        struct socm_error rerr = {0};
        int rc = bk->e->ops->reattach(bk->e, l, &rerr);
        if (rc < 0) {
            w->launch = NULL;
            socm_bk_free_launch(l);
            *err = rerr;
            teardown(bk);
            socm_bk_free(bk);
            return -1;
        }
        if (rc == 0) {
            socm_bk_log(bk, "%s re-attached (attempt %d, %s %ld)", bk->spec.tasks[i].name, l->attempt,
                   socm_bk_handle_word(bk, (int)i), l->job);
            if (w->state == SOCM_W_SUBMITTED)
                socm_bk_cb_running(bk, (int)i, l->attempt, l->job);
        } else if (rc == 2) {
            /* Its supervisor never ran it: the same attempt starts again. */
            w->launch = NULL;
            socm_bk_free_launch(l);
            w->attempts--;
            json_t *ev = socm_bk_wf_event(bk, (int)i, SOCM_W_READY);
            json_object_set_new(ev, "attempt", json_integer(w->attempts));
            json_object_set_new(ev, "reason", json_string("supervisor gone without a result"));
            socm_bk_jappend(bk, ev);
            socm_bk_set_state(bk, (int)i, SOCM_W_READY);
            socm_bk_heap_push(bk, (int)i);
            socm_bk_log(bk, "%s was never started by its supervisor: starting it again",
                   bk->spec.tasks[i].name);
        } else if (rc == 3) {
            /* Cut short while it ran (its supervisor died; what was left of the command
             * is stopped): the attempt counts, and it runs again. */
            w->launch = NULL;
            socm_bk_free_launch(l);
            json_t *ev = socm_bk_wf_event(bk, (int)i, SOCM_W_READY);
            json_object_set_new(ev, "attempt", json_integer(w->attempts));
            json_object_set_new(ev, "reason", json_string("interrupted: its supervisor died "
                                                          "while the command ran"));
            socm_bk_jappend(bk, ev);
            socm_bk_set_state(bk, (int)i, SOCM_W_READY);
            socm_bk_heap_push(bk, (int)i);
            socm_bk_log(bk, "%s was interrupted (attempt %d: its supervisor died while the command "
                       "ran; what was left of it is stopped): starting it again",
                   bk->spec.tasks[i].name, w->attempts);
        } else
            socm_bk_log(bk, "%s ended while the manager was away: result collected",
                   bk->spec.tasks[i].name);
    }
    for (size_t i = 0; i < bk->spec.n; i++) {
        if (bk->w[i].state == SOCM_W_READY)
            socm_bk_heap_push(bk, (int)i);
        else
            socm_bk_ready_check(bk, (int)i);
    }
    socm_bk_jsync(bk);
    if (bk->cancel_pending) /* a supervisor the cancel missed (or started since) stops too */
        bk->e->ops->terminate(bk->e);
    int code = run_loop(bk);
    teardown(bk);
    socm_bk_free(bk);
    return code;
}

/* A manager must not die of its output: SIGPIPE is ignored (a write to a closed pipe
 * fails with EPIPE and output stops, see socm_bk_output_lost) and SIGHUP is blocked from the
 * start, then read from the loop's signalfd (on_signal: the campaign goes on). Both
 * are restored when the manager returns; its children get the defaults (socm_spawn). */
struct sig_scope {
    struct sigaction pipe;
    sigset_t mask;
};

static void signals_enter(struct sig_scope *s)
{
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &s->pipe);
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    sigprocmask(SIG_BLOCK, &hup, &s->mask);
}

static void signals_leave(struct sig_scope *s)
{
    sigset_t hup;
    sigemptyset(&hup);
    sigaddset(&hup, SIGHUP);
    struct timespec zero = {0, 0};
    if (!sigismember(&s->mask, SIGHUP))
        while (sigtimedwait(&hup, NULL, &zero) == SIGHUP) {
        } /* a hang-up after the loop: dealt with, must not kill us on unblocking */
    sigprocmask(SIG_SETMASK, &s->mask, NULL);
    sigaction(SIGPIPE, &s->pipe, NULL);
}

int socm_bk_run(struct socm_spec *spec, const struct socm_run_opts *o, struct socm_error *err)
{
    struct sig_scope s;
    signals_enter(&s);
    int code = bk_run(spec, o, err);
    signals_leave(&s);
    return code;
}

int socm_bk_resume(const char *state_dir, const struct socm_run_opts *o, struct socm_error *err)
{
    struct sig_scope s;
    signals_enter(&s);
    int code = bk_resume(state_dir, o, NULL, err);
    signals_leave(&s);
    return code;
}

int socm_bk_retry(const char *state_dir, const struct socm_run_opts *o,
                  const struct socm_retry_req *r, struct socm_error *err)
{
    struct sig_scope s;
    signals_enter(&s);
    int code = bk_resume(state_dir, o, r, err);
    signals_leave(&s);
    return code;
}

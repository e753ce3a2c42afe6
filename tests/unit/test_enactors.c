/* test_enactors.c — the built-in enactors and the agent's core pool driven directly,
 * as the bookkeeper drives them (place, submit, poll, handle, cancel), without a
 * journal: the pool never gives a core or a megabyte twice and tells "not now" from
 * "never"; dryrun ends launches in the order of their planned ends on a virtual
 * clock and cancels on request; local runs real commands under socm-supervise and
 * reports DONE, FAILED with the exit code, and TIMEOUT at the walltime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "agents/agent.h"
#include "state/spec.h"
#include "enactors/enactor_fault.h"
#include "socm/enactor.h"
#include "util/str.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void test_pool_matches_brute_force(void **state)
{
    (void)state;
    uint64_t rng = 88172645463325252ULL;
    struct socm_pool p;
    socm_pool_init(&p, 8, 1000);
    struct held {
        int64_t cores[8];
        int64_t n;
        double mem;
    } held[64];
    size_t nheld = 0;
    int64_t busy = 0;
    double mem = 0;
    for (int op = 0; op < 2000; op++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        if (rng % 2 && nheld < 64) {
            int64_t want = (int64_t)(rng >> 8) % 10 + 1; /* sometimes more than 8: never */
            double mb = (double)((rng >> 16) % 1200);   /* sometimes more than 1000: never */
            struct socm_error err = {0};
            int64_t out[16];
            int rc = socm_pool_place(&p, want, mb, out, &err);
            if (want > 8 || mb > 1000) {
                assert_int_equal(rc, -1);
                assert_true(err.msg[0] != '\0');
            } else if (busy + want > 8 || mem + mb > 1000) {
                assert_int_equal(rc, 1);
            } else {
                assert_int_equal(rc, 0);
                struct held *h = &held[nheld++];
                h->n = want;
                h->mem = mb;
                for (int64_t k = 0; k < want; k++) {
                    assert_true(out[k] >= 0 && out[k] < 8);
                    for (size_t o = 0; o + 1 < nheld; o++) /* no core given twice */
                        for (int64_t j = 0; j < held[o].n; j++)
                            assert_true(held[o].cores[j] != out[k]);
                    h->cores[k] = out[k];
                }
                busy += want;
                mem += mb;
            }
        } else if (nheld) {
            size_t i = (size_t)(rng >> 24) % nheld;
            socm_pool_release(&p, held[i].cores, (size_t)held[i].n, held[i].mem);
            busy -= held[i].n;
            mem -= held[i].mem;
            held[i] = held[--nheld];
        }
        assert_int_equal(p.nfree, 8 - busy);
    }
    socm_pool_free(&p);
}

/* ---- a tiny bookkeeper: callbacks record what the enactor reports ---- */

struct seen {
    int running[8];
    struct socm_result results[8];
    char reasons[8][128];
    int order[8];
    size_t nfinished;
};

static void on_running(void *ctx, int index, int attempt, long job)
{
    struct seen *s = ctx;
    s->running[index]++;
}

static void on_finished(void *ctx, const struct socm_result *r)
{
    struct seen *s = ctx;
    s->results[r->index] = *r;
    snprintf(s->reasons[r->index], sizeof s->reasons[0], "%s", r->reason ? r->reason : "");
    s->order[s->nfinished++] = r->index;
}

static void on_log(void *ctx, const char *msg) { (void)ctx, (void)msg; }

static char heard[256];
static void on_fault(void *ctx, const char *msg) { snprintf(heard, sizeof heard, "fault %s", msg); }
static void log_heard(void *ctx, const char *msg) { snprintf(heard, sizeof heard, "log %s", msg); }

/* What an enactor cannot do (a cancel request it cannot write) reaches the manager's
 * fault handler, which stops the campaign with exit 3; made outside a manager, its log. */
static void test_fault_routing(void **state)
{
    (void)state;
    struct socm_enactor_callbacks cb = {NULL, on_running, NULL, log_heard};
    struct socm_allocation a = {.campaign = "c", .state_dir = tmpdir, .cores = 1,
                                .memory_mb = 100, .simulate = true};
    struct socm_error err = {0};
    struct socm_enactor *e = socm_enactor_create_faults("dryrun", &a, &cb, on_fault, &err);
    assert_non_null(e);
    socm_enactor_fault(e, "cannot write the cancel request");
    assert_string_equal(heard, "fault cannot write the cancel request");
    socm_enactor_destroy(e);
    e = socm_enactor_create("dryrun", &a, &cb, &err);
    assert_non_null(e);
    socm_enactor_fault(e, "x");
    assert_string_equal(heard, "log x");
    socm_enactor_destroy(e);
}

struct job {
    struct socm_task task;
    struct socm_launch launch;
};

static void job_init(struct job *j, int index, const char *name, int64_t cores, double plan_min,
                     double walltime_min, const char *const *argv)
{
    memset(j, 0, sizeof *j);
    j->task.id = index + 1;
    j->task.name = socm_strdup(name);
    j->task.cores = cores;
    j->task.threads = 1;
    j->task.plan_start = 0;
    j->task.plan_end = plan_min;
    j->task.walltime_min = walltime_min;
    for (; argv && *argv; argv++)
        socm_strv_push(&j->task.argv, *argv);
    j->launch.index = index;
    j->launch.attempt = 1;
    j->launch.task = &j->task;
    j->launch.sandbox = socm_asprintf("%s/workflows/%s", tmpdir, name);
}

static void job_free(struct job *j)
{
    free(j->task.name);
    socm_strv_free(&j->task.argv);
    free((char *)j->launch.sandbox);
    free(j->launch.cores);
}

/* Turns the enactor's loop until nothing is active (at most `limit_s`). */
static void drive(struct socm_enactor *e, double limit_s)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (e->ops->active(e) > 0) {
        struct pollfd fds[16];
        size_t n = e->ops->pollfds(e, fds, 16);
        int timeout = e->ops->timeout_ms(e);
        poll(fds, n, timeout < 0 || timeout > 200 ? 200 : timeout);
        e->ops->handle(e, fds, n);
        clock_gettime(CLOCK_MONOTONIC, &t);
        if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 > limit_s)
            fail_msg("the enactor still has %zu launches after %.0f s", e->ops->active(e), limit_s);
    }
}

static void test_dryrun(void **state)
{
    (void)state;
    struct seen s = {0};
    struct socm_enactor_callbacks cb = {&s, on_running, on_finished, on_log};
    struct socm_allocation a = {.campaign = "c", .state_dir = tmpdir, .cores = 4,
                                .memory_mb = 1000, .simulate = true};
    struct socm_error err = {0};
    struct socm_enactor *e = socm_enactor_create("dryrun", &a, &cb, &err);
    assert_non_null(e);
    struct job j[4];
    job_init(&j[0], 0, "long", 2, 30, 60, NULL);
    job_init(&j[1], 1, "short", 1, 5, 60, NULL);
    job_init(&j[2], 2, "mid", 1, 10, 60, NULL);
    job_init(&j[3], 3, "toolarge", 8, 1, 60, NULL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(e->ops->place(e, &j[i].launch, &err), 0);
    assert_int_equal(e->ops->place(e, &j[3].launch, &err), -1); /* 8 cores never fit in 4 */
    struct job extra;
    job_init(&extra, 4, "extra", 1, 1, 60, NULL);
    assert_int_equal(e->ops->place(e, &extra.launch, &err), 1); /* full now */
    struct socm_launch *ls[3] = {&j[0].launch, &j[1].launch, &j[2].launch};
    double t0 = socm_enactor_now(e);
    e->ops->submit(e, ls, 3);
    assert_int_equal(e->ops->active(e), 3);
    assert_true(s.running[0] == 1 && s.running[1] == 1 && s.running[2] == 1);
    e->ops->cancel(e, 2); /* "mid" stopped on request */
    assert_int_equal(s.results[2].outcome, SOCM_OUT_CANCELED);
    drive(e, 5);
    /* short (5 min) before long (30 min), on the virtual clock */
    assert_int_equal(s.nfinished, 3);
    assert_int_equal(s.order[1], 1);
    assert_int_equal(s.order[2], 0);
    assert_int_equal(s.results[0].outcome, SOCM_OUT_DONE);
    assert_true(s.results[1].elapsed_s == 300 && s.results[0].elapsed_s == 1800);
    assert_true(socm_enactor_now(e) - t0 >= 1800 - 1e-6);
    socm_enactor_destroy(e);
    for (int i = 0; i < 4; i++)
        job_free(&j[i]);
    job_free(&extra);
}

static void test_local(void **state)
{
    (void)state;
    struct seen s = {0};
    struct socm_enactor_callbacks cb = {&s, on_running, on_finished, on_log};
    struct socm_allocation a = {.campaign = "c", .state_dir = tmpdir, .cores = 2,
                                .memory_mb = 1000, .grace_s = 0.5};
    struct socm_error err = {0};
    struct socm_enactor *e = socm_enactor_create("local", &a, &cb, &err);
    if (!e)
        fail_msg("%s", err.msg);
    static const char *const ok[] = {"true", NULL};
    static const char *const bad[] = {"sh", "-c", "exit 5", NULL};
    static const char *const slow[] = {"sleep", "30", NULL};
    struct job j[3];
    job_init(&j[0], 0, "ok", 1, 1, 1, ok);
    job_init(&j[1], 1, "bad", 1, 1, 1, bad);
    job_init(&j[2], 2, "slow", 1, 1, 1.0 / 60, slow); /* walltime 1 s */
    for (int i = 0; i < 2; i++)
        assert_int_equal(e->ops->place(e, &j[i].launch, &err), 0);
    struct socm_launch *ls[2] = {&j[0].launch, &j[1].launch};
    e->ops->submit(e, ls, 2);
    drive(e, 20);
    assert_int_equal(s.results[0].outcome, SOCM_OUT_DONE);
    assert_int_equal(s.results[1].outcome, SOCM_OUT_FAILED);
    assert_int_equal(s.results[1].exit_code, 5);
    /* the cores came back: the next one places */
    assert_int_equal(e->ops->place(e, &j[2].launch, &err), 0);
    struct socm_launch *l2 = &j[2].launch;
    e->ops->submit(e, &l2, 1);
    drive(e, 20);
    assert_int_equal(s.results[2].outcome, SOCM_OUT_TIMEOUT);
    assert_true(s.results[2].elapsed_s < 10);
    socm_enactor_destroy(e);
    for (int i = 0; i < 3; i++)
        job_free(&j[i]);
}

static void test_unknown_enactor(void **state)
{
    (void)state;
    struct socm_error err = {0};
    assert_null(socm_enactor_resolve("no-such-enactor", &err));
    assert_non_null(strstr(err.msg, "local")); /* lists what exists */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_matches_brute_force),
        cmocka_unit_test(test_dryrun),
        cmocka_unit_test(test_local),
        cmocka_unit_test(test_unknown_enactor),
        cmocka_unit_test(test_fault_routing),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

/* test_pilot_replan.c — the next slurm-pilot pilot's shape when one ended with work
 * left (socm_pilot_replan): only the workflows the journal has not ended are planned,
 * against the deadline that is left, so cores, walltime and QoS follow what remains;
 * a cut workflow's minimum walltime is honoured; nothing left → 1; the deadline passed
 * → -1. And where a workflow ran on Slurm (socm_slurm_step_of). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "state/journal.h"
#include "agents/pilot.h"
#include "state/spec.h"
#include "util/proc.h"
#include "util/str.h"

#include "tmpdir_fixture.h"

#include <jansson.h>
#include <string.h>

/* t1 (4 cores, 1 min) → t2 (1 core, 2 min) → t3 (2 cores, 2 min); remote schema,
 * 60 min deadline, QoS "fast" up to 30 min and "slow" up to a day. The campaign
 * began `ago_min` minutes ago; the first `ndone` workflows are DONE. */
static void write_journal(double ago_min, int ndone)
{
    struct socm_spec s = {0};
    s.campaign = socm_strdup("rp");
    s.state_dir = socm_strdup(tmpdir);
    s.enactor = socm_strdup("slurm-pilot");
    s.deadline_min = 60;
    s.n = 3;
    s.tasks = socm_xcalloc(3, sizeof *s.tasks);
    const int64_t cores[] = {4, 1, 2};
    const double wall[] = {1, 2, 2};
    for (int i = 0; i < 3; i++) {
        struct socm_task *t = &s.tasks[i];
        t->id = i + 1;
        t->name = socm_asprintf("t%d", i + 1);
        socm_strv_push(&t->argv, "true");
        t->cores = cores[i];
        t->threads = 1;
        t->memory_mb = 10;
        t->walltime_min = wall[i];
        if (i > 0) {
            t->pred = socm_xcalloc(1, sizeof *t->pred);
            t->pred[0] = i - 1;
            t->npred = 1;
        }
    }
    s.config = json_pack(
        "{s:{s:s,s:s,s:i},s:{s:{s:i,s:i,s:s,s:[{s:s,s:s,s:i,s:i},{s:s,s:s,s:i,s:i}]}}}",
        "campaign", "resource", "cl", "execution_schema", "remote", "requested_resources", 8,
        "resources", "cl", "nodes", 2, "cores_per_node", 8, "memory_per_node", "8000M", "qos",
        "name", "fast", "max_walltime", "30m", "max_jobs", 5, "max_cores", 16, "name", "slow",
        "max_walltime", "1d", "max_jobs", 5, "max_cores", 16);
    char *begin = socm_spec_begin_line(&s, socm_now() - ago_min * 60, 1);
    char *jp = socm_journal_path(tmpdir);
    FILE *f = fopen(jp, "we");
    assert_non_null(f);
    fprintf(f, "%s\n", begin);
    for (int i = 0; i < ndone; i++)
        fprintf(f, "{\"ev\":\"wf\",\"id\":%d,\"name\":\"t%d\",\"state\":\"DONE\",\"t\":1}\n", i + 1,
                i + 1);
    /* a later task only RUNNING: it remains */
    fprintf(f, "{\"ev\":\"wf\",\"id\":%d,\"name\":\"t%d\",\"state\":\"RUNNING\",\"t\":1}\n",
            ndone + 1, ndone + 1);
    fclose(f);
    free(jp);
    free(begin);
    socm_spec_free(&s);
}

static void test_remaining_only(void **state)
{
    (void)state;
    write_journal(10, 1); /* t1 done: t2 → t3 remain, 50 min left */
    struct socm_pilot_shape sh;
    struct socm_error err = {0};
    assert_int_equal(socm_pilot_replan(tmpdir, NULL, NULL, 0, &sh, &err), 0);
    assert_int_equal(sh.workflows, 2);
    assert_int_equal(sh.cores, 2); /* t1's 4 cores are no longer needed */
    assert_true(sh.deadline_left_min > 49 && sh.deadline_left_min < 51);
    assert_true(sh.walltime_min >= 4 && sh.walltime_min <= 6); /* 2 + 2 min, with margin */
    assert_string_equal(sh.qos, "fast");                       /* a short pilot */
    socm_pilot_shape_free(&sh);
}

static void test_min_walltime(void **state)
{
    (void)state;
    write_journal(10, 1);
    double minw[] = {0, 40, 0}; /* t2 was cut after 20 min */
    struct socm_pilot_shape sh;
    struct socm_error err = {0};
    assert_int_equal(socm_pilot_replan(tmpdir, NULL, minw, 3, &sh, &err), 0);
    assert_true(sh.walltime_min >= 42);  /* 40 + 2 min */
    assert_string_equal(sh.qos, "slow"); /* longer than fast's 30 min */
    socm_pilot_shape_free(&sh);
    /* with only 20 min left, no plan fits: the caller keeps the old shape */
    write_journal(40, 1);
    assert_int_equal(socm_pilot_replan(tmpdir, NULL, minw, 3, &sh, &err), -1);
}

static void test_nothing_left_and_passed(void **state)
{
    (void)state;
    write_journal(10, 2); /* t3 RUNNING: still left */
    struct socm_pilot_shape sh;
    struct socm_error err = {0};
    assert_int_equal(socm_pilot_replan(tmpdir, NULL, NULL, 0, &sh, &err), 0);
    assert_int_equal(sh.workflows, 1);
    socm_pilot_shape_free(&sh);
    /* every workflow DONE */
    write_journal(10, 2);
    char *jp = socm_journal_path(tmpdir);
    FILE *f = fopen(jp, "ae");
    fprintf(f, "{\"ev\":\"wf\",\"id\":3,\"name\":\"t3\",\"state\":\"DONE\",\"t\":1}\n");
    fclose(f);
    free(jp);
    assert_int_equal(socm_pilot_replan(tmpdir, NULL, NULL, 0, &sh, &err), 1);
    write_journal(70, 1); /* the deadline passed 10 min ago */
    assert_int_equal(socm_pilot_replan(tmpdir, NULL, NULL, 0, &sh, &err), -1);
    assert_non_null(strstr(err.msg, "deadline"));
}

static void test_step_of(void **state)
{
    (void)state;
    char *rep = socm_asprintf("%s/pilot/reports", tmpdir);
    struct socm_error err = {0};
    assert_int_equal(socm_mkdir_p(rep, 0700, &err), 0);
    char *p = socm_asprintf("%s/2.1.step", rep);
    FILE *f = fopen(p, "we");
    fputs("123.4\n", f);
    fclose(f);
    char *id = socm_slurm_step_of(tmpdir, "slurm-pilot", 2, 1, 123);
    assert_string_equal(id, "123.4");
    free(id);
    assert_null(socm_slurm_step_of(tmpdir, "slurm-pilot", 2, 2, 123)); /* no report */
    f = fopen(p, "we");
    fputs("junk\n", f);
    fclose(f);
    assert_null(socm_slurm_step_of(tmpdir, "slurm-pilot", 2, 1, 123));
    id = socm_slurm_step_of(tmpdir, "slurm-jobs", 2, 1, 77);
    assert_string_equal(id, "77.0");
    free(id);
    assert_null(socm_slurm_step_of(tmpdir, "slurm-jobs", 2, 1, 0));
    assert_null(socm_slurm_step_of(tmpdir, "local", 2, 1, 4242));
    free(p);
    free(rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_remaining_only, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_min_walltime, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_nothing_left_and_passed, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_step_of, tmpdir_setup, tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

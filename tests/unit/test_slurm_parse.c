/* test_slurm_parse.c — the parsers of Slurm's command output on captured, real-looking
 * text (Slurm 22.05 on the test cluster, plus a site's full `sacctmgr show qos`),
 * and on the odd cases: empty, garbage, huge values, "Unknown", "INVALID", "None". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "slurm/slurm.h"

#include <stdio.h>
#include <string.h>

/* Captured from `sacct -P --format=SOCM_SACCT_FORMAT` on the test cluster, with an
 * array job, an extern step, a TIMEOUT, an OOM and a still-running job added. */
static const char *sacct_text =
    "JobID|JobName|State|ExitCode|Elapsed|MaxRSS|NTasks|NodeList|Start|End\n"
    "3|wrap|FAILED|3:0|00:00:01|||n[1-2]|2026-11-24T17:17:43|2026-11-24T17:17:44\n"
    "3.batch|batch|FAILED|3:0|00:00:01|11012K|1|n1|2026-11-24T17:17:43|2026-11-24T17:17:44\n"
    "3.0|sleep|COMPLETED|0:0|00:00:01|1648K|2|n[1-2]|2026-11-24T17:17:43|2026-11-24T17:17:44\n"
    "3.1|false|FAILED|1:0|00:00:00||1|n1|2026-11-24T17:17:44|2026-11-24T17:17:44\n"
    "4|wrap|CANCELLED by 0|0:0|00:00:00|||None assigned|2026-11-24T17:17:42|2026-11-24T17:17:42\n"
    "17_2|socm-c|TIMEOUT|0:0|1-02:03:04|||n3|2026-11-23T15:00:00|2026-11-24T17:03:04\n"
    "17_2.batch|batch|CANCELLED|0:15|1-02:03:05|1.50G|1|n3|2026-11-23T15:00:00|2026-11-24T17:03:05\n"
    "17_2.extern|extern|COMPLETED|0:0|1-02:03:04|0|1|n3|2026-11-23T15:00:00|2026-11-24T17:03:04\n"
    "18|big|OUT_OF_MEMORY|0:125|00:10:00|||n1|2026-11-24T17:00:00|2026-11-24T17:10:00\n"
    "18.0|python|OUT_OF_MEMORY|0:125|00:10:00|7.9G|4|n1|2026-11-24T17:00:00|2026-11-24T17:10:00\n"
    "19|run|RUNNING|0:0|00:00:07|||n2|2026-11-24T17:20:00|Unknown\n";

static void test_sacct_real_output(void **state)
{
    (void)state;
    struct socm_sacct s;
    struct socm_error err = {0};
    assert_int_equal(socm_sacct_parse(sacct_text, &s, &err), 0);
    assert_int_equal(s.n, 11);
    assert_int_equal(s.n_bad, 0);

    const struct socm_sacct_row *r = socm_sacct_find_job(&s, 3);
    assert_non_null(r);
    assert_null(r->step);
    assert_int_equal(r->state, SOCM_SLURM_FAILED);
    assert_int_equal(r->exit_code, 3);
    assert_int_equal(r->max_rss_kib, -1); /* allocation row: never MaxRSS */
    assert_string_equal(r->nodelist, "n[1-2]");
    assert_string_equal(s.v[1].step, "batch");
    assert_int_equal(s.v[1].max_rss_kib, 11012);
    assert_int_equal(s.v[2].ntasks, 2);
    assert_int_equal(s.v[3].max_rss_kib, -1); /* blank on a step: not known */

    int64_t tasks = 0;
    assert_int_equal(socm_sacct_job_max_rss_kib(&s, 3, &tasks), 11012);
    assert_int_equal(tasks, 1);

    r = socm_sacct_find_job(&s, 4);
    assert_int_equal(r->state, SOCM_SLURM_CANCELLED);
    assert_string_equal(r->state_text, "CANCELLED by 0");
    assert_int_equal(socm_slurm_outcome(r->state, r->exit_code), SOCM_SLURM_OUT_CANCELLED);
    assert_int_equal(socm_sacct_job_max_rss_kib(&s, 4, NULL), -1);

    r = socm_sacct_find_job(&s, 17); /* array task 17_2 */
    assert_non_null(r);
    assert_string_equal(r->jobid, "17_2");
    assert_int_equal(r->elapsed_s, ((24 + 2) * 60 + 3) * 60 + 4);
    assert_int_equal(socm_slurm_outcome(r->state, r->exit_code), SOCM_SLURM_OUT_TIMEOUT);
    assert_int_equal(socm_sacct_job_max_rss_kib(&s, 17, NULL), 1572864); /* 1.5G */
    assert_int_equal(s.v[6].exit_signal, 15);
    assert_string_equal(s.v[7].step, "extern");
    assert_int_equal(s.v[7].max_rss_kib, 0);

    r = socm_sacct_find_job(&s, 18);
    assert_int_equal(socm_slurm_outcome(r->state, r->exit_code), SOCM_SLURM_OUT_FAILED);
    assert_int_equal(socm_sacct_job_max_rss_kib(&s, 18, &tasks), (int64_t)(7.9 * 1024 * 1024 + 0.5));
    assert_int_equal(tasks, 4);

    r = socm_sacct_find_job(&s, 19);
    assert_false(socm_slurm_state_is_final(r->state));
    assert_int_equal(socm_slurm_outcome(r->state, 0), SOCM_SLURM_OUT_ACTIVE);
    assert_string_equal(r->end, "Unknown");
    assert_null(socm_sacct_find_job(&s, 20));
    socm_sacct_free(&s);
}

static void test_sacct_odd_input(void **state)
{
    (void)state;
    struct socm_sacct s;
    struct socm_error err = {0};
    /* Empty: no rows, no error (no job matched). */
    assert_int_equal(socm_sacct_parse("", &s, &err), 0);
    assert_int_equal(s.n, 0);
    socm_sacct_free(&s);
    assert_int_equal(socm_sacct_parse(NULL, &s, &err), 0);
    socm_sacct_free(&s);
    /* Header only, with Windows line ends and a trailing '|'. */
    assert_int_equal(socm_sacct_parse("JobID|State|\r\n", &s, &err), 0);
    assert_int_equal(s.n, 0);
    socm_sacct_free(&s);
    /* Garbage without a header is an error, not rows. */
    assert_int_equal(socm_sacct_parse("sacct: error: Problem talking to the database\n", &s, &err), -1);
    assert_non_null(strstr(err.msg, "header"));
    socm_sacct_free(&s);
    /* Other column order; bad rows skipped and counted; a '|' inside a job name;
     * Unknown/INVALID/None values; huge values. */
    const char *odd = "State|JobID|MaxRSS|Elapsed|JobName|ExitCode|NTasks\n"
                      "COMPLETED|5.0|99999999999999999999K|INVALID|a|b|0:0|1\n"
                      "PENDING|6|None|Unknown|x|None|\n"
                      "garbage line\n"
                      "COMPLETED|notanid|1K|00:00:01|n|0:0|1\n"
                      "WEIRD_STATE|7.batch|12|01:01|n|300:0|9999999999999999999999\n"
                      "COMPLETED|8.0|-5K|-1|n|0:-1|-1\n";
    assert_int_equal(socm_sacct_parse(odd, &s, &err), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.n_bad, 2);
    assert_string_equal(s.v[0].name, "a|b");
    assert_int_equal(s.v[0].exit_code, 0);
    assert_int_equal(s.v[0].ntasks, 1);
    assert_int_equal(s.v[0].max_rss_kib, -1); /* beyond int64 */
    assert_int_equal(s.v[0].elapsed_s, -1);
    assert_int_equal(s.v[1].state, SOCM_SLURM_PENDING);
    assert_int_equal(s.v[1].elapsed_s, -1);
    assert_int_equal(s.v[1].exit_code, -1);
    assert_int_equal(s.v[1].ntasks, -1);
    assert_int_equal(s.v[2].state, SOCM_SLURM_UNKNOWN);
    assert_int_equal(s.v[2].max_rss_kib, 12);
    assert_int_equal(s.v[2].elapsed_s, 61);
    assert_int_equal(s.v[2].exit_code, -1); /* 300 is no exit code */
    assert_int_equal(s.v[2].ntasks, -1);
    assert_int_equal(s.v[3].max_rss_kib, -1);
    assert_int_equal(s.v[3].elapsed_s, -1);
    assert_int_equal(s.v[3].exit_code, -1);
    socm_sacct_free(&s);
}

static void test_durations_sizes_codes(void **state)
{
    (void)state;
    assert_int_equal(socm_slurm_duration_parse("00:00:00"), 0);
    assert_int_equal(socm_slurm_duration_parse("01:00:00"), 3600);
    assert_int_equal(socm_slurm_duration_parse("7-00:00:00"), 7 * 86400);
    assert_int_equal(socm_slurm_duration_parse("1-00:00:00"), 86400);
    assert_int_equal(socm_slurm_duration_parse("12:34"), 754);
    assert_int_equal(socm_slurm_duration_parse("0:05"), 5);
    assert_int_equal(socm_slurm_duration_parse("02:03.456"), 123);
    assert_int_equal(socm_slurm_duration_parse("2-03"), 2 * 86400 + 3 * 3600);
    assert_int_equal(socm_slurm_duration_parse("UNLIMITED"), INT64_MAX);
    assert_int_equal(socm_slurm_duration_parse("INFINITE"), INT64_MAX);
    const char *bad[] = {"", "Unknown", "INVALID", "None", "abc", "1:2:3:4", "-1", "1-", "x-01:00:00",
                         "99999999999999999999:00:00", "1:2x", "01:00:00.5x", NULL};
    for (int i = 0; bad[i]; i++) {
        if (socm_slurm_duration_parse(bad[i]) != -1)
            fail_msg("duration '%s' should be unknown", bad[i]);
    }
    assert_int_equal(socm_slurm_duration_parse(NULL), -1);

    assert_int_equal(socm_slurm_size_kib_parse("219964K"), 219964);
    assert_int_equal(socm_slurm_size_kib_parse("1.5M"), 1536);
    assert_int_equal(socm_slurm_size_kib_parse("2G"), 2097152);
    assert_int_equal(socm_slurm_size_kib_parse("1T"), 1073741824LL);
    assert_int_equal(socm_slurm_size_kib_parse("0"), 0);
    assert_int_equal(socm_slurm_size_kib_parse("100MiB"), 102400);
    const char *badsz[] = {"", "K", "-1K", "12Q", "1e400", "None", "Unknown", "9999999999P", NULL};
    for (int i = 0; badsz[i]; i++) {
        if (socm_slurm_size_kib_parse(badsz[i]) != -1)
            fail_msg("size '%s' should be unknown", badsz[i]);
    }

    int c, g;
    assert_int_equal(socm_slurm_exitcode_parse("0:0", &c, &g), 0);
    assert_int_equal(c, 0);
    assert_int_equal(socm_slurm_exitcode_parse("1:9", &c, &g), 0);
    assert_int_equal(c, 1);
    assert_int_equal(g, 9);
    assert_int_equal(socm_slurm_exitcode_parse("0", &c, &g), -1);
    assert_int_equal(socm_slurm_exitcode_parse(":0", &c, &g), -1);
    assert_int_equal(c, -1);

    assert_int_equal(socm_slurm_tres_get("cpu=16", "cpu"), 16);
    assert_int_equal(socm_slurm_tres_get("mem=100G,cpu=24,node=2", "cpu"), 24);
    assert_int_equal(socm_slurm_tres_get("gres/gpu=4,node=2", "cpu"), -1);
    assert_int_equal(socm_slurm_tres_get("", "cpu"), -1);
    assert_int_equal(socm_slurm_tres_get("cpus=3,cpu=x", "cpu"), -1);

    assert_int_equal(socm_slurm_jobid_parse("123\n"), 123);
    assert_int_equal(socm_slurm_jobid_parse("456;socm\n"), 456);
    assert_int_equal(socm_slurm_jobid_parse(""), -1);
    assert_int_equal(socm_slurm_jobid_parse("sbatch: error: x"), -1);
    assert_int_equal(socm_slurm_jobid_parse("0"), -1);
    assert_int_equal(socm_slurm_jobid_parse("99999999999999999999999"), -1);
}

static void test_times(void **state)
{
    (void)state;
    double a = socm_slurm_time_parse("2026-11-24T21:08:12");
    double b = socm_slurm_time_parse("2026-11-24T21:09:22");
    assert_true(a > 0 && b - a == 70);
    assert_true(socm_slurm_time_parse("Unknown") < 0);
    assert_true(socm_slurm_time_parse("None") < 0);
    assert_true(socm_slurm_time_parse("2026-11-24T21:08:12x") < 0);
    assert_true(socm_slurm_time_parse("") < 0);
}

static void test_states_and_retry(void **state)
{
    (void)state;
    assert_int_equal(socm_slurm_state_parse("CANCELLED by 1000"), SOCM_SLURM_CANCELLED);
    assert_int_equal(socm_slurm_state_parse("CANCELLED+"), SOCM_SLURM_CANCELLED);
    assert_int_equal(socm_slurm_state_parse("PD"), SOCM_SLURM_PENDING);
    assert_int_equal(socm_slurm_state_parse("R"), SOCM_SLURM_RUNNING);
    assert_int_equal(socm_slurm_state_parse("OOM"), SOCM_SLURM_OUT_OF_MEMORY);
    assert_int_equal(socm_slurm_state_parse("NODE_FAIL"), SOCM_SLURM_NODE_FAIL);
    assert_int_equal(socm_slurm_state_parse("running"), SOCM_SLURM_RUNNING);
    assert_int_equal(socm_slurm_state_parse(""), SOCM_SLURM_UNKNOWN);
    assert_int_equal(socm_slurm_state_parse("RUNNINGX"), SOCM_SLURM_UNKNOWN);
    assert_string_equal(socm_slurm_state_name(SOCM_SLURM_TIMEOUT), "TIMEOUT");
    assert_true(socm_slurm_state_is_final(SOCM_SLURM_NODE_FAIL));
    assert_false(socm_slurm_state_is_final(SOCM_SLURM_COMPLETING));
    assert_int_equal(socm_slurm_outcome(SOCM_SLURM_COMPLETED, 2), SOCM_SLURM_OUT_FAILED);
    assert_int_equal(socm_slurm_outcome(SOCM_SLURM_COMPLETED, 0), SOCM_SLURM_OUT_DONE);
    assert_int_equal(socm_slurm_outcome(SOCM_SLURM_DEADLINE, 0), SOCM_SLURM_OUT_TIMEOUT);
    assert_int_equal(socm_slurm_outcome(SOCM_SLURM_NODE_FAIL, 0), SOCM_SLURM_OUT_LOST);

    assert_true(socm_slurm_error_retryable(
        "sbatch: error: QOSMaxSubmitJobPerUserLimit\n"
        "sbatch: error: Batch job submission failed: Job violates accounting/QOS policy "
        "(job submit limit, user's size and/or time limits)\n"));
    assert_true(socm_slurm_error_retryable("srun: Job step creation temporarily disabled, retrying (Requested nodes are busy)"));
    assert_true(socm_slurm_error_retryable("squeue: error: slurm_receive_msg: Socket timed out on send/recv operation"));
    assert_false(socm_slurm_error_retryable(
        "sbatch: error: Batch job submission failed: Invalid qos specification"));
    assert_false(socm_slurm_error_retryable("sbatch: error: Batch job submission failed: Requested time limit is invalid (missing or exceeds some limit)"));
    assert_false(socm_slurm_error_retryable(""));
    assert_false(socm_slurm_error_retryable(NULL));
}

/* squeue -o "%i|%T|%V|%Z" / sacct JobID,State,Submit,WorkDir: how a job whose id was
 * never recorded is found again; a '|' in the directory stays in it. */
static void test_jobdirs(void **state)
{
    (void)state;
    const char *text = "12|PENDING|2026-12-03T09:00:00|/s/a|b\n"
                       "13.batch|RUNNING|2026-12-03T09:00:01|/s\n"
                       "14|CANCELLED by 0|Unknown|/s/w/x\n"
                       "bad line\n";
    struct socm_slurm_jobdirs d;
    socm_slurm_jobdirs_parse(text, &d);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.n_bad, 2);
    assert_int_equal(d.v[0].job, 12);
    assert_int_equal(d.v[0].state, SOCM_SLURM_PENDING);
    assert_true(d.v[0].submit > 0);
    assert_string_equal(d.v[0].workdir, "/s/a|b");
    assert_int_equal(d.v[1].state, SOCM_SLURM_CANCELLED);
    assert_true(d.v[1].submit < 0);
    assert_string_equal(d.v[1].workdir, "/s/w/x");
    socm_slurm_jobdirs_free(&d);
}

static void test_squeue(void **state)
{
    (void)state;
    const char *text = "3|PENDING|0:00|2|(QOSMaxJobsPerUserLimit)|wrap\n"
                       "4|RUNNING|1-02:03:04|3|n[1-3]|socm-my|camp\n"
                       "5_7|COMPLETING|12:00|1|n1|socm-c\n"
                       "\n"
                       "junk\n"
                       "x|RUNNING|0:01|1|n1|a\n"
                       "6|CANCELLED|INVALID|N/A|(None)|\n";
    struct socm_squeue q;
    socm_squeue_parse(text, &q);
    assert_int_equal(q.n, 4);
    assert_int_equal(q.n_bad, 2);
    assert_int_equal(q.v[0].job, 3);
    assert_int_equal(q.v[0].state, SOCM_SLURM_PENDING);
    assert_string_equal(q.v[0].reason, "QOSMaxJobsPerUserLimit");
    assert_string_equal(q.v[1].name, "socm-my|camp");
    assert_int_equal(q.v[1].elapsed_s, 93784);
    assert_int_equal(q.v[1].nodes, 3);
    assert_string_equal(q.v[1].reason, "n[1-3]");
    assert_int_equal(q.v[2].job, 5);
    assert_string_equal(q.v[2].jobid, "5_7");
    assert_int_equal(q.v[2].elapsed_s, 720);
    assert_int_equal(q.v[3].elapsed_s, -1);
    assert_int_equal(q.v[3].nodes, -1);
    assert_string_equal(q.v[3].name, "");
    socm_squeue_free(&q);
    socm_squeue_parse("", &q);
    assert_int_equal(q.n, 0);
    socm_squeue_free(&q);
}

static void test_sinfo(void **state)
{
    (void)state;
    const char *text = "n1|idle|8|8000|debug*\n"
                       "n2|mixed|8|8000|debug*\n"
                       "n3|down*|8|8000|debug*\n"
                       "n3|down*|8|8000|long\n"
                       "big1|drained|128|512000+|long\n"
                       "bad|idle|x|1|p\n"
                       "short|line\n";
    struct socm_sinfo s;
    socm_sinfo_parse(text, &s);
    assert_int_equal(s.n, 5);
    assert_int_equal(s.n_bad, 2);
    assert_string_equal(s.v[0].partition, "debug");
    assert_true(s.v[0].default_partition);
    assert_false(s.v[3].default_partition);
    assert_int_equal(s.v[4].cpus, 128);
    assert_int_equal(s.v[4].memory_mb, 512000);
    assert_true(socm_sinfo_node_usable(&s.v[0]));
    assert_true(socm_sinfo_node_usable(&s.v[1]));
    assert_false(socm_sinfo_node_usable(&s.v[2]));
    assert_false(socm_sinfo_node_usable(&s.v[4]));
    socm_sinfo_free(&s);
}

static void test_qos(void **state)
{
    (void)state;
    /* The test cluster, as socm asks. */
    const char *ours = "Name|Priority|MaxWall|MaxJobsPU|MaxSubmitPU|GrpTRES|MaxTRESPU|MaxTRES\n"
                       "normal|0||||||\n"
                       "test|30|01:00:00|2||cpu=16||\n"
                       "short|20|1-00:00:00|50||cpu=24||\n"
                       "long|10|7-00:00:00|5||cpu=16||\n";
    struct socm_slurm_qoslist l;
    struct socm_error err = {0};
    assert_int_equal(socm_slurm_qos_parse(ours, &l, &err), 0);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.v[0].name, "normal");
    assert_int_equal(l.v[0].max_wall_s, -1);
    assert_int_equal(socm_slurm_qos_max_cores(&l.v[0]), -1);
    assert_int_equal(l.v[1].max_wall_s, 3600);
    assert_int_equal(l.v[1].max_jobs_pu, 2);
    assert_int_equal(socm_slurm_qos_max_cores(&l.v[1]), 16);
    assert_int_equal(l.v[2].max_wall_s, 86400);
    assert_int_equal(l.v[2].grp_cpus, 24);
    assert_int_equal(l.v[3].max_wall_s, 7 * 86400);
    assert_int_equal(l.v[3].max_jobs_pu, 5);
    socm_slurm_qoslist_free(&l);

    /* A site's full default format (trailing columns, MaxTRESPU tighter than Grp). */
    const char *site =
        "Name|Priority|GraceTime|Preempt|PreemptExemptTime|PreemptMode|Flags|UsageThres|UsageFactor|"
        "GrpTRES|GrpTRESMins|GrpTRESRunMins|GrpJobs|GrpSubmit|GrpWall|MaxTRES|MaxTRESPerNode|MaxTRESMins|"
        "MaxWall|MaxTRESPU|MaxJobsPU|MaxSubmitPU|MaxTRESPA|MaxJobsPA|MaxSubmitPA|MinTRES\n"
        "tiger-test|0|00:00:00||||DenyOnLimit||1.000000|cpu=2240|||||||||01:00:00|cpu=1120,node=10|2|||||\n"
        "tiger-vlong|0|00:00:00||||||1.000000|cpu=4480,mem=9999G|||||||||15-00:00:00|cpu=448|5|50||||\n";
    assert_int_equal(socm_slurm_qos_parse(site, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.n_bad, 0);
    assert_int_equal(l.v[0].max_wall_s, 3600);
    assert_int_equal(l.v[0].grp_cpus, 2240);
    assert_int_equal(l.v[0].max_cpus_pu, 1120);
    assert_int_equal(socm_slurm_qos_max_cores(&l.v[0]), 1120);
    assert_int_equal(l.v[1].max_wall_s, 15 * 86400);
    assert_int_equal(l.v[1].max_submit_pu, 50);
    assert_int_equal(socm_slurm_qos_max_cores(&l.v[1]), 448);
    socm_slurm_qoslist_free(&l);

    assert_int_equal(socm_slurm_qos_parse("", &l, &err), 0);
    assert_int_equal(l.n, 0);
    socm_slurm_qoslist_free(&l);
    assert_int_equal(socm_slurm_qos_parse("sacctmgr: error: Problem talking to the database: Connection refused\n", &l, &err), -1);
    socm_slurm_qoslist_free(&l);
    assert_int_equal(socm_slurm_qos_parse("Name|MaxWall\n|01:00:00\nx|None\n", &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.n_bad, 1);
    assert_int_equal(l.v[0].max_wall_s, -1);
    socm_slurm_qoslist_free(&l);
}

/* Lines in text: its newlines, plus a last line without one. */
static size_t count_lines(const char *text)
{
    size_t n = 0, len = strlen(text);
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n + (len && text[len - 1] != '\n');
}

/* Every prefix of the sacct sample parses without crashing (ASan watches) and
 * consistently: a refusal says why; rows and malformed lines never outnumber the
 * lines; a prefix of whole lines has no malformed line and no more jobs than the
 * whole text; the whole text gives the whole result. The other parsers, fed the same
 * (foreign) text, only account for its lines. */
static void test_prefixes_do_not_crash(void **state)
{
    (void)state;
    size_t len = strlen(sacct_text);
    struct socm_sacct whole;
    struct socm_error err = {0};
    assert_int_equal(socm_sacct_parse(sacct_text, &whole, &err), 0);
    char *buf = malloc(len + 1);
    for (size_t n = 0; n <= len; n++) {
        memcpy(buf, sacct_text, n);
        buf[n] = '\0';
        size_t lines = count_lines(buf);
        bool whole_lines = n == 0 || buf[n - 1] == '\n';
        struct socm_sacct s;
        memset(&err, 0, sizeof err);
        if (socm_sacct_parse(buf, &s, &err) < 0) {
            assert_true(err.msg[0] != '\0');
            assert_null(strchr(buf, '\n')); /* only a header still being cut is refused */
        } else {
            assert_true(s.n + s.n_bad <= lines);
            if (whole_lines) {
                assert_int_equal(s.n_bad, 0);
                assert_true(s.n <= whole.n);
            }
            if (n == len)
                assert_int_equal(s.n, whole.n);
        }
        socm_sacct_free(&s);
        struct socm_squeue q;
        socm_squeue_parse(buf, &q);
        assert_true(q.n + q.n_bad <= lines);
        socm_squeue_free(&q);
        struct socm_sinfo si;
        socm_sinfo_parse(buf, &si);
        assert_true(si.n + si.n_bad <= lines);
        socm_sinfo_free(&si);
        struct socm_slurm_qoslist l;
        if (socm_slurm_qos_parse(buf, &l, &err) == 0)
            assert_true(l.n + l.n_bad <= lines);
        socm_slurm_qoslist_free(&l);
    }
    free(buf);
    socm_sacct_free(&whole);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sacct_real_output), cmocka_unit_test(test_sacct_odd_input),
        cmocka_unit_test(test_durations_sizes_codes), cmocka_unit_test(test_times),
        cmocka_unit_test(test_states_and_retry),
        cmocka_unit_test(test_squeue), cmocka_unit_test(test_jobdirs), cmocka_unit_test(test_sinfo),
        cmocka_unit_test(test_qos), cmocka_unit_test(test_prefixes_do_not_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_history_sacct_import.c — `socm history import --sacct` without a cluster: the
 * captured sacct output in tests/data/history/sacct_history.txt (batch and srun
 * steps, an array, a --wrap, a '|' in a command line, a running job, a job the specs
 * cannot read) becomes runs: the job specification found in the command line (or
 * the job name), its features, Elapsed, MaxRSS × NTasks of the largest step, the
 * steps' CPU time, AllocCPUS; importing twice adds nothing; the name pattern
 * selects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "config/config.h"
#include "predict/history.h"
#include "predict/jobspec.h"
#include "slurm/slurm.h"
#include "util/str.h"

#include <math.h>
#include <string.h>

static const char *const spec_toml =
    "[predict.job.mapmaker]\n"
    "job_prefix = \"mapmaker.sh\"\n"
    "job_spec = \"--band {band:category} --dets {dets:numeric} --size {size:numeric}\"\n"
    "[predict.job.mapname]\n"
    "job_prefix = \"mapmaker_\"\n"
    "job_spec = \"{band:category}_{dets:numeric}_{size:numeric}\"\n";

static struct socm_sacct sacct_rows;
static struct socm_value *cfg;
static struct socm_jobspecs *specs;

static int setup(void **state)
{
    tmpdir_setup(state);
    char *path = socm_asprintf("%s/tests/data/history/sacct_history.txt", getenv("SOCM_SRC") ? getenv("SOCM_SRC") : ".");
    struct socm_error err = {0};
    size_t len;
    char *text = socm_file_read(path, &len, &err);
    free(path);
    assert_non_null(text);
    assert_int_equal(socm_sacct_parse(text, &sacct_rows, &err), 0);
    free(text);
    assert_int_equal(sacct_rows.n_bad, 0);
    cfg = socm_toml_parse(spec_toml, strlen(spec_toml), "spec.toml", &err);
    assert_non_null(cfg);
    specs = socm_jobspecs_from_config(socm_table_get(cfg, "predict"), &err);
    assert_non_null(specs);
    return 0;
}

static int teardown(void **state)
{
    socm_sacct_free(&sacct_rows);
    socm_jobspecs_free(specs);
    socm_value_free(cfg);
    return tmpdir_teardown(state);
}

static const struct socm_history_run *find(const struct socm_sacct_import *imp, const char *where)
{
    for (size_t i = 0; i < imp->runs.n; i++)
        if (!strcmp(imp->runs.v[i].location, where))
            return &imp->runs.v[i];
    fail_msg("no run %s", where);
    return NULL;
}

static void test_mapping(void **state)
{
    (void)state;
    /* the '|' of a --wrap command line stays in the command */
    const struct socm_sacct_row *r104 = socm_sacct_find_job(&sacct_rows, 104);
    assert_non_null(r104);
    assert_string_equal(r104->submit_line, "sbatch --wrap=\"other a|b|c\"");
    assert_int_equal(socm_sacct_find_job(&sacct_rows, 101)->alloc_cpus, 8);

    struct socm_sacct_import imp;
    assert_int_equal(socm_history_runs_from_sacct_import(&sacct_rows, specs, NULL, &imp), 0);
    assert_int_equal(imp.jobs, 7);
    assert_int_equal(imp.runs.n, 4);
    assert_int_equal(imp.unfinished, 1);  /* 105 */
    assert_int_equal(imp.unmatched, 1);   /* 104 */
    assert_int_equal(imp.unparsed, 1);    /* 106: "--dets many" */
    assert_int_equal(imp.problems.n, 1);
    assert_non_null(strstr(imp.problems.v[0], "job 106"));

    const struct socm_history_run *a = find(&imp, "101");
    assert_string_equal(a->job_name, "mapmaker");
    assert_string_equal(a->categorical_json, "{\"band\":\"f090\"}");
    assert_string_equal(a->numeric_json, "{\"dets\":1000.0,\"size\":20.0}");
    assert_true(a->elapsed_s == 600);
    assert_true(fabs(a->max_rss_mb - 6000) < 1e-9); /* 1500M x 4 tasks of step 0 */
    assert_true(a->cpu_s == 2 + 0 + 4200);           /* the steps' TotalCPU */
    assert_int_equal(a->threads, 8);
    assert_string_equal(a->state, "COMPLETED");
    assert_string_equal(a->command, "sbatch -n 4 --mem=8G ./mapmaker.sh --band f090 --dets 1000 --size 20");
    assert_true(a->finished_at - a->started_at == 600);

    const struct socm_history_run *w = find(&imp, "102"); /* --wrap="..." */
    assert_string_equal(w->job_name, "mapmaker");
    assert_string_equal(w->numeric_json, "{\"dets\":2000.0,\"size\":5.0}");
    assert_string_equal(w->state, "FAILED");

    const struct socm_history_run *arr = find(&imp, "103_2"); /* from the job name */
    assert_string_equal(arr->job_name, "mapname");
    assert_string_equal(arr->categorical_json, "{\"band\":\"f220\"}");
    assert_string_equal(arr->numeric_json, "{\"dets\":3000.0,\"size\":40.0}");
    assert_true(fabs(arr->max_rss_mb - 3500) < 1e-9);

    /* into a history: once, then nothing new */
    char *db = socm_asprintf("%s/h.db", tmpdir);
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(db, &err);
    size_t added = 0;
    assert_int_equal(socm_history_import(h, imp.runs.v, imp.runs.n, &added, &err), 0);
    assert_int_equal(added, 4);
    socm_sacct_import_free(&imp);
    assert_int_equal(socm_history_runs_from_sacct_import(&sacct_rows, specs, NULL, &imp), 0);
    assert_int_equal(socm_history_import(h, imp.runs.v, imp.runs.n, &added, &err), 0);
    assert_int_equal(added, 0);
    socm_sacct_import_free(&imp);
    socm_history_close(h);
    free(db);
}

static void test_pattern_and_no_specs(void **state)
{
    (void)state;
    struct socm_sacct_import imp;
    assert_int_equal(socm_history_runs_from_sacct_import(&sacct_rows, specs, "mapmaker_*", &imp), 0);
    assert_int_equal(imp.runs.n, 2);
    assert_int_equal(imp.other_names, 5);
    socm_sacct_import_free(&imp);
    /* without specifications: every finished job under its own name */
    assert_int_equal(socm_history_runs_from_sacct_import(&sacct_rows, NULL, NULL, &imp), 0);
    assert_int_equal(imp.runs.n, 6);
    assert_string_equal(imp.runs.v[0].job_name, "mapmaker");
    assert_string_equal(imp.runs.v[0].numeric_json, "{}");
    socm_sacct_import_free(&imp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_pattern_and_no_specs),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    socm_intern_free_all();
    return rc;
}

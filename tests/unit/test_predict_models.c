/* test_predict_models.c — the models and settings prediction gained with [slurmise]:
 * random_forest is bagging (its own kind, not gbtree) and survives save/load while a
 * corrupt blob is refused; poly fits a power law in log space; training reports R²;
 * the [slurmise] table is read (and its mistakes refused with their position);
 * feature lists re-split features into inputs and categories, and models follow
 * them; cpu_efficiency and cpu_cores are trained where CPU time was measured;
 * model_path is written atomically and used by a predictor without history;
 * cross-validation measures every kind; CSV rows keep their line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "config/config.h"
#include "predict/evaluate.h"
#include "predict/history_csv.h"
#include "predict/predict.h"
#include "predict/slurmise.h"
#include "util/str.h"

#include <dirent.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

static int dbcount;

static struct socm_history *fresh_db(void)
{
    char *p = socm_asprintf("%s/m%d.db", tmpdir, dbcount++);
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err);
    free(p);
    assert_non_null(h);
    return h;
}

static double uniform(uint64_t *rng) { return (double)(socm_rand_next(rng) >> 11) / 9007199254740992.0; }

/* runtime = 2 a b / c (a power law), memory = 100 + a; CPU time = elapsed × cores × 0.5. */
static void add_power_runs(struct socm_history *h, const char *job, const char *wafer_kind, int count,
                           bool with_cpu)
{
    uint64_t rng = 11;
    struct socm_error err = {0};
    for (int i = 0; i < count; i++) {
        double a = exp(log(1) + log(100) * uniform(&rng)), b = exp(log(100) * uniform(&rng));
        int c = 1 << (socm_rand_next(&rng) % 5);
        struct socm_history_run r = {0};
        r.job_name = socm_strdup(job);
        r.categorical_json = socm_strdup("{\"band\":\"f090\"}");
        r.numeric_json = socm_asprintf("{\"a\":%.17g,\"b\":%.17g,\"c\":%d,\"wafer\":%s}", a, b, c,
                                       wafer_kind ? wafer_kind : "1");
        r.ranks = c;
        r.threads = 1;
        r.elapsed_s = 2 * a * b / c;
        r.max_rss_mb = 100 + a;
        r.cpu_s = with_cpu ? r.elapsed_s * c * 0.5 : 0;
        r.state = socm_strdup(SOCM_HISTORY_COMPLETED);
        assert_int_equal(socm_history_record(h, &r, &err), 0);
        socm_history_run_clear(&r);
    }
}

static void test_random_forest_is_its_own_kind(void **state)
{
    (void)state;
    const struct socm_model_kind *rf = socm_model_find("random_forest");
    assert_non_null(rf);
    assert_string_equal(rf->name, "random_forest");
    assert_ptr_not_equal(rf, socm_model_find("gbtree"));
    assert_ptr_not_equal(rf, socm_model_find("xgboost"));
    assert_ptr_equal(socm_model_find("forest"), socm_model_find("gbtree")); /* the old name */
    /* bagging: trees of a bootstrap each, averaged */
    double x[200], y[200];
    uint64_t rng = 3;
    for (int i = 0; i < 200; i++) {
        x[i] = 100 * uniform(&rng);
        y[i] = 5 + 3 * x[i];
    }
    struct socm_model_params params = {.n_trees = 20, .seed = 9};
    struct socm_error err = {0};
    void *m = rf->train(&params, x, y, 200, 1, &err);
    assert_non_null(m);
    char *d = rf->describe(m);
    assert_non_null(strstr(d, "20 bagged trees"));
    free(d);
    double q[3] = {30, 50, 90}, out[3], out2[3];
    assert_int_equal(rf->predict(m, q, 3, out, &err), 0);
    for (int i = 0; i < 3; i++)
        if (!(fabs(out[i] - (5 + 3 * q[i])) < 0.1 * (5 + 3 * q[i])))
            fail_msg("x %g: %g", q[i], out[i]);
    /* save → load gives the same predictions */
    struct socm_buf blob = SOCM_BUF_INIT;
    assert_int_equal(rf->save(m, &blob, &err), 0);
    void *m2 = rf->load(blob.data, blob.len, &err);
    assert_non_null(m2);
    assert_int_equal(rf->predict(m2, q, 3, out2, &err), 0);
    assert_memory_equal(out, out2, sizeof out);
    rf->free(m2);
    /* truncated or with a child pointing back: refused, never a loop or a bad read */
    for (size_t cut = 0; cut < blob.len; cut += 37)
        assert_null(rf->load(blob.data, cut, &err));
    int64_t back = 0; /* first node's left child → itself */
    memcpy(blob.data + 4 * 8 + 8, &back, sizeof back);
    assert_null(rf->load(blob.data, blob.len, &err));
    assert_non_null(strstr(err.msg, "corrupt"));
    socm_buf_free(&blob);
    rf->free(m);
}

static void test_poly_power_law_in_log_space(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_power_runs(h, "pw", NULL, 300, false);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    struct socm_model_info mi;
    struct socm_error err = {0};
    assert_int_equal(socm_predict_train_group(h, "pw", "{\"band\":\"f090\"}", SOCM_TARGET_RUNTIME, &o, &mi, &err), 1);
    assert_non_null(strstr(mi.detail, "log space"));
    assert_true(mi.r2 > 0.999);
    assert_true(mi.mean_pct_error < 1);
    socm_model_info_clear(&mi);
    /* memory = 100 + a is linear: the values as they are fit it best */
    assert_int_equal(socm_predict_train_group(h, "pw", "{\"band\":\"f090\"}", SOCM_TARGET_MEMORY, &o, &mi, &err), 1);
    assert_null(strstr(mi.detail, "log space"));
    assert_true(mi.r2 > 0.999);
    socm_model_info_clear(&mi);
    socm_history_close(h);
}

static void test_r2_of_noise_is_low(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    uint64_t rng = 5;
    struct socm_error err = {0};
    for (int i = 0; i < 200; i++) {
        struct socm_history_run r = {0};
        r.job_name = socm_strdup("noise");
        r.numeric_json = socm_asprintf("{\"n\":%d}", i);
        r.elapsed_s = 10 + 1000 * uniform(&rng);
        r.max_rss_mb = 5;
        r.state = socm_strdup(SOCM_HISTORY_COMPLETED);
        assert_int_equal(socm_history_record(h, &r, &err), 0);
        socm_history_run_clear(&r);
    }
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.params.degree = 1;
    struct socm_model_info mi;
    assert_int_equal(socm_predict_train_group(h, "noise", "{}", SOCM_TARGET_RUNTIME, &o, &mi, &err), 1);
    assert_true(mi.r2 < 0.2);
    socm_model_info_clear(&mi);
    socm_history_close(h);
}

static struct socm_value *toml(const char *text)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(text, strlen(text), "/cfg/dir/s.toml", &err);
    if (!v)
        fail_msg("%s", err.msg);
    return v;
}

static void test_slurmise_table(void **state)
{
    (void)state;
    struct socm_value *cfg = toml("[predict]\nmin_runs = 4\n[slurmise]\nmodel_type = \"random_forest\"\n"
                                  "model_path = \"models.db\"\nnumeric_features = [\"a\", \"b\"]\n"
                                  "categorical_features = [\"band\"]\n"
                                  "targets = [\"walltime\", \"memory\", \"cpu_efficiency\"]\n"
                                  "training_data_path = \"/data/jobs.csv\"\n");
    struct socm_predict_options o;
    struct socm_error err = {0};
    const char *db = NULL;
    assert_int_equal(socm_predict_options_from_root(cfg, &o, &db, &err), 0);
    assert_string_equal(o.model, "random_forest");
    assert_int_equal(o.min_runs, 4);
    assert_string_equal(o.model_path, "/cfg/dir/models.db"); /* beside the file */
    assert_string_equal(o.training_data_path, "/data/jobs.csv");
    assert_true(socm_predict_wants_target(&o, SOCM_TARGET_RUNTIME));
    assert_true(socm_predict_wants_target(&o, SOCM_TARGET_CPU_EFFICIENCY));
    assert_false(socm_predict_wants_target(&o, SOCM_TARGET_CPU_CORES));
    assert_true(socm_predict_has_feature_lists(&o));
    socm_value_free(cfg);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"[slurmise]\nmodel_typ = \"knn\"\n", "2:1: unknown key 'model_typ' in [slurmise]; did you mean 'model_type'?"},
        {"[slurmise]\nmodel_type = \"svm\"\n", "2:14: unknown model_type"},
        {"[slurmise]\ntargets = [\"walltime\", \"gpu\"]\n", "2:24: unknown target"},
        {"[slurmise]\nnumeric_features = [\"a\"]\ncategorical_features = [\"a\"]\n", "in both"},
        {"[slurmise]\nnumeric_features = \"a\"\n", "must be a list"},
        {"[slurmise.job.x]\njob_spec = \"{a:numeric}\"\n", "[predict.job.NAME]"},
        {"[slurmise]\nmodel_path = \"\"\n", "must be a path"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg = toml(bad[i].text);
        memset(&err, 0, sizeof err);
        assert_int_equal(socm_predict_options_from_root(cfg, &o, NULL, &err), -1);
        if (!strstr(err.msg, bad[i].want))
            fail_msg("%s: got \"%s\", want \"%s\"", bad[i].text, err.msg, bad[i].want);
        socm_value_free(cfg);
    }
}

static void test_feature_lists_resplit(void **state)
{
    (void)state;
    struct socm_value *cfg = toml("[slurmise]\nnumeric_features = [\"n\", \"size\"]\n"
                                  "categorical_features = [\"band\", \"wafer\"]\n");
    struct socm_predict_options o;
    struct socm_error err = {0};
    assert_int_equal(socm_predict_options_from_root(cfg, &o, NULL, &err), 0);
    char *c, *n;
    assert_int_equal(socm_features_resplit(&o, "{\"band\":\"f090\",\"size\":\"12.5\",\"tag\":\"x\"}",
                                           "{\"n\":3,\"wafer\":12,\"extra\":7}", &c, &n), 0);
    assert_string_equal(c, "{\"band\":\"f090\",\"wafer\":\"12\"}"); /* unlisted "tag" left out */
    assert_string_equal(n, "{\"n\":3,\"size\":12.5}");           /* unlisted "extra" left out */
    free(c);
    free(n);
    socm_value_free(cfg);
    /* only a numeric list: the categories stay as recorded */
    cfg = toml("[slurmise]\nnumeric_features = [\"n\"]\n");
    assert_int_equal(socm_predict_options_from_root(cfg, &o, NULL, &err), 0);
    assert_int_equal(socm_features_resplit(&o, "{\"tag\":\"x\"}", "{\"n\":3,\"m\":4}", &c, &n), 0);
    assert_string_equal(c, "{\"tag\":\"x\"}");
    assert_string_equal(n, "{\"n\":3}");
    free(c);
    free(n);
    socm_value_free(cfg);
}

static void count_trained(const struct socm_model_info *mi, void *arg)
{
    int *counts = arg;
    if (mi->kind)
        counts[mi->target]++;
}

static void test_feature_lists_make_groups(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_power_runs(h, "w", "1", 40, false);
    add_power_runs(h, "w", "2", 40, false);
    struct socm_value *cfg = toml("[slurmise]\ncategorical_features = [\"band\", \"wafer\"]\n");
    struct socm_predict_options o;
    struct socm_error err = {0};
    assert_int_equal(socm_predict_options_from_root(cfg, &o, NULL, &err), 0);
    int counts[SOCM_TARGET_COUNT] = {0};
    assert_int_equal(socm_predict_train(h, "w", &o, count_trained, counts, &err), 0);
    assert_int_equal(counts[SOCM_TARGET_RUNTIME], 2); /* one per wafer */
    int64_t n = 0;
    assert_int_equal(socm_predict_group_count(h, &o, "w", "{\"band\":\"f090\",\"wafer\":\"2\"}", &n, &err), 0);
    assert_int_equal(n, 40);
    /* a prediction re-splits its features the same way */
    struct socm_predictor *p = socm_predictor_new(h, &o);
    struct socm_prediction pr;
    assert_int_equal(socm_predict_features(p, "w", "{\"band\":\"f090\"}", "{\"a\":10,\"b\":10,\"c\":2,\"wafer\":2}",
                                           60, 1000, true, &pr, &err), 0);
    assert_string_equal(pr.categorical_json, "{\"band\":\"f090\",\"wafer\":\"2\"}");
    assert_true(pr.walltime.predicted);
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_value_free(cfg);
    socm_history_close(h);
}

static void test_cpu_targets(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_power_runs(h, "cpu", NULL, 60, true);
    add_power_runs(h, "nocpu", NULL, 60, false);
    struct socm_history_run r = {.elapsed_s = 100, .cpu_s = 200, .ranks = 2, .threads = 2};
    assert_true(fabs(socm_target_value(SOCM_TARGET_CPU_EFFICIENCY, &r) - 0.5) < 1e-12);
    assert_true(fabs(socm_target_value(SOCM_TARGET_CPU_CORES, &r) - 2) < 1e-12);
    r.cpu_s = 0;
    assert_true(socm_target_value(SOCM_TARGET_CPU_EFFICIENCY, &r) == 0);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.targets = 1u << SOCM_TARGET_CPU_EFFICIENCY | 1u << SOCM_TARGET_CPU_CORES;
    int counts[SOCM_TARGET_COUNT] = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_predict_train(h, NULL, &o, count_trained, counts, &err), 0);
    assert_int_equal(counts[SOCM_TARGET_RUNTIME], 0);
    assert_int_equal(counts[SOCM_TARGET_CPU_EFFICIENCY], 1); /* "nocpu" has no CPU time: skipped */
    assert_int_equal(counts[SOCM_TARGET_CPU_CORES], 1);
    struct socm_model_info mi;
    assert_int_equal(socm_predict_train_group(h, "cpu", "{\"band\":\"f090\"}", SOCM_TARGET_CPU_EFFICIENCY, &o, &mi,
                                              &err), 1);
    assert_true(mi.mean_pct_error < 1); /* the efficiency is 0.5 everywhere */
    socm_model_info_clear(&mi);
    socm_history_close(h);
}

static void test_model_path_saved_and_used(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_power_runs(h, "mp", NULL, 80, false);
    char *path = socm_asprintf("%s/models.db", tmpdir);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.model = "random_forest";
    o.max_error_percent = 1e6; /* small runtimes of a power law: large percent errors */
    snprintf(o.model_path, sizeof o.model_path, "%s", path);
    struct socm_error err = {0};
    assert_int_equal(socm_predict_train(h, NULL, &o, NULL, NULL, &err), 0);
    int64_t n = 0;
    assert_int_equal(socm_models_save(h, path, &n, &err), 0);
    assert_int_equal(n, 2);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* saving again replaces the file whole (no temporary left beside it) */
    assert_int_equal(socm_models_save(h, path, &n, &err), 0);
    int leftovers = 0;
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        leftovers += strncmp(e->d_name, "models.db.tmp-", 14) == 0;
    closedir(d);
    assert_int_equal(leftovers, 0);
    socm_history_close(h);

    /* an empty history with model_path predicts from the saved model */
    struct socm_history *empty = fresh_db();
    o.auto_train = false;
    struct socm_predictor *p = socm_predictor_new(empty, &o);
    struct socm_prediction pr;
    assert_int_equal(socm_predict_features(p, "mp", "{\"band\":\"f090\"}", "{\"a\":10,\"b\":10,\"c\":2,\"wafer\":1}",
                                           60, 1000, true, &pr, &err), 0);
    if (!pr.walltime.predicted)
        fail_msg("%s", pr.walltime.why);
    assert_non_null(strstr(pr.walltime.why, "random_forest"));
    assert_non_null(strstr(pr.walltime.why, "saved in model_path"));
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    /* a model_path that does not exist: the history's own (none here) → fallback */
    snprintf(o.model_path, sizeof o.model_path, "%s/nosuch.db", tmpdir);
    p = socm_predictor_new(empty, &o);
    assert_int_equal(socm_predict_features(p, "mp", "{\"band\":\"f090\"}", "{\"a\":10}", 60, 1000, true, &pr, &err), 0);
    assert_false(pr.walltime.predicted);
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(empty);
    free(path);
}

struct cv_seen {
    int figures, skipped;
    double poly_r2;
};

static void on_cv(const struct socm_cv_result *r, void *arg)
{
    struct cv_seen *s = arg;
    if (r->skipped) {
        s->skipped++;
        return;
    }
    s->figures++;
    if (!strcmp(r->kind, "poly") && r->target == SOCM_TARGET_RUNTIME)
        s->poly_r2 = r->r2;
    assert_int_equal(r->folds, 4);
}

static void test_cross_validation(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_power_runs(h, "cv", NULL, 100, false);
    add_power_runs(h, "tiny", NULL, 3, false);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    struct socm_strv kinds = SOCM_STRV_INIT;
    socm_strv_push(&kinds, "poly");
    socm_strv_push(&kinds, "random_forest");
    struct cv_seen s = {0};
    struct socm_error err = {0};
    assert_int_equal(socm_predict_cross_validate(h, NULL, &o, &kinds, 4, on_cv, &s, &err), 0);
    assert_int_equal(s.figures, 4);  /* cv: 2 kinds × 2 targets */
    assert_int_equal(s.skipped, 2);  /* tiny: 2 targets */
    assert_true(s.poly_r2 > 0.999);
    assert_int_equal(socm_predict_cross_validate(h, NULL, &o, &kinds, 1, on_cv, &s, &err), -1);
    socm_strv_free(&kinds);
    socm_history_close(h);
}

static void test_csv_lines(void **state)
{
    (void)state;
    const char *text = "\xEF\xBB\xBFjob_name,elapsed_s,max_rss_mb,size\r\n"
                       "a,1,2,3\r\n"
                       "\r\n"
                       "\"b\nb\",4,5,6\n"
                       "c,x,5,6\n"
                       "d,7,8,9";
    struct socm_history_csv c;
    struct socm_error err = {0};
    assert_int_equal(socm_history_csv_parse(text, strlen(text), "t.csv", &c, &err), 0);
    assert_int_equal(c.runs.n, 3);
    assert_int_equal(c.line[0], 2);
    assert_int_equal(c.line[1], 4);
    assert_string_equal(c.runs.v[1].job_name, "b\nb");
    assert_int_equal(c.line[2], 7);
    assert_int_equal(c.n_bad, 1);
    assert_int_equal(c.bad[0].line, 6);
    assert_string_equal(c.runs.v[2].numeric_json, "{\"size\":9}");
    socm_history_csv_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_forest_is_its_own_kind),
        cmocka_unit_test(test_poly_power_law_in_log_space),
        cmocka_unit_test(test_r2_of_noise_is_low),
        cmocka_unit_test(test_slurmise_table),
        cmocka_unit_test(test_feature_lists_resplit),
        cmocka_unit_test(test_feature_lists_make_groups),
        cmocka_unit_test(test_cpu_targets),
        cmocka_unit_test(test_model_path_saved_and_used),
        cmocka_unit_test(test_cross_validation),
        cmocka_unit_test(test_csv_lines),
    };
    int rc = cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
    socm_intern_free_all();
    return rc;
}

/* test_predict.c — models learned from synthetic histories recover the functions
 * that made them (runtime = a + b·n, memory = c·n²) for every model kind; different
 * categories get different models; each fallback (too few runs, held-out error too
 * large, prediction ≤ 0, prediction > 100 × request) happens and says why; the
 * safety margin follows the noise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "skip_fixture.h"
#include "tmpdir_fixture.h"

#include "predict/predict.h"
#include "campaign/campaign.h"
#include "socm/planner.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int dbcount;

static struct socm_history *fresh_db(void)
{
    char *p = socm_asprintf("%s/h%d.db", tmpdir, dbcount++);
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(p, &err);
    free(p);
    assert_non_null(h);
    return h;
}

typedef double (*fn)(double n, uint64_t *rng);

static double uniform(uint64_t *rng) { return (double)(socm_rand_next(rng) >> 11) / 9007199254740992.0; }

/* Records `count` completed runs of job/mode with n spread over [10, 500]. */
static void add_runs(struct socm_history *h, const char *job, const char *mode, int count,
                     fn runtime_s, fn memory_mb)
{
    uint64_t rng = 7;
    struct socm_error err = {0};
    for (int i = 0; i < count; i++) {
        double n = 10 + 490 * uniform(&rng);
        struct socm_history_run r = {0};
        r.job_name = socm_strdup(job);
        r.categorical_json = socm_asprintf("{\"mode\":\"%s\"}", mode);
        r.numeric_json = socm_asprintf("{\"n\":%.17g,\"ranks\":1,\"threads\":1}", n);
        r.elapsed_s = runtime_s(n, &rng);
        r.max_rss_mb = memory_mb(n, &rng);
        r.state = socm_strdup(SOCM_HISTORY_COMPLETED);
        assert_int_equal(socm_history_record(h, &r, &err), 0);
        socm_history_run_clear(&r);
    }
}

static double lin_a(double n, uint64_t *r) { (void)r; return 30 + 2 * n; }
static double lin_b(double n, uint64_t *r) { (void)r; return 30 + 20 * n; }
static double quad(double n, uint64_t *r) { (void)r; return 0.01 * n * n; }
static double noisy_lin(double n, uint64_t *r) { return (30 + 2 * n) * (0.9 + 0.2 * uniform(r)); }
static double pure_noise(double n, uint64_t *r) { (void)n; return 10 + 1000 * uniform(r); }
static double falling(double n, uint64_t *r) { (void)r; return 1000 - 1.9 * n; }
static double minutes_n(double n, uint64_t *r) { (void)r; return 60 * n; }

static void predict_n(struct socm_predictor *p, const char *job, const char *mode, double n,
                      double req_min, double req_mb, struct socm_prediction *out)
{
    char *cat = socm_asprintf("{\"mode\":\"%s\"}", mode);
    char *num = socm_asprintf("{\"n\":%.17g,\"ranks\":1,\"threads\":1}", n);
    struct socm_error err = {0};
    assert_int_equal(socm_predict_features(p, job, cat, num, req_min, req_mb, true, out, &err), 0);
    free(cat);
    free(num);
}

static void assert_close(double got, double want, double rel)
{
    if (fabs(got - want) > rel * fabs(want))
        fail_msg("got %g, want %g within %g %%", got, want, 100 * rel);
}

static void recover(const char *model, double tol)
{
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 200, lin_a, quad);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.model = model;
    struct socm_predictor *p = socm_predictor_new(h, &o);
    struct socm_prediction pr;
    predict_n(p, "sim", "a", 250, 60, 100000, &pr);
    assert_true(pr.walltime.predicted);
    assert_true(pr.memory.predicted);
    assert_close(pr.walltime.raw, (30 + 2 * 250) / 60.0, tol);
    assert_close(pr.memory.raw, 0.01 * 250 * 250, tol);
    assert_non_null(strstr(pr.walltime.why, model));
    assert_true(pr.walltime.value >= pr.walltime.raw);
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(h);
}

static void test_poly_recovers(void **state) { (void)state; recover("poly", 0.01); }
static void test_knn_recovers(void **state) { (void)state; recover("knn", 0.08); }
static void test_gbtree_recovers(void **state)
{
    (void)state;
    if (!socm_model_find("gbtree"))
        socm_test_skip("built without XGBoost");
    recover("gbtree", 0.08);
}
static void test_random_forest_recovers(void **state) { (void)state; recover("random_forest", 0.08); }

static void test_categories_select_models(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 50, lin_a, quad);
    add_runs(h, "sim", "b", 50, lin_b, quad);
    struct socm_predictor *p = socm_predictor_new(h, NULL);
    struct socm_prediction a, b;
    predict_n(p, "sim", "a", 100, 60, 1000, &a);
    predict_n(p, "sim", "b", 100, 60, 1000, &b);
    assert_true(a.walltime.predicted && b.walltime.predicted);
    assert_close(a.walltime.raw, 230 / 60.0, 0.01);
    assert_close(b.walltime.raw, 2030 / 60.0, 0.01);
    socm_prediction_clear(&a);
    socm_prediction_clear(&b);
    /* models are stored per group: training reports two groups × two targets */
    int64_t n = 0;
    assert_int_equal(socm_history_count(h, NULL, &n, NULL), 0);
    assert_int_equal(n, 100);
    socm_predictor_close(p);
    socm_history_close(h);
}

static void test_fallback_few_runs(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 9, lin_a, quad);
    struct socm_predictor *p = socm_predictor_new(h, NULL);
    struct socm_prediction pr;
    predict_n(p, "sim", "a", 100, 60, 500, &pr);
    assert_false(pr.walltime.predicted);
    assert_false(pr.memory.predicted);
    assert_true(fabs(pr.walltime.value - 66) < 1e-9); /* request + 10 % */
    assert_true(pr.memory.value == 500);
    assert_non_null(strstr(pr.walltime.why, "only 9 completed runs"));
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(h);
}

static void test_fallback_large_error(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 100, pure_noise, quad);
    struct socm_predictor *p = socm_predictor_new(h, NULL);
    struct socm_prediction pr;
    predict_n(p, "sim", "a", 100, 60, 500, &pr);
    assert_false(pr.walltime.predicted);
    assert_non_null(strstr(pr.walltime.why, "above max_error_percent 25"));
    assert_true(pr.memory.predicted); /* memory is still a clean function of n */
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(h);
}

static void test_fallback_non_positive_and_huge(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "down", "a", 100, falling, quad);
    add_runs(h, "long", "a", 100, minutes_n, quad);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.params.degree = 1;
    struct socm_predictor *p = socm_predictor_new(h, &o);
    struct socm_prediction pr;
    predict_n(p, "down", "a", 2000, 60, 500, &pr); /* 1000 - 3800 < 0 */
    assert_false(pr.walltime.predicted);
    assert_non_null(strstr(pr.walltime.why, "not positive"));
    socm_prediction_clear(&pr);
    predict_n(p, "long", "a", 400, 2, 500, &pr); /* 400 min against a 2 min request */
    assert_false(pr.walltime.predicted);
    assert_non_null(strstr(pr.walltime.why, "more than 100 x the request"));
    assert_true(fabs(pr.walltime.value - 2.2) < 1e-9);
    socm_prediction_clear(&pr);
    predict_n(p, "long", "a", 400, 5, 500, &pr); /* 80 x: accepted */
    assert_true(pr.walltime.predicted);
    assert_close(pr.walltime.raw, 400, 0.01);
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(h);
}

static void test_margin_from_noise(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 300, noisy_lin, quad);
    struct socm_predictor *p = socm_predictor_new(h, NULL);
    struct socm_prediction pr;
    predict_n(p, "sim", "a", 250, 60, 1000, &pr);
    assert_true(pr.walltime.predicted);
    /* ±10 % uniform noise: the 95th percentile of under-prediction is about 9 % */
    assert_true(pr.walltime.margin > 0.03 && pr.walltime.margin < 0.15);
    assert_true(fabs(pr.walltime.value - pr.walltime.raw * (1 + pr.walltime.margin)) < 1e-9);
    assert_true(pr.memory.margin < 1e-6); /* exact function: no margin */
    assert_non_null(strstr(pr.walltime.why, "margin"));
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(h);
}

static void report_count(const struct socm_model_info *mi, void *arg)
{
    if (mi->kind)
        ++*(int *)arg;
}

static void test_train_stores_metrics_and_workflow_predicts(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 60, lin_a, quad);
    add_runs(h, "sim", "b", 60, lin_b, quad);
    add_runs(h, "other", "a", 5, lin_a, quad);
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.model = "knn";
    int trained = 0;
    struct socm_error err = {0};
    assert_int_equal(socm_predict_train(h, NULL, &o, report_count, &trained, &err), 0);
    assert_int_equal(trained, 4); /* sim/a, sim/b × runtime, memory; "other" too small */
    trained = 0;
    assert_int_equal(socm_predict_train(h, "other", &o, report_count, &trained, &err), 0);
    assert_int_equal(trained, 0);

    /* a workflow: job name from its name without the split suffix */
    struct socm_workflow wf = {0};
    wf.name = "sim_split_4";
    wf.type = "generic";
    wf.res.ranks = 1;
    wf.res.threads = 1;
    wf.res.runtime_min = 60;
    wf.res.memory_mb = 1000;
    wf.fields = socm_value_table(NULL);
    socm_table_add(wf.fields, "mode", 4, NULL, socm_value_string("b", 1, NULL));
    socm_table_add(wf.fields, "n", 1, NULL, socm_value_integer(300, NULL));
    o.auto_train = false; /* uses the stored knn models */
    struct socm_predictor *p = socm_predictor_new(h, &o);
    struct socm_prediction pr;
    assert_int_equal(socm_predict_workflow(p, &wf, &pr, &err), 0);
    assert_string_equal(pr.job_name, "sim");
    assert_true(pr.walltime.predicted);
    assert_non_null(strstr(pr.walltime.why, "knn"));
    assert_close(pr.walltime.raw, (30 + 20 * 300) / 60.0, 0.1);
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_value_free(wf.fields);
    socm_history_close(h);
}

/* [predict] settings: units, bad values with positions, and the global minimums
 * raising a prediction (said in the explanation). */
static void test_options_and_minimums(void **state)
{
    (void)state;
    struct socm_value *t = socm_value_table(NULL);
    socm_table_add(t, "minimum_time", 12, NULL, socm_value_string("30m", 3, NULL));
    socm_table_add(t, "minimum_mem", 11, NULL, socm_value_string("2G", 2, NULL));
    socm_table_add(t, "model", 5, NULL, socm_value_string("knn", 3, NULL));
    socm_table_add(t, "max_error_percent", 17, NULL, socm_value_integer(40, NULL));
    struct socm_predict_options o;
    struct socm_error err = {0};
    assert_int_equal(socm_predict_options_from_config(t, &o, &err), 0);
    assert_true(o.minimum_time_min == 30 && o.minimum_mem_mb == 2000);
    assert_string_equal(o.model, "knn");
    assert_true(o.max_error_percent == 40);
    struct socm_pos pos = socm_pos_at("p.toml", 3, 9);
    socm_table_set(t, "model", socm_value_string("magic", 5, &pos));
    assert_int_equal(socm_predict_options_from_config(t, &o, &err), -1);
    assert_non_null(strstr(err.msg, "p.toml:3:9"));
    socm_table_set(t, "model", socm_value_string("poly", 4, NULL));
    assert_int_equal(socm_predict_options_from_config(t, &o, &err), 0);

    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 50, lin_a, quad);
    struct socm_predictor *p = socm_predictor_new(h, &o);
    struct socm_prediction pr;
    predict_n(p, "sim", "a", 100, 60, 10000, &pr);
    assert_true(pr.walltime.predicted);
    assert_close(pr.walltime.raw, 230 / 60.0, 0.01);
    assert_true(pr.walltime.value == 30);
    assert_non_null(strstr(pr.walltime.why, "raised to the minimum 30 min"));
    assert_true(pr.memory.value == 2000);
    socm_prediction_clear(&pr);
    socm_predictor_close(p);
    socm_history_close(h);
    socm_value_free(t);
}

/* The planner's stage: a workflow with history gets its prediction, one without
 * keeps its request; [campaign] predict = true turns it on. */
static void test_requirements_of_campaign(void **state)
{
    (void)state;
    struct socm_history *h = fresh_db();
    add_runs(h, "sim", "a", 50, lin_a, quad);
    struct socm_workflow w1 = {0}, w2 = {0};
    w1.name = "sim";
    w2.name = "unknown";
    struct socm_workflow *wfs[] = {&w1, &w2};
    for (int i = 0; i < 2; i++) {
        wfs[i]->fields = socm_value_table(NULL);
        socm_table_add(wfs[i]->fields, "mode", 4, NULL, socm_value_string("a", 1, NULL));
        socm_table_add(wfs[i]->fields, "n", 1, NULL, socm_value_integer(200, NULL));
        wfs[i]->res.runtime_min = 100;
        wfs[i]->res.memory_mb = 5000;
    }
    struct socm_campaign c = {0};
    c.wfs = wfs;
    c.n_wfs = 2;
    c.config = socm_value_table(NULL);
    struct socm_value *camp = socm_value_table(NULL);
    socm_table_add(c.config, "campaign", 8, NULL, camp);
    assert_false(socm_campaign_wants_prediction(&c));
    socm_table_add(camp, "predict", 7, NULL, socm_value_bool(true, NULL));
    assert_true(socm_campaign_wants_prediction(&c));
    /* [campaign.predict] as a settings table turns it on too, and names the database */
    {
        struct socm_value *cfg = socm_value_table(NULL), *cc = socm_value_table(NULL);
        struct socm_value *cpred = socm_value_table(NULL);
        char *path = socm_asprintf("%s/from-config.db", tmpdir);
        socm_table_add(cpred, "model", 5, NULL, socm_value_string("knn", 3, NULL));
        socm_table_add(cpred, "history_db", 10, NULL, socm_value_string(path, strlen(path), NULL));
        socm_table_add(cc, "predict", 7, NULL, cpred);
        socm_table_add(cfg, "campaign", 8, NULL, cc);
        struct socm_campaign c2 = {0};
        c2.config = cfg;
        assert_true(socm_campaign_wants_prediction(&c2));
        struct socm_error e2 = {0};
        struct socm_predictor *p2 = socm_predictor_open(cfg, NULL, &e2);
        assert_non_null(p2);
        assert_string_equal(socm_history_path(socm_predictor_history(p2)), path);
        socm_predictor_close(p2);
        socm_table_add(cpred, "enabled", 7, NULL, socm_value_bool(false, NULL));
        assert_false(socm_campaign_wants_prediction(&c2));
        free(path);
        socm_value_free(cfg);
    }
    /* ranks/threads default to 1 in features; the history was recorded with 1 too */
    w1.res.ranks = w1.res.threads = w2.res.ranks = w2.res.threads = 1;
    struct socm_req reqs[2] = {{1, 5000, 110}, {1, 5000, 110}};
    struct socm_prediction preds[2];
    struct socm_predictor *p = socm_predictor_new(h, NULL);
    struct socm_error err = {0};
    assert_int_equal(socm_predict_requirements(p, &c, reqs, preds, &err), 0);
    assert_true(preds[0].walltime.predicted && !preds[1].walltime.predicted);
    assert_true(reqs[0].walltime_min < 10 && reqs[0].walltime_min >= 430 / 60.0);
    assert_true(fabs(reqs[0].memory_mb - 400) < 5);
    assert_true(reqs[1].walltime_min == 110 && reqs[1].memory_mb == 5000);
    for (int i = 0; i < 2; i++) {
        socm_prediction_clear(&preds[i]);
        socm_value_free(wfs[i]->fields);
    }
    socm_value_free(c.config);
    socm_predictor_close(p);
    socm_history_close(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poly_recovers),
        cmocka_unit_test(test_knn_recovers),
        cmocka_unit_test(test_gbtree_recovers),
        cmocka_unit_test(test_random_forest_recovers),
        cmocka_unit_test(test_categories_select_models),
        cmocka_unit_test(test_fallback_few_runs),
        cmocka_unit_test(test_fallback_large_error),
        cmocka_unit_test(test_fallback_non_positive_and_huge),
        cmocka_unit_test(test_margin_from_noise),
        cmocka_unit_test(test_train_stores_metrics_and_workflow_predicts),
        cmocka_unit_test(test_requirements_of_campaign),
        cmocka_unit_test(test_options_and_minimums),
    };
    int rc = cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
    socm_intern_free_all();
    return rc;
}

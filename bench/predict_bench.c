/* predict_bench.c — prediction from history at scale: records a synthetic history
 * of 100,000 runs (hidden runtime and memory functions of n and threads, with
 * noise), then per model kind the training time, the held-out error and margin,
 * and the prediction latency; finally, for a generated campaign, the core-hours
 * reserved with the users' padded requests vs with predictions, and how many
 * workflows would have outrun their predicted walltime.
 * usage: predict_bench [RUNS] [DBPATH]   (defaults 100000, a temporary file) */
#include "predict/predict.h"
#include "util/str.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double unif(uint64_t *s) { return (double)(socm_rand_next(s) >> 11) / 9007199254740992.0; }

/* The hidden truth: seconds and MB. */
static double true_runtime_s(double n, double threads) { return 20 + 0.02 * n + 4000 / threads; }
static double true_memory_mb(double n) { return 100 + 1e-5 * n * n; }

static void record_history(struct socm_history *h, size_t runs)
{
    uint64_t rng = 1;
    struct socm_error err = {0};
    double t0 = now();
    sqlite3 *db = socm_history_sqlite(h);
    /* one record per transaction, as socm does at the end of each workflow */
    for (size_t i = 0; i < runs; i++) {
        double n = 100 + 9900 * unif(&rng);
        double th = (double)(1u << (socm_rand_next(&rng) % 5)); /* 1..16 */
        struct socm_history_run r = {0};
        r.job_name = socm_strdup("bench");
        r.workflow = socm_strdup("generic");
        r.categorical_json = socm_strdup("{\"mode\":\"fast\"}");
        r.numeric_json = socm_asprintf("{\"n\":%.17g,\"ranks\":1,\"threads\":%g}", n, th);
        r.elapsed_s = true_runtime_s(n, th) * (0.95 + 0.1 * unif(&rng));
        r.max_rss_mb = true_memory_mb(n) * (0.97 + 0.06 * unif(&rng));
        r.state = socm_strdup(SOCM_HISTORY_COMPLETED);
        if (socm_history_record(h, &r, &err) != 0) {
            fprintf(stderr, "record: %s\n", err.msg);
            exit(1);
        }
        socm_history_run_clear(&r);
    }
    double dt = now() - t0;
    (void)db;
    printf("recorded %zu runs in %.2f s (%.0f records/s, one transaction each)\n", runs, dt,
           (double)runs / dt);
}

struct campaign_wf {
    double n, threads, true_min, requested_min;
};

/* A generated campaign: 1000 workflows; users ask for 1.5 x the slowest run of
 * their thread count, rounded up to the hour, as people do. */
static void campaign(struct socm_history *h, const char *kind)
{
    struct socm_predict_options o;
    socm_predict_options_default(&o);
    o.model = kind;
    o.auto_train = false; /* the model just trained */
    struct socm_predictor *p = socm_predictor_new(h, &o);
    struct socm_error err = {0};
    uint64_t rng = 2024;
    double req_ch = 0, pred_ch = 0, true_ch = 0;
    int exceeded = 0, fallbacks = 0;
    for (int i = 0; i < 1000; i++) {
        double n = 100 + 9900 * unif(&rng), th = (double)(1u << (socm_rand_next(&rng) % 5));
        double true_min = true_runtime_s(n, th) * (0.95 + 0.1 * unif(&rng)) / 60;
        double req_min = ceil(1.5 * true_runtime_s(10000, th) / 3600) * 60;
        char *num = socm_asprintf("{\"n\":%.17g,\"ranks\":1,\"threads\":%g}", n, th);
        struct socm_prediction pr;
        if (socm_predict_features(p, "bench", "{\"mode\":\"fast\"}", num, req_min, 1000, true, &pr, &err) != 0) {
            fprintf(stderr, "%s\n", err.msg);
            exit(1);
        }
        double wall = pr.walltime.value;
        fallbacks += !pr.walltime.predicted;
        exceeded += true_min > wall;
        req_ch += th * req_min / 60;
        pred_ch += th * wall / 60;
        true_ch += th * true_min / 60;
        socm_prediction_clear(&pr);
        free(num);
    }
    printf("        campaign of 1000: core-hours reserved %.0f requested vs %.0f predicted "
           "(%.1f %% saved), %.0f used; %d outrun the prediction; %d fallbacks\n",
           req_ch, pred_ch, 100 * (1 - pred_ch / req_ch), true_ch, exceeded, fallbacks);
    socm_predictor_close(p);
}

/* Insert rate into a fresh database, one transaction per run as socm records. */
static void record_rate(const char *dir)
{
    char *path = socm_asprintf("%s/rate.db", dir);
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(path, &err);
    if (h) {
        record_history(h, 3000);
        socm_history_close(h);
    }
    free(path);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t runs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
    char tmpl[] = "/tmp/socm-predict-bench-XXXXXX";
    char *path = argc > 2 ? socm_strdup(argv[2]) : NULL;
    if (!path) {
        if (!mkdtemp(tmpl))
            return 1;
        path = socm_asprintf("%s/history.db", tmpl);
    }
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(path, &err);
    if (!h) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    if (!strchr(path, '/')) {
        char *abs = socm_asprintf("./%s", path);
        free(path);
        path = abs;
    }
    int64_t have = 0;
    socm_history_count(h, NULL, &have, &err);
    if ((size_t)have < runs)
        record_history(h, runs - (size_t)have);

    const char *kinds[] = {"poly", "knn", "random_forest", "gbtree"};
    const char *cat = "{\"mode\":\"fast\"}";
    printf("\n%-14s %-8s %10s %8s %8s %12s %9s %14s\n", "model", "target", "train_s", "n_train",
           "err_%", "MSE", "margin_%", "predict_us");
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        if (!socm_model_find(kinds[k])) {
            printf("%-14s (not built)\n", kinds[k]);
            continue;
        }
        struct socm_predict_options o;
        socm_predict_options_default(&o);
        o.model = kinds[k];
        double train_s[2];
        struct socm_model_info mi[2];
        for (int t = 0; t < 2; t++) {
            double t0 = now();
            if (socm_predict_train_group(h, "bench", cat, (enum socm_target)t, &o, &mi[t], &err) != 1) {
                fprintf(stderr, "train %s: %s\n", kinds[k], err.msg);
                return 1;
            }
            train_s[t] = now() - t0;
        }
        /* latency of a full prediction (both targets, models cached after the first) */
        o.auto_train = false;
        struct socm_predictor *p = socm_predictor_new(h, &o);
        uint64_t rng = 99;
        int reps = strcmp(kinds[k], "knn") == 0 ? 200 : 2000;
        struct socm_prediction pr;
        socm_predict_features(p, "bench", cat, "{\"n\":500,\"ranks\":1,\"threads\":4}", 60, 1000,
                              true, &pr, &err);
        socm_prediction_clear(&pr);
        double t0 = now();
        for (int i = 0; i < reps; i++) {
            char *num = socm_asprintf("{\"n\":%.17g,\"ranks\":1,\"threads\":4}", 100 + 9900 * unif(&rng));
            socm_predict_features(p, "bench", cat, num, 60, 1000, true, &pr, &err);
            socm_prediction_clear(&pr);
            free(num);
        }
        double lat_us = (now() - t0) / reps * 1e6;
        for (int t = 0; t < 2; t++) {
            printf("%-14s %-8s %10.2f %8zu %8.2f %12.4g %9.2f %14.1f\n", kinds[k],
                   socm_target_name((enum socm_target)t), train_s[t], mi[t].n_train,
                   mi[t].mean_pct_error, mi[t].mse, 100 * mi[t].margin, t == 0 ? lat_us : NAN);
            socm_model_info_clear(&mi[t]);
        }
        socm_predictor_close(p);
        campaign(h, kinds[k]);
    }
    char *dir = socm_strdup(path);
    *strrchr(dir, '/') = '\0';
    record_rate(dir);
    free(dir);

    socm_history_close(h);
    free(path);
    return 0;
}

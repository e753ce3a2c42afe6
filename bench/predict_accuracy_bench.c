/* predict_accuracy_bench.c — how much prediction can be trusted, per model kind, on a
 * synthetic but realistic history of map-making runs: runtime ∝ data size ×
 * detectors / ranks (plus start-up, with log-normal noise), memory ∝ detectors (and
 * the data each rank holds), CPU time from an efficiency that falls with ranks; the
 * categories (band, site) change the constants. It prints, per model:
 *   - training time for the whole history (every group, walltime and memory);
 *   - held-out R² of walltime and memory (pooled over the groups' 20 % hold-outs);
 *   - for a campaign of 300 new workflows of the same kind: the fraction whose
 *     actual runtime exceeded the predicted walltime (with its margin), and the
 *     core-hours reserved with predictions versus the users' padded requests.
 * Goals (issue): walltime R² ≥ 0.9, < 5 % exceeded, training 10,000 runs < 2 s.
 * usage: predict_accuracy_bench [RUNS] [MARGIN_PERCENTILE]   (defaults 10000, 95) */
#include "predict/predict.h"
#include "util/str.h"

#include <math.h>
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

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double unif(uint64_t *s) { return (double)(socm_rand_next(s) >> 11) / 9007199254740992.0; }

/* Standard normal (Box–Muller). */
static double gauss(uint64_t *s)
{
    double u = unif(s), v = unif(s);
    return sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static const char *const bands[] = {"f090", "f150", "f220", "f280"};
static const char *const sites[] = {"lat", "sat"};

/* One synthetic map-making run. */
struct job {
    int band, site;
    double data_gb, detectors, observations;
    int ranks, threads;
    double runtime_s, memory_mb, cpu_s;
};

static void draw(uint64_t *rng, struct job *j)
{
    j->band = (int)(socm_rand_next(rng) % 4);
    j->site = (int)(socm_rand_next(rng) % 2);
    j->data_gb = exp(log(5) + (log(500) - log(5)) * unif(rng)); /* 5 GB .. 500 GB, log-uniform */
    j->detectors = 500 + 100 * (double)(socm_rand_next(rng) % 96); /* 500 .. 10,000 */
    j->observations = 1 + (double)(socm_rand_next(rng) % 200);
    j->ranks = 1 << (socm_rand_next(rng) % 7); /* 1 .. 64 */
    j->threads = 1 << (socm_rand_next(rng) % 3); /* 1 .. 4 */
    /* the categories' constants: higher frequencies cost more per sample, the SAT less */
    static const double band_cost[] = {1.0, 1.4, 2.1, 2.6};
    double site_cost = j->site ? 0.6 : 1.0;
    double work = 0.004 * band_cost[j->band] * site_cost * j->data_gb * j->detectors / j->ranks / sqrt(j->threads);
    j->runtime_s = (60 + work) * exp(0.08 * gauss(rng)); /* ~8 % noise */
    j->memory_mb = (800 + 0.35 * j->detectors + 40 * j->data_gb / j->ranks) * exp(0.05 * gauss(rng));
    double eff = 0.95 / (1 + 0.01 * j->ranks) * (0.9 + 0.1 * unif(rng));
    j->cpu_s = j->runtime_s * j->ranks * j->threads * eff;
}

static char *cat_json(const struct job *j)
{
    return socm_asprintf("{\"band\":\"%s\",\"site\":\"%s\"}", bands[j->band], sites[j->site]);
}

static char *num_json(const struct job *j)
{
    return socm_asprintf("{\"data_size\":%.17g,\"num_detectors\":%.17g,\"num_observations\":%.17g,"
                         "\"ranks\":%d,\"threads\":%d}",
                         j->data_gb, j->detectors, j->observations, j->ranks, j->threads);
}

static void record_history(struct socm_history *h, size_t runs)
{
    struct socm_history_run *v = socm_xcalloc(runs, sizeof *v);
    uint64_t rng = 2026;
    for (size_t i = 0; i < runs; i++) {
        struct job j;
        draw(&rng, &j);
        v[i].job_name = socm_strdup("mapmaker");
        v[i].workflow = socm_strdup("ml-mapmaking");
        v[i].categorical_json = cat_json(&j);
        v[i].numeric_json = num_json(&j);
        v[i].ranks = j.ranks;
        v[i].threads = j.threads;
        v[i].elapsed_s = j.runtime_s;
        v[i].max_rss_mb = j.memory_mb;
        v[i].cpu_s = j.cpu_s;
        v[i].state = socm_strdup(SOCM_HISTORY_COMPLETED);
        v[i].finished_at = 1.7e9 + (double)i * 600;
    }
    struct socm_error err = {0};
    size_t added = 0;
    double t0 = now();
    if (socm_history_import(h, v, runs, &added, &err) != 0) {
        fprintf(stderr, "import: %s\n", err.msg);
        exit(1);
    }
    printf("history: %zu synthetic map-making runs (8 band x site groups), imported in %.2f s\n", added,
           now() - t0);
    for (size_t i = 0; i < runs; i++)
        socm_history_run_clear(&v[i]);
    free(v);
}

/* Pooled held-out R² per target from the training reports. */
struct fit {
    double r2_weighted[2], n_test[2];
    int trained, skipped;
};

static void on_model(const struct socm_model_info *mi, void *arg)
{
    struct fit *f = arg;
    if (!mi->kind) {
        f->skipped++;
        return;
    }
    f->trained++;
    f->r2_weighted[mi->target] += mi->r2 * (double)mi->n_test;
    f->n_test[mi->target] += (double)mi->n_test;
}

/* The users' request: twice their own rough estimate (right on average, ±30 %),
 * rounded up to the next hour — the padding people add so that nothing is killed. */
static double padded_request_min(const struct job *j, uint64_t *rng)
{
    double estimate_min = j->runtime_s / 60 * exp(0.3 * gauss(rng));
    return ceil(2 * estimate_min / 60) * 60;
}

static void campaign(struct socm_history *h, const struct socm_predict_options *o, double *exceeded_pct,
                     double *saved_pct, double *req_ch, double *pred_ch, int *fallbacks)
{
    struct socm_predict_options po = *o;
    po.auto_train = false; /* the models just trained */
    struct socm_predictor *p = socm_predictor_new(h, &po);
    struct socm_error err = {0};
    uint64_t rng = 300300;
    int exceeded = 0;
    *req_ch = *pred_ch = 0;
    *fallbacks = 0;
    for (int i = 0; i < 300; i++) {
        struct job j;
        draw(&rng, &j);
        double req_min = padded_request_min(&j, &rng);
        char *cat = cat_json(&j), *num = num_json(&j);
        struct socm_prediction pr;
        if (socm_predict_features(p, "mapmaker", cat, num, req_min, 64000, true, &pr, &err) != 0) {
            fprintf(stderr, "%s\n", err.msg);
            exit(1);
        }
        double cores = (double)(j.ranks * j.threads);
        *fallbacks += !pr.walltime.predicted;
        exceeded += j.runtime_s / 60 > pr.walltime.value;
        *req_ch += cores * req_min / 60;
        *pred_ch += cores * pr.walltime.value / 60;
        socm_prediction_clear(&pr);
        free(cat);
        free(num);
    }
    *exceeded_pct = 100.0 * exceeded / 300;
    *saved_pct = 100 * (1 - *pred_ch / *req_ch);
    socm_predictor_close(p);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    size_t runs = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
    double margin_pct = argc > 2 ? strtod(argv[2], NULL) : 0;
    char dir[] = "/tmp/socm-predict-accuracy-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    char *path = socm_asprintf("%s/history.db", dir);
    struct socm_error err = {0};
    struct socm_history *h = socm_history_open(path, &err);
    if (!h) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    record_history(h, runs);
    const char *kinds[] = {"poly", "knn", "random_forest", "gbtree"};
    printf("\n%-14s %8s %8s %10s %10s %11s %13s %13s %9s\n", "model", "train_s", "cpu_s", "R2_wall", "R2_mem", "exceeded_%",
           "req_core_h", "pred_core_h", "saved_%");
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        if (!socm_model_find(kinds[k])) {
            printf("%-14s (not built)\n", kinds[k]);
            continue;
        }
        struct socm_predict_options o;
        socm_predict_options_default(&o);
        o.model = kinds[k];
        if (margin_pct > 0)
            o.margin_percentile = margin_pct;
        o.max_error_percent = 1000; /* measure every model, however poor */
        struct fit f = {0};
        double t0 = now(), c0 = cpu_now();
        if (socm_predict_train(h, "mapmaker", &o, on_model, &f, &err) != 0) {
            fprintf(stderr, "train %s: %s\n", kinds[k], err.msg);
            return 1;
        }
        double train_s = now() - t0, train_cpu = cpu_now() - c0;
        double exceeded, saved, req_ch, pred_ch;
        int fallbacks;
        campaign(h, &o, &exceeded, &saved, &req_ch, &pred_ch, &fallbacks);
        printf("%-14s %8.2f %8.2f %10.3f %10.3f %11.1f %13.0f %13.0f %9.1f%s\n", kinds[k], train_s, train_cpu,
               f.r2_weighted[0] / f.n_test[0], f.r2_weighted[1] / f.n_test[1], exceeded, req_ch, pred_ch, saved,
               fallbacks ? " (with fallbacks)" : "");
    }
    printf("\n(train_s: wall-clock time to train all 8 groups x 2 targets, cpu_s: its CPU time;\n"
           " R2: held-out 20 %% of each group; exceeded: of the 300 campaign workflows, actual runtime >\n"
           " predicted walltime incl. margin; core-hours: cores x walltime reserved, predicted vs requests\n"
           " padded as users do: twice a rough estimate, rounded up to the hour)\n");
    socm_history_close(h);
    unlink(path);
    char *wal = socm_asprintf("%s-wal", path), *shm = socm_asprintf("%s-shm", path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(wal);
    free(shm);
    free(path);
    return 0;
}

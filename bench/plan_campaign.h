/* plan_campaign.h — the generated campaigns of bench/plan_bench (shapes, clusters,
 * remote deadlines) and the digest of a plan, shared with the planner's
 * regression test of plan digests (tests/unit/test_plan_digest.c), so that the
 * test plans exactly the campaigns the benchmark measures. Header-only: each .c
 * file of bench/ is a program of its own. */
#ifndef SOCM_BENCH_PLAN_CAMPAIGN_H
#define SOCM_BENCH_PLAN_CAMPAIGN_H

#include "planner/planner_impl.h"
#include "util/str.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t seed; /* the generator's state: campaign_seed() sets it */
static inline uint64_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}
static inline double urange(double a, double b) { return a + (b - a) * (double)(rnd() % 1000000) / 1e6; }

struct gen {
    size_t n, cap;
    struct socm_req *reqs;
    char **names;
    struct socm_dag dag;
};

static inline void push(struct socm_intv *iv, int x)
{
    if (iv->n == iv->cap) {
        iv->cap = iv->cap ? 2 * iv->cap : 2;
        iv->v = socm_xrealloc(iv->v, iv->cap * sizeof *iv->v);
    }
    iv->v[iv->n++] = x;
}

static inline int add(struct gen *g, const char *kind, int64_t cpus, double mem, double wall)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 256;
        g->reqs = socm_xrealloc(g->reqs, g->cap * sizeof *g->reqs);
        g->names = socm_xrealloc(g->names, g->cap * sizeof *g->names);
        g->dag.pred = socm_xrealloc(g->dag.pred, g->cap * sizeof *g->dag.pred);
        g->dag.succ = socm_xrealloc(g->dag.succ, g->cap * sizeof *g->dag.succ);
    }
    size_t i = g->n++;
    g->reqs[i] = (struct socm_req){cpus, mem, wall * 1.1};
    g->names[i] = socm_asprintf("%s-%zu", kind, i + 1);
    g->dag.pred[i] = (struct socm_intv){0};
    g->dag.succ[i] = (struct socm_intv){0};
    g->dag.n = g->n;
    return (int)i;
}

static inline void edge(struct gen *g, int from, int to)
{
    push(&g->dag.succ[from], to);
    push(&g->dag.pred[to], from);
}

/* Each draw is its own statement: the order in which a call's arguments are
 * evaluated is unspecified in C (gcc went right to left, clang left to right),
 * so draws as arguments made a different campaign per compiler. The order below
 * is the one gcc used (walltime, memory, then cores), which keeps the campaigns
 * the figures in docs/planner.md were measured on. */
static inline int preprocess(struct gen *g)
{
    double wall = urange(10, 40), mem = urange(8000, 32000);
    return add(g, "pre", 8, mem, wall);
}
static inline int mapmaking(struct gen *g)
{
    double wall = urange(60, 240), mem = urange(100000, 600000);
    int64_t cpus = rnd() % 3 ? 112 : 56;
    return add(g, "map", cpus, mem, wall);
}
static inline int nulltest(struct gen *g)
{
    static const int64_t c[] = {4, 8, 16};
    double wall = urange(5, 30), mem = urange(4000, 24000);
    int64_t cpus = c[rnd() % 3];
    return add(g, "null", cpus, mem, wall);
}

/* Whether "SHAPE[@CLUSTER]" is shape `name`. */
static inline bool shape_is(const char *shape, const char *name)
{
    size_t len = strcspn(shape, "@");
    return strlen(name) == len && strncmp(shape, name, len) == 0;
}

static inline void make(struct gen *g, const char *shape, size_t n)
{
    if (shape_is(shape, "wide")) {
        while (g->n < n) {
            int k = (int)(rnd() % 10);
            k < 6 ? nulltest(g) : k < 9 ? preprocess(g) : mapmaking(g);
        }
    } else if (shape_is(shape, "chains")) {
        while (g->n < n) {
            int prev = preprocess(g);
            for (int s = 1; s < 5 && g->n < n; s++) {
                int cur = s == 2 ? mapmaking(g) : s == 1 ? preprocess(g) : nulltest(g);
                edge(g, prev, cur);
                prev = cur;
            }
        }
    } else if (shape_is(shape, "deep")) {
        size_t layers = n <= 1000 ? 10 : n / 200 < 500 ? n / 200 : 500, width = (n + layers - 1) / layers;
        size_t prev0 = 0, prevn = 0;
        while (g->n < n) {
            size_t first = g->n;
            for (size_t k = 0; k < width && g->n < n; k++) {
                int w = rnd() % 10 < 4 ? preprocess(g) : nulltest(g);
                for (int d = 0; d < 2 && prevn > 0; d++)
                    edge(g, (int)(prev0 + rnd() % prevn), w);
            }
            prev0 = first;
            prevn = g->n - first;
        }
    } else { /* layered */
        int group = 0, coadd_deps[16], nd = 0;
        while (g->n < n) {
            int pre = preprocess(g);
            if (g->n >= n)
                break;
            int map = mapmaking(g);
            edge(g, pre, map);
            coadd_deps[nd++] = map;
            for (int k = 0; k < 4 && g->n < n; k++)
                edge(g, map, nulltest(g));
            if (++group % 16 == 0 && g->n < n) {
                int co = add(g, "coadd", 28, 64000, 30);
                for (int d = 0; d < nd; d++)
                    edge(g, coadd_deps[d], co);
                nd = 0;
            }
        }
    }
}

static inline void gen_free(struct gen *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->names[i]);
        free(g->dag.pred[i].v);
        free(g->dag.succ[i].v);
    }
    free(g->reqs);
    free(g->names);
    free(g->dag.pred);
    free(g->dag.succ);
}

static inline struct socm_resource *tiger3(void)
{
    static struct socm_qos q[] = {{"test", 60, 1, 8000},     {"vshort", 300, 2000, 55104},
                                  {"short", 1440, 50, 8000}, {"medium", 4320, 80, 4000},
                                  {"long", 8640, 16, 1000},  {"vlong", 21600, 8, 900}};
    static struct socm_resource r = {"tiger3", 492, 112, 1000000, q, 6, false};
    return &r;
}

static inline struct socm_resource *perlmutter(void)
{
    static struct socm_qos q[] = {{"regular", 2880, 5000, 393216},
                                  {"interactive", 240, 2, 512},
                                  {"shared_interactive", 240, 2, 64},
                                  {"debug", 30, 5, 1024}};
    static struct socm_resource r = {"perlmutter", 3072, 128, 1000000, q, 4, false};
    return &r;
}

static inline struct socm_resource *universe(void)
{
    static struct socm_qos q[] = {{"main", 43200, 5000, 6272}};
    static struct socm_resource r = {"universe", 28, 224, 1000000, q, 1, false};
    return &r;
}

/* "SHAPE" or "SHAPE@universe": the cluster for n workflows. */
static inline struct socm_resource *cluster_for(const char *shape, size_t n)
{
    const char *at = strchr(shape, '@');
    if (at && strcmp(at + 1, "universe") == 0)
        return universe();
    return n > 1000 ? perlmutter() : tiger3();
}

/* Remote deadline. On universe: the critical path plus the work spread over 2,000
 * cores, at most its QoS's 30 days. Up to 1,000 workflows on tiger3: the critical path plus the
 * work spread over 2,000 cores (a short-QoS campaign). Larger campaigns exceed
 * every tiger3 QoS (cores × walltime), so they go to perlmutter with the regular
 * QoS's 2 days. */
static inline double deadline_for(const struct socm_plan_input *in)
{
    struct socm_plan tmp = {.cores = 2000, .makespan = 1};
    socm_plan_bounds(in, &tmp);
    if (strcmp(in->resource->name, "universe") == 0)
        return fmin(ceil(tmp.cp_bound + tmp.work_bound), in->resource->qos[0].max_walltime_min);
    if (in->n > 1000)
        return tmp.cp_bound * 1.2 > 2880 ? ceil(tmp.cp_bound * 1.2) : 2880;
    return ceil(tmp.cp_bound + tmp.work_bound);
}

/* PLAN_BENCH_DIGEST=1: a hash of the plan (cores, every entry's cores and
 * interval), to check that a change of the planner's speed keeps its plans. */
static inline uint64_t plan_digest(const struct socm_plan *p)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    double v[4];
    for (size_t i = 0; i <= p->n; i++) {
        if (i == p->n) {
            v[0] = (double)p->cores, v[1] = p->makespan, v[2] = p->walltime, v[3] = 0;
        } else {
            const struct socm_plan_entry *e = &p->entries[i];
            v[0] = (double)e->core_first, v[1] = (double)e->core_last, v[2] = e->start, v[3] = e->end;
        }
        const unsigned char *b = (const unsigned char *)v;
        for (size_t j = 0; j < sizeof v; j++)
            h = (h ^ b[j]) * 0x100000001b3ULL;
    }
    return h;
}

/* A hash of a generated campaign (every workflow's cores, memory and walltime,
 * and its predecessors): tells a different campaign from a different plan. */
static inline uint64_t campaign_digest(const struct gen *g)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < g->n; i++) {
        double v[3] = {(double)g->reqs[i].cpus, g->reqs[i].memory_mb, g->reqs[i].walltime_min};
        const unsigned char *b = (const unsigned char *)v;
        for (size_t j = 0; j < sizeof v; j++)
            h = (h ^ b[j]) * 0x100000001b3ULL;
        for (size_t j = 0; j < g->dag.pred[i].n; j++)
            h = (h ^ (uint64_t)g->dag.pred[i].v[j]) * 0x100000001b3ULL;
    }
    return h;
}

/* Seeds the generator for the k-th campaign of (shape, n); 0 = the default one. */
static inline void campaign_seed(const char *shape, size_t n, uint64_t k)
{
    seed = 0x5eed0000ULL + n * 7 + (uint64_t)shape[0] + k * 0x9e3779b97f4a7c15ULL;
}

/* The regression cases of plan digests: every shape, a few hundred workflows,
 * both built-in policies, remote and batch; then `time` remote on 120 workflows
 * of layered, chains and wide (where its deadline search tries half a node less
 * with many orders). */
static const char *const campaign_digest_shapes[] = {"layered",          "chains",          "wide",
                                                     "layered@universe", "chains@universe", "wide@universe",
                                                     "deep@universe"};
static const char *const campaign_digest_policies[] = {"time", "heft-socm"};
#define CAMPAIGN_DIGEST_N 300
#define CAMPAIGN_DIGEST_SMALL_N 120
#define CAMPAIGN_DIGEST_CASES (7 * 2 * 2 + 3)

/* Case i of the regression cases (0 ≤ i < CAMPAIGN_DIGEST_CASES) planned as the
 * benchmark plans it (remote with its deadline; batch on 2,016 cores), as one
 * line "shape n policy schema cores campaign-digest plan-digest" in buf. Returns 0, or -1 with the
 * planner's error in buf. */
static inline int campaign_digest_line(size_t i, char *buf, size_t size)
{
    bool small = i >= 7 * 2 * 2;
    const char *shape = campaign_digest_shapes[small ? i - 7 * 2 * 2 : i / 4];
    const char *policy = small ? "time" : campaign_digest_policies[i / 2 % 2];
    enum socm_schema schema = !small && i % 2 ? SOCM_SCHEMA_BATCH : SOCM_SCHEMA_REMOTE;
    size_t n = small ? CAMPAIGN_DIGEST_SMALL_N : CAMPAIGN_DIGEST_N;
    campaign_seed(shape, n, 0);
    struct gen g = {0};
    make(&g, shape, n);
    struct socm_plan_input in = {.n = g.n, .reqs = g.reqs, .names = (const char *const *)g.names, .dag = &g.dag,
                                 .resource = cluster_for(shape, n), .schema = schema,
                                 .requested_cores = schema == SOCM_SCHEMA_BATCH ? 2016 : 0};
    in.deadline_min = schema == SOCM_SCHEMA_BATCH ? 1e9 : deadline_for(&in);
    struct socm_plan p;
    struct socm_error err = {0};
    int rc = socm_plan_make(socm_planner_find(policy), &in, &p, &err);
    if (rc < 0) {
        snprintf(buf, size, "%s %zu %s: %.200s", shape, n, policy, err.msg);
    } else {
        snprintf(buf, size, "%s %zu %s %s %lld %016llx %016llx", shape, n, policy,
                 schema == SOCM_SCHEMA_BATCH ? "batch" : "remote", (long long)p.cores,
                 (unsigned long long)campaign_digest(&g), (unsigned long long)plan_digest(&p));
        socm_plan_free(&p);
    }
    gen_free(&g);
    return rc < 0 ? -1 : 0;
}

#endif

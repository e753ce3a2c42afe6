/* plan_fixture.h — test helpers for the planner tests: a DAG built without the
 * campaign module, the built-in resources exactly as issue 2 lists them, and a
 * plan input that owns its arrays. Header-only; included by test_*.c. */
#ifndef SOCM_TEST_PLAN_FIXTURE_H
#define SOCM_TEST_PLAN_FIXTURE_H

#include "campaign/campaign.h"
#include "socm/planner.h"
#include "util/str.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct fx {
    size_t n;
    struct socm_req reqs[256];
    char *names[256];
    struct socm_dag dag;
    struct socm_resource res;
    struct socm_qos qos[8];
    struct socm_plan_input in;
};

/* A seeded xorshift64 generator for the random-campaign tests: reproducible on every
 * platform, unlike rand(). fx_seed() first (the state must not be 0). */
static inline uint64_t *fx_rng_state(void)
{
    static uint64_t state;
    return &state;
}
static inline void fx_seed(uint64_t seed) { *fx_rng_state() = seed; }
static inline uint64_t fx_rnd(void)
{
    uint64_t *s = fx_rng_state();
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}
static inline int64_t fx_rnd_in(int64_t lo, int64_t hi) { return lo + (int64_t)(fx_rnd() % (uint64_t)(hi - lo + 1)); }

static inline void fx_push(struct socm_intv *iv, int x)
{
    if (iv->n == iv->cap) {
        iv->cap = iv->cap ? 2 * iv->cap : 4;
        iv->v = socm_xrealloc(iv->v, iv->cap * sizeof *iv->v);
    }
    iv->v[iv->n++] = x;
}

/* A cluster with the given QoS list ({name, walltime, jobs, cores}...). */
static inline void fx_resource(struct fx *f, const char *name, int64_t nodes, int64_t cpn, double mem,
                        const struct socm_qos *q, size_t nq)
{
    f->res = (struct socm_resource){.name = (char *)name, .nodes = nodes, .cores_per_node = cpn,
                                    .memory_per_node_mb = mem, .qos = f->qos, .n_qos = nq};
    for (size_t i = 0; i < nq; i++)
        f->qos[i] = q[i];
}

static inline void fx_tiger3(struct fx *f)
{
    static const struct socm_qos q[] = {{"test", 60, 1, 8000},     {"vshort", 300, 2000, 55104},
                                        {"short", 1440, 50, 8000}, {"medium", 4320, 80, 4000},
                                        {"long", 8640, 16, 1000},  {"vlong", 21600, 8, 900}};
    fx_resource(f, "tiger3", 492, 112, 1000000, q, 6);
}

static inline void fx_perlmutter(struct fx *f)
{
    static const struct socm_qos q[] = {{"regular", 2880, 5000, 393216},
                                        {"interactive", 240, 2, 512},
                                        {"shared_interactive", 240, 2, 64},
                                        {"debug", 30, 5, 1024}};
    fx_resource(f, "perlmutter", 3072, 128, 1000000, q, 4);
}

static inline void fx_universe(struct fx *f)
{
    static const struct socm_qos q[] = {{"main", 43200, 5000, 6272}};
    fx_resource(f, "universe", 28, 224, 1000000, q, 1);
}

/* Workflow i+1 (appended). */
static inline int fx_add(struct fx *f, int64_t cpus, double mem, double wall)
{
    size_t i = f->n++;
    f->reqs[i] = (struct socm_req){cpus, mem, wall};
    f->names[i] = socm_asprintf("W%zu", i + 1);
    return (int)i;
}

/* After all fx_add: sizes the DAG. */
static inline void fx_dag(struct fx *f)
{
    f->dag.n = f->n;
    f->dag.pred = socm_xcalloc(f->n ? f->n : 1, sizeof *f->dag.pred);
    f->dag.succ = socm_xcalloc(f->n ? f->n : 1, sizeof *f->dag.succ);
}

/* `to` depends on `from` (0-based). */
static inline void fx_edge(struct fx *f, int from, int to)
{
    fx_push(&f->dag.succ[from], to);
    fx_push(&f->dag.pred[to], from);
}

static inline const struct socm_plan_input *fx_input(struct fx *f, enum socm_schema schema, int64_t cores,
                                              double deadline)
{
    f->in = (struct socm_plan_input){.n = f->n, .reqs = f->reqs, .names = (const char *const *)f->names,
                                     .dag = &f->dag, .resource = &f->res, .deadline_min = deadline,
                                     .schema = schema, .requested_cores = cores};
    return &f->in;
}

static inline void fx_free(struct fx *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->names[i]);
        if (f->dag.pred) {
            free(f->dag.pred[i].v);
            free(f->dag.succ[i].v);
        }
    }
    free(f->dag.pred);
    free(f->dag.succ);
    memset(f, 0, sizeof *f);
}

#endif

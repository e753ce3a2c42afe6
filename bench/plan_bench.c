/* plan_bench.c — planning time and plan quality per policy on generated campaigns.
 *
 * Campaign shapes (seeded, reproducible):
 *   layered — map-making as run: per observation group a preprocessing step, then
 *             mapmaking, then a null-test fan-out, then a coadd per 16 groups;
 *   chains  — independent chains of 5 steps (per-wafer pipelines);
 *   wide    — independent workflows (a flat null-test campaign);
 *   deep    — a long layered DAG: layers of preprocessing and null tests (10 layers
 *             up to 1,000 workflows, then 200 workflows a layer: 500 layers at
 *             100,000), each workflow after 2 random ones of the layer before.
 * Clusters: tiger3 up to 1,000 workflows, perlmutter above (as before), and with
 * `@universe` after the shape (e.g. layered@universe) universe: 224-core nodes, one
 * QoS of 30 days and 6,272 cores.
 * Mix per workflow, like real campaigns on tiger3 (112 cores, 1 TB per node):
 *   preprocess 1×8 cores, 8–32 GB, 10–40 min; mapmaking 8×14 = 112 cores or 4×14,
 *   100–600 GB, 60–240 min; null test 1×4..2×8 cores, 4–24 GB, 5–30 min; coadd
 *   28 cores, 64 GB, 30 min.
 * Each (shape, size, policy) runs in a child process so that its peak RSS is its
 * own. Usage: plan_bench [max_workflows] [policy...] (default 100000, all), or
 * plan_bench one SHAPE N POLICY batch|remote (one measurement, for profiling), or
 * plan_bench digests (the plan digests tests/unit/test_plan_digest.c expects, as
 * tests/data/planner/plan_digests.txt holds them), or
 * plan_bench remote N SEEDS (remote campaigns: time's core-hours and cores against
 * heft-socm's — apart where heft-socm's plan overcommits a node's memory — and the
 * batch plan on time's cores against its lower bound), or
 * plan_bench probe SHAPE N SEED CORES BUDGET (time's best of BUDGET orders on CORES
 * cores for the K-th campaign, against its remote deadline and the energetic
 * bound: how near a count is to meeting the deadline), or
 * plan_bench quality N SEEDS [POLICY] (batch makespan ÷ bounds over SEEDS campaigns
 * per shape, with an energetic and long-jobs bound no plan can beat and, for `time`, the plain
 * upward-rank plan's makespan ÷ max(cp, work ÷ cores); PLAN_BENCH_SEED=K picks the K-th campaign of each shape and size in the
 * other modes, 0 = the default ones).
 * Each measurement is stopped after PLAN_BENCH_LIMIT_S seconds (default 120).
 * Per policy it prints wall and CPU time, cores, QoS, deadline, makespan, bound,
 * core-hours (cores × pilot walltime), efficiency, peak RSS, and for `time` its
 * saving in core-hours over heft-socm with, in brackets, the most any plan could
 * save (1 − work ÷ heft-socm's core-hours: no plan uses fewer core-hours than the
 * work itself).
 * node-mem-ok says whether the plan keeps every node's memory (heft-socm pools memory
 * over the allocation and may not); PLAN_BENCH_NODE_MEM=MB overrides the node memory
 * (1e12 takes memory out of the comparison); PLAN_BENCH_DIGEST=1 adds a hash of
 * each plan (same hash, same plan). */
#include "plan_campaign.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* One measurement; returns the plan's core-hours (0 on error) and in *work_ch the
 * total work in core-hours (no plan can use fewer: its pilot walltime ≥ its
 * makespan ≥ work ÷ cores). */
static uint64_t seed_offset; /* PLAN_BENCH_SEED: other campaigns of the same shape and size */

static double run_one(const char *shape, size_t n, const char *policy, enum socm_schema schema, double *work_ch)
{
    campaign_seed(shape, n, seed_offset);
    struct gen g = {0};
    make(&g, shape, n);
    struct socm_plan_input in = {.n = g.n, .reqs = g.reqs, .names = (const char *const *)g.names, .dag = &g.dag,
                                 .resource = cluster_for(shape, n), .schema = schema,
                                 .requested_cores = schema == SOCM_SCHEMA_BATCH ? 2016 : 0};
    struct socm_resource res = *in.resource;
    if (getenv("PLAN_BENCH_NODE_MEM")) /* e.g. 1e12: takes memory out of the comparison */
        res.memory_per_node_mb = atof(getenv("PLAN_BENCH_NODE_MEM"));
    in.resource = &res;
    in.deadline_min = schema == SOCM_SCHEMA_BATCH ? 1e9 : deadline_for(&in);
    /* Wall time is what a user waits; CPU time is what the planner costs, and is
     * the figure to compare on a shared machine (the wall time then includes
     * waiting for a core). */
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    struct socm_plan p;
    struct socm_error err = {0};
    int rc = socm_plan_make(socm_planner_find(policy), &in, &p, &err);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double ch = 0;
    if (rc < 0) {
        printf("%-7s %-6s %7zu %-9s %9.1f %9.1f  error: %s\n", shape, schema == SOCM_SCHEMA_BATCH ? "batch" : "remote",
               g.n, policy, ms, cpu, err.msg);
    } else {
        ch = (double)p.cores * p.walltime / 60.0;
        *work_ch = p.work_bound * (double)p.cores / 60.0;
        printf("%-7s %-6s %7zu %-9s %9.1f %9.1f %7lld %-7s %9.1f %9.1f %9.1f %11.0f %5.3f %7.1f %-3s", shape,
               schema == SOCM_SCHEMA_BATCH ? "batch" : "remote", g.n, policy, ms, cpu, (long long)p.cores,
               p.qos ? p.qos : "-", schema == SOCM_SCHEMA_BATCH ? in.deadline_min * 0 : in.deadline_min, p.makespan,
               p.lower_bound, ch, p.efficiency, (double)ru.ru_maxrss / 1024.0,
               socm_plan_node_memory_violation(&in, &p) < 0 ? "yes" : "NO");
    }
    if (rc == 0 && getenv("PLAN_BENCH_DIGEST"))
        printf(" digest %016llx", (unsigned long long)plan_digest(&p));
    fflush(stdout);
    if (rc == 0)
        socm_plan_free(&p);
    gen_free(&g);
    return ch;
}

/* Runs one measurement in a child (its own peak RSS, a time limit); returns its
 * core-hours and work core-hours through a pipe (0 if it failed or was stopped). */
static double measure(const char *shape, size_t n, const char *policy, enum socm_schema schema, unsigned limit_s,
                      double *work_ch)
{
    int fd[2];
    double res[2] = {0, 0};
    if (pipe(fd) < 0)
        return 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        alarm(limit_s); /* a measurement that runs away is reported, not waited for */
        double w = 0, ch = run_one(shape, n, policy, schema, &w);
        double out[2] = {ch, w};
        if (write(fd[1], out, sizeof out) != (ssize_t)sizeof out)
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (read(fd[0], res, sizeof res) != (ssize_t)sizeof res)
        res[0] = res[1] = 0;
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("%-7s %-6s %7zu %-9s  > %u s (stopped)", shape, schema == SOCM_SCHEMA_BATCH ? "batch" : "remote", n,
               policy, limit_s);
    *work_ch = res[1];
    return res[0];
}

/* The energetic bound (src/planner/bounds.c, with its proof) on cores and, as
 * memory is a resource of the same kind for plans that keep every node's memory,
 * on memory: the allocation's memory (memory per node × cores ÷ cores per node)
 * over time bounds the memory × walltime the workflows need in the same way.
 * Here without the planner's size cap. Then, up to `upto` (a plan's makespan;
 * 0: not), the long-jobs bound (bounds.c). */
static double energetic_bound(const struct socm_plan_input *in, int64_t cores, double cp, double upto)
{
    size_t nn = in->n ? in->n : 1;
    double *head = socm_xcalloc(nn, sizeof *head), *tail = socm_xcalloc(nn, sizeof *tail);
    socm_plan_heads_tails(in, head, tail);
    double pool = in->resource->memory_per_node_mb * (double)cores / (double)in->resource->cores_per_node;
    double m = socm_plan_energetic(in, head, tail, (double)cores, false, cp);
    if (!getenv("PLAN_BENCH_NO_MEM_BOUND"))
        m = fmax(m, socm_plan_energetic(in, head, tail, pool, true, cp));
    if (upto > m)
        m = socm_plan_long_jobs_bound(in, cores, m, upto);
    free(head);
    free(tail);
    return m;
}

/* Batch quality over several seeds: makespan ÷ the bound max(critical
 * path, work ÷ cores), and ÷ the reported lower bound (which adds the window
 * bound), per campaign, then the mean and the worst per shape. */
static void quality(size_t n, unsigned seeds, const char *policy)
{
    const char *shapes[] = {"layered", "chains", "wide"};
    printf("%-7s %7s %5s %-9s %9s %9s %9s %9s %7s %7s %9s %9s %7s %7s\n", "shape", "n", "seed", "policy", "makespan",
           "cp", "work/C", "bound", "ms/cpw", "ms/lb", "cpu-ms", "energetic", "en/cpw", "plain");
    for (int sh = 0; sh < 3; sh++) {
        double sum = 0, worst = 0, sum_lb = 0, worst_lb = 0, cpu_max = 0, sum_en = 0, sum_plain = 0;
        unsigned ok = 0, met = 0, impossible = 0;
        for (unsigned k = 0; k < seeds; k++) {
            seed_offset = k;
            campaign_seed(shapes[sh], n, seed_offset);
            struct gen g = {0};
            make(&g, shapes[sh], n);
            struct socm_plan_input in = {.n = g.n, .reqs = g.reqs, .names = (const char *const *)g.names,
                                         .dag = &g.dag, .resource = tiger3(), .schema = SOCM_SCHEMA_BATCH,
                                         .requested_cores = 2016, .deadline_min = 1e9};
            struct timespec c0, c1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            struct socm_plan p;
            struct socm_error err = {0};
            int rc = socm_plan_make(socm_planner_find(policy), &in, &p, &err);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
            if (rc < 0) {
                printf("%-7s %7zu %5u %-9s error: %s\n", shapes[sh], g.n, k, policy, err.msg);
            } else {
                double cpw = p.cp_bound > p.work_bound ? p.cp_bound : p.work_bound;
                double r = p.makespan / cpw, rl = p.makespan / p.lower_bound;
                double en = energetic_bound(&in, p.cores, p.cp_bound, p.makespan), plain = NAN;
                struct socm_plan q;
                if (strcmp(policy, "time") == 0 && socm_plan_time_on(&in, p.cores, 1, &q, &err) == 0) {
                    plain = q.makespan / cpw;
                    sum_plain += plain;
                    socm_plan_free(&q);
                }
                printf("%-7s %7zu %5u %-9s %9.1f %9.1f %9.1f %9.1f %7.3f %7.3f %9.1f %9.1f %7.3f %7.3f %s\n", shapes[sh],
                       g.n, k, policy, p.makespan, p.cp_bound, p.work_bound, p.lower_bound, r, rl, cpu, en, en / cpw, plain,
                       socm_plan_node_memory_violation(&in, &p) < 0 ? "" : "node memory overcommitted");
                sum_en += en / cpw;
                met += r <= 1.10;
                impossible += en > 1.10 * cpw;
                sum += r;
                sum_lb += rl;
                worst = r > worst ? r : worst;
                worst_lb = rl > worst_lb ? rl : worst_lb;
                cpu_max = cpu > cpu_max ? cpu : cpu_max;
                ok++;
                socm_plan_free(&p);
            }
            gen_free(&g);
        }
        if (ok)
            printf("%-7s %7zu  all  %-9s makespan/max(cp, work/C): mean %.3f, worst %.3f, within 1.10 in %u of %u "
                   "(no plan can be in %u; energetic bound/max(cp, work/C): mean %.3f; plain upward rank: mean %.3f); "
                   "makespan/lower bound: mean %.3f, worst %.3f; cpu up to %.1f ms\n",
                   shapes[sh], n, policy, sum / ok, worst, met, ok, impossible, sum_en / ok, sum_plain / ok, sum_lb / ok,
                   worst_lb, cpu_max);
    }
    seed_offset = 0;
}

static double last_energetic; /* of the last batch plan_seeded() */
static bool last_mem_ok;       /* whether the last plan_seeded() keeps every node's memory */

/* One policy's plan of campaign (shape, n, seed k) on tiger3: remote with the
 * benchmark's deadline, or batch on `cores`. */
static int plan_seeded(const char *shape, size_t n, unsigned k, const char *policy, enum socm_schema schema,
                       int64_t cores, struct socm_plan *p)
{
    seed_offset = k;
    campaign_seed(shape, n, seed_offset);
    struct gen g = {0};
    make(&g, shape, n);
    struct socm_plan_input in = {.n = g.n, .reqs = g.reqs, .names = (const char *const *)g.names, .dag = &g.dag,
                                 .resource = cluster_for(shape, n), .schema = schema, .requested_cores = cores};
    in.deadline_min = schema == SOCM_SCHEMA_BATCH ? 1e9 : deadline_for(&in);
    struct socm_error err = {0};
    int rc = socm_plan_make(socm_planner_find(policy), &in, p, &err);
    if (rc == 0)
        last_mem_ok = socm_plan_node_memory_violation(&in, p) < 0;
    if (rc < 0)
        printf("%s %zu seed %u %s: %s\n", shape, n, k, policy, err.msg);
    else if (schema == SOCM_SCHEMA_BATCH)
        last_energetic = energetic_bound(&in, p->cores, p->cp_bound, p->makespan);
    gen_free(&g);
    return rc;
}

/* The fewest core-hours any plan of campaign (shape, n, seed k) on at most
 * `max_cores` cores can use while meeting the benchmark's deadline: for each count
 * C, core-hours = C × pilot walltime ≥ C × the pilot walltime of a plan ending at
 * max(cp, energetic bound on C cores, the long-jobs bound) (the pilot walltime
 * grows with the makespan); counts whose bound exceeds the deadline cannot meet
 * it. */
static double best_possible_ch(const char *shape, size_t n, unsigned k, int64_t max_cores)
{
    seed_offset = k;
    campaign_seed(shape, n, seed_offset);
    struct gen g = {0};
    make(&g, shape, n);
    struct socm_plan_input in = {.n = g.n, .reqs = g.reqs, .names = (const char *const *)g.names, .dag = &g.dag,
                                 .resource = cluster_for(shape, n), .schema = SOCM_SCHEMA_REMOTE};
    in.deadline_min = deadline_for(&in);
    struct socm_plan tmp = {.cores = 1, .makespan = 1};
    socm_plan_bounds(&in, &tmp);
    double work = tmp.work_bound, best = INFINITY; /* on one core: the work itself */
    for (int64_t c = (int64_t)floor(work / in.deadline_min); c <= max_cores; c++) {
        if (c < 1 || (double)c * tmp.cp_bound >= best)
            continue;
        if ((double)c * fmax(tmp.cp_bound, work / (double)c) >= best)
            continue;
        double m = fmax(tmp.cp_bound, energetic_bound(&in, c, tmp.cp_bound, 0));
        /* The long-jobs bound (bounds.c); at the deadline itself: ruled out. */
        if (m < in.deadline_min && socm_plan_long_jobs_bound(&in, c, m, in.deadline_min) >= in.deadline_min)
            continue;
        if (m < in.deadline_min)
            m = socm_plan_long_jobs_bound(&in, c, m, in.deadline_min);
        /* Core-hours are cores × pilot walltime, which grows with the makespan. */
        double ch = (double)c * socm_plan_pilot_walltime(m, in.deadline_min);
        if (m <= in.deadline_min && ch < best)
            best = ch;
    }
    gen_free(&g);
    return best / 60;
}

/* Goal of plan quality over SEEDS remote campaigns per shape (deadline = critical
 * path + work ÷ 2,000 cores): `time`'s saving in core-hours over heft-socm, its
 * cores against heft-socm's, and the batch plan of `time` on those cores:
 * makespan ÷ reported lower bound. */
static void remote_quality(size_t n, unsigned seeds)
{
    const char *shapes[] = {"layered", "chains", "wide"};
    double sum_save = 0, worst_batch = 0, sum_max = 0, worst_remote = 0, cpu_max = 0, worst_be = 0;
    unsigned cnt = 0, more_cores = 0, more_cores_ok = 0;
    for (int sh = 0; sh < 3; sh++)
        for (unsigned k = 0; k < seeds; k++) {
            struct socm_plan h, t, b;
            if (plan_seeded(shapes[sh], n, k, "heft-socm", SOCM_SCHEMA_REMOTE, 0, &h) < 0)
                continue;
            bool heft_mem_ok = last_mem_ok;
            struct timespec c0, c1;
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
            int trc = plan_seeded(shapes[sh], n, k, "time", SOCM_SCHEMA_REMOTE, 0, &t);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
            double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
            cpu_max = fmax(cpu_max, cpu);
            if (trc < 0) {
                socm_plan_free(&h);
                continue;
            }
            double hch = (double)h.cores * h.walltime / 60, tch = (double)t.cores * t.walltime / 60;
            double work = best_possible_ch(shapes[sh], n, k, h.cores);
            double br = NAN, be = NAN;
            if (plan_seeded(shapes[sh], n, k, "time", SOCM_SCHEMA_BATCH, t.cores, &b) == 0) {
                br = b.makespan / b.lower_bound;
                be = b.makespan / fmax(b.lower_bound, last_energetic);
                worst_be = fmax(worst_be, be);
                worst_batch = br > worst_batch ? br : worst_batch;
                socm_plan_free(&b);
            }
            printf("%-7s %5zu seed %2u  heft-socm %5lld cores %9.0f core-h  time %5lld cores %9.0f core-h  saving "
                   "%5.1f %% (most possible with ≤ heft-socm's cores %5.1f %%)  remote makespan/lower bound %.3f  batch makespan/lower bound %.3f (/energetic %.3f)%s\n",
                   shapes[sh], n, k, (long long)h.cores, hch, (long long)t.cores, tch, 100 * (1 - tch / hch),
                   100 * (1 - work / hch), t.makespan / t.lower_bound, br, be,
                   heft_mem_ok ? "" : "  (heft-socm's plan overcommits a node's memory)");
            worst_remote = fmax(worst_remote, t.makespan / t.lower_bound);
            sum_save += 1 - tch / hch;
            sum_max += 1 - work / hch;
            more_cores += t.cores > h.cores;
            more_cores_ok += t.cores > h.cores && heft_mem_ok;
            cnt++;
            socm_plan_free(&h);
            socm_plan_free(&t);
        }
    seed_offset = 0;
    if (cnt)
        printf("%u campaigns of %zu: time saves %.1f %% core-hours on average (the most any plan could with no more "
               "cores than heft-socm: %.1f %%); more cores than heft-socm in %u (where heft-socm's plan keeps every "
               "node's memory: %u); worst makespan/lower bound: remote %.3f, batch %.3f (to the energetic bound "
               "%.3f); time's planning up to %.0f ms CPU\n",
               cnt, n, 100 * sum_save / cnt, 100 * sum_max / cnt, more_cores, more_cores_ok, worst_remote,
               worst_batch, worst_be, cpu_max);
}

/* One count of the deadline search by hand: campaign (shape, n, seed k) on `cores`
 * cores with the best of `budget` orders (batch-style search: the smallest
 * makespan), printed with its remote deadline and the energetic bound (with
 * memory) on that count. */
static void probe(const char *shape, size_t n, unsigned k, int64_t cores, size_t budget)
{
    seed_offset = k;
    campaign_seed(shape, n, seed_offset);
    struct gen g = {0};
    make(&g, shape, n);
    struct socm_plan_input in = {.n = g.n, .reqs = g.reqs, .names = (const char *const *)g.names, .dag = &g.dag,
                                 .resource = cluster_for(shape, n), .schema = SOCM_SCHEMA_REMOTE};
    in.deadline_min = deadline_for(&in);
    struct socm_plan p;
    struct socm_error err = {0};
    struct timespec c0, c1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    int rc = socm_plan_time_on(&in, cores, budget, &p, &err);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    if (rc == 0) {
        socm_plan_bounds(&in, &p);
        printf("%s seed %u cores %lld budget %zu: makespan %.1f deadline %.1f lower bound %.1f energetic %.1f "
               "cpu %.1f ms\n",
               shape, k, (long long)cores, budget, p.makespan, in.deadline_min, p.lower_bound,
               energetic_bound(&in, cores, p.cp_bound, p.makespan), cpu);
        socm_plan_free(&p);
    } else {
        printf("%s seed %u cores %lld: %s\n", shape, k, (long long)cores, err.msg);
    }
    gen_free(&g);
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "probe") == 0) {
        probe(argv[2], strtoul(argv[3], NULL, 10), (unsigned)atoi(argv[4]), atoll(argv[5]), strtoul(argv[6], NULL, 10));
        return 0;
    }
    if (getenv("PLAN_BENCH_SEED"))
        seed_offset = strtoull(getenv("PLAN_BENCH_SEED"), NULL, 10);
    if (argc >= 4 && strcmp(argv[1], "quality") == 0) { /* quality N SEEDS [POLICY] */
        quality(strtoul(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10), argc > 4 ? argv[4] : "time");
        return 0;
    }
    if (argc >= 4 && strcmp(argv[1], "remote") == 0) { /* remote N SEEDS */
        remote_quality(strtoul(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10));
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "digests") == 0) { /* tests/data/planner/plan_digests.txt */
        char line[512];
        int rc = 0;
        for (size_t i = 0; i < CAMPAIGN_DIGEST_CASES; i++) {
            rc |= campaign_digest_line(i, line, sizeof line);
            printf("%s\n", line);
        }
        return rc ? 1 : 0;
    }
    if (argc == 6 && strcmp(argv[1], "one") == 0) { /* one SHAPE N POLICY batch|remote */
        double w;
        run_one(argv[2], strtoul(argv[3], NULL, 10), argv[4],
                strcmp(argv[5], "batch") == 0 ? SOCM_SCHEMA_BATCH : SOCM_SCHEMA_REMOTE, &w);
        printf("\n");
        return 0;
    }
    size_t max = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    const char *all[] = {"heft-socm", "time"};
    const char **pols = argc > 2 ? (const char **)argv + 2 : all;
    int npol = argc > 2 ? argc - 2 : 2;
    const size_t sizes[] = {100, 300, 1000, 10000, 100000};
    const char *lim = getenv("PLAN_BENCH_LIMIT_S");
    unsigned limit_s = lim ? (unsigned)atoi(lim) : 120;
    /* Long layered DAGs only on universe: from 100,000 their critical path is
     * longer than any perlmutter QoS. */
    const char *shapes[] = {"layered",          "chains",         "wide",         "layered@universe",
                            "chains@universe", "wide@universe", "deep@universe"};
    printf("%-7s %-6s %7s %-9s %9s %9s %7s %-7s %9s %9s %9s %11s %5s %7s %-3s %s\n", "shape", "schema", "n", "policy",
           "wall-ms", "cpu-ms", "cores", "qos", "deadline", "makespan", "bound", "core-hours", "eff", "RSS-MB", "mem",
           "saving vs heft-socm (most possible)");
    double sum_save = 0, sum_max = 0;
    int nsave = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && sizes[s] <= max; s++)
        for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++)
            for (int sc = 0; sc < 2; sc++) {
                enum socm_schema schema = sc ? SOCM_SCHEMA_BATCH : SOCM_SCHEMA_REMOTE;
                double heft_ch = 0;
                for (int p = 0; p < npol; p++) {
                    double work = 0, ch = measure(shapes[sh], sizes[s], pols[p], schema, limit_s, &work);
                    if (strcmp(pols[p], "heft-socm") == 0)
                        heft_ch = ch;
                    /* The saving of `time` over heft-socm in core-hours, and the most
                     * any plan could save (down to the work itself). */
                    if (strcmp(pols[p], "time") == 0 && heft_ch > 0 && ch > 0) {
                        printf(" %6.1f %% (%4.1f %%)", 100 * (1 - ch / heft_ch), 100 * (1 - work / heft_ch));
                        if (schema == SOCM_SCHEMA_REMOTE) {
                            sum_save += 1 - ch / heft_ch;
                            sum_max += 1 - work / heft_ch;
                            nsave++;
                        }
                    }
                    printf("\n");
                }
            }
    if (nsave > 0)
        printf("remote campaigns: time saves %.1f %% core-hours over heft-socm on average; the most any plan "
               "could save is %.1f %% on average\n",
               100 * sum_save / nsave, 100 * sum_max / nsave);
    return 0;
}

/* launch_bench.c — launch throughput of the local enactor: N workflows of `true`
 * (default 10,000), no dependencies, one core each, on all cores, with the journal
 * and one supervisor per workflow as in a real run. Prints launches per second.
 *   [TMPDIR=DIR] build/bench/launch_bench [N] [small|fork|exec|path] [N_SIMULATE]
 * First it measures this machine's floor: the CPU one bare posix_spawn + wait of `true`
 * costs, and the launch rate that alone allows on all cores — no launcher that starts
 * each workflow as its own process can beat it.
 * Also: the manager's RSS for a large `dryrun --simulate` campaign. */
#include "agents/agent.h"
#include "manager/bookkeeper.h"
#include "state/spec.h"
#include "util/proc.h"

#include <ftw.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int rm_one(const char *p, const struct stat *sb, int f, struct FTW *ftw)
{
    return remove(p);
}

/* n workflows of cmd; with layers > 1, a DAG of that many layers of n / layers
 * workflows, each depending on two of the layer before. */
static void make_spec(struct socm_spec *s, size_t n, const char *dir, const char *cmd,
                      size_t layers)
{
    memset(s, 0, sizeof *s);
    s->campaign = socm_strdup("bench");
    s->state_dir = socm_strdup(dir);
    s->enactor = socm_strdup("local");
    s->grace_s = 1;
    s->hook_timeout_s = 5;
    s->retry_backoff_s = 1;
    s->makespan_min = 1;
    s->plan_cores = 2;
    s->n = n;
    s->tasks = socm_xcalloc(n, sizeof *s->tasks);
    for (size_t i = 0; i < n; i++) {
        struct socm_task *t = &s->tasks[i];
        t->id = (int)i + 1;
        t->name = socm_asprintf("w%zu", i + 1);
        socm_strv_push(&t->argv, cmd);
        t->cores = t->threads = 1;
        t->walltime_min = 1;
        t->pred = socm_xcalloc(2, sizeof *t->pred);
        size_t width = layers > 1 ? n / layers : n, layer = i / width, at = i % width;
        if (layers > 1 && layer > 0) {
            t->pred[t->npred++] = (int)((layer - 1) * width + at);
            t->pred[t->npred++] = (int)((layer - 1) * width + (at + 1) % width);
        }
        t->plan_start = layers > 1 ? (double)layer : (double)i;
        t->plan_end = t->plan_start + 1;
    }
}

static double cpu_s(int who)
{
    struct rusage r;
    getrusage(who, &r);
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

/* CPU (and wall) per spawn + wait of argv, over k runs, from this (small) process. */
static double spawn_cost(char *const *argv, int k, double *wall)
{
    double c0 = cpu_s(RUSAGE_SELF) + cpu_s(RUSAGE_CHILDREN), t0 = socm_mono();
    for (int i = 0; i < k; i++) {
        pid_t pid;
        if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
            return -1;
        waitpid(pid, NULL, 0);
    }
    *wall = (socm_mono() - t0) / k;
    return (cpu_s(RUSAGE_SELF) + cpu_s(RUSAGE_CHILDREN) - c0) / k;
}

/* The floors: bare spawns of `true`, and — with socm-supervise — of the supervisor
 * running `true` in a sandbox it reuses (two process starts and its files: what each
 * workflow costs at least, before the manager does anything). */
static double spawn_floor(const char *supervisor, const char *dir)
{
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    double wall;
    char *av[] = {"true", NULL};
    double cpu = spawn_cost(av, 1000, &wall);
    printf("machine floor: a bare spawn + wait of `true` costs %.2f ms CPU (%.2f ms wall): at most "
           "%.0f launches/s on %ld cores for any one-process-per-workflow launcher\n",
           cpu * 1e3, wall * 1e3, ncpu / cpu, ncpu);
    double floor = cpu;
    if (!supervisor)
        return floor;
    char *sb = socm_asprintf("%s/floor", dir);
    mkdir(sb, 0700);
    /* As its manager, this process journals the result: no fsync (as in a run). */
    char *mgr = socm_asprintf("--manager-pid=%ld", (long)getpid());
    char *sv[] = {(char *)supervisor, "--sandbox", sb, mgr, "--", "/bin/true", NULL};
    cpu = spawn_cost(sv, 500, &wall);
    printf("supervisor floor: a spawn + wait of socm-supervise running `true` costs %.2f ms CPU "
           "(%.2f ms wall): at most %.0f workflows/s on %ld cores\n",
           cpu * 1e3, wall * 1e3, ncpu / cpu, ncpu);
    free(mgr);
    free(sb);
    return floor;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    /* Default: each supervisor is socm-supervise (next to socm) started with
     * posix_spawn, as `socm run` does; "fork": a fork of the manager (what socm does
     * when socm-supervise is missing); "exec": `socm supervise` exec'd; or a path. */
    const char *mode = argc > 2 ? argv[2] : "small";
    char self[4096];
    snprintf(self, sizeof self, "%s", socm_self_exe());
    char *bindir = dirname(self);
    char exe[4096 + 32];
    if (!strcmp(mode, "fork"))
        socm_agent_set_supervisor_fork();
    else {
        if (!strcmp(mode, "small"))
            snprintf(exe, sizeof exe, "%s/../socm-supervise", bindir);
        else if (!strcmp(mode, "exec"))
            snprintf(exe, sizeof exe, "%s/../socm", bindir);
        else
            snprintf(exe, sizeof exe, "%s", mode);
        socm_agent_set_supervisor_exe(exe);
    }
    /* Under $TMPDIR (default /tmp): the file system's cost of creating the sandboxes'
     * files is part of each launch, and differs from one file system to another. */
    const char *tmpdir = getenv("TMPDIR");
    char *tmpl = socm_asprintf("%s/socm-launch-bench-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(tmpl))
        return 1;
    double floor = spawn_floor(!strcmp(mode, "small") ? exe : NULL, tmpl);
    /* Each run in a state directory of its own, all removed at the end: on ext4,
     * inodes freed moments before are skipped one by one when new ones are
     * allocated (its "recently deleted" check), so removing one run's 10,000 files
     * before the next would charge the next run for it. */
    char *dir = NULL;

    /* Three times: on the machine's cores (at most that many `true`s at once), on a
     * local site declaring 64 cores (`--cores 64`): `true` uses no core to speak of,
     * so the wide run shows what the launcher itself sustains; and a DAG of n / 2
     * workflows (10 layers, two dependencies each) on the 64-core site. */
    int64_t widths[3] = {0, 64, 64};
    struct socm_spec spec;
    struct socm_error err = {0};
    for (int k = 0; k < 3; k++) {
        size_t layers = k == 2 ? 10 : 1, nk = k == 2 ? n / 2 : n;
        free(dir);
        dir = socm_asprintf("%s/state%d", tmpl, k);
        make_spec(&spec, nk, dir, "true", layers);
        struct socm_run_opts o = {0};
        o.quiet = true;
        o.cores = widths[k];
        double self0 = cpu_s(RUSAGE_SELF), kids0 = cpu_s(RUSAGE_CHILDREN);
        double t0 = socm_mono();
        int code = socm_bk_run(&spec, &o, &err);
        double dt = socm_mono() - t0;
        double self = cpu_s(RUSAGE_SELF) - self0, kids = cpu_s(RUSAGE_CHILDREN) - kids0;
        if (code != 0)
            fprintf(stderr, "run ended %d: %s\n", code, err.msg);
        /* The command's own CPU, as each supervisor measured it (result.json). */
        double cmd = 0;
        for (size_t i = 0; i < nk; i++) {
            char *sb = socm_asprintf("%s/workflows/w%zu", dir, i + 1);
            struct socm_result r;
            char *reason = NULL;
            if (socm_result_read(sb, 1, &r, &reason) == 0)
                cmd += r.cpu_s;
            free(reason);
            free(sb);
        }
        char width[64];
        snprintf(width, sizeof width, k ? "a 64-core local site" : "%ld cores",
                 sysconf(_SC_NPROCESSORS_ONLN));
        if (layers > 1)
            snprintf(width, sizeof width, "a 64-core local site, a DAG of %zu layers", layers);
        printf("local enactor (%s supervisor), %zu workflows of `true` on %s: %.2f s, "
               "%.0f launches/s; CPU per workflow %.2f ms (%.2fx the floor) = manager %.2f + "
               "supervisor %.2f + command %.2f\n",
               mode, nk, width, dt, nk / dt, (self + kids) / nk * 1e3,
               (self + kids) / nk / floor, self / nk * 1e3, (kids - cmd) / nk * 1e3,
               cmd / nk * 1e3);
    }

    size_t big = argc > 3 ? strtoul(argv[3], NULL, 10) : 100000;
    free(dir);
    dir = socm_asprintf("%s/simulate", tmpl);
    make_spec(&spec, big, dir, "true", 1);
    struct socm_run_opts o = {0};
    o.quiet = true;
    o.simulate = true;
    double t0 = socm_mono();
    int code = socm_bk_run(&spec, &o, &err);
    double dt = socm_mono() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("dryrun --simulate: %zu workflows in %.2f s, manager max RSS %.0f MB (exit %d)\n", big,
           dt, ru.ru_maxrss / 1024.0, code);
    nftw(tmpl, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    free(tmpl);
    return 0;
}

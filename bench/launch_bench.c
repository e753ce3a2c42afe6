/* launch_bench.c — launch throughput of the local enactor: N workflows of `true`
 * (default 10,000), no dependencies, one core each, on all cores, with the journal
 * and one supervisor per workflow as in a real run. Prints launches per second.
 *   build/bench/launch_bench [N] [fork|exec|path/to/socm] [N_SIMULATE]
 * First it measures this machine's floor: the CPU one bare posix_spawn + wait of `true`
 * costs, and the launch rate that alone allows on all cores — no launcher that starts
 * each workflow as its own process can beat it.
 * Also: the manager's RSS for a large `dryrun --simulate` campaign. */
#include "exec/agent.h"
#include "exec/bookkeeper.h"
#include "exec/spec.h"
#include "util/proc.h"

#include <ftw.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int rm_one(const char *p, const struct stat *sb, int f, struct FTW *ftw)
{
    return remove(p);
}

static void make_spec(struct socm_spec *s, size_t n, const char *dir, const char *cmd)
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
        t->pred = socm_xcalloc(1, sizeof *t->pred);
        t->plan_start = (double)i;
        t->plan_end = (double)i + 1;
    }
}

static double cpu_s(int who)
{
    struct rusage r;
    getrusage(who, &r);
    return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

/* The floor: 1,000 bare spawns of `true` from this (still small) process. */
static void spawn_floor(void)
{
    const int k = 1000;
    double c0 = cpu_s(RUSAGE_SELF) + cpu_s(RUSAGE_CHILDREN), t0 = socm_mono();
    for (int i = 0; i < k; i++) {
        pid_t pid;
        char *av[] = {"true", NULL};
        if (posix_spawnp(&pid, "true", NULL, NULL, av, environ) != 0)
            return;
        waitpid(pid, NULL, 0);
    }
    double cpu = (cpu_s(RUSAGE_SELF) + cpu_s(RUSAGE_CHILDREN) - c0) / k;
    double wall = (socm_mono() - t0) / k;
    printf("machine floor: a bare spawn + wait of `true` costs %.2f ms CPU (%.2f ms wall): at most "
           "%.0f launches/s on %ld cores for any one-process-per-workflow launcher\n",
           cpu * 1e3, wall * 1e3, sysconf(_SC_NPROCESSORS_ONLN) / cpu, sysconf(_SC_NPROCESSORS_ONLN));
}

int main(int argc, char **argv)
{
    spawn_floor();
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
    /* Default: the supervisor is forked from the manager, as `socm run` does; with a
     * path (or "exec" for build/socm), each supervisor is `socm supervise` exec'd, the
     * launch form srun uses inside an allocation. */
    const char *mode = "fork";
    if (argc > 2 && strcmp(argv[2], "fork") != 0) {
        char exe[4096];
        if (!strcmp(argv[2], "exec")) {
            char self[4096];
            snprintf(self, sizeof self, "%s", socm_self_exe());
            snprintf(exe, sizeof exe, "%s/../socm", dirname(self));
        } else
            snprintf(exe, sizeof exe, "%s", argv[2]);
        socm_agent_set_supervisor_exe(exe);
        mode = "exec";
    }
    char tmpl[] = "/tmp/socm-launch-bench-XXXXXX";
    if (!mkdtemp(tmpl))
        return 1;
    char *dir = socm_asprintf("%s/state", tmpl);

    struct socm_spec spec;
    make_spec(&spec, n, dir, "true");
    struct socm_run_opts o = {0};
    o.quiet = true;
    struct socm_error err = {0};
    double t0 = socm_mono();
    int code = socm_bk_run(&spec, &o, &err);
    double dt = socm_mono() - t0;
    if (code != 0)
        fprintf(stderr, "run ended %d: %s\n", code, err.msg);
    printf("local enactor (%s supervisors): %zu workflows of `true` on %ld cores in %.2f s: "
           "%.0f launches/s\n",
           mode, n, sysconf(_SC_NPROCESSORS_ONLN), dt, n / dt);
    nftw(tmpl, rm_one, 16, FTW_DEPTH | FTW_PHYS);

    size_t big = argc > 3 ? strtoul(argv[3], NULL, 10) : 100000;
    make_spec(&spec, big, dir, "true");
    o.simulate = true;
    t0 = socm_mono();
    code = socm_bk_run(&spec, &o, &err);
    dt = socm_mono() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("dryrun --simulate: %zu workflows in %.2f s, manager max RSS %.0f MB (exit %d)\n", big,
           dt, ru.ru_maxrss / 1024.0, code);
    nftw(tmpl, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    return 0;
}

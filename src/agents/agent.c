/* agent.c — placement on this machine's cores and memory, and the fork/exec launch
 * method that starts one supervisor per workflow attempt (see agent.h). What a
 * sandbox says afterwards is read by sandbox_probe.c. */
#include "agents/agent.h"
#include "agents/supervisor_path.h"
#include "state/spec.h"
#include "state/outcome.h"
#include "agents/supervise.h"
#include "util/dirfd.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

void socm_pool_init(struct socm_pool *p, int64_t ncores, double mem_mb)
{
    p->ncores = p->nfree = ncores;
    p->used = socm_xcalloc((size_t)(ncores > 0 ? ncores : 1), 1);
    p->mem_total = mem_mb;
    p->mem_used = 0;
}

void socm_pool_free(struct socm_pool *p)
{
    free(p->used);
    p->used = NULL;
}

int socm_pool_place(struct socm_pool *p, int64_t cores, double mem_mb, int64_t *out,
                    struct socm_error *err)
{
    if (cores > p->ncores)
        return socm_error_set(err, SOCM_E_FAILED, "needs %lld cores, only %lld available",
                              (long long)cores, (long long)p->ncores);
    if (mem_mb > p->mem_total)
        return socm_error_set(err, SOCM_E_FAILED, "needs %.0f MB of memory, only %.0f MB available",
                              mem_mb, p->mem_total);
    if (cores > p->nfree || p->mem_used + mem_mb > p->mem_total + 1e-9)
        return 1;
    int64_t k = 0;
    for (int64_t c = 0; c < p->ncores && k < cores; c++)
        if (!p->used[c]) {
            p->used[c] = 1;
            out[k++] = c;
        }
    p->nfree -= cores;
    p->mem_used += mem_mb;
    return 0;
}

void socm_pool_release(struct socm_pool *p, const int64_t *cores, size_t n, double mem_mb)
{
    for (size_t i = 0; i < n; i++)
        if (cores[i] >= 0 && cores[i] < p->ncores && p->used[cores[i]]) {
            p->used[cores[i]] = 0;
            p->nfree++;
        }
    p->mem_used -= mem_mb;
    if (p->mem_used < 0)
        p->mem_used = 0;
}

void socm_pool_reserve(struct socm_pool *p, const int64_t *cores, size_t n, double mem_mb)
{
    for (size_t i = 0; i < n; i++)
        if (cores[i] >= 0 && cores[i] < p->ncores && !p->used[cores[i]]) {
            p->used[cores[i]] = 1;
            p->nfree--;
        }
    p->mem_used += mem_mb;
}

int64_t socm_machine_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

double socm_machine_mem_available_mb(void)
{
    FILE *f = fopen("/proc/meminfo", "re");
    double mb = 1024;
    if (!f)
        return mb;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        long long kb;
        if (sscanf(line, "MemAvailable: %lld kB", &kb) == 1) {
            mb = kb / 1024.0;
            break;
        }
    }
    fclose(f);
    return mb;
}

/* srun options that take a separate value (`-n 4`, `--ntasks 4`). */
static bool srun_takes_value(const char *o)
{
    static const char *const with[] = {
        "-n", "-c", "-N", "-t", "-p", "-J", "-o", "-e", "-w", "-m", "-A", "-q", "-C", "-G",
        "--ntasks", "--cpus-per-task", "--nodes", "--mem", "--time", "--partition",
        "--job-name", "--export", "--mpi", "--distribution", "--cpu-bind", "--mem-per-cpu",
        "--account", "--qos", "--constraint", "--output", "--error", "--gpus", NULL};
    for (size_t i = 0; with[i]; i++)
        if (!strcmp(o, with[i]))
            return true;
    return false;
}

static void set_env(struct socm_strv *env, const char *key, const char *val)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < env->n; i++)
        if (!strncmp(env->v[i], key, kl) && env->v[i][kl] == '=') {
            free(env->v[i]);
            env->v[i] = socm_asprintf("%s=%s", key, val);
            return;
        }
    socm_strv_pushf(env, "%s=%s", key, val);
}

bool socm_srun_strip(const struct socm_strv *argv, struct socm_strv *out, struct socm_strv *env)
{
    if (argv->n == 0)
        return false;
    const char *base = strrchr(argv->v[0], '/');
    base = base ? base + 1 : argv->v[0];
    if (strcmp(base, "srun") != 0 || getenv("SLURM_JOB_ID"))
        return false;
    size_t i = 1;
    const char *ntasks = "1", *cpt = "1", *nodes = "1";
    for (; i < argv->n; i++) {
        const char *o = argv->v[i];
        if (o[0] != '-')
            break;
        const char *val = NULL;
        const char *eq = strchr(o, '=');
        char opt[64] = "";
        if (eq) {
            snprintf(opt, sizeof opt, "%.*s", (int)(eq - o), o);
            val = eq + 1;
        } else if (srun_takes_value(o) && i + 1 < argv->n) {
            snprintf(opt, sizeof opt, "%s", o);
            val = argv->v[++i];
        } else if (o[1] != '-' && strlen(o) > 2 && strchr("ncN", o[1])) {
            snprintf(opt, sizeof opt, "-%c", o[1]); /* -n4 */
            val = o + 2;
        } else
            continue; /* a flag such as --exact */
        if (!strcmp(opt, "-n") || !strcmp(opt, "--ntasks"))
            ntasks = val;
        else if (!strcmp(opt, "-c") || !strcmp(opt, "--cpus-per-task"))
            cpt = val;
        else if (!strcmp(opt, "-N") || !strcmp(opt, "--nodes"))
            nodes = val;
    }
    if (i >= argv->n)
        return false; /* no program: leave it alone, srun will say what's wrong */
    for (; i < argv->n; i++)
        socm_strv_push(out, argv->v[i]);
    set_env(env, "SLURM_NTASKS", ntasks);
    set_env(env, "SLURM_CPUS_PER_TASK", cpt);
    set_env(env, "SLURM_NNODES", nodes);
    return true;
}

static bool supervisor_fork;   /* forced fork launch (benchmarks) */
static char *supervisor_exe; /* set explicitly: NULL = the default below */
static bool supervisor_small;  /* it is socm-supervise (no `supervise` word) */
static bool fault_reports;     /* supervisors report faults of the machine to us */

void socm_agent_set_fault_reports(bool on)
{
    fault_reports = on;
}

static bool is_small_supervisor(const char *path)
{
    const char *base = strrchr(path, '/');
    return socm_str_startswith(base ? base + 1 : path, "socm-supervise");
}

/* A command named without a '/' is looked up in PATH once per manager, not at every
 * launch (execvp tries each PATH directory in turn: a dozen failed execs per launch of
 * `true`). The lookup is execvp's: the first executable regular file in PATH. */
struct path_cache {
    char *name, *pathenv, *path;
};
static struct path_cache *pcache;
static size_t npcache;

static const char *resolve_cmd(const char *name, const struct socm_strv *envv)
{
    if (strchr(name, '/') || !*name)
        return name;
    /* The PATH the command's supervisor would search: the one in its environment. */
    const char *env = NULL;
    for (size_t i = 0; i < envv->n; i++)
        if (!strncmp(envv->v[i], "PATH=", 5))
            env = envv->v[i] + 5;
    for (size_t i = 0; i < npcache; i++)
        if (!strcmp(pcache[i].name, name) && !strcmp(pcache[i].pathenv, env ? env : ""))
            return pcache[i].path ? pcache[i].path : name;
    char *found = NULL;
    if (env && npcache < 256) {
        char *dirs = socm_strdup(env), *save = NULL;
        for (char *d = strtok_r(dirs, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
            if (*d != '/')
                break; /* relative to the sandbox the command runs in: leave it to execvp */
            char *p = socm_asprintf("%s/%s", d, name);
            struct stat st;
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
                found = p;
            else
                free(p);
        }
        free(dirs);
    }
    if (npcache >= 256)
        return name;
    pcache = socm_xrealloc(pcache, (npcache + 1) * sizeof *pcache);
    pcache[npcache++] = (struct path_cache){socm_strdup(name), socm_strdup(env ? env : ""), found};
    return found ? found : name;
}

void socm_agent_set_supervisor_exe(const char *path)
{
    free(supervisor_exe);
    supervisor_exe = path ? socm_strdup(path) : NULL;
    supervisor_small = path && is_small_supervisor(path);
    supervisor_fork = false;
}

void socm_agent_set_supervisor_fork(void)
{
    socm_agent_set_supervisor_exe(NULL);
    supervisor_fork = true;
}

/* The workflow's environment: ours, then its `environment`, then what socm tells it
 * (docs/execution.md). OMP_NUM_THREADS is its threads unless its environment sets it. */
static void put_env(struct socm_strv *env, const struct socm_strv *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        const char *eq = strchr(kv->v[i], '=');
        if (!eq)
            continue;
        char *k = socm_strndup(kv->v[i], (size_t)(eq - kv->v[i]));
        set_env(env, k, eq + 1);
        free(k);
    }
}

static void build_env(const struct socm_launch *l, const struct socm_allocation *a,
                      const char *sandbox, struct socm_strv *env)
{
    for (char **e = environ; *e; e++)
        socm_strv_push(env, *e);
    put_env(env, &l->task->env);
    struct socm_strv ours = SOCM_STRV_INIT;
    socm_task_socm_env(l->task, a->campaign, l->attempt, sandbox, &ours);
    put_env(env, &ours);
    socm_strv_free(&ours);
}

/* fork launch: the supervisor is this very program, forked without an exec — the
 * same code as `socm supervise`, without loading the executable again (an exec of
 * socm costs tens of milliseconds on a slow machine; a fork of the manager, one). */
static pid_t fork_supervisor(const struct socm_launch *l, const struct socm_allocation *a,
                             struct socm_strv *cmd, struct socm_strv *env, int lockfd, int logfd,
                             struct socm_error *err)
{
    fflush(NULL);
    long manager = (long)getpid();
    pid_t pid = fork();
    if (pid < 0)
        return socm_error_errno(err, "cannot fork a supervisor");
    if (pid > 0)
        return pid;
    /* child: its own session, the lock as fd 3, the log as stdout/stderr, nothing else
     * of the manager's descriptors. The manager's stop signals stay blocked: the
     * supervisor reads them from its signalfd. */
    setsid();
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0 && devnull != 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    if (logfd >= 0) {
        dup2(logfd, 1);
        dup2(logfd, 2);
    }
    dup2(lockfd, 3);
    close_range(4, ~0U, 0);
    extern char **environ;
    environ = env->v;
    char cpus[4096] = "";
    if (a->pin && l->ncores) {
        size_t off = 0;
        for (size_t i = 0; i < l->ncores && off + 24 < sizeof cpus; i++)
            off += (size_t)snprintf(cpus + off, sizeof cpus - off, "%s%lld", i ? "," : "",
                                    (long long)l->cores[i]);
    }
    struct socm_supervise_opts so = {l->sandbox,   l->attempt, l->task->walltime_min * 60,
                                     a->grace_s,   3,          cpus[0] ? cpus : NULL,
                                     cmd->v,       manager,    fault_reports,
                                     l->task->workdir, NULL};
    struct socm_error serr = {0};
    int rc = socm_supervise(&so, &serr); /* a failure is in supervisor.log */
    _exit(rc == 0 ? 0 : 3);
}

/* This machine's boot id, read once per manager: every supervisor is told it
 * (--boot-id) instead of reading it for each workflow. "" if unknown. */
static const char *boot_id(void)
{
    static char id[64];
    static bool read;
    if (!read) {
        socm_boot_id(id);
        read = true;
    }
    return id;
}

/* /dev/null for the output of socm-supervise (it writes its own messages to
 * supervisor.log), opened once per manager rather than once per launch. */
static int dev_null(void)
{
    static int fd = -1;
    if (fd < 0)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    return fd;
}

/* A new attempt keeps the logs of the one before as stdout.N and stderr.N (`socm
 * logs --attempt N`); a relaunch of the same attempt finds them kept already. */
static void keep_logs(int dfd, int before)
{
    const char *names[2] = {"stdout", "stderr"};
    for (int k = 0; k < 2; k++) {
        char kept[64];
        snprintf(kept, sizeof kept, "%s.%d", names[k], before);
        struct stat st;
        if (fstatat(dfd, kept, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
            renameat(dfd, names[k], dfd, kept);
    }
}

/* The sandbox as a directory descriptor: created 0700 if new; it and workflows/ must
 * be real directories (a symbolic link planted there must not send the sandbox's
 * files elsewhere). */
static int open_sandbox(const char *sandbox, bool *fresh, struct socm_error *err)
{
    *fresh = mkdir(sandbox, 0700) == 0;
    if (!*fresh && errno != EEXIST && socm_mkdir_p(sandbox, 0700, err) != 0)
        return -1;
    char *wdir = socm_strdup(sandbox);
    char *slash = strrchr(wdir, '/');
    if (slash)
        *slash = '\0';
    int wfd = open(wdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int dfd = -1;
    if (wfd < 0)
        socm_error_errno(err, "%s is not a plain directory (symlink?)", wdir);
    else {
        /* O_DIRECTORY with O_NOFOLLOW opens only a real directory: no check after */
        const char *name = slash ? slash + 1 : sandbox;
        dfd = openat(wfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (dfd < 0) /* again through the checked open, for its message */
            dfd = socm_dirfd_open(wfd, wdir, name, O_RDONLY | O_DIRECTORY, 0, err);
    }
    if (wfd >= 0)
        close(wfd);
    free(wdir);
    return dfd;
}

/* The lock lives as long as the supervisor: a restarted manager that can take it
 * knows the supervisor is gone. It is taken here, before the spawn, so there is no
 * moment where a live supervisor holds no lock. Returned as a descriptor above 3 (it
 * becomes the supervisor's fd 3). In a sandbox just created it is created new, in
 * one system call and empty; else opened with the checks against a planted link. */
static int take_lock(int dfd, const char *sandbox, bool fresh, struct socm_error *err)
{
    int lockfd = fresh ? openat(dfd, "lock", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)
                       : -1;
    if (lockfd < 0) {
        fresh = false;
        lockfd = socm_dirfd_open(dfd, sandbox, "lock", O_RDWR | O_CREAT, 0600, err);
        if (lockfd < 0)
            return -1;
    }
    if (lockfd <= 3) {
        int fd0 = lockfd;
        lockfd = fcntl(fd0, F_DUPFD_CLOEXEC, 10);
        close(fd0);
        if (lockfd < 0)
            return socm_error_errno(err, "cannot open %s/lock", sandbox);
    }
    if (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
        close(lockfd);
        return socm_error_set(err, SOCM_E_SYSTEM,
                              "%s: a supervisor for this workflow is still running", sandbox);
    }
    /* The pid and start record of an earlier supervisor must not pass for this one's. */
    if (!fresh && ftruncate(lockfd, 0) != 0) {
        close(lockfd);
        return socm_error_errno(err, "cannot empty %s/lock", sandbox);
    }
    return lockfd;
}

pid_t socm_agent_launch(const struct socm_launch *l, const struct socm_allocation *a,
                        int *pidfd, bool *srun_stripped, struct socm_error *err)
{
    bool fresh;
    int dfd = open_sandbox(l->sandbox, &fresh, err);
    if (dfd < 0)
        return -1;
    if (!fresh && unlinkat(dfd, "result.json", 0) != 0 && errno != ENOENT) { /* of an earlier attempt */
        socm_error_errno(err, "cannot remove %s/result.json", l->sandbox);
        close(dfd);
        return -1;
    }
    int lockfd = take_lock(dfd, l->sandbox, fresh, err);
    if (lockfd < 0) {
        close(dfd);
        return -1;
    }
    if (!fresh && l->attempt > 1) /* no supervisor writes them any more: we hold its lock */
        keep_logs(dfd, l->attempt - 1);
    const char *exe = supervisor_exe;
    bool small = supervisor_small;
    if (!exe && !supervisor_fork && (exe = socm_supervisor_default_path()))
        small = true;
    /* socm-supervise writes its own messages to supervisor.log when it has any; the
     * other two forms get it as stdout/stderr (the loader's or socm's messages). */
    int logfd;
    bool own_log = !small;
    if (small) {
        logfd = dev_null();
        if (logfd < 0)
            socm_error_errno(err, "cannot open /dev/null");
    } else
        logfd = socm_dirfd_open(dfd, l->sandbox, "supervisor.log", O_WRONLY | O_CREAT | O_APPEND,
                             0600, err);
    close(dfd);
    if (logfd < 0) {
        close(lockfd);
        return -1;
    }

    struct socm_strv env = SOCM_STRV_INIT, cmd = SOCM_STRV_INIT, argv = SOCM_STRV_INIT;
    /* The command runs in its working directory: it learns its sandbox as an
     * absolute path (the supervisor starts in our directory, so a relative sandbox
     * is relative to it). */
    char cwd[PATH_MAX];
    const char *rel = l->sandbox;
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    char *sandbox_abs = rel[0] != '/' && getcwd(cwd, sizeof cwd) ? socm_asprintf("%s/%s", cwd, rel)
                                                                 : socm_strdup(l->sandbox);
    build_env(l, a, sandbox_abs, &env);
    free(sandbox_abs);
    *srun_stripped = socm_srun_strip(&l->task->argv, &cmd, &env);
    if (!*srun_stripped)
        socm_strv_copy(&cmd, &l->task->argv);
    if (cmd.n) {
        const char *full = resolve_cmd(cmd.v[0], &env);
        if (full != cmd.v[0]) {
            free(cmd.v[0]);
            cmd.v[0] = socm_strdup(full);
        }
    }
    pid_t pid;
    if (exe) {
        /* exec launch: socm-supervise, or `socm supervise` (the form srun can use) */
        socm_strv_push(&argv, exe);
        if (!small)
            socm_strv_push(&argv, "supervise");
        socm_strv_push(&argv, "--sandbox");
        socm_strv_push(&argv, l->sandbox);
        socm_strv_pushf(&argv, "--attempt=%d", l->attempt);
        socm_strv_pushf(&argv, "--walltime=%.3f", l->task->walltime_min * 60);
        socm_strv_pushf(&argv, "--grace=%.3f", a->grace_s);
        socm_strv_push(&argv, "--lock-fd=3");
        socm_strv_pushf(&argv, "--manager-pid=%ld", (long)getpid());
        if (l->task->workdir) {
            socm_strv_push(&argv, "--workdir");
            socm_strv_push(&argv, l->task->workdir);
        }
        if (boot_id()[0])
            socm_strv_pushf(&argv, "--boot-id=%s", boot_id());
        if (fault_reports)
            socm_strv_push(&argv, "--report-faults");
        if (a->pin && l->ncores) {
            struct socm_buf b = SOCM_BUF_INIT;
            for (size_t i = 0; i < l->ncores; i++)
                socm_buf_printf(&b, "%s%lld", i ? "," : "", (long long)l->cores[i]);
            socm_strv_push(&argv, "--cpus");
            socm_strv_push_owned(&argv, socm_buf_steal(&b));
        }
        socm_strv_push(&argv, "--");
        for (size_t i = 0; i < cmd.n; i++)
            socm_strv_push(&argv, cmd.v[i]);
        struct socm_spawn_opts o;
        socm_spawn_opts_init(&o);
        o.envp = (const char *const *)env.v;
        o.new_session = true;
        o.block_stop = true;
        o.keep_fd = lockfd;
        o.stdout_fd = o.stderr_fd = logfd;
        pid = socm_spawn((const char *const *)argv.v, &o, err);
    } else
        pid = fork_supervisor(l, a, &cmd, &env, lockfd, logfd, err);
    close(lockfd);
    if (own_log)
        close(logfd);
    socm_strv_free(&env);
    socm_strv_free(&cmd);
    socm_strv_free(&argv);
    if (pid < 0)
        return -1;
    *pidfd = socm_pidfd_open(pid);
    return pid;
}

int socm_pool_place_launch(struct socm_pool *p, struct socm_launch *l, struct socm_error *err)
{
    int64_t want = l->task->cores > 0 ? l->task->cores : 1;
    int64_t *cores = socm_xcalloc((size_t)want, sizeof *cores);
    int rc = socm_pool_place(p, want, l->task->memory_mb, cores, err);
    if (rc != 0) {
        free(cores);
        return rc;
    }
    free(l->cores);
    l->cores = cores;
    l->ncores = (size_t)want;
    return 0;
}

void socm_pool_release_launch(struct socm_pool *p, const struct socm_launch *l)
{
    socm_pool_release(p, l->cores, l->ncores, l->task->memory_mb);
}

void socm_launch_report_end(struct socm_enactor *e, const struct socm_launch *l,
                            enum socm_outcome o, const char *why)
{
    struct socm_result r = {0};
    r.index = l->index;
    r.attempt = l->attempt;
    r.outcome = o;
    r.exit_code = -1;
    r.start = r.end = socm_now();
    r.reason = why;
    e->cb.finished(e->cb.ctx, &r);
}

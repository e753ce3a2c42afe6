/* slurm_jobs_sbatch.c — one sbatch of the slurm-jobs enactor: the workflow attempt's
 * sandbox (the fixed batch script, its argv and environment as NUL-separated files),
 * the sbatch options (--time, --qos, --dependency, where the job goes) and the
 * sandbox's durable record of the job, by which a resumed manager finds it again. */
#include "enactors/slurm_jobs.h"

#include "campaign/campaign.h"
#include "state/spec.h"
#include "util/dirfd.h"
#include "util/proc.h"

#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes strings NUL-separated (they cannot contain NUL). */
static int write_nul_file(const char *path, char *const *v, size_t n, struct socm_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return socm_error_errno(err, "%s", path);
    for (size_t i = 0; i < n; i++)
        fwrite(v[i], 1, strlen(v[i]) + 1, f);
    if (fclose(f) != 0)
        return socm_error_errno(err, "%s", path);
    return 0;
}

static const char batch_script[] =
    "#!/bin/bash\n"
    "# Written by socm (slurm-jobs enactor). The workflow's argv and environment are in\n"
    "# socm-argv.nul and socm-env.nul (NUL-separated): no value is parsed by the shell.\n"
    "# The command runs in $SOCM_WORKDIR; this directory keeps its output.\n"
    "# Each task that ran the command to its end leaves socm-done.ATTEMPT.TASK with its\n"
    "# exit status. If Slurm runs this job again (requeued after a node failure, when\n"
    "# its controller had lost the job's end), a command every task of which already ran\n"
    "# to its end is not run a second time. srun's own status cannot tell: it is 0 when a\n"
    "# node failure cancels the step. A task Slurm ends leaves nothing.\n"
    "sandbox=$PWD # before the workflow's environment, which may name its own PWD\n"
    "while IFS= read -r -d '' kv; do export \"$kv\"; done < socm-env.nul\n"
    "mapfile -d '' -t argv < socm-argv.nul\n"
    "shopt -s nullglob\n"
    "done_base=$sandbox/socm-done.$SOCM_ATTEMPT\n"
    "ended=(\"$done_base\".*)\n"
    "if [ \"${#ended[@]}\" -ge \"${SLURM_NTASKS:-1}\" ]; then\n"
    "  rc=0\n"
    "  for f in \"${ended[@]}\"; do read -r r < \"$f\"; [ \"${r:-1}\" -gt \"$rc\" ] && rc=${r:-1}; done\n"
    "  echo \"socm: attempt $SOCM_ATTEMPT already ran to its end (exit $rc): not run again\" >&2\n"
    "  exit \"$rc\"\n"
    "fi\n"
    "rm -f -- \"${ended[@]}\"\n"
    "cd -- \"$SOCM_WORKDIR\" || exit 1\n"
    "# The step: the command, then its record unless it ended by a signal or a signal\n"
    "# reached this shell meanwhile (Slurm signals every process of a step it ends).\n"
    "# USR1, USR2 and ALRM (scancel --signal, a checkpoint warning) are the command's:\n"
    "# this shell outlives them, and they do not count as the step's end. A command a\n"
    "# signal ended ends this shell by the same signal; an exit status past 128 that no\n"
    "# signal gives (or a stop signal's, which would leave the step stopped) stays one.\n"
    "# The command is exec'd as srun would: never a shell builtin or function of its name.\n"
    "step='d=$1; shift; sig=; trap \"sig=1\" TERM INT HUP; trap : USR1 USR2 ALRM; (exec \"$@\"); rc=$?\n"
    "[ -n \"$sig\" ] || [ \"$rc\" -gt 128 ] || echo \"$rc\" > \"$d.$SLURM_PROCID\"\n"
    "trap - TERM INT HUP USR1 USR2 ALRM; [ \"$rc\" -le 128 ] || { s=$(kill -l \"$rc\" 2>/dev/null)\n"
    "case $s in \"\"|STOP|TSTP|TTIN|TTOU) ;; *) kill -s \"$s\" \"$$\"; esac; }; exit \"$rc\"'\n"
    "exec srun --export=ALL bash -c \"$step\" socm-step \"$done_base\" \"${argv[@]}\"\n";

static void mkdirs(const char *path)
{
    char *p = socm_strdup(path);
    for (char *q = p + 1; *q; q++)
        if (*q == '/') {
            *q = '\0';
            mkdir(p, 0755);
            *q = '/';
        }
    mkdir(p, 0755);
    free(p);
}

/* SANDBOX/socm-slurm-job: "ATTEMPT JOBID T", written (durably) with JOBID 0 before
 * each sbatch and with the id after it. A resumed manager re-attaches by it, and
 * when only the intent is there, finds the job Slurm may have accepted by its
 * working directory (the sandbox) and submit time — so no attempt is submitted
 * twice, whenever the manager died. */
#define JOB_FILE "socm-slurm-job"

int socm_sj_job_file_write(const char *sandbox, int attempt, int64_t id, double t, struct socm_error *err)
{
    char *p = socm_asprintf("%s/" JOB_FILE, sandbox);
    char *text = socm_asprintf("%d %" PRId64 " %.3f\n", attempt, id, t);
    int rc = socm_write_replace(p, text, strlen(text), 0600, id == 0, err);
    free(text);
    free(p);
    return rc;
}

/* 0 with the attempt's id (0 = sbatch began, id unknown) and intent time; -1 when
 * the file says nothing about this attempt (it never reached sbatch). */
int socm_sj_job_file_read(const char *sandbox, int attempt, int64_t *id, double *t)
{
    struct socm_error err; /* missing: the attempt never reached sbatch */
    int dfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    FILE *f = dfd >= 0 ? socm_dirfd_fopen(dfd, sandbox, JOB_FILE, "r", &err) : NULL;
    if (dfd >= 0)
        close(dfd);
    int a = 0;
    long long j = -1;
    int ok = f && fscanf(f, "%d %lld %lf", &a, &j, t) == 3 && a == attempt && j >= 0;
    if (f)
        fclose(f);
    *id = j;
    return ok ? 0 : -1;
}

/* Slurm's "%" in an --output pattern; "%%" is a literal one. */
static char *percent_escape(const char *s)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (; *s; s++) {
        if (*s == '%')
            socm_buf_putc(&b, '%');
        socm_buf_putc(&b, *s);
    }
    return socm_buf_steal(&b);
}

/* The QoS for a task: the first of the resource's (preference order) that admits its
 * cores and walltime and whose job and core limits (MaxJobsPU, cpu limits) this
 * campaign's active jobs leave room in; else the planned one, to wait in Slurm's
 * queue. */
static const char *pick_qos(const struct sj *s, const struct socm_task *t)
{
    for (size_t k = 0; s->res && t->qos && k < s->res->n_qos; k++) {
        const struct socm_qos *q = &s->res->qos[k];
        if (!strcmp(q->name, "default") || (q->max_cores > 0 && t->cores > q->max_cores) ||
            (t->walltime_min > 0 && q->max_walltime_min > 0 && t->walltime_min > q->max_walltime_min))
            continue;
        int64_t jobs = 0, cores = 0;
        for (size_t i = 0; i < s->n; i++) {
            const struct sj_job *j = s->v[i];
            if (!j->done && j->id > 0 && j->qos == q->name) {
                jobs++;
                cores += j->l->task->cores;
            }
        }
        if ((q->max_jobs <= 0 || jobs < q->max_jobs) && (q->max_cores <= 0 || cores + t->cores <= q->max_cores))
            return q->name;
    }
    return NULL;
}

/* Prepares the sandbox and submits; 0 ok, 1 retry later, -1 refused (err). */
int socm_sj_job_submit(struct sj *s, struct sj_job *j, struct socm_error *err)
{
    const struct socm_launch *l = j->l;
    const struct socm_task *t = l->task;
    mkdirs(l->sandbox);
    /* Absolute: Slurm resolves --output against --chdir, on another host. */
    char *dir = realpath(l->sandbox, NULL);
    if (!dir)
        return socm_error_errno(err, "%s", l->sandbox);
    char *script = socm_asprintf("%s/socm-job.sh", dir);
    char *argvf = socm_asprintf("%s/socm-argv.nul", dir);
    char *envf = socm_asprintf("%s/socm-env.nul", dir);
    int rc = -1;
    FILE *f = fopen(script, "w");
    if (!f) {
        socm_error_errno(err, "%s", script);
        goto out;
    }
    fputs(batch_script, f);
    if (fclose(f) != 0) {
        socm_error_errno(err, "%s", script);
        goto out;
    }
    /* The workflow's environment, then what socm tells every command. */
    struct socm_strv env = SOCM_STRV_INIT;
    socm_strv_copy(&env, &t->env);
    socm_task_socm_env(t, s->campaign, l->attempt, dir, &env);
    int wrc = write_nul_file(envf, env.v, env.n, err);
    socm_strv_free(&env);
    if (write_nul_file(argvf, t->argv.v, t->argv.n, err) < 0 || wrc < 0)
        goto out;
    int64_t threads = t->threads > 0 ? t->threads : 1;
    int64_t ranks = t->cores > threads ? t->cores / threads : 1;
    struct socm_strv args = SOCM_STRV_INIT;
    socm_strv_pushf(&args, "--job-name=%s", s->job_name);
    socm_strv_pushf(&args, "--chdir=%s", dir);
    char *out_dir = percent_escape(dir);
    socm_strv_pushf(&args, "--output=%s/slurm-%%j.out", out_dir);
    free(out_dir);
    socm_strv_pushf(&args, "--ntasks=%" PRId64, ranks);
    socm_strv_pushf(&args, "--cpus-per-task=%" PRId64, threads);
    if (t->memory_mb > 0)
        socm_strv_pushf(&args, "--mem-per-cpu=%.0f", ceil(t->memory_mb / (double)(ranks * threads)));
    if (t->walltime_min > 0) /* Slurm counts whole minutes */
        socm_strv_pushf(&args, "--time=%.0f", ceil(t->walltime_min));
    j->qos = pick_qos(s, t);
    if (j->qos || t->qos)
        socm_strv_pushf(&args, "--qos=%s", j->qos ? j->qos : t->qos);
    socm_slurm_where_args(&s->where, &args);
    if (l->nafter) {
        /* Slurm cancels it if a predecessor fails (no job left pending forever with
         * DependencyNeverSatisfied); socm records it CANCELED. */
        struct socm_buf dep = SOCM_BUF_INIT;
        socm_buf_puts(&dep, "--dependency=afterok");
        for (size_t k = 0; k < l->nafter; k++)
            socm_buf_printf(&dep, ":%ld", l->after[k]);
        socm_strv_push_owned(&args, socm_buf_steal(&dep));
        socm_strv_push(&args, "--kill-on-invalid-dep=yes");
    }
    socm_strv_push(&args, "--export=ALL");
    /* A node failure is not the workflow's: Slurm runs the job again under its id
     * (dependants' afterok stays valid), whatever the site's JobRequeue default. */
    socm_strv_push(&args, "--requeue");
    bool retry = false;
    j->intent_t = socm_now();
    if (socm_sj_job_file_write(dir, l->attempt, 0, j->intent_t, err) == 0) {
        rc = socm_slurm_sbatch(&args, script, &j->id, &retry, err);
        if (rc == 0) {
            struct socm_error ferr = {0}; /* the intent alone finds the job again */
            socm_sj_job_file_write(dir, l->attempt, j->id, j->intent_t, &ferr);
        }
    }
    socm_strv_free(&args);
    if (rc < 0 && retry) {
        rc = 1;
        j->lookup = true; /* a timed-out sbatch may have been accepted all the same */
    }
out:
    free(script), free(argvf), free(envf), free(dir);
    return rc;
}

/* history_sacct.c — a run's measures: from Slurm accounting (the rows of the one sacct
 * parser, slurm/) the way slurmise does it — Elapsed of the job (or step), MaxRSS ×
 * NTasks of the largest step in MB, TotalCPU, State — and for local runs from
 * wait4()'s rusage. */
#include "predict/history.h"

#include "slurm/slurm.h"
#include "util/str.h"

#include <string.h>
#include <sys/resource.h>

/* Whether sacct JobID `id` is a step of `want` (which names a job, not a step). */
static bool is_step_of(const char *id, const char *want)
{
    size_t n = strlen(want);
    return strncmp(id, want, n) == 0 && id[n] == '.' && !strchr(want, '.');
}

int socm_history_run_from_sacct(const struct socm_sacct *acct, const char *jobid,
                                struct socm_history_run *run, struct socm_error *err)
{
    bool found = false;
    double max_rss = 0, step_cpu = 0, job_cpu = -1;
    for (size_t i = 0; i < acct->n; i++) {
        const struct socm_sacct_row *r = &acct->v[i];
        bool self = strcmp(r->jobid, jobid) == 0;
        if (!self && !is_step_of(r->jobid, jobid))
            continue;
        double rss_mb = r->max_rss_kib > 0 ? (double)r->max_rss_kib / 1024.0 : 0;
        double tasks = r->ntasks > 0 ? (double)r->ntasks : 1;
        if (rss_mb * tasks > max_rss)
            max_rss = rss_mb * tasks;
        if (self) {
            found = true;
            run->elapsed_s = r->elapsed_s > 0 ? (double)r->elapsed_s : 0;
            job_cpu = r->cpu_s;
            free(run->state);
            run->state = socm_strndup(r->state_text, strcspn(r->state_text, " "));
        } else if (r->cpu_s > 0) {
            step_cpu += r->cpu_s;
        }
    }
    if (!found)
        return socm_error_set(err, SOCM_E_INPUT, "sacct has no record of job %s", jobid);
    run->max_rss_mb = max_rss;
    run->cpu_s = job_cpu > 0 ? job_cpu : step_cpu;
    free(run->location);
    run->location = socm_strdup(jobid);
    return 0;
}

void socm_history_run_set_rusage(struct socm_history_run *run, const struct rusage *ru,
                                 double elapsed_s)
{
    run->elapsed_s = elapsed_s;
    run->max_rss_mb = (double)ru->ru_maxrss / 1024.0; /* Linux: KiB */
    run->cpu_s = (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
                 (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
    free(run->location);
    run->location = socm_strdup("local");
}

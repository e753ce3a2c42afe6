/* history_sacct.c — a run's measures: from Slurm accounting (the rows of the one sacct
 * parser, slurm/) the way slurmise does it — Elapsed of the job (or step), MaxRSS ×
 * NTasks of the largest step in MB, TotalCPU, State — and for local runs from
 * wait4()'s rusage; and months of sacct rows turned into history runs for
 * `socm history import --sacct`, features from the job specifications. */
#include "predict/history.h"

#include "predict/jobspec.h"
#include "slurm/slurm.h"
#include "util/str.h"

#include <fnmatch.h>
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

/* The job specification whose job_prefix starts the command line at a word — the
 * whole line, or after "sbatch [options] ", a path's '/', '=' or a quote (so that
 * "sbatch -n4 ./mapmaker.sh --data 3" and "--wrap='mapmaker ...'" are found); the
 * earliest such place wins. *from gets the command from there (a closing quote cut). */
static const struct socm_jobspec *match_line(const struct socm_jobspecs *specs, const char *line, char **from)
{
    for (const char *p = line; *p; p++) {
        char before = p == line ? ' ' : p[-1];
        if (!strchr(" \t=/'\"", before) || *p == ' ')
            continue;
        const struct socm_jobspec *j = socm_jobspecs_match(specs, p);
        if (!j)
            continue;
        *from = socm_strdup(p);
        size_t n = strlen(*from);
        if ((before == '\'' || before == '"') && n > 0 && (*from)[n - 1] == before)
            (*from)[n - 1] = '\0';
        return j;
    }
    return NULL;
}

/* The job specification whose job_prefix begins a job name ("mapmaker_" of
 * "mapmaker_f090_40": the longest), with *cmd = "PREFIX REST" for its job_spec. */
static const struct socm_jobspec *match_name(const struct socm_jobspecs *specs, const char *name, char **cmd)
{
    for (size_t k = strlen(name); k > 0; k--) {
        char *split = socm_asprintf("%.*s %s", (int)k, name, name + k);
        const struct socm_jobspec *j = socm_jobspecs_match(specs, split);
        if (j) {
            *cmd = split;
            return j;
        }
        free(split);
    }
    return NULL;
}

/* Features of one job: from its command line, else from its name. 1 = matched,
 * 0 = no specification matches, -1 = a specification matched but failed (err). */
static int job_features(const struct socm_jobspecs *specs, const struct socm_sacct_row *r,
                        struct socm_history_run *run, struct socm_error *err)
{
    const char *texts[2] = {r->submit_line, r->name};
    for (int k = 0; k < 2; k++) {
        char *cmd = NULL;
        const struct socm_jobspec *j = !texts[k] || !*texts[k] ? NULL
                                     : k == 0 ? match_line(specs, texts[k], &cmd) : match_name(specs, texts[k], &cmd);
        if (!j)
            continue;
        int rc = socm_jobspec_parse(specs, j, cmd, &run->categorical_json, &run->numeric_json, err);
        free(cmd);
        if (rc != 0)
            return -1;
        run->job_name = socm_strdup(socm_jobspec_name(j));
        return 1;
    }
    return 0;
}

void socm_sacct_import_free(struct socm_sacct_import *imp)
{
    socm_history_runs_free(&imp->runs);
    socm_strv_free(&imp->problems);
    memset(imp, 0, sizeof *imp);
}

/* One allocation row (and its steps, rows [0, n) of `rows`) as a run; 1 made, 0
 * skipped (counted). */
static int import_job(const struct socm_sacct_row *rows, size_t n, const struct socm_jobspecs *specs,
                      struct socm_sacct_import *imp, struct socm_history_run *run)
{
    const struct socm_sacct_row *r = &rows[0];
    memset(run, 0, sizeof *run);
    if (!socm_slurm_state_is_final(r->state)) {
        imp->unfinished++;
        return 0;
    }
    struct socm_error e = {0};
    int m = specs ? job_features(specs, r, run, &e) : 0;
    if (m < 0) {
        socm_strv_pushf(&imp->problems, "job %s (%s): %s", r->jobid, r->name, e.msg);
        socm_history_run_clear(run);
        imp->unparsed++;
        return 0;
    }
    if (m == 0 && specs) {
        imp->unmatched++;
        return 0;
    }
    if (m == 0) { /* no specifications: the job's name, no features */
        run->job_name = socm_strdup(*r->name ? r->name : "slurm-job");
        run->categorical_json = socm_strdup("{}");
        run->numeric_json = socm_strdup("{}");
    }
    struct socm_sacct view = {(struct socm_sacct_row *)rows, n, 0};
    if (socm_history_run_from_sacct(&view, r->jobid, run, &e) != 0) {
        socm_history_run_clear(run);
        imp->unparsed++;
        return 0;
    }
    run->workflow = socm_strdup("sacct");
    run->command = socm_strdup(r->submit_line ? r->submit_line : "");
    run->resource = socm_strdup("slurm");
    run->ranks = 1;
    run->threads = r->alloc_cpus > 0 ? r->alloc_cpus : 1;
    double start = socm_slurm_time_parse(r->start), end = socm_slurm_time_parse(r->end);
    run->started_at = start > 0 ? start : 0;
    run->finished_at = end > 0 ? end : 0;
    /* a job is this id started at this time: importing it again adds nothing */
    run->fingerprint = socm_asprintf("slurm:%s@%s", r->jobid, r->start ? r->start : "");
    return 1;
}

int socm_history_runs_from_sacct_import(const struct socm_sacct *acct, const struct socm_jobspecs *specs,
                                        const char *name_pattern, struct socm_sacct_import *imp)
{
    memset(imp, 0, sizeof *imp);
    for (size_t i = 0; i < acct->n;) {
        size_t k = i + 1; /* a job's steps follow its allocation row */
        while (k < acct->n && acct->v[k].step && acct->v[k].job == acct->v[i].job &&
               strncmp(acct->v[k].jobid, acct->v[i].jobid, strlen(acct->v[i].jobid)) == 0)
            k++;
        const struct socm_sacct_row *r = &acct->v[i];
        if (r->step) { /* a step without its job (cut off by --starttime): not a run */
            i = k;
            continue;
        }
        imp->jobs++;
        if (name_pattern && fnmatch(name_pattern, r->name ? r->name : "", 0) != 0) {
            imp->other_names++;
            i = k;
            continue;
        }
        struct socm_history_run run;
        if (import_job(&acct->v[i], k - i, specs, imp, &run) == 1) {
            if (imp->runs.n == imp->runs.cap) {
                imp->runs.cap = imp->runs.cap ? 2 * imp->runs.cap : 64;
                imp->runs.v = socm_xrealloc(imp->runs.v, imp->runs.cap * sizeof *imp->runs.v);
            }
            imp->runs.v[imp->runs.n++] = run;
        }
        i = k;
    }
    return 0;
}

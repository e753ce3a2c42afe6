/* history_sacct.c — a run's measures: from Slurm accounting (sacct -P lines) the way
 * slurmise does it — Elapsed of the job (or step), MaxRSS × NTasks of the largest
 * step in MB, TotalCPU, State — and for local runs from wait4()'s rusage. */
#include "predict/history.h"

#include "util/str.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

double socm_slurm_duration_s(const char *s)
{
    if (!s || !*s)
        return -1;
    double days = 0;
    const char *dash = strchr(s, '-');
    if (dash) {
        char *end;
        days = strtod(s, &end);
        if (end != dash || days < 0)
            return -1;
        s = dash + 1;
    }
    double parts[3];
    int n = 0;
    const char *p = s;
    for (;;) {
        if (n == 3 || !isdigit((unsigned char)*p))
            return -1;
        char *end;
        parts[n++] = strtod(p, &end);
        if (*end == ':') {
            p = end + 1;
            continue;
        }
        if (*end != '\0')
            return -1;
        break;
    }
    double sec = 0;
    for (int i = 0; i < n; i++)
        sec = sec * 60 + parts[i];
    if (dash && n == 3)
        return days * 86400 + sec;
    if (dash) /* D-HH or D-HH:MM */
        return days * 86400 + (n == 1 ? parts[0] * 3600 : parts[0] * 3600 + parts[1] * 60);
    return sec;
}

double socm_slurm_memory_mb(const char *s)
{
    if (!s || !*s)
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0 || !isfinite(v))
        return -1;
    switch (toupper((unsigned char)*end)) {
    case '\0': return v / (1024.0 * 1024.0); /* --noconvert: bytes */
    case 'K': v /= 1024.0; break;
    case 'M': break;
    case 'G': v *= 1024.0; break;
    case 'T': v *= 1024.0 * 1024.0; break;
    default: return -1;
    }
    return end[1] == '\0' ? v : -1;
}

/* Splits one -P line into its 6 fields (in place). */
static int split_fields(char *line, char *f[6])
{
    int n = 0;
    f[n++] = line;
    for (char *p = line; *p; p++)
        if (*p == '|') {
            *p = '\0';
            if (n == 6)
                return -1;
            f[n++] = p + 1;
        }
    return n == 6 ? 0 : -1;
}

/* Whether sacct JobID `id` is `want` itself or (when want has no step) a step of it. */
static bool is_step_of(const char *id, const char *want)
{
    size_t n = strlen(want);
    return strncmp(id, want, n) == 0 && id[n] == '.' && !strchr(want, '.');
}

int socm_history_parse_sacct(const char *text, const char *jobid, struct socm_history_run *run,
                             struct socm_error *err)
{
    char *copy = socm_strdup(text);
    bool found = false;
    double max_rss = 0, step_cpu = 0, job_cpu = -1;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[6];
        if (split_fields(line, f) != 0)
            continue;
        bool self = strcmp(f[0], jobid) == 0;
        if (!self && !is_step_of(f[0], jobid))
            continue;
        double rss = socm_slurm_memory_mb(f[2]);
        long tasks = *f[3] ? strtol(f[3], NULL, 10) : 1;
        if (rss > 0 && rss * (double)(tasks > 0 ? tasks : 1) > max_rss)
            max_rss = rss * (double)(tasks > 0 ? tasks : 1);
        double cpu = socm_slurm_duration_s(f[4]);
        if (self) {
            found = true;
            double el = socm_slurm_duration_s(f[1]);
            run->elapsed_s = el > 0 ? el : 0;
            job_cpu = cpu;
            free(run->state);
            run->state = socm_strndup(f[5], strcspn(f[5], " "));
        } else if (cpu > 0) {
            step_cpu += cpu;
        }
    }
    free(copy);
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

/* slurm_parse.c — parsers of Slurm command output (sacct -P, squeue, sinfo,
 * sacctmgr show qos -P): tables of lines and fields. Pure functions of their text, so
 * they can be fuzzed: a malformed line is skipped and counted; an odd value becomes -1
 * ("not known"). The values inside (states, durations, sizes...) are slurm_values.c's. */
#include "slurm/slurm.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- small text helpers ---- */

/* Splits one line (without its newline) at sep into copies. */
static void split(const char *s, size_t len, char sep, struct socm_strv *out)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == sep) {
            socm_strv_push_owned(out, socm_strndup(s + start, i - start));
            start = i + 1;
        }
    }
}

/* Calls fn on each non-blank line of text (handles \r\n). */
typedef void (*line_fn)(const char *line, size_t len, void *ctx);
static void each_line(const char *text, line_fn fn, void *ctx)
{
    if (!text)
        return;
    const char *p = text;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        size_t l = len;
        while (l > 0 && (p[l - 1] == '\r' || p[l - 1] == ' ' || p[l - 1] == '\t'))
            l--;
        if (l > 0)
            fn(p, l, ctx);
        p += len;
        if (*p == '\n')
            p++;
    }
}
/* "123", "123.batch", "123_4.0", "123+1.0" → job 123, step after the first '.'. */
static int64_t split_jobid(const char *jobid, char **step)
{
    *step = NULL;
    const char *dot = strchr(jobid, '.');
    size_t n = dot ? (size_t)(dot - jobid) : strlen(jobid);
    size_t digits = strspn(jobid, "0123456789");
    if (digits == 0 || digits > 18 || (digits < n && jobid[digits] != '_' && jobid[digits] != '+'))
        return -1;
    if (dot) {
        if (!dot[1])
            return -1;
        *step = socm_strdup(dot + 1);
    }
    char buf[24];
    memcpy(buf, jobid, digits);
    buf[digits] = '\0';
    return socm_slurm_count_parse(buf);
}

/* ---- header-driven '|' tables (sacct -P, sacctmgr -P) ---- */

struct ptable {
    struct socm_strv header;
    bool have_header;
    const char *must;    /* the column that identifies the header line */
    const char *freecol; /* column whose text may contain '|' (rejoined), or NULL */
    int freeidx;
    void (*row)(struct ptable *t, struct socm_strv *f);
    size_t *n_bad;
    void *out;
    const char *prefer_free; /* when the header has this column, it is the free one */
};

static int col(const struct ptable *t, const char *name)
{
    for (size_t i = 0; i < t->header.n; i++)
        if (!strcasecmp(t->header.v[i], name))
            return (int)i;
    return -1;
}

static const char *field(const struct ptable *t, const struct socm_strv *f, const char *name)
{
    int i = col(t, name);
    return i >= 0 && (size_t)i < f->n ? f->v[i] : "";
}

/* Rejoins fields freeidx..freeidx+extra into one (a name that contained '|'). */
static void rejoin(struct socm_strv *f, int freeidx, size_t extra)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i <= extra; i++) {
        if (i)
            socm_buf_putc(&b, '|');
        socm_buf_puts(&b, f->v[freeidx + i]);
        free(f->v[freeidx + i]);
    }
    f->v[freeidx] = socm_buf_steal(&b);
    memmove(&f->v[freeidx + 1], &f->v[freeidx + 1 + extra], (f->n - freeidx - 1 - extra + 1) * sizeof *f->v);
    f->n -= extra;
}

static void ptable_line(const char *line, size_t len, void *ctx)
{
    struct ptable *t = ctx;
    struct socm_strv f = SOCM_STRV_INIT;
    split(line, len, '|', &f);
    /* With -P, sacct/sacctmgr end each line with '|' in some versions: drop it. */
    if (f.n > 1 && f.v[f.n - 1][0] == '\0' && (!t->have_header || f.n == t->header.n + 1)) {
        free(f.v[--f.n]);
        f.v[f.n] = NULL;
    }
    if (!t->have_header) {
        t->header = f;
        t->have_header = col(t, t->must) >= 0;
        if (!t->have_header) {
            socm_strv_free(&t->header);
            (*t->n_bad)++;
        } else if (t->prefer_free && col(t, t->prefer_free) >= 0) {
            t->freeidx = col(t, t->prefer_free);
        } else if (t->freecol) {
            t->freeidx = col(t, t->freecol);
        }
        return;
    }
    if (f.n > t->header.n && t->freecol && t->freeidx >= 0)
        rejoin(&f, t->freeidx, f.n - t->header.n);
    if (f.n != t->header.n)
        (*t->n_bad)++;
    else
        t->row(t, &f);
    socm_strv_free(&f);
}

/* ---- sacct ---- */

static void sacct_row(struct ptable *t, struct socm_strv *f)
{
    struct socm_sacct *s = t->out;
    const char *jobid = field(t, f, "JobID");
    char *step;
    int64_t job = split_jobid(jobid, &step);
    if (job < 0) {
        s->n_bad++;
        free(step);
        return;
    }
    s->v = socm_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    struct socm_sacct_row *r = &s->v[s->n++];
    memset(r, 0, sizeof *r);
    r->jobid = socm_strdup(jobid);
    r->job = job;
    r->step = step;
    r->name = socm_strdup(field(t, f, "JobName"));
    r->state_text = socm_strdup(field(t, f, "State"));
    r->state = socm_slurm_state_parse(r->state_text);
    socm_slurm_exitcode_parse(field(t, f, "ExitCode"), &r->exit_code, &r->exit_signal);
    r->elapsed_s = socm_slurm_duration_parse(field(t, f, "Elapsed"));
    if (r->elapsed_s == INT64_MAX)
        r->elapsed_s = -1;
    /* MaxRSS belongs to steps; an allocation row never carries it. */
    r->max_rss_kib = step ? socm_slurm_size_kib_parse(field(t, f, "MaxRSS")) : -1;
    r->ntasks = socm_slurm_count_parse(field(t, f, "NTasks"));
    int64_t cpu = socm_slurm_duration_parse(field(t, f, "TotalCPU"));
    r->cpu_s = cpu >= 0 && cpu != INT64_MAX ? (double)cpu : -1;
    r->nodelist = socm_strdup(field(t, f, "NodeList"));
    r->start = socm_strdup(field(t, f, "Start"));
    r->end = socm_strdup(field(t, f, "End"));
    r->submit_line = socm_strdup(field(t, f, "SubmitLine"));
    r->alloc_cpus = socm_slurm_count_parse(field(t, f, "AllocCPUS"));
}

int socm_sacct_parse(const char *text, struct socm_sacct *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    /* a command line is likelier than a job name to hold '|' */
    struct ptable t = {SOCM_STRV_INIT, false, "JobID", "JobName", -1, sacct_row, &out->n_bad, out, "SubmitLine"};
    each_line(text, ptable_line, &t);
    bool had_text = t.have_header || out->n_bad > 0;
    bool ok = t.have_header;
    socm_strv_free(&t.header);
    if (!ok && had_text)
        return socm_error_set(err, SOCM_E_FAILED, "sacct output has no header line with JobID");
    return 0;
}

void socm_sacct_free(struct socm_sacct *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct socm_sacct_row *r = &s->v[i];
        free(r->jobid), free(r->step), free(r->name), free(r->state_text);
        free(r->nodelist), free(r->start), free(r->end), free(r->submit_line);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

const struct socm_sacct_row *socm_sacct_find_job(const struct socm_sacct *s, int64_t job)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].job == job && !s->v[i].step)
            return &s->v[i];
    return NULL;
}

int64_t socm_sacct_job_max_rss_kib(const struct socm_sacct *s, int64_t job, int64_t *ntasks)
{
    int64_t best = -1, tasks = 1;
    for (size_t i = 0; i < s->n; i++) {
        const struct socm_sacct_row *r = &s->v[i];
        if (r->job == job && r->step && r->max_rss_kib > best) {
            best = r->max_rss_kib;
            tasks = r->ntasks > 0 ? r->ntasks : 1;
        }
    }
    if (ntasks)
        *ntasks = tasks;
    return best;
}

/* ---- squeue ---- */

static void squeue_line(const char *line, size_t len, void *ctx)
{
    struct socm_squeue *q = ctx;
    struct socm_strv f = SOCM_STRV_INIT;
    split(line, len, '|', &f);
    char *step = NULL;
    int64_t job = f.n >= 6 ? split_jobid(f.v[0], &step) : -1;
    if (job < 0 || step) {
        q->n_bad++;
        free(step);
        socm_strv_free(&f);
        return;
    }
    if (f.n > 6)
        rejoin(&f, 5, f.n - 6);
    q->v = socm_xrealloc(q->v, (q->n + 1) * sizeof *q->v);
    struct socm_squeue_row *r = &q->v[q->n++];
    r->jobid = socm_strdup(f.v[0]);
    r->job = job;
    r->state = socm_slurm_state_parse(f.v[1]);
    r->elapsed_s = socm_slurm_duration_parse(f.v[2]);
    if (r->elapsed_s == INT64_MAX)
        r->elapsed_s = -1;
    r->nodes = socm_slurm_count_parse(f.v[3]);
    /* %R prints the pending reason in parentheses. */
    const char *reason = f.v[4];
    size_t rl = strlen(reason);
    if (rl >= 2 && reason[0] == '(' && reason[rl - 1] == ')')
        r->reason = socm_strndup(reason + 1, rl - 2);
    else
        r->reason = socm_strdup(reason);
    r->name = socm_strdup(f.v[5]);
    socm_strv_free(&f);
}

void socm_squeue_parse(const char *text, struct socm_squeue *out)
{
    memset(out, 0, sizeof *out);
    each_line(text, squeue_line, out);
}

void socm_squeue_free(struct socm_squeue *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].jobid), free(q->v[i].reason), free(q->v[i].name);
    free(q->v);
    memset(q, 0, sizeof *q);
}

/* ---- job, state, submit time, working directory (squeue or sacct) ---- */

/* "ID|STATE|SUBMIT|WORKDIR": the directory is last, so a '|' in it stays in it. */
static void jobdir_line(const char *line, size_t len, void *ctx)
{
    struct socm_slurm_jobdirs *d = ctx;
    struct socm_strv f = SOCM_STRV_INIT;
    split(line, len, '|', &f);
    char *step = NULL;
    int64_t job = f.n >= 4 ? split_jobid(f.v[0], &step) : -1;
    if (job < 0 || step) {
        d->n_bad++;
        free(step);
        socm_strv_free(&f);
        return;
    }
    if (f.n > 4)
        rejoin(&f, 3, f.n - 4);
    d->v = socm_xrealloc(d->v, (d->n + 1) * sizeof *d->v);
    struct socm_slurm_jobdir *r = &d->v[d->n++];
    r->job = job;
    r->state = socm_slurm_state_parse(f.v[1]);
    r->submit = socm_slurm_time_parse(f.v[2]);
    r->workdir = socm_strdup(f.v[3]);
    socm_strv_free(&f);
}

void socm_slurm_jobdirs_parse(const char *text, struct socm_slurm_jobdirs *out)
{
    memset(out, 0, sizeof *out);
    each_line(text, jobdir_line, out);
}

void socm_slurm_jobdirs_free(struct socm_slurm_jobdirs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].workdir);
    free(d->v);
    memset(d, 0, sizeof *d);
}

/* ---- sinfo ---- */

static void sinfo_line(const char *line, size_t len, void *ctx)
{
    struct socm_sinfo *s = ctx;
    struct socm_strv f = SOCM_STRV_INIT;
    split(line, len, '|', &f);
    int64_t cpus = f.n == 5 ? socm_slurm_count_parse(f.v[2]) : -1;
    /* Memory may print as "8000+" when nodes of a group differ. */
    if (f.n == 5) {
        size_t ml = strlen(f.v[3]);
        if (ml > 1 && f.v[3][ml - 1] == '+')
            f.v[3][ml - 1] = '\0';
    }
    int64_t mem = f.n == 5 ? socm_slurm_count_parse(f.v[3]) : -1;
    if (cpus < 0 || mem < 0 || !f.v[0][0]) {
        s->n_bad++;
        socm_strv_free(&f);
        return;
    }
    s->v = socm_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    struct socm_sinfo_node *n = &s->v[s->n++];
    n->name = socm_strdup(f.v[0]);
    n->state = socm_strdup(f.v[1]);
    n->cpus = cpus;
    n->memory_mb = mem;
    size_t pl = strlen(f.v[4]);
    n->default_partition = pl > 0 && f.v[4][pl - 1] == '*';
    n->partition = socm_strndup(f.v[4], n->default_partition ? pl - 1 : pl);
    socm_strv_free(&f);
}

void socm_sinfo_parse(const char *text, struct socm_sinfo *out)
{
    memset(out, 0, sizeof *out);
    each_line(text, sinfo_line, out);
}

void socm_sinfo_free(struct socm_sinfo *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].name), free(s->v[i].state), free(s->v[i].partition);
    free(s->v);
    memset(s, 0, sizeof *s);
}

bool socm_sinfo_node_usable(const struct socm_sinfo_node *n)
{
    static const char *bad[] = {"down", "drain", "fail", "maint", "inval", "unknown", "future"};
    if (strchr(n->state, '*'))
        return false; /* not responding */
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (strcasestr(n->state, bad[i]))
            return false;
    return true;
}

/* ---- sacctmgr show qos -P ---- */

/* A limit column: blank means no limit (-1). */
static int64_t limit(const char *s)
{
    int64_t v = socm_slurm_count_parse(s);
    return v < 0 ? -1 : v;
}

static void qos_row(struct ptable *t, struct socm_strv *f)
{
    struct socm_slurm_qoslist *l = t->out;
    const char *name = field(t, f, "Name");
    if (!name[0]) {
        l->n_bad++;
        return;
    }
    l->v = socm_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    struct socm_slurm_qos *q = &l->v[l->n++];
    q->name = socm_strdup(name);
    q->priority = limit(field(t, f, "Priority"));
    q->max_wall_s = socm_slurm_duration_parse(field(t, f, "MaxWall"));
    if (q->max_wall_s == INT64_MAX)
        q->max_wall_s = -1;
    q->max_jobs_pu = limit(field(t, f, "MaxJobsPU"));
    q->max_submit_pu = limit(field(t, f, "MaxSubmitPU"));
    q->grp_cpus = socm_slurm_tres_get(field(t, f, "GrpTRES"), "cpu");
    q->max_cpus_pu = socm_slurm_tres_get(field(t, f, "MaxTRESPU"), "cpu");
    q->max_cpus_job = socm_slurm_tres_get(field(t, f, "MaxTRES"), "cpu");
}

int socm_slurm_qos_parse(const char *text, struct socm_slurm_qoslist *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct ptable t = {SOCM_STRV_INIT, false, "Name", NULL, -1, qos_row, &out->n_bad, out, NULL};
    each_line(text, ptable_line, &t);
    bool had_text = t.have_header || out->n_bad > 0;
    bool ok = t.have_header;
    socm_strv_free(&t.header);
    if (!ok && had_text)
        return socm_error_set(err, SOCM_E_FAILED, "sacctmgr output has no header line with Name");
    return 0;
}

void socm_slurm_qoslist_free(struct socm_slurm_qoslist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].name);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int64_t socm_slurm_qos_max_cores(const struct socm_slurm_qos *q)
{
    int64_t v[3] = {q->grp_cpus, q->max_cpus_pu, q->max_cpus_job}, best = -1;
    for (int i = 0; i < 3; i++)
        if (v[i] >= 0 && (best < 0 || v[i] < best))
            best = v[i];
    return best;
}

/* ---- sacctmgr show assoc format=qos ---- */

static void assoc_line(const char *line, size_t len, void *ctx)
{
    struct socm_strv *names = ctx;
    struct socm_strv f = SOCM_STRV_INIT;
    split(line, len, ',', &f);
    for (size_t i = 0; i < f.n; i++) {
        const char *q = f.v[i];
        /* A QoS name is one word; anything else (an error message) is skipped. */
        if (!q[0] || strpbrk(q, " |:\t"))
            continue;
        bool seen = false;
        for (size_t j = 0; j < names->n && !seen; j++)
            seen = !strcmp(names->v[j], q);
        if (!seen)
            socm_strv_push(names, q);
    }
    socm_strv_free(&f);
}

void socm_slurm_assoc_qos_parse(const char *text, struct socm_strv *names)
{
    each_line(text, assoc_line, names);
}

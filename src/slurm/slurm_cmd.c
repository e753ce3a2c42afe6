/* slurm_cmd.c — runs Slurm's commands for socm: each is an argv array (values never
 * pass through a shell), with a timeout, its output handed to the parsers in
 * slurm_parse.c. A refusal carries the command's own message in the error. */
#include "slurm/slurm.h"

#include "util/child.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double socm_slurm_timeout(void)
{
    const char *s = getenv("SOCM_SLURM_TIMEOUT");
    double t = s ? atof(s) : 0;
    return t > 0 ? t : 60;
}

/* Counted per process so that a run can say how many commands it cost (benchmark);
 * atomic, as the slurm-pilot enactor runs its commands in a worker thread. */
static _Atomic size_t n_calls[SOCM_SLURM_NCMD];
static const char *const cmd_names[SOCM_SLURM_NCMD] = {"sbatch", "squeue", "sacct", "scancel",
                                                         "sinfo",  "sacctmgr", "scontrol"};

size_t socm_slurm_calls(enum socm_slurm_cmd cmd)
{
    return cmd < SOCM_SLURM_NCMD ? n_calls[cmd] : 0;
}

const char *socm_slurm_cmd_name(enum socm_slurm_cmd cmd)
{
    return cmd < SOCM_SLURM_NCMD ? cmd_names[cmd] : "?";
}

/* A new argv whose argv[0] is the command: from $SOCM_SLURM_BINDIR if set, else PATH. */
static struct socm_strv command(enum socm_slurm_cmd cmd)
{
    struct socm_strv argv = SOCM_STRV_INIT;
    const char *dir = getenv("SOCM_SLURM_BINDIR");
    if (dir && *dir)
        socm_strv_pushf(&argv, "%s/%s", dir, cmd_names[cmd]);
    else
        socm_strv_push(&argv, cmd_names[cmd]);
    return argv;
}

/* What the command said about its failure: stderr, else stdout, trailing blanks cut. */
static void set_failure(struct socm_error *err, const char *cmd, const struct socm_child_result *r)
{
    const char *m = r->errtext[0] ? r->errtext : r->out;
    int len = (int)strlen(m);
    while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
        len--;
    socm_error_set(err, SOCM_E_FAILED, "%s failed (exit %d): %.*s", cmd, r->status, len, m);
}

/* Turns a command's stdout into the caller's value; returns 0 or -1 with err. */
typedef int (*parse_fn)(const char *out, void *dst, struct socm_error *err);

/* The one pattern of every wrapper: run argv (consumed) with the timeout; on success
 * hand stdout to parse (may be NULL). A non-zero exit is a failure with the command's
 * message, unless `benign` (may be NULL) is found in that message: then it is an
 * empty answer (parse is not called). */
static int run(enum socm_slurm_cmd cmd, struct socm_strv *argv, const char *benign, parse_fn parse, void *dst,
               struct socm_error *err)
{
    n_calls[cmd]++;
    struct socm_child_result r;
    int rc = socm_child_run((const char *const *)argv->v, socm_slurm_timeout(), 0, &r, err);
    socm_strv_free(argv);
    if (rc < 0)
        return -1;
    if (r.timed_out)
        rc = socm_error_set(err, SOCM_E_FAILED, "%s: Socket timed out (no answer in %.0f s)", cmd_names[cmd],
                            socm_slurm_timeout());
    else if (r.status != 0 && !(benign && (strstr(r.errtext, benign) || strstr(r.out, benign)))) {
        set_failure(err, cmd_names[cmd], &r);
        rc = -1;
    } else if (r.status == 0 && parse)
        rc = parse(r.out, dst, err);
    socm_child_result_free(&r);
    return rc;
}

/* "--jobs=1,2,3" when ids has any. */
static void push_ids(struct socm_strv *argv, const struct socm_strv *ids)
{
    if (!ids || !ids->n)
        return;
    char *j = socm_strv_join(ids, ",");
    socm_strv_push_owned(argv, socm_asprintf("--jobs=%s", j));
    free(j);
}

static int parse_jobid(const char *out, void *dst, struct socm_error *err)
{
    int64_t *jobid = dst;
    *jobid = socm_slurm_jobid_parse(out);
    return *jobid < 0 ? socm_error_set(err, SOCM_E_FAILED, "sbatch printed no job id: %.200s", out) : 0;
}

int socm_slurm_sbatch(const struct socm_strv *args, const char *script, int64_t *jobid, bool *retryable,
                      struct socm_error *err)
{
    struct socm_strv argv = command(SOCM_SLURM_SBATCH);
    socm_strv_push(&argv, "--parsable");
    for (size_t i = 0; args && i < args->n; i++)
        socm_strv_push(&argv, args->v[i]);
    if (script)
        socm_strv_push(&argv, script);
    int rc = run(SOCM_SLURM_SBATCH, &argv, NULL, parse_jobid, jobid, err);
    if (retryable)
        *retryable = rc < 0 && socm_slurm_error_retryable(err->msg);
    return rc;
}

static int parse_squeue(const char *out, void *dst, struct socm_error *err)
{
    (void)err;
    socm_squeue_parse(out, dst);
    return 0;
}

int socm_slurm_squeue(const char *name, const struct socm_strv *ids, struct socm_squeue *out,
                      struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = command(SOCM_SLURM_SQUEUE);
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--states=all");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SQUEUE_FORMAT);
    if (name)
        socm_strv_pushf(&argv, "--name=%s", name);
    push_ids(&argv, ids);
    /* Every asked id has left the queue: that is an answer, not a failure. */
    return run(SOCM_SLURM_SQUEUE, &argv, "Invalid job id", parse_squeue, out, err);
}

static int parse_sacct(const char *out, void *dst, struct socm_error *err)
{
    return socm_sacct_parse(out, dst, err);
}

int socm_slurm_sacct(const char *name, const struct socm_strv *ids, const char *starttime,
                     struct socm_sacct *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = command(SOCM_SLURM_SACCT);
    socm_strv_push(&argv, "-P");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SACCT_FORMAT);
    /* Without --starttime sacct shows only today's jobs, unless ids are given
     * (then it searches from the epoch). */
    if (starttime || !ids || !ids->n)
        socm_strv_pushf(&argv, "--starttime=%s", starttime ? starttime : "now-7days");
    if (name)
        socm_strv_pushf(&argv, "--name=%s", name);
    push_ids(&argv, ids);
    return run(SOCM_SLURM_SACCT, &argv, NULL, parse_sacct, out, err);
}

int socm_slurm_sacct_history(const char *user, const char *starttime, struct socm_sacct *out,
                             struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = command(SOCM_SLURM_SACCT);
    socm_strv_push(&argv, "-P");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SACCT_HISTORY_FORMAT);
    socm_strv_pushf(&argv, "--starttime=%s", starttime ? starttime : "now-90days");
    if (user)
        socm_strv_pushf(&argv, "--user=%s", user);
    return run(SOCM_SLURM_SACCT, &argv, NULL, parse_sacct, out, err);
}

static int parse_jobdirs(const char *out, void *dst, struct socm_error *err)
{
    (void)err;
    socm_slurm_jobdirs_parse(out, dst);
    return 0;
}

int socm_slurm_jobdirs(const char *name, bool accounting, double since, struct socm_slurm_jobdirs *out,
                       struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!accounting) {
        struct socm_strv argv = command(SOCM_SLURM_SQUEUE);
        socm_strv_push(&argv, "--noheader");
        socm_strv_push(&argv, "--states=all");
        socm_strv_push(&argv, "--format=%i|%T|%V|%Z");
        socm_strv_pushf(&argv, "--name=%s", name);
        return run(SOCM_SLURM_SQUEUE, &argv, NULL, parse_jobdirs, out, err);
    }
    struct socm_strv argv = command(SOCM_SLURM_SACCT);
    socm_strv_push(&argv, "-n");
    socm_strv_push(&argv, "-X");
    socm_strv_push(&argv, "-P");
    socm_strv_push(&argv, "--format=JobID,State,Submit,WorkDir");
    time_t t = (time_t)(since > 0 ? since : 0);
    struct tm tm;
    char when[32];
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    socm_strv_pushf(&argv, "--starttime=%s", when);
    socm_strv_pushf(&argv, "--name=%s", name);
    return run(SOCM_SLURM_SACCT, &argv, NULL, parse_jobdirs, out, err);
}

static int parse_lines(const char *out, void *dst, struct socm_error *err);

int socm_slurm_steps(const char *job, struct socm_strv *steps, struct socm_error *err)
{
    if (!job || !*job)
        return socm_error_set(err, SOCM_E_INPUT, "no job id");
    struct socm_strv argv = command(SOCM_SLURM_SQUEUE);
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--steps");
    socm_strv_pushf(&argv, "--jobs=%s", job);
    socm_strv_push(&argv, "--format=%i");
    return run(SOCM_SLURM_SQUEUE, &argv, "Invalid job id", parse_lines, steps, err);
}

int socm_slurm_scancel(const struct socm_strv *ids, struct socm_error *err)
{
    if (!ids || !ids->n)
        return 0;
    struct socm_strv argv = command(SOCM_SLURM_SCANCEL);
    for (size_t i = 0; i < ids->n; i++)
        socm_strv_push(&argv, ids->v[i]);
    return run(SOCM_SLURM_SCANCEL, &argv, NULL, NULL, NULL, err);
}

static int parse_sinfo(const char *out, void *dst, struct socm_error *err)
{
    (void)err;
    socm_sinfo_parse(out, dst);
    return 0;
}

int socm_slurm_sinfo(struct socm_sinfo *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = command(SOCM_SLURM_SINFO);
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--Node");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SINFO_FORMAT);
    return run(SOCM_SLURM_SINFO, &argv, NULL, parse_sinfo, out, err);
}

static int parse_qos(const char *out, void *dst, struct socm_error *err)
{
    return socm_slurm_qos_parse(out, dst, err);
}

int socm_slurm_qos_show(struct socm_slurm_qoslist *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = command(SOCM_SLURM_SACCTMGR);
    socm_strv_push(&argv, "--parsable2");
    socm_strv_push(&argv, "show");
    socm_strv_push(&argv, "qos");
    socm_strv_pushf(&argv, "format=%s", SOCM_QOS_FORMAT);
    return run(SOCM_SLURM_SACCTMGR, &argv, NULL, parse_qos, out, err);
}

static int parse_assoc(const char *out, void *dst, struct socm_error *err)
{
    (void)err;
    socm_slurm_assoc_qos_parse(out, dst);
    return 0;
}

int socm_slurm_user_qos(const char *user, struct socm_strv *names, struct socm_error *err)
{
    struct socm_strv argv = command(SOCM_SLURM_SACCTMGR);
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--parsable2");
    socm_strv_push(&argv, "show");
    socm_strv_push(&argv, "assoc");
    socm_strv_push(&argv, "where");
    socm_strv_pushf(&argv, "user=%s", user);
    socm_strv_push(&argv, "format=qos");
    return run(SOCM_SLURM_SACCTMGR, &argv, NULL, parse_assoc, names, err);
}

/* One name per line, blank lines skipped. */
static int parse_lines(const char *out, void *dst, struct socm_error *err)
{
    (void)err;
    struct socm_strv *names = dst;
    const char *p = out;
    while (*p) {
        size_t n = strcspn(p, "\r\n");
        if (n)
            socm_strv_push_owned(names, socm_strndup(p, n));
        p += n;
        p += strspn(p, "\r\n");
    }
    return 0;
}

int socm_slurm_start_now(int64_t job, struct socm_error *err)
{
    struct socm_strv argv = command(SOCM_SLURM_SCONTROL);
    socm_strv_push(&argv, "update");
    socm_strv_pushf(&argv, "JobId=%" PRId64, job);
    socm_strv_push(&argv, "StartTime=now");
    return run(SOCM_SLURM_SCONTROL, &argv, NULL, NULL, NULL, err);
}

int socm_slurm_hostnames(const char *nodelist, struct socm_strv *names, struct socm_error *err)
{
    struct socm_strv argv = command(SOCM_SLURM_SCONTROL);
    socm_strv_push(&argv, "show");
    socm_strv_push(&argv, "hostnames");
    socm_strv_push(&argv, nodelist);
    return run(SOCM_SLURM_SCONTROL, &argv, NULL, parse_lines, names, err);
}

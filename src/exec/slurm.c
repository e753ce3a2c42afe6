/* slurm.c — runs Slurm's commands for socm: each is an argv array (values never
 * pass through a shell), with a timeout, its output handed to the parsers in
 * slurm_parse.c. A refusal carries the command's own message in the error. */
#include "exec/slurm.h"

#include "exec/slurm_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double socm_slurm_timeout(void)
{
    const char *s = getenv("SOCM_SLURM_TIMEOUT");
    double t = s ? atof(s) : 0;
    return t > 0 ? t : 60;
}

/* argv[0] for a Slurm command: from $SOCM_SLURM_BINDIR if set, else PATH. */
static void push_cmd(struct socm_strv *argv, const char *cmd)
{
    const char *dir = getenv("SOCM_SLURM_BINDIR");
    if (dir && *dir)
        socm_strv_pushf(argv, "%s/%s", dir, cmd);
    else
        socm_strv_push(argv, cmd);
}

/* Trims trailing blanks from a message copy for the error text. */
static const char *message_of(const struct socm_slurm_cmd_result *r)
{
    const char *m = r->errtext && r->errtext[0] ? r->errtext : r->out ? r->out : "";
    return m;
}

/* Runs argv; on failure (could not run, timeout, non-zero exit) fills err with the
 * command's message and returns -1. On success res holds the output. */
static int run(const struct socm_strv *argv, struct socm_slurm_cmd_result *res, struct socm_error *err)
{
    if (socm_slurm_cmd_run((const char *const *)argv->v, socm_slurm_timeout(), res, err) < 0)
        return -1;
    if (res->timed_out) {
        socm_error_set(err, SOCM_E_FAILED, "%s: Socket timed out (no answer in %.0f s)", argv->v[0],
                       socm_slurm_timeout());
        socm_slurm_cmd_result_free(res);
        return -1;
    }
    if (res->status != 0) {
        const char *m = message_of(res);
        int len = (int)strlen(m);
        while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == ' '))
            len--;
        socm_error_set(err, SOCM_E_FAILED, "%s failed (exit %d): %.*s", argv->v[0], res->status, len, m);
        return -1; /* res kept: callers may look at the text; they free it */
    }
    return 0;
}

/* Comma-joined ids, or NULL if none. */
static char *join_ids(const struct socm_strv *ids)
{
    return ids && ids->n ? socm_strv_join(ids, ",") : NULL;
}

int socm_slurm_sbatch(const struct socm_strv *args, const char *script, int64_t *jobid, bool *retryable,
                      struct socm_error *err)
{
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "sbatch");
    socm_strv_push(&argv, "--parsable");
    for (size_t i = 0; args && i < args->n; i++)
        socm_strv_push(&argv, args->v[i]);
    if (script)
        socm_strv_push(&argv, script);
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (retryable)
        *retryable = rc < 0 && socm_slurm_error_retryable(err->msg);
    if (rc == 0) {
        *jobid = socm_slurm_jobid_parse(res.out);
        if (*jobid < 0)
            rc = socm_error_set(err, SOCM_E_FAILED, "sbatch printed no job id: %.200s", res.out);
    }
    if (res.status >= 0)
        socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

int socm_slurm_squeue(const char *name, const struct socm_strv *ids, struct socm_squeue *out,
                      struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "squeue");
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--states=all");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SQUEUE_FORMAT);
    if (name)
        socm_strv_pushf(&argv, "--name=%s", name);
    char *j = join_ids(ids);
    if (j)
        socm_strv_push_owned(&argv, socm_asprintf("--jobs=%s", j));
    free(j);
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (rc == 0) {
        socm_squeue_parse(res.out, out);
    } else if (res.status > 0 && strstr(message_of(&res), "Invalid job id")) {
        /* Every asked id has left the queue: that is an answer, not a failure. */
        socm_error_clear(err);
        rc = 0;
    }
    if (res.status >= 0)
        socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

int socm_slurm_sacct(const char *name, const struct socm_strv *ids, const char *starttime,
                     struct socm_sacct *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "sacct");
    socm_strv_push(&argv, "-P");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SACCT_FORMAT);
    /* Without --starttime sacct shows only today's jobs. */
    socm_strv_pushf(&argv, "--starttime=%s", starttime ? starttime : "now-7days");
    if (name)
        socm_strv_pushf(&argv, "--name=%s", name);
    char *j = join_ids(ids);
    if (j)
        socm_strv_push_owned(&argv, socm_asprintf("--jobs=%s", j));
    free(j);
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (rc == 0)
        rc = socm_sacct_parse(res.out, out, err);
    if (res.status >= 0)
        socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

int socm_slurm_scancel(const struct socm_strv *ids, struct socm_error *err)
{
    if (!ids || !ids->n)
        return 0;
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "scancel");
    for (size_t i = 0; i < ids->n; i++)
        socm_strv_push(&argv, ids->v[i]);
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (res.status >= 0)
        socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

int socm_slurm_sinfo(struct socm_sinfo *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "sinfo");
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--Node");
    socm_strv_pushf(&argv, "--format=%s", SOCM_SINFO_FORMAT);
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (rc == 0)
        socm_sinfo_parse(res.out, out);
    if (res.status >= 0)
        socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

int socm_slurm_qos_show(struct socm_slurm_qoslist *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "sacctmgr");
    socm_strv_push(&argv, "--parsable2");
    socm_strv_push(&argv, "show");
    socm_strv_push(&argv, "qos");
    socm_strv_pushf(&argv, "format=%s", SOCM_QOS_FORMAT);
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (rc == 0)
        rc = socm_slurm_qos_parse(res.out, out, err);
    if (res.status >= 0)
        socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

int socm_slurm_user_qos(const char *user, struct socm_strv *names, struct socm_error *err)
{
    struct socm_strv argv = SOCM_STRV_INIT;
    push_cmd(&argv, "sacctmgr");
    socm_strv_push(&argv, "--noheader");
    socm_strv_push(&argv, "--parsable2");
    socm_strv_push(&argv, "show");
    socm_strv_push(&argv, "assoc");
    socm_strv_push(&argv, "where");
    socm_strv_pushf(&argv, "user=%s", user);
    socm_strv_push(&argv, "format=qos");
    struct socm_slurm_cmd_result res;
    int rc = run(&argv, &res, err);
    if (rc == 0)
        socm_slurm_assoc_qos_parse(res.out, names);
    socm_slurm_cmd_result_free(&res);
    socm_strv_free(&argv);
    return rc;
}

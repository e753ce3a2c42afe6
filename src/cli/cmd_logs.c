/* cmd_logs.c — `socm logs STATE_DIR NAME [--stderr] [--follow] [--attempt N]`: one
 * workflow's stdout (or stderr) from its sandbox, of its latest attempt or an
 * earlier one; --follow prints what it writes until the attempt ends. The name must
 * be one of the campaign's workflows (so no name reaches the file system but through
 * the sandbox encoding), and every file is opened inside the state directory without
 * following a link. */
#include "cli/cli.h"
#include "manager/bookkeeper.h"
#include "state/statedir.h"
#include "util/dirfd.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct logs_opts {
    const char *dir, *name;
    bool err_stream, follow;
    int attempt; /* 0 = the latest */
};

/* Copies what fd holds from its current offset to stdout. -1 when stdout is gone. */
static int copy_out(int fd)
{
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            return -1;
    return fflush(stdout) == 0 ? 0 : -1;
}

static int find_workflow(const struct socm_bk *bk, const char *name)
{
    for (size_t i = 0; i < bk->spec.n; i++)
        if (!strcmp(bk->spec.tasks[i].name, name))
            return (int)i;
    return -1;
}

/* Whether attempt `attempt` of workflow i has ended (or can make no progress: no
 * manager runs the campaign). Reads the journal again. */
static bool attempt_over(const char *dir, int i, int attempt)
{
    struct socm_error err = {0};
    bool alive = socm_statedir_manager_alive(dir);
    struct socm_bk *bk = socm_bk_load(dir, &err);
    if (!bk)
        return true;
    const struct socm_wfstate *w = &bk->w[i];
    bool live = w->attempts == attempt &&
                (w->state == SOCM_W_SUBMITTED || w->state == SOCM_W_RUNNING);
    socm_bk_free(bk);
    return !live || !alive;
}

/* sandbox-relative file of the attempt: the latest attempt's is stdout, an earlier
 * one's stdout.N (kept when the next attempt starts). */
static char *log_rel(const struct socm_bk *bk, int i, const struct logs_opts *o, int attempt)
{
    char *sb = socm_bk_sandbox(&bk->spec, "", i); /* "/workflows/NAME" */
    const char *stream = o->err_stream ? "stderr" : "stdout";
    char *rel = attempt == bk->w[i].attempts ? socm_asprintf("%s/%s", sb + 1, stream)
                                             : socm_asprintf("%s/%s.%d", sb + 1, stream, attempt);
    free(sb);
    return rel;
}

static bool wstate_final(enum socm_wstate st)
{
    return st == SOCM_W_DONE || st == SOCM_W_FAILED || st == SOCM_W_CANCELED;
}

static int show(const struct logs_opts *o, struct socm_error *err)
{
    struct socm_bk *bk = socm_bk_load(o->dir, err);
    if (!bk)
        return -1;
    int i = find_workflow(bk, o->name), rc = -1;
    if (i < 0) {
        json_t *q = json_string(o->name); /* quoted: a name with a newline stays one line */
        char *qs = q ? json_dumps(q, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
        socm_error_set(err, SOCM_E_INPUT, "campaign %s has no workflow named %s (`socm status %s` lists them)",
                       bk->spec.campaign, qs ? qs : "(not UTF-8)", o->dir);
        free(qs);
        json_decref(q);
        socm_bk_free(bk);
        return -1;
    }
    /* --follow waits for a workflow that has yet to start, as long as a manager may
     * still start it (the journal is read again every half second). */
    while (o->follow && bk->w[i].attempts == 0 && !wstate_final(bk->w[i].state) &&
           socm_statedir_manager_alive(o->dir)) {
        socm_bk_free(bk);
        usleep(500000);
        if (!(bk = socm_bk_load(o->dir, err)))
            return -1;
    }
    int latest = bk->w[i].attempts;
    int attempt = o->attempt ? o->attempt : latest;
    if (latest == 0) {
        if (wstate_final(bk->w[i].state))
            fprintf(stderr, "socm logs: %s never ran (it ended %s)\n", o->name,
                    socm_wstate_name(bk->w[i].state));
        else
            fprintf(stderr, "socm logs: %s has not started yet\n", o->name);
        socm_bk_free(bk);
        return 0;
    }
    if (attempt > latest) {
        socm_error_set(err, SOCM_E_INPUT, "%s has had %d attempt%s; there is no attempt %d",
                       o->name, latest, latest == 1 ? "" : "s", attempt);
        socm_bk_free(bk);
        return -1;
    }
    char *rel = log_rel(bk, i, o, attempt);
    socm_bk_free(bk);
    struct socm_statedir sd;
    if (socm_statedir_open(&sd, o->dir, SOCM_SD_READ, err) != 0) {
        free(rel);
        return -1;
    }
    int fd = socm_dirfd_open(sd.fd, o->dir, rel, O_RDONLY, 0, err);
    int open_errno = errno;
    /* --follow of an attempt just submitted: its supervisor has yet to create the
     * file; wait for it while the attempt lives (it was reported missing before). */
    while (fd < 0 && open_errno == ENOENT && o->follow && attempt == latest &&
           !attempt_over(o->dir, i, attempt)) {
        usleep(250000);
        memset(err, 0, sizeof *err);
        fd = socm_dirfd_open(sd.fd, o->dir, rel, O_RDONLY, 0, err);
        open_errno = errno;
    }
    if (fd < 0 && open_errno == ENOENT) {
        /* Started but nothing written yet, or an attempt whose log was not kept. */
        fprintf(stderr, "socm logs: no %s for attempt %d of %s (%s/%s)\n",
                o->err_stream ? "stderr" : "stdout", attempt, o->name, o->dir, rel);
        rc = 0;
    } else if (fd >= 0) {
        rc = copy_out(fd);
        /* The descriptor stays on this attempt's file even when a next attempt
         * renames it away to start its own. */
        /* Output every 0.25 s; the journal (which may be long) is read once a second. */
        for (int tick = 0; rc == 0 && o->follow && attempt == latest; tick++) {
            bool over = tick % 4 == 0 && attempt_over(o->dir, i, attempt);
            rc = copy_out(fd);
            if (over)
                break;
            usleep(250000);
        }
        if (rc != 0)
            socm_error_errno(err, "cannot write the log");
        close(fd);
    }
    free(rel);
    socm_statedir_close(&sd);
    return rc;
}

int socm_cmd_logs(int argc, char **argv)
{
    struct logs_opts o = {0};
    enum { O_STDERR = 0x100, O_ATTEMPT };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},           {"stderr", no_argument, NULL, O_STDERR},
        {"follow", no_argument, NULL, 'f'},         {"attempt", required_argument, NULL, O_ATTEMPT},
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("logs", argc, argv, "hf", opts)) != -1) {
        if (ch == 'h') {
            puts("usage: socm logs STATE_DIR NAME [--stderr] [--follow] [--attempt N]\n"
                 "\n"
                 "Prints the stdout (with --stderr: the stderr) of workflow NAME from its\n"
                 "sandbox STATE_DIR/workflows/NAME, of its latest attempt or of attempt N.\n"
                 "--follow goes on printing what the attempt writes until it ends (or no\n"
                 "manager runs the campaign). A workflow that has not started prints\n"
                 "nothing and says so; an unknown NAME or attempt exits 2.\n"
                 "\n"
                 "example:\n"
                 "  socm logs ./socm-quickstart analyze --stderr");
            return 0;
        }
        if (ch == O_STDERR)
            o.err_stream = true;
        else if (ch == 'f')
            o.follow = true;
        else if (ch == O_ATTEMPT) {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (!optarg[0] || *end || errno || v < 1 || v > 1000000)
                return socm_cli_usage("logs", "--attempt takes an attempt number (1 or more), not '%s'",
                                      optarg);
            o.attempt = (int)v;
        } else
            return 2;
    }
    if (argc - optind != 2)
        return socm_cli_usage("logs", "needs STATE_DIR and a workflow NAME");
    o.dir = NULL;
    if (socm_cli_state_dir_arg("logs", argv[optind], &o.dir) != 0)
        return 2;
    o.name = argv[optind + 1];
    struct socm_error err = {0};
    return show(&o, &err) == 0 ? 0 : socm_cli_fail("logs", &err);
}

/* cmd_status.c — `socm status STATE_DIR`: the campaign's state from its journal:
 * counts per state, running workflows with elapsed time, failures with the tail of
 * their stderr; --json for programs; --watch to follow it. */
#include "cli/cli.h"
#include "api/program.h"
#include "manager/bookkeeper.h"
#include "agents/pilot.h"
#include "state/statedir.h"
#include "util/proc.h"

#include <math.h>
#include <poll.h>
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

/* Liveness from the manager lock (held by a live manager only, released by the kernel
 * when it dies), never from a pid that may have been reused. */
static bool manager_alive(const char *dir) { return socm_statedir_manager_alive(dir); }

/* Where a workflow's output is (`socm logs DIR NAME` prints it). */
static void log_paths(const char *sandbox)
{
    printf("      stdout %s/stdout\n      stderr %s/stderr\n", sandbox, sandbox);
}

#define STDERR_TAIL_BYTES 65536

/* The last lines of workflow i's stderr, read inside the state directory without
 * following a link (a link planted in a sandbox is not followed, nor named here). */
static void stderr_tail(const struct socm_spec *s, const char *dir, int i, int lines)
{
    struct socm_statedir sd;
    struct socm_error err = {0};
    if (socm_statedir_open(&sd, dir, SOCM_SD_READ, &err) != 0)
        return;
    char *sb = socm_bk_sandbox(s, "", i); /* "/workflows/NAME" */
    char *rel = socm_asprintf("%s/stderr", sb + 1);
    FILE *f = socm_dirfd_fopen(sd.fd, dir, rel, "r", &err);
    free(rel);
    free(sb);
    socm_statedir_close(&sd);
    if (!f)
        return;
    /* Only the file's end is read (a workflow may write gigabytes), and each line is
     * shown with its control characters escaped: a program's terminal escapes are
     * not the terminal's business, and a last line without a newline ends here. */
    if (fseeko(f, 0, SEEK_END) == 0 && ftello(f) > STDERR_TAIL_BYTES) {
        fseeko(f, -STDERR_TAIL_BYTES, SEEK_END);
        int ch;
        while ((ch = getc(f)) != EOF && ch != '\n') /* from the first whole line */
            ;
    } else
        rewind(f);
    char *ring[16] = {0};
    char *line = NULL;
    size_t cap = 0;
    size_t n = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        free(ring[n % lines]);
        struct socm_buf b = SOCM_BUF_INIT;
        socm_buf_put_escaped(&b, line, line[len - 1] == '\n' ? (size_t)len - 1 : (size_t)len);
        ring[n % lines] = b.data ? b.data : socm_strdup("");
        n++;
    }
    free(line);
    fclose(f);
    size_t first = n > (size_t)lines ? n - (size_t)lines : 0;
    for (size_t k = first; k < n; k++)
        printf("      | %s\n", ring[k % lines]);
    for (int k = 0; k < lines; k++)
        free(ring[k]);
}

/* "JOBID.STEPID" of workflow i's latest attempt on Slurm, or NULL (malloc'd). */
static char *slurm_id(const struct socm_bk *bk, const char *dir, size_t i)
{
    const struct socm_spec *s = &bk->spec;
    /* On a campaign over several sites the workflow's own site says which enactor. */
    const char *enactor = s->nsites ? s->sites[s->tasks[i].site].enactor : s->enactor;
    return socm_slurm_step_of(dir, enactor, (int)i, bk->w[i].attempts, bk->w[i].job);
}

/* A campaign over several sites: per site its enactor and workflows per state. */
static void print_sites(const struct socm_bk *bk)
{
    const struct socm_spec *s = &bk->spec;
    for (size_t k = 0; k < s->nsites; k++) {
        size_t count[SOCM_W_CANCELED + 1] = {0}, n = 0;
        for (size_t i = 0; i < s->n; i++)
            if (s->tasks[i].site == (int)k) {
                count[bk->w[i].state]++;
                n++;
            }
        printf("  site %s (%s, %lld cores): %zu workflows:", s->sites[k].name,
               s->sites[k].enactor, (long long)s->sites[k].cores, n);
        for (int st = SOCM_W_NEW; st <= SOCM_W_CANCELED; st++)
            if (count[st])
                printf(" %zu %s", count[st], socm_wstate_name(st));
        printf("\n");
    }
}

static void print_text(const struct socm_bk *bk, const char *dir)
{
    const struct socm_spec *s = &bk->spec;
    printf("campaign %s: %s%s%s%s\n", s->campaign, socm_cstate_name(bk->cstate),
           bk->creason ? " (" : "", bk->creason ? bk->creason : "", bk->creason ? ")" : "");
    if (bk->cstate == SOCM_C_EXECUTING && !manager_alive(dir))
        printf("  (no manager is running it: `socm resume %s` continues it)\n", dir);
    printf("  %zu workflows:", s->n);
    for (int st = SOCM_W_NEW; st <= SOCM_W_CANCELED; st++)
        if (bk->count[st])
            printf(" %zu %s", bk->count[st], socm_wstate_name(st));
    printf("\n");
    print_sites(bk);
    double now = socm_now();
    for (size_t i = 0; i < s->n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_RUNNING && w->state != SOCM_W_SUBMITTED)
            continue;
        char *sid = slurm_id(bk, dir, i);
        printf("  running  %-30s attempt %d, %.0f s elapsed%s%s\n", s->tasks[i].name,
               w->attempts, w->start ? now - w->start : 0, sid ? ", Slurm step " : "",
               sid ? sid : "");
        free(sid);
        char *sb = socm_bk_sandbox(s, dir, (int)i);
        log_paths(sb);
        free(sb);
    }
    for (size_t i = 0; i < s->n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_FAILED)
            continue;
        char *sid = slurm_id(bk, dir, i);
        printf("  FAILED   %-30s after %d attempt%s%s%s: %s\n", s->tasks[i].name, w->attempts,
               w->attempts == 1 ? "" : "s", sid ? ", Slurm step " : "", sid ? sid : "",
               w->reason ? w->reason : "");
        free(sid);
        char *sb = socm_bk_sandbox(s, dir, (int)i);
        log_paths(sb);
        free(sb);
        stderr_tail(s, dir, (int)i, 5);
    }
}

static json_t *status_json(const struct socm_bk *bk, const char *dir)
{
    json_t *wfs = json_array();
    for (size_t i = 0; i < bk->spec.n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        bool ended = w->state == SOCM_W_DONE || w->state == SOCM_W_FAILED ||
                     (w->state == SOCM_W_CANCELED && w->end > 0);
        json_t *o = json_pack("{s:i,s:s,s:s,s:i}", "id", bk->spec.tasks[i].id, "name",
                              bk->spec.tasks[i].name, "state", socm_wstate_name(w->state),
                              "attempts", w->attempts);
        /* a process a signal ended has no exit code (-1 in the journal): null */
        bool exited = ended && w->attempts && w->exit_code >= 0;
        json_object_set_new(o, "exit_code", exited ? json_integer(w->exit_code) : json_null());
        json_object_set_new(o, "started_at", w->start > 0 ? json_real(w->start) : json_null());
        json_object_set_new(o, "finished_at", ended && w->end > 0 ? json_real(w->end) : json_null());
        double el = ended ? w->elapsed_s : w->start > 0 ? socm_now() - w->start : 0;
        json_object_set_new(o, "elapsed_s", w->start > 0 ? json_real(el) : json_null());
        /* measured only once an attempt ended (a dependant canceled unrun has none);
         * NAN: Slurm's accounting has not told it yet */
        bool measured = ended && w->attempts > 0;
        json_object_set_new(o, "max_rss_mb", measured && isfinite(w->max_rss_mb) ? json_real(w->max_rss_mb) : json_null());
        json_object_set_new(o, "cpu_s", measured ? json_real(w->cpu_s) : json_null());
        json_object_set_new(o, "reason", w->reason ? json_string(w->reason) : json_null());
        char *sid = slurm_id(bk, dir, i);
        if (sid)
            json_object_set_new(o, "slurm_id", json_string(sid));
        free(sid);
        if (bk->spec.nsites)
            json_object_set_new(o, "site", json_string(bk->spec.sites[bk->spec.tasks[i].site].name));
        if (w->attempts > 0) { /* its latest attempt's output (`socm logs`) */
            char *sb = socm_bk_sandbox(&bk->spec, dir, (int)i);
            json_object_set_new(o, "stdout", json_sprintf("%s/stdout", sb));
            json_object_set_new(o, "stderr", json_sprintf("%s/stderr", sb));
            free(sb);
        }
        json_array_append_new(wfs, o);
    }
    return json_pack("{s:s,s:s,s:o}", "campaign", bk->spec.campaign, "state",
                     socm_cstate_name(bk->cstate), "workflows", wfs);
}

void socm_cli_status_json_print(const char *dir)
{
    struct socm_error err = {0};
    struct socm_bk *bk = socm_bk_load(dir, &err);
    if (!bk)
        return;
    json_t *j = status_json(bk, dir);
    socm_cli_json_print(j);
    json_decref(j);
    socm_bk_free(bk);
}

int socm_cli_program_json_print(const char *dir, struct socm_error *err)
{
    json_t *doc = socm_program_state_json(dir, err);
    if (!doc)
        return -1;
    /* Each campaign that has a state directory: its own status document's state and
     * workflows, as `socm status DIR/campaigns/NAME --json` prints them. */
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(doc, "campaigns"), i, c) {
        const char *sd = json_string_value(json_object_get(c, "state_dir"));
        struct socm_error berr = {0};
        struct socm_bk *bk = sd ? socm_bk_load(sd, &berr) : NULL;
        json_t *st = bk ? status_json(bk, sd) : NULL;
        json_object_set(c, "state", st ? json_object_get(st, "state") : json_object_get(c, "state"));
        json_object_set(c, "workflows", st ? json_object_get(st, "workflows") : json_null());
        json_decref(st);
        socm_bk_free(bk);
    }
    socm_cli_json_print(doc);
    json_decref(doc);
    return 0;
}

/* How a watch ends: 0 the campaign is DONE, 1 it FAILED or was CANCELED, or its
 * manager is gone before the end (then `socm resume` continues it). */
static int watch_code(const struct socm_bk *bk)
{
    return bk->cstate == SOCM_C_DONE ? 0 : 1;
}

/* json: 1 pretty-printed, 2 one compact line (--watch --json: JSONL). */
static int show(const char *dir, int json, struct socm_error *err, bool *ended, int *code)
{
    struct socm_bk *bk = socm_bk_load(dir, err);
    if (!bk)
        return -1;
    if (json) {
        json_t *j = status_json(bk, dir);
        char *t = json_dumps(j, (json == 2 ? JSON_COMPACT : JSON_INDENT(2)) | JSON_PRESERVE_ORDER |
                                    JSON_REAL_PRECISION(15));
        puts(t);
        free(t);
        json_decref(j);
    } else
        print_text(bk, dir);
    *ended = bk->cstate == SOCM_C_DONE || bk->cstate == SOCM_C_FAILED ||
             bk->cstate == SOCM_C_CANCELED || !manager_alive(dir);
    *code = watch_code(bk);
    socm_bk_free(bk);
    fflush(stdout);
    return 0;
}

int socm_cmd_status(int argc, char **argv)
{
    const char *dir = NULL;
    bool json = false, watch = false;
    enum { O_JSON = 0x100, O_WATCH };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"watch", no_argument, NULL, O_WATCH}, {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("status", argc, argv, "h", opts)) != -1) {
        if (ch == 'h') {
            puts("usage: socm status STATE_DIR [--json] [--watch]\n"
                 "\n"
                 "Shows a campaign's state from its journal: counts per state, running\n"
                 "workflows and their elapsed time, failures with the tail of their stderr.\n"
                 "--json prints {\"campaign\", \"state\", \"workflows\": [{\"id\", \"name\",\n"
                 "\"state\", \"attempts\", \"exit_code\", \"started_at\", \"finished_at\" (epoch\n"
                 "seconds), \"elapsed_s\", "
                 "\"max_rss_mb\", \"cpu_s\", once started \"stdout\" and \"stderr\" (paths),\n"
                 "on Slurm \"slurm_id\": \"JOBID.STEPID\"}]}\n"
                 "(and \"site\" for a campaign over several sites, whose text form has a\n"
                 "line per site); --watch redraws on every change (at most 5 times a second,\n"
                 "at least every 2 s) until the campaign ends or its manager is gone, then\n"
                 "exits 0 if the campaign is DONE, 1 otherwise; --watch --json prints one\n"
                 "compact document per line (JSON Lines). The text form shows the stdout and\n"
                 "stderr paths of each running or failed workflow (`socm logs` prints them).\n"
                 "For a program's state directory: each campaign's state; --json prints\n"
                 "{\"program\", \"state\", \"campaigns\": [{\"campaign\", \"state\", \"state_dir\",\n"
                 "\"workflows\"}]}, each campaign's workflows as above.\n"
                 "\n"
                 "example:\n"
                 "  socm status ./socm-quickstart --json");
            return 0;
        } else if (ch == O_JSON)
            json = true;
        else if (ch == O_WATCH)
            watch = true;
        else
            return 2;
    }
    for (int i = optind; i < argc; i++)
        if (socm_cli_state_dir_arg("status", argv[i], &dir) != 0)
            return 2;
    if (!dir)
        return socm_cli_usage("status", "no state directory given");
    struct socm_error err = {0};
    bool ended = false;
    int code = 0;
    if (socm_program_is_state_dir(dir) && watch)
        return socm_cli_usage("status", "%s is a program's state directory; --watch follows one "
                              "campaign: socm status %s/campaigns/NAME --watch", dir, dir);
    if (socm_program_is_state_dir(dir) && json)
        return socm_cli_program_json_print(dir, &err) == 0 ? 0 : socm_cli_fail("status", &err);
    if (socm_program_is_state_dir(dir))
        return socm_program_status(dir, stdout, &err) == 0 ? 0 : socm_cli_fail("status", &err);
    /* Watching: changes after this point wake the loop (the watch is set up before the
     * first read, so no change between the two is missed). */
    int in = watch ? inotify_init1(IN_CLOEXEC | IN_NONBLOCK) : -1;
    if (in >= 0) {
        char *jp = socm_asprintf("%s/%s", dir, SOCM_JOURNAL_FILE);
        inotify_add_watch(in, jp, IN_MODIFY | IN_DONT_FOLLOW);
        free(jp);
    }
    int jmode = json ? (watch ? 2 : 1) : 0;
    if (show(dir, jmode, &err, &ended, &code) != 0) {
        if (in >= 0)
            close(in);
        return socm_cli_fail("status", &err);
    }
    if (!watch)
        return 0;
    while (!ended) {
        /* Redraw on a change, but not more than 5 times a second: a fast campaign
         * writes the journal far more often than anyone can read. */
        struct pollfd p = {in, POLLIN, 0};
        if (poll(&p, in >= 0 ? 1 : 0, 2000) > 0) {
            usleep(200000);
            char buf[4096];
            while (read(in, buf, sizeof buf) > 0) {
            }
        }
        if (!json && isatty(1))
            fputs("\033[H\033[2J", stdout);
        if (show(dir, jmode, &err, &ended, &code) != 0) {
            close(in);
            return socm_cli_fail("status", &err);
        }
    }
    if (in >= 0)
        close(in);
    return code;
}

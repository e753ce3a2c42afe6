/* cmd_events.c — `socm events STATE_DIR [--follow] [--since N]`: the journal's state
 * changes as JSON Lines, one object per change in a stable schema (docs/events.md),
 * for scripts and callbacks in any language; --follow keeps reading while the
 * campaign runs, like `tail -f` on a log that knows when it is over. */
#include "cli/cli.h"
#include "state/journal.h"
#include "state/statedir.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

struct events {
    char *campaign;
    char **names;     /* by workflow id - 1 */
    int *attempts;
    size_t n;
    char cstate[16];  /* the last campaign state seen */
};

static void events_free(struct events *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->names[i]);
    free(e->names);
    free(e->attempts);
    free(e->campaign);
}

/* The campaign record: names and the campaign, so later lines can be resolved. */
static int events_begin(struct events *e, const json_t *ev, struct socm_error *err)
{
    const json_t *spec = json_object_get(ev, "spec");
    const json_t *tasks = json_object_get(spec, "tasks");
    const char *c = json_string_value(json_object_get(spec, "campaign"));
    if (!c || !json_is_array(tasks) || e->campaign)
        return socm_error_set(err, SOCM_E_INPUT, "journal: bad or second campaign record");
    e->campaign = socm_strdup(c);
    e->n = json_array_size(tasks);
    e->names = socm_xcalloc(e->n ? e->n : 1, sizeof *e->names);
    e->attempts = socm_xcalloc(e->n ? e->n : 1, sizeof *e->attempts);
    for (size_t i = 0; i < e->n; i++) {
        const char *nm = json_string_value(json_object_get(json_array_get(tasks, i), "name"));
        e->names[i] = socm_strdup(nm ? nm : "");
    }
    return 0;
}

/* What an attempt's end recorded, or null while there is none. */
static json_t *result_of(const json_t *ev)
{
    const json_t *outcome = json_object_get(ev, "outcome");
    if (!json_is_string(outcome))
        return json_null();
    json_t *r = json_pack("{s:O}", "outcome", outcome);
    /* The journal's key, and the key of every --json output (docs/json.md). */
    const char *keys[][2] = {{"exit_code", "exit_code"}, {"signal", "signal"},
                             {"start", "started_at"},    {"end", "finished_at"},
                             {"elapsed_s", "elapsed_s"}, {"max_rss_mb", "max_rss_mb"},
                             {"cpu_s", "cpu_s"}};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        json_t *v = json_object_get(ev, keys[k][0]);
        /* the journal's exit code -1 is "none" (a signal ended the process): null */
        if (k == 0 && json_integer_value(v) < 0)
            v = NULL;
        json_object_set_new(r, keys[k][1], json_is_number(v) ? json_incref(v) : json_null());
    }
    return r;
}

/* One journal event as an events line, or NULL when it is no state change. */
static json_t *event_line(struct events *e, const json_t *ev, size_t seq)
{
    const char *kind = json_string_value(json_object_get(ev, "ev"));
    json_t *t = json_object_get(ev, "t");
    json_t *o = json_pack("{s:I,s:O,s:s}", "seq", (json_int_t)seq, "time",
                          json_is_number(t) ? t : json_null(), "campaign", e->campaign);
    if (!strcmp(kind, "campaign")) {
        const char *st = json_string_value(json_object_get(ev, "state"));
        snprintf(e->cstate, sizeof e->cstate, "%s", st ? st : "");
        json_object_set_new(o, "workflow", json_null());
        json_object_set_new(o, "id", json_null());
        json_object_set_new(o, "state", json_string(st ? st : ""));
        json_object_set_new(o, "attempt", json_null());
        json_object_set_new(o, "result", json_null());
        json_object_set_new(o, "retry", json_false());
    } else if (!strcmp(kind, "wf") || !strcmp(kind, "retry")) {
        json_int_t id = json_integer_value(json_object_get(ev, "id"));
        if (id < 1 || (size_t)id > e->n) {
            json_decref(o);
            return NULL;
        }
        json_t *a = json_object_get(ev, "attempt");
        if (json_is_integer(a))
            e->attempts[id - 1] = (int)json_integer_value(a);
        const char *st = !strcmp(kind, "retry") ? "READY"
                                                : json_string_value(json_object_get(ev, "state"));
        json_object_set_new(o, "workflow", json_string(e->names[id - 1]));
        json_object_set_new(o, "id", json_integer(id));
        json_object_set_new(o, "state", json_string(st ? st : ""));
        json_object_set_new(o, "attempt", e->attempts[id - 1] ? json_integer(e->attempts[id - 1])
                                                              : json_null());
        json_object_set_new(o, "result", result_of(ev));
        json_object_set_new(o, "retry", json_boolean(!strcmp(kind, "retry")));
    } else {
        json_decref(o);
        return NULL;
    }
    json_t *r = json_object_get(ev, "reason");
    json_object_set_new(o, "reason", json_is_string(r) ? json_incref(r) : json_null());
    return o;
}

/* Prints every complete event not printed yet. 0, or -1 with err (damaged journal,
 * or stdout gone). */
static int drain(struct socm_journal_reader *r, struct events *e, size_t since,
                 struct socm_error *err)
{
    json_t *ev;
    size_t seq;
    int rc;
    while ((rc = socm_journal_reader_next(r, &ev, &seq, err)) > 0) {
        const char *kind = json_string_value(json_object_get(ev, "ev"));
        int brc = !strcmp(kind, "begin") ? events_begin(e, ev, err) : 0;
        json_t *line = brc == 0 && e->campaign ? event_line(e, ev, seq) : NULL;
        json_decref(ev);
        if (brc != 0)
            return -1;
        if (line && seq > since) {
            char *s = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
            puts(s);
            free(s);
        }
        json_decref(line);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return socm_error_errno(err, "cannot write the events");
    return rc;
}

static bool ended(const struct events *e)
{
    return !strcmp(e->cstate, "DONE") || !strcmp(e->cstate, "FAILED") ||
           !strcmp(e->cstate, "CANCELED");
}

/* --follow: read on while the campaign runs. Ends at the campaign's end, or when no
 * manager runs it any more (then `socm resume` continues it). */
static int follow(const char *dir, struct socm_journal_reader *r, struct events *e, size_t since,
                  struct socm_error *err)
{
    int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (in >= 0) {
        char *jp = socm_journal_path(dir);
        inotify_add_watch(in, jp, IN_MODIFY | IN_DONT_FOLLOW);
        free(jp);
    }
    int rc = 0;
    while (!ended(e)) {
        bool alive = socm_statedir_manager_alive(dir);
        /* Read once more after seeing it gone: its last lines came before it went. */
        if ((rc = drain(r, e, since, err)) != 0 || !alive)
            break;
        struct pollfd p = {in, POLLIN, 0};
        if (poll(&p, in >= 0 ? 1 : 0, 1000) > 0) {
            char buf[4096];
            while (read(in, buf, sizeof buf) > 0) {
            }
        }
    }
    if (in >= 0)
        close(in);
    return rc;
}

/* Opens the state directory and its journal. With --follow, a run that is only
 * starting (`socm run ... & socm events DIR --follow`) is waited for, 10 s at most. */
static int open_journal(const char *dir, bool fol, struct socm_statedir *sd,
                        struct socm_journal_reader *r, struct socm_error *err)
{
    memset(r, 0, sizeof *r);
    for (int tries = 0;; tries++) {
        *err = (struct socm_error){0};
        if (socm_statedir_open(sd, dir, SOCM_SD_READ, err) == 0) {
            if (socm_journal_reader_open(r, sd->fd, dir, err) == 0)
                return 0;
            socm_statedir_close(sd);
        }
        if (!fol || err->code != SOCM_E_INPUT || tries >= 100)
            return -1;
        usleep(100000);
    }
}

static int usage_help(void)
{
    puts("usage: socm events STATE_DIR [--follow] [--since N]\n"
         "\n"
         "Prints the campaign's state changes from its journal as JSON Lines, one\n"
         "object per change:\n"
         "  {\"seq\", \"time\", \"campaign\", \"workflow\", \"id\", \"state\", \"attempt\",\n"
         "   \"result\", \"retry\", \"reason\"}\n"
         "seq is the change's place in the journal (increasing, with gaps); time is\n"
         "epoch seconds; workflow and id are null for the campaign's own changes;\n"
         "result is null until an attempt ends, then {\"outcome\", \"exit_code\",\n"
         "\"signal\", \"started_at\", \"finished_at\", \"elapsed_s\", \"max_rss_mb\",\n"
         "\"cpu_s\"} (timestamps in epoch seconds, durations in seconds, memory in MB).\n"
         "--since N prints only changes after seq N (the last seq a script saw);\n"
         "--follow keeps printing as the campaign runs and returns when it ends (exit\n"
         "0 if it is DONE, 1 otherwise) or when no manager runs it any more (exit 1);\n"
         "it waits up to 10 s for a campaign that is only starting.\n"
         "\n"
         "example:\n"
         "  socm events ./socm-quickstart --since 3");
    return 0;
}

int socm_cmd_events(int argc, char **argv)
{
    const char *dir = NULL;
    bool fol = false;
    size_t since = 0;
    enum { O_FOLLOW = 0x100, O_SINCE };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"follow", no_argument, NULL, 'f'},
        {"since", required_argument, NULL, O_SINCE}, {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("events", argc, argv, "hf", opts)) != -1) {
        if (ch == 'h')
            return usage_help();
        if (ch == 'f')
            fol = true;
        else if (ch == O_SINCE) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (!optarg[0] || *end || errno || optarg[0] == '-')
                return socm_cli_usage("events", "--since takes a sequence number (0 or more), "
                                                "not '%s'", optarg);
            since = (size_t)v;
        } else
            return 2;
    }
    for (int i = optind; i < argc; i++)
        if (socm_cli_state_dir_arg("events", argv[i], &dir) != 0)
            return 2;
    if (!dir)
        return socm_cli_usage("events", "no state directory given");
    struct socm_error err = {0};
    struct socm_statedir sd = {.fd = -1, .lock_fd = -1};
    struct socm_journal_reader r;
    struct events e = {0};
    int rc = open_journal(dir, fol, &sd, &r, &err);
    if (rc == 0)
        rc = fol ? follow(dir, &r, &e, since, &err) : drain(&r, &e, since, &err);
    if (rc == 0 && !e.campaign)
        rc = socm_error_set(&err, SOCM_E_INPUT, "%s: the journal holds no campaign record", dir);
    int code = rc != 0 ? socm_cli_fail("events", &err) : fol && strcmp(e.cstate, "DONE") ? 1 : 0;
    socm_journal_reader_close(&r);
    events_free(&e);
    socm_statedir_close(&sd);
    return code;
}

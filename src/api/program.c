/* program.c — runs a program of campaigns as a DAG: a campaign starts when every
 * campaign it comes `after` has ended; a failed one with on_failure = "stop" (the
 * default) cancels its dependants (they are never started), "continue" lets them run.
 * Independent campaigns run at once (up to program.max_parallel), each in a child
 * process with its own bookkeeper and state directory. Every campaign state change is
 * appended to program.jsonl first, so a resume knows which campaigns are done. */
#include "api/program.h"
#include "campaign/names.h"
#include "campaign/schema.h"
#include "config/config.h"
#include "state/statedir.h"
#include "util/dirfd.h"
#include "socm/socm.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum pstate { P_PENDING, P_RUNNING, P_DONE, P_FAILED, P_CANCELED };
static const char *const pstate_names[] = {"pending", "running", "done", "failed", "canceled"};

struct pcampaign {
    char *name;
    struct socm_strv files;
    struct socm_strv after;
    int *after_idx;
    bool continue_on_failure;
    enum pstate state;
    int exit_code;
    struct socm_campaign_handle *h;
};

struct program {
    char *name, *path, *state_dir;
    int64_t max_parallel;
    struct pcampaign *c;
    size_t n;
    struct socm_statedir sd; /* the program's state directory, locked while it runs */
};

static void program_free(struct program *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->c[i].name);
        socm_strv_free(&p->c[i].files);
        socm_strv_free(&p->c[i].after);
        free(p->c[i].after_idx);
        socm_campaign_handle_free(p->c[i].h);
    }
    free(p->c);
    free(p->name);
    free(p->path);
    free(p->state_dir);
}

bool socm_program_detect(const struct socm_value *root)
{
    if (!root || root->type != SOCM_V_TABLE || socm_table_get(root, "campaign"))
        return false;
    const struct socm_value *prog = socm_table_get(root, "program");
    return socm_table_get(root, "campaign_set") ||
           (prog && prog->type == SOCM_V_TABLE && socm_table_get(prog, "campaigns"));
}

/* A string or a list of strings into sv; relative paths against dir if dir. */
static int read_names(const struct socm_value *v, const char *key, const char *dir,
                      struct socm_strv *sv, struct socm_error *err)
{
    if (!v)
        return 0;
    size_t n = v->type == SOCM_V_ARRAY ? v->u.arr.n : 1;
    for (size_t i = 0; i < n; i++) {
        const struct socm_value *s = v->type == SOCM_V_ARRAY ? v->u.arr.items[i] : v;
        if (s->type != SOCM_V_STRING)
            return socm_error_at(err, &s->pos, "'%s' must be a string or a list of strings", key);
        if (dir && s->u.str.s[0] != '/')
            socm_strv_pushf(sv, "%s/%s", dir, s->u.str.s);
        else
            socm_strv_push(sv, s->u.str.s);
    }
    return 0;
}

static int read_entry(struct program *p, const char *name, const struct socm_pos *npos,
                      const struct socm_value *t, const char *dir, struct socm_error *err)
{
    if (t->type != SOCM_V_TABLE)
        return socm_error_at(err, &t->pos, "a program campaign must be a table");
    const char *nm = name;
    if (!nm && socm_table_get_string(t, "name", &nm, err) < 0)
        return -1;
    if (!nm)
        return socm_error_at(err, &t->pos, "a [[campaign_set]] entry needs a name");
    /* The name is a directory under STATE/campaigns/: no '/', no "..". */
    struct socm_errlist bad = {0};
    socm_name_check("program campaign", nm, name ? npos : &socm_table_get(t, "name")->pos, &bad);
    if (bad.n) {
        socm_error_set(err, SOCM_E_INPUT, "%s", bad.msgs[0]);
        socm_errlist_free(&bad);
        return -1;
    }
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->c[i].name, nm))
            return socm_error_at(err, &t->pos, "duplicate program campaign '%s'", nm);
    p->c = socm_xrealloc(p->c, (p->n + 1) * sizeof *p->c);
    struct pcampaign *c = &p->c[p->n++];
    memset(c, 0, sizeof *c);
    c->name = socm_strdup(nm);
    c->files = (struct socm_strv)SOCM_STRV_INIT;
    c->after = (struct socm_strv)SOCM_STRV_INIT;
    const struct socm_value *f = socm_table_get(t, "file");
    if (!f)
        f = socm_table_get(t, "files");
    if (read_names(f, "file", dir, &c->files, err) < 0 ||
        read_names(socm_table_get(t, "after"), "after", NULL, &c->after, err) < 0)
        return -1;
    if (!c->files.n)
        return socm_error_at(err, &t->pos, "program campaign '%s' names no file", nm);
    const char *of = NULL;
    if (socm_table_get_string(t, "on_failure", &of, err) < 0)
        return -1;
    if (of && strcmp(of, "stop") && strcmp(of, "continue"))
        return socm_error_at(err, &socm_table_get(t, "on_failure")->pos,
                             "on_failure must be \"stop\" or \"continue\", not \"%s\"", of);
    c->continue_on_failure = of && !strcmp(of, "continue");
    return 0;
}

static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strchr(b, '.');
    return dot && dot != b ? socm_strndup(b, (size_t)(dot - b)) : socm_strdup(b);
}

static int link_after(struct program *p, struct socm_error *err)
{
    for (size_t i = 0; i < p->n; i++) {
        struct pcampaign *c = &p->c[i];
        c->after_idx = socm_xcalloc(c->after.n ? c->after.n : 1, sizeof *c->after_idx);
        for (size_t k = 0; k < c->after.n; k++) {
            c->after_idx[k] = -1;
            for (size_t j = 0; j < p->n; j++)
                if (!strcmp(p->c[j].name, c->after.v[k]))
                    c->after_idx[k] = (int)j;
            if (c->after_idx[k] < 0)
                return socm_error_set(err, SOCM_E_INPUT, "%s: campaign '%s' comes after unknown "
                                      "campaign '%s'", p->path, c->name, c->after.v[k]);
        }
    }
    /* Cycle check: repeatedly retire campaigns whose predecessors are retired. */
    bool *done = socm_xcalloc(p->n ? p->n : 1, sizeof *done);
    size_t left = p->n;
    for (bool progress = true; progress && left;) {
        progress = false;
        for (size_t i = 0; i < p->n; i++) {
            bool ready = !done[i];
            for (size_t k = 0; ready && k < p->c[i].after.n; k++)
                ready = done[p->c[i].after_idx[k]];
            if (ready) {
                done[i] = true;
                left--;
                progress = true;
            }
        }
    }
    free(done);
    if (left)
        return socm_error_set(err, SOCM_E_INPUT, "%s: the campaigns' `after` lists form a cycle",
                              p->path);
    return 0;
}

static int program_load(const char *path, const char *state_dir, struct program *p,
                        struct socm_error *err)
{
    memset(p, 0, sizeof *p);
    struct socm_value *root = socm_config_load_file(path, err);
    if (!root)
        return -1;
    struct socm_errlist unknown = {0};
    socm_schema_check(root, &socm_schema_program, "", &unknown);
    if (unknown.n) {
        /* Every unknown key, one per line, as validate prints them. */
        struct socm_strv lines = {unknown.msgs, unknown.n, unknown.cap};
        char *all = socm_strv_join(&lines, "\n");
        socm_error_set(err, SOCM_E_INPUT, "%s", all);
        free(all);
        socm_errlist_free(&unknown);
        socm_value_free(root);
        return -1;
    }
    char real[PATH_MAX];
    p->path = socm_strdup(realpath(path, real) ? real : path);
    char *copy = socm_strdup(p->path);
    char *dir = socm_strdup(dirname(copy));
    free(copy);
    int rc = 0;
    const struct socm_value *prog = socm_table_get(root, "program");
    const char *nm = NULL, *sd = NULL;
    p->max_parallel = 0;
    if (prog && (socm_table_get_string(prog, "name", &nm, err) < 0 ||
                 socm_table_get_string(prog, "state_dir", &sd, err) < 0 ||
                 socm_table_get_int(prog, "max_parallel", &p->max_parallel, err) < 0))
        rc = -1;
    /* A name it gives is a name (its default state directory is ./socm-NAME, and
     * status prints it): not "a\nb", nor an escape sequence. */
    struct socm_errlist bad = {0};
    if (rc == 0 && nm)
        socm_name_check("program", nm, &socm_table_get(prog, "name")->pos, &bad);
    if (bad.n) {
        rc = socm_error_set(err, SOCM_E_INPUT, "%s", bad.msgs[0]);
        socm_errlist_free(&bad);
    }
    p->name = nm ? socm_strdup(nm) : base_name(path);
    p->state_dir = state_dir ? socm_strdup(state_dir)
                   : sd      ? socm_strdup(sd)
                             : socm_state_dir_default(p->name);
    const struct socm_value *set = socm_table_get(root, "campaign_set");
    if (rc == 0 && set) {
        if (set->type != SOCM_V_ARRAY)
            rc = socm_error_at(err, &set->pos, "campaign_set must be [[campaign_set]] entries");
        for (size_t i = 0; rc == 0 && set->type == SOCM_V_ARRAY && i < set->u.arr.n; i++)
            rc = read_entry(p, NULL, NULL, set->u.arr.items[i], dir, err);
    }
    const struct socm_value *tbl = prog ? socm_table_get(prog, "campaigns") : NULL;
    if (rc == 0 && tbl) {
        if (tbl->type != SOCM_V_TABLE)
            rc = socm_error_at(err, &tbl->pos, "program.campaigns must be a table of tables");
        for (size_t i = 0; rc == 0 && tbl->type == SOCM_V_TABLE && i < tbl->u.tbl.n; i++)
            rc = read_entry(p, tbl->u.tbl.items[i].key, &tbl->u.tbl.items[i].key_pos,
                            tbl->u.tbl.items[i].value, dir, err);
    }
    if (rc == 0 && !p->n)
        rc = socm_error_set(err, SOCM_E_INPUT, "%s: the program lists no campaign", path);
    if (rc == 0)
        rc = link_after(p, err);
    if (rc < 0)
        err->code = err->code ? err->code : SOCM_E_INPUT;
    free(dir);
    socm_value_free(root);
    return rc;
}

/* Appends one event to STATE/program.jsonl and syncs it: the journal is written
 * before the program acts on the change. */
static int journal(const struct program *p, json_t *ev, struct socm_error *err)
{
    FILE *f = socm_dirfd_fopen(p->sd.fd, p->sd.path, "program.jsonl", "a", err);
    if (!f) {
        json_decref(ev);
        return -1;
    }
    json_object_set_new(ev, "t", json_real(socm_now())); /* sub-second: --profile */
    char *line = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);
    fprintf(f, "%s\n", line);
    free(line);
    fflush(f);
    fsync(fileno(f));
    fclose(f);
    return 0;
}

static int set_state(struct program *p, size_t i, enum pstate s, struct socm_error *err)
{
    p->c[i].state = s;
    json_t *ev = json_pack("{s:s, s:s, s:s}", "ev", "campaign", "name", p->c[i].name, "state",
                           pstate_names[s]);
    if (s == P_DONE || s == P_FAILED)
        json_object_set_new(ev, "exit", json_integer(p->c[i].exit_code));
    return journal(p, ev, err);
}

/* A campaign name a program can give (so also never "" nor " end", the keys of the
 * begin and end events): a journal line naming another is not socm's, and its name
 * must not become a path under STATE/campaigns/. */
static bool valid_name(const json_t *name)
{
    char why[64];
    return json_is_string(name) &&
           !socm_name_problem(json_string_value(name), json_string_length(name), why, sizeof why);
}

/* Replays program.jsonl: last state of each campaign. */
static json_t *read_journal(const char *dir, struct socm_error *err)
{
    struct socm_statedir sd;
    if (socm_statedir_open(&sd, dir, SOCM_SD_READ, err) != 0)
        return NULL;
    FILE *f = socm_dirfd_fopen(sd.fd, sd.path, "program.jsonl", "r", err);
    socm_statedir_close(&sd);
    if (!f)
        return NULL;
    json_t *states = json_object();
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *ev = json_loads(line, 0, NULL);
        const char *e = ev ? json_string_value(json_object_get(ev, "ev")) : NULL;
        if (e && !strcmp(e, "begin"))
            json_object_set(states, "", ev);
        else if (e && !strcmp(e, "campaign") && valid_name(json_object_get(ev, "name")))
            json_object_set(states, json_string_value(json_object_get(ev, "name")), ev);
        else if (e && !strcmp(e, "end"))
            json_object_set(states, " end", ev);
        json_decref(ev);
    }
    free(line);
    fclose(f);
    return states;
}

/* Decides every pending campaign whose predecessors have all ended: canceled when a
 * predecessor was canceled or failed with on_failure = "stop", else started. */
static int start_ready(struct program *p, const struct socm_run_opts *o, bool resume,
                       size_t *running, struct socm_error *err)
{
    for (size_t i = 0; i < p->n; i++) {
        struct pcampaign *c = &p->c[i];
        if (c->state != P_PENDING)
            continue;
        bool ended = true, blocked = false;
        for (size_t k = 0; k < c->after.n; k++) {
            const struct pcampaign *d = &p->c[c->after_idx[k]];
            if (d->state == P_PENDING || d->state == P_RUNNING)
                ended = false;
            else if (d->state == P_CANCELED || (d->state == P_FAILED && !d->continue_on_failure))
                blocked = true;
        }
        if (!ended)
            continue;
        if (blocked) {
            if (set_state(p, i, P_CANCELED, err) < 0)
                return -1;
            fprintf(stderr, "socm: program %s: campaign %s not started (a predecessor failed)\n",
                    p->name, c->name);
            i = (size_t)-1; /* a cancelation may decide others: rescan */
            continue;
        }
        if (p->max_parallel > 0 && (int64_t)*running >= p->max_parallel)
            continue;
        /* STATE/campaigns/NAME is made (or checked) relative to the program's locked
         * directory: a symbolic link there, or at STATE/campaigns, is refused rather
         * than followed, so a campaign's state cannot be sent out of the program's. */
        char *rel = socm_asprintf("campaigns/%s", c->name);
        int made = socm_dirfd_mkdirs(p->sd.fd, p->state_dir, rel, 0700, err);
        free(rel);
        if (made < 0)
            return -1;
        char *sd = socm_asprintf("%s/campaigns/%s", p->state_dir, c->name);
        if (set_state(p, i, P_RUNNING, err) < 0) {
            free(sd);
            return -1;
        }
        if (!o->quiet)
            fprintf(stderr, "socm: program %s: campaign %s started\n", p->name, c->name);
        c->h = socm_campaign_run((const char *const *)c->files.v, c->files.n, sd, o, resume, err);
        free(sd);
        if (!c->h)
            return -1;
        (*running)++;
    }
    return 0;
}

static int reap_one(struct program *p, const struct socm_run_opts *o, size_t *running,
                    struct socm_error *err)
{
    int st;
    pid_t pid = waitpid(-1, &st, 0);
    if (pid < 0)
        return errno == EINTR ? 0 : socm_error_errno(err, "waitpid");
    for (size_t i = 0; i < p->n; i++) {
        struct pcampaign *c = &p->c[i];
        if (c->state != P_RUNNING || !c->h || socm_campaign_pid(c->h) != pid)
            continue;
        socm_campaign_reaped(c->h, st);
        c->exit_code = socm_campaign_exit_code(c->h);
        (*running)--;
        if (!socm_campaign_succeeded(c->h))
            fprintf(stderr, "socm: program %s: campaign %s failed (exit %d)\n", p->name, c->name,
                    c->exit_code);
        else if (!o->quiet)
            fprintf(stderr, "socm: program %s: campaign %s done\n", p->name, c->name);
        return set_state(p, i, socm_campaign_succeeded(c->h) ? P_DONE : P_FAILED, err);
    }
    return 0;
}

/* Moves STATE/campaigns/NAME aside as NAME.failed-TIME (NAME.failed-TIME.K when a
 * resume in the same second already used that name: never over an earlier run).
 * Nothing to move is fine; a rename the system refuses stops the resume (exit 3)
 * rather than start the campaign again on top of its old run. */
static int set_aside(struct program *p, const char *name, struct socm_error *err)
{
    char *sd = socm_asprintf("campaigns/%s", name);
    long t = (long)time(NULL);
    int rc = 0;
    for (int k = 0;; k++) {
        char *old = k ? socm_asprintf("%s.failed-%ld.%d", sd, t, k)
                      : socm_asprintf("%s.failed-%ld", sd, t);
        int r = renameat2(p->sd.fd, sd, p->sd.fd, old, RENAME_NOREPLACE);
        free(old);
        if (r == 0 || errno == ENOENT)
            break;
        if (errno != EEXIST || k >= 1000) {
            rc = socm_error_errno(err, "cannot move %s/%s aside", p->state_dir, sd);
            break;
        }
    }
    free(sd);
    return rc;
}

static int program_exec_locked(struct program *p, const struct socm_run_opts *o, bool resume,
                               struct socm_error *err)
{
    if (resume) {
        json_t *states = read_journal(p->state_dir, err);
        if (!states)
            return -1;
        /* Finished campaigns stay finished; the rest run (or continue) again. */
        for (size_t i = 0; i < p->n; i++) {
            json_t *ev = json_object_get(states, p->c[i].name);
            const char *s = ev ? json_string_value(json_object_get(ev, "state")) : NULL;
            if (s && !strcmp(s, "done"))
                p->c[i].state = P_DONE;
            else if (s && !strcmp(s, "failed")) {
                /* A failed campaign starts afresh; its old run is kept aside, inside
                 * the program's directory: a symbolic link at STATE/campaigns is
                 * refused (exit 3) before the rename, which would follow it. */
                if (socm_dirfd_mkdirs(p->sd.fd, p->state_dir, "campaigns", 0700, err) < 0) {
                    json_decref(states);
                    return -1;
                }
                if (set_aside(p, p->c[i].name, err) < 0) {
                    json_decref(states);
                    return -1;
                }
            }
        }
        json_decref(states);
    } else {
        struct stat st;
        if (fstatat(p->sd.fd, "program.jsonl", &st, AT_SYMLINK_NOFOLLOW) == 0)
            return socm_error_set(err, SOCM_E_INPUT, "%s already holds a program run (use "
                                  "`socm resume %s`)", p->state_dir, p->state_dir);
    }
    if (journal(p, json_pack("{s:s, s:s, s:s, s:b}", "ev", "begin", "program", p->name, "file",
                             p->path, "resumed", resume), err) < 0)
        return -1;
    size_t running = 0;
    bool broken = false;
    while (!broken) {
        broken = start_ready(p, o, resume, &running, err) < 0;
        if (!running)
            break;
        broken = broken || reap_one(p, o, &running, err) < 0;
    }
    /* On an error, wait for what was started: no orphan campaigns. */
    struct socm_error ignored;
    while (running && reap_one(p, o, &running, &ignored) == 0) {
    }
    if (broken)
        return -1;
    bool all = true;
    for (size_t i = 0; i < p->n; i++)
        all = all && p->c[i].state == P_DONE;
    journal(p, json_pack("{s:s, s:s}", "ev", "end", "state", all ? "done" : "failed"), err);
    return all ? 0 : 1;
}

/* One runner per program state directory, as one manager per campaign's. */
static int program_exec(struct program *p, const struct socm_run_opts *o, bool resume,
                        struct socm_error *err)
{
    if (socm_statedir_open(&p->sd, p->state_dir, SOCM_SD_CREATE, err) != 0)
        return -1;
    int rc = socm_statedir_lock(&p->sd, "program", p->name, err);
    if (rc == 0)
        rc = program_exec_locked(p, o, resume, err);
    socm_statedir_close(&p->sd);
    return rc;
}

int socm_program_run(const char *path, const char *state_dir, const struct socm_run_opts *o,
                     bool resume, struct socm_error *err)
{
    struct program p;
    memset(err, 0, sizeof *err);
    int rc = program_load(path, state_dir, &p, err);
    if (rc == 0)
        rc = program_exec(&p, o, resume, err);
    program_free(&p);
    return rc;
}

char *socm_program_state_dir(const char *path, const char *state_dir, struct socm_error *err)
{
    struct program p;
    if (program_load(path, state_dir, &p, err) != 0) {
        program_free(&p);
        return NULL;
    }
    char *d = socm_strdup(p.state_dir);
    program_free(&p);
    return d;
}

bool socm_program_is_state_dir(const char *dir)
{
    char *jp = socm_asprintf("%s/program.jsonl", dir);
    bool r = access(jp, F_OK) == 0;
    free(jp);
    return r;
}

int socm_program_resume(const char *dir, const struct socm_run_opts *o, struct socm_error *err)
{
    json_t *states = read_journal(dir, err);
    if (!states)
        return -1;
    const char *file = json_string_value(json_object_get(json_object_get(states, ""), "file"));
    char *f = file ? socm_strdup(file) : NULL;
    json_decref(states);
    if (!f)
        return socm_error_set(err, SOCM_E_INPUT, "%s/program.jsonl has no begin event", dir);
    int rc = socm_program_run(f, dir, o, true, err);
    free(f);
    return rc;
}

/* The program's campaigns in the program file's order when it can still be read (a
 * regular file), else in the journal's; for each, its last journaled state ("pending" before it started). */
static json_t *program_campaigns(json_t *states, const char *dir)
{
    json_t *rows = json_array();
    json_t *begin = json_object_get(states, "");
    const char *file = json_string_value(json_object_get(begin, "file"));
    struct program p;
    struct socm_error perr = {0};
    struct stat st; /* a FIFO named by the journal would hang a status */
    if (file && stat(file, &st) == 0 && S_ISREG(st.st_mode) && program_load(file, dir, &p, &perr) == 0) {
        for (size_t i = 0; i < p.n; i++) {
            json_t *ev = json_object_get(states, p.c[i].name);
            json_array_append_new(rows, json_pack("{s:s,s:s}", "name", p.c[i].name, "state",
                                                  ev ? json_string_value(json_object_get(ev, "state"))
                                                     : "pending"));
        }
        program_free(&p);
        return rows;
    }
    const char *k;
    json_t *ev;
    json_object_foreach(states, k, ev)
        if (k[0] && k[0] != ' ')
            json_array_append_new(rows, json_pack("{s:s,s:s}", "name", k, "state",
                                                  json_string_value(json_object_get(ev, "state"))));
    return rows;
}

/* A program's or a program campaign's state as a campaign's state is named. */
static const char *upper_state(const char *s)
{
    static const char *const map[][2] = {{"pending", "NEW"},    {"running", "EXECUTING"},
                                         {"done", "DONE"},      {"failed", "FAILED"},
                                         {"canceled", "CANCELED"}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (s && !strcmp(s, map[i][0]))
            return map[i][1];
    return "EXECUTING";
}

json_t *socm_program_state_json(const char *dir, struct socm_error *err)
{
    json_t *states = read_journal(dir, err);
    if (!states)
        return NULL;
    json_t *begin = json_object_get(states, "");
    json_t *end = json_object_get(states, " end");
    const char *name = json_string_value(json_object_get(begin, "program"));
    json_t *rows = program_campaigns(states, dir);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *cn = json_string_value(json_object_get(r, "name"));
        char *sd = socm_asprintf("%s/campaigns/%s", dir, cn);
        json_t *row = json_pack("{s:s,s:s,s:o}", "campaign", cn, "state",
                                upper_state(json_string_value(json_object_get(r, "state"))),
                                "state_dir", access(sd, F_OK) == 0 ? json_string(sd) : json_null());
        free(sd);
        json_array_set_new(rows, i, row);
    }
    json_t *doc = json_pack("{s:o,s:s,s:o}", "program", name ? json_string(name) : json_null(),
                            "state", end ? upper_state(json_string_value(json_object_get(end, "state")))
                                         : "EXECUTING",
                            "campaigns", rows);
    json_decref(states);
    return doc;
}

int socm_program_status(const char *dir, FILE *out, struct socm_error *err)
{
    json_t *states = read_journal(dir, err);
    if (!states)
        return -1;
    json_t *begin = json_object_get(states, "");
    json_t *end = json_object_get(states, " end");
    const char *name = json_string_value(json_object_get(begin, "program"));
    const char *st = end ? json_string_value(json_object_get(end, "state")) : "running";
    /* From the journal: escaped, so that no line of it can reach the terminal raw. */
    struct socm_buf line = SOCM_BUF_INIT;
    socm_buf_puts(&line, "program ");
    socm_buf_put_escaped(&line, name ? name : "?", strlen(name ? name : "?"));
    socm_buf_puts(&line, ": ");
    socm_buf_put_escaped(&line, st ? st : "?", strlen(st ? st : "?"));
    char *text = socm_buf_steal(&line);
    fprintf(out, "%s\n", text);
    free(text);
    json_t *rows = program_campaigns(states, dir);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        const char *cn = json_string_value(json_object_get(r, "name"));
        const char *s = json_string_value(json_object_get(r, "state"));
        char *sd = socm_asprintf("%s/campaigns/%s", dir, cn);
        struct socm_error berr = {0};
        struct socm_bk *bk = access(sd, F_OK) == 0 ? socm_bk_load(sd, &berr) : NULL;
        fprintf(out, "  campaign %-20s %-9s", cn, !strcmp(s, "canceled") ? "not started" : s);
        if (bk) {
            size_t nd = 0;
            for (size_t k = 0; k < bk->spec.n; k++)
                nd += bk->w[k].state == SOCM_W_DONE;
            fprintf(out, " %zu/%zu workflows done  %s", nd, bk->spec.n, sd);
            socm_bk_free(bk);
        }
        fputc('\n', out);
        free(sd);
    }
    json_decref(rows);
    json_decref(states);
    return 0;
}

/* spec.c — the campaign resolved for execution, and its JSON form (see spec.h). */
#include "state/spec.h"
#include "campaign/names.h"
#include "campaign/campaign.h"
#include "config/config.h"
#include "state/journal.h"
#include "state/record.h"
#include "planner/sites.h"
#include "socm/planner.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

const char *const socm_hook_names[SOCM_HOOK_N] = {
    "on_workflow_done", "on_workflow_failed", "on_campaign_done", "on_campaign_failed", "on_event"};

void socm_task_socm_env(const struct socm_task *t, const char *campaign, int attempt,
                        const char *sandbox, struct socm_strv *out)
{
    socm_strv_pushf(out, "SOCM_CAMPAIGN=%s", campaign ? campaign : "");
    socm_strv_pushf(out, "SOCM_WORKFLOW=%s", t->name);
    socm_strv_pushf(out, "SOCM_ATTEMPT=%d", attempt);
    socm_strv_pushf(out, "SOCM_SANDBOX=%s", sandbox);
    socm_strv_pushf(out, "SOCM_WORKDIR=%s", t->workdir ? t->workdir : sandbox);
    socm_strv_pushf(out, "SOCM_CORES=%lld", (long long)t->cores);
    for (size_t i = 0; i < t->env.n; i++)
        if (socm_str_startswith(t->env.v[i], "OMP_NUM_THREADS="))
            return; /* the user's own */
    socm_strv_pushf(out, "OMP_NUM_THREADS=%lld", (long long)(t->threads > 0 ? t->threads : 1));
}

static json_t *sites_json(const struct socm_spec *s)
{
    json_t *a = json_array();
    for (size_t k = 0; k < s->nsites; k++) {
        const struct socm_spec_site *d = &s->sites[k];
        json_t *sj = json_pack("{s:s,s:s,s:I,s:f}", "name", d->name, "enactor", d->enactor,
                               "cores", (json_int_t)d->cores, "memory_mb", d->memory_mb);
        const char *keys[] = {"account", "partition", "state_dir"};
        const char *vals[] = {d->account, d->partition, d->state_dir};
        for (int k2 = 0; k2 < 3; k2++)
            if (vals[k2])
                json_object_set_new(sj, keys[k2], json_string(vals[k2]));
        json_array_append_new(a, sj);
    }
    return a;
}

static int sites_from_json(const json_t *a, struct socm_spec *s, struct socm_error *err)
{
    if (!a)
        return 0;
    s->nsites = json_array_size(a);
    s->sites = socm_xcalloc(s->nsites ? s->nsites : 1, sizeof *s->sites);
    for (size_t k = 0; k < s->nsites; k++) {
        const char *name = NULL, *en = NULL, *acc = NULL, *part = NULL, *dir = NULL;
        json_int_t cores = 0;
        struct socm_spec_site *d = &s->sites[k];
        if (json_unpack(json_array_get(a, k), "{s:s,s:s,s?s,s?s,s?s,s:I,s:F}", "name", &name,
                        "enactor", &en, "account", &acc, "partition", &part, "state_dir", &dir,
                        "cores", &cores, "memory_mb", &d->memory_mb) != 0)
            return socm_error_set(err, SOCM_E_INPUT, "journal: bad site record %zu", k + 1);
        d->name = socm_strdup(name);
        d->enactor = socm_strdup(en);
        d->account = acc ? socm_strdup(acc) : NULL;
        d->partition = part ? socm_strdup(part) : NULL;
        d->state_dir = dir ? socm_strdup(dir) : NULL;
        d->cores = cores;
    }
    return 0;
}

static json_t *plan_entry_json(const struct socm_plan_entry *e)
{
    return json_pack("{s:i,s:I,s:I,s:f,s:f,s:f}", "id", e->id, "core_first",
                     (json_int_t)e->core_first, "core_last", (json_int_t)e->core_last,
                     "memory_mb", e->memory_mb, "start", e->start, "end", e->end);
}

static json_t *plan_head_json(const struct socm_plan *p, json_t *entries)
{
    return json_pack("{s:s?,s:I,s:s?,s:f,s:f,s:f,s:f,s:f,s:f,s:o}", "policy", p->policy, "cores",
                     (json_int_t)p->cores, "qos", p->qos, "makespan", p->makespan, "walltime",
                     p->walltime, "cp_bound", p->cp_bound, "work_bound", p->work_bound,
                     "lower_bound", p->lower_bound, "efficiency", p->efficiency, "entries",
                     entries);
}

json_t *socm_plan_to_json(const struct socm_plan *p)
{
    json_t *entries = json_array();
    for (size_t i = 0; i < p->n; i++)
        json_array_append_new(entries, plan_entry_json(&p->entries[i]));
    return plan_head_json(p, entries);
}

/* Appends j's compact text less its last byte (to go on with more members or items). */
static void put_open(struct socm_buf *b, const json_t *j)
{
    char *t = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
    socm_buf_putn(b, t, strlen(t) - 1);
    free(t);
}

/* The same JSON as socm_plan_to_json, entry by entry (a tree of every entry would cost
 * several times its text). */
char *socm_spec_plan_text(const struct socm_plan *p)
{
    struct socm_buf b = SOCM_BUF_INIT;
    json_t *head = plan_head_json(p, json_array());
    put_open(&b, head);
    json_decref(head);
    b.len--; /* "[]" → "[" */
    for (size_t i = 0; i < p->n; i++) {
        json_t *e = plan_entry_json(&p->entries[i]);
        if (i)
            socm_buf_putc(&b, ',');
        put_open(&b, e);
        socm_buf_putc(&b, '}');
        json_decref(e);
    }
    socm_buf_puts(&b, "]}");
    return socm_buf_steal_exact(&b);
}

static json_t *strv_json(const struct socm_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}

/* wd: the campaign's working directory (a task's own is written only when it differs). */
static json_t *task_json(const struct socm_task *t, const char *wd)
{
    json_t *pred = json_array();
    for (size_t k = 0; k < t->npred; k++)
        json_array_append_new(pred, json_integer(t->pred[k]));
    json_t *j = json_pack("{s:i,s:s,s:o,s:o,s:I,s:I,s:f,s:f,s:i,s:o,s:f,s:f}", "id", t->id, "name",
                     t->name, "argv", strv_json(&t->argv), "env", strv_json(&t->env), "cores",
                     (json_int_t)t->cores, "threads", (json_int_t)t->threads, "memory_mb",
                     t->memory_mb, "walltime_min", t->walltime_min, "max_retries",
                     t->max_retries, "pred", pred, "plan_start", t->plan_start, "plan_end",
                     t->plan_end);
    if (t->history)
        json_object_set(j, "history", t->history);
    if (t->site)
        json_object_set_new(j, "site", json_integer(t->site));
    if (t->qos)
        json_object_set_new(j, "qos", json_string(t->qos));
    if (t->walltime_cap_min > 0)
        json_object_set_new(j, "walltime_cap_min", json_real(t->walltime_cap_min));
    if (t->grow_walltime)
        json_object_set_new(j, "grow_walltime", json_true());
    if (t->workdir && (!wd || strcmp(t->workdir, wd)))
        json_object_set_new(j, "workdir", json_string(t->workdir));
    return j;
}

/* Everything but the tasks. */
static json_t *spec_head(const struct socm_spec *s)
{
    json_t *hooks = json_object();
    for (int k = 0; k < SOCM_HOOK_N; k++)
        if (s->hooks[k].n)
            json_object_set_new(hooks, socm_hook_names[k], strv_json(&s->hooks[k]));
    json_t *j = json_pack(
        "{s:s,s:s,s:s,s:b,s:b,s:f,s:f,s:I,s:f,s:f,s:f,s:o}", "campaign", s->campaign,
        "state_dir", s->state_dir, "enactor", s->enactor, "fail_fast", s->fail_fast, "pin", s->pin,
        "deadline_min", s->deadline_min, "makespan_min", s->makespan_min, "plan_cores",
        (json_int_t)s->plan_cores, "grace_s", s->grace_s, "hook_timeout_s", s->hook_timeout_s,
        "retry_backoff_s", s->retry_backoff_s, "hooks", hooks);
    if (s->history_db)
        json_object_set_new(j, "history_db", json_string(s->history_db));
    if (s->config)
        json_object_set(j, "config", s->config);
    if (s->plan)
        json_object_set(j, "plan", s->plan);
    if (s->nsites)
        json_object_set_new(j, "sites", sites_json(s));
    if (s->workdir)
        json_object_set_new(j, "workdir", json_string(s->workdir));
    if (s->run_cores > 0)
        json_object_set_new(j, "run_cores", json_integer(s->run_cores));
    if (s->run_memory_mb > 0)
        json_object_set_new(j, "run_memory_mb", json_real(s->run_memory_mb));
    return j;
}

json_t *socm_task_history(const struct socm_task *t)
{
    if (t->history)
        return json_incref(t->history);
    return t->history_text ? json_loads(t->history_text, 0, NULL) : NULL;
}

/* A text member of a spec built from a campaign as JSON (NULL: none). */
static void set_text(json_t *j, const char *key, const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if (v)
        json_object_set_new(j, key, v);
}

json_t *socm_spec_to_json(const struct socm_spec *s)
{
    json_t *j = spec_head(s);
    if (s->config_tree) {
        struct socm_buf b = SOCM_BUF_INIT;
        socm_config_write_json(s->config_tree, &b);
        set_text(j, "config", b.data);
        socm_buf_free(&b);
    } else {
        set_text(j, "config", s->config_text);
    }
    set_text(j, "plan", s->plan_text);
    json_t *tasks = json_array();
    for (size_t i = 0; i < s->n; i++) {
        json_t *tj = task_json(&s->tasks[i], s->workdir);
        set_text(tj, "history", s->tasks[i].history_text);
        json_array_append_new(tasks, tj);
    }
    json_object_set_new(j, "tasks", tasks);
    return j;
}

/* The begin event, piece by piece: the head, the configuration and the plan by the
 * 64 KiB (each is as long as the campaign file), tasks by the 64 KiB, the end. */
#define BEGIN_PIECE ((size_t)1 << 16)

enum begin_stage { BEGIN_HEAD, BEGIN_CONFIG, BEGIN_PLAN, BEGIN_TASKS };

struct begin_writer {
    const struct socm_spec *s;
    double t;
    long pid;
    enum begin_stage stage;
    size_t off, len; /* bytes of the current text written, and in all */
    size_t next; /* the next task */
    struct socm_json_stream js; /* the configuration's text, from spec->config */
};

/* The next piece of text, `,"key":` first: whether any of it is left. */
static bool put_text_piece(struct socm_buf *b, const char *key, const char *text,
                           struct begin_writer *w)
{
    if (!text)
        return false;
    if (w->off == 0) {
        socm_buf_printf(b, ",\"%s\":", key);
        w->len = strlen(text);
    }
    size_t left = w->len - w->off, n = left < BEGIN_PIECE ? left : BEGIN_PIECE;
    socm_buf_putn(b, text + w->off, n);
    w->off += n;
    return n < left;
}

static void put_text_member(struct socm_buf *b, const char *key, const char *text)
{
    if (text)
        socm_buf_printf(b, ",\"%s\":%s", key, text);
}

static int begin_piece(void *ctx, struct socm_buf *b)
{
    struct begin_writer *w = ctx;
    const struct socm_spec *s = w->s;
    switch (w->stage) {
    case BEGIN_HEAD: {
        socm_buf_printf(b, "{\"ev\":\"begin\",\"pid\":%ld,\"t\":%.6f,\"spec\":", w->pid, w->t);
        json_t *head = spec_head(s);
        put_open(b, head);
        json_decref(head);
        w->stage = BEGIN_CONFIG;
        return 1;
    }
    case BEGIN_CONFIG:
        if (s->config_tree) {
            if (!w->js.started)
                socm_buf_puts(b, ",\"config\":");
            if (!socm_config_write_json_piece(&w->js, s->config_tree, b, BEGIN_PIECE))
                w->stage = BEGIN_PLAN;
            return 1;
        }
        if (!put_text_piece(b, "config", s->config_text, w))
            w->stage = BEGIN_PLAN, w->off = 0;
        return 1;
    case BEGIN_PLAN:
        if (!put_text_piece(b, "plan", s->plan_text, w)) {
            w->stage = BEGIN_TASKS;
            socm_buf_puts(b, ",\"tasks\":[");
        }
        return 1;
    case BEGIN_TASKS:
        break;
    }
    size_t start = b->len; /* b may hold more than this piece (socm_spec_begin_line) */
    while (w->next < s->n && b->len - start < BEGIN_PIECE) {
        const struct socm_task *t = &s->tasks[w->next];
        json_t *tj = task_json(t, s->workdir);
        if (w->next++)
            socm_buf_putc(b, ',');
        put_open(b, tj);
        json_decref(tj);
        put_text_member(b, "history", t->history_text);
        socm_buf_putc(b, '}');
    }
    if (w->next < s->n)
        return 1;
    socm_buf_puts(b, "]}}");
    return 0;
}

char *socm_spec_begin_line(const struct socm_spec *s, double t, long pid)
{
    struct begin_writer w = {s, t, pid, BEGIN_HEAD, 0, 0, 0, {0}};
    struct socm_buf b = SOCM_BUF_INIT;
    while (begin_piece(&w, &b))
        ;
    socm_json_stream_free(&w.js);
    return socm_buf_steal(&b);
}

int socm_spec_journal_create(struct socm_spec *s, double t, long pid, struct socm_journal *j,
                             int dfd, const char *dir, struct socm_error *err)
{
    struct begin_writer w = {s, t, pid, BEGIN_HEAD, 0, 0, 0, {0}};
    int rc = socm_journal_create_stream_at(j, dfd, dir, begin_piece, &w, err);
    socm_json_stream_free(&w.js);
    free(s->config_text);
    free(s->plan_text);
    s->config_text = s->plan_text = NULL;
    socm_value_free(s->config_tree);
    s->config_tree = NULL;
    socm_memory_trim(); /* what the run holds from here on is far less */
    return rc;
}

static int strv_from(const json_t *a, struct socm_strv *sv)
{
    if (!json_is_array(a))
        return -1;
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (!json_is_string(v))
            return -1;
        socm_strv_push(sv, json_string_value(v));
    }
    return 0;
}

int socm_spec_from_json(const json_t *j, struct socm_spec *s, struct socm_error *err)
{
    memset(s, 0, sizeof *s);
    const char *campaign, *state_dir, *enactor;
    int ff = 0, pin = 0;
    json_int_t cores = 0;
    json_t *tasks = NULL, *hooks = NULL;
    json_error_t je;
    if (json_unpack_ex((json_t *)j, &je, 0, "{s:s,s:s,s:s,s:b,s:b,s:F,s:F,s:I,s:F,s:F,s:F,s:o,s:o}",
                       "campaign", &campaign, "state_dir", &state_dir, "enactor", &enactor,
                       "fail_fast", &ff, "pin", &pin, "deadline_min", &s->deadline_min,
                       "makespan_min", &s->makespan_min, "plan_cores", &cores, "grace_s",
                       &s->grace_s, "hook_timeout_s", &s->hook_timeout_s, "retry_backoff_s",
                       &s->retry_backoff_s, "hooks", &hooks, "tasks", &tasks) != 0 ||
        !json_is_array(tasks))
        return socm_error_set(err, SOCM_E_INPUT, "journal: bad campaign record: %s", je.text);
    s->campaign = socm_strdup(campaign);
    s->state_dir = socm_strdup(state_dir);
    s->enactor = socm_strdup(enactor);
    s->fail_fast = ff;
    s->pin = pin;
    s->plan_cores = cores;
    /* Optional (journals before run options were kept have none: 0 = not given). */
    json_t *rc = json_object_get(j, "run_cores"), *rm = json_object_get(j, "run_memory_mb");
    s->run_cores = json_is_integer(rc) && json_integer_value(rc) > 0 ? json_integer_value(rc) : 0;
    s->run_memory_mb = json_is_number(rm) && json_number_value(rm) > 0 ? json_number_value(rm) : 0;
    for (int k = 0; k < SOCM_HOOK_N; k++) {
        json_t *a = json_object_get(hooks, socm_hook_names[k]);
        if (a)
            strv_from(a, &s->hooks[k]);
    }
    s->n = json_array_size(tasks);
    s->tasks = socm_xcalloc(s->n ? s->n : 1, sizeof *s->tasks);
    for (size_t i = 0; i < s->n; i++) {
        struct socm_task *t = &s->tasks[i];
        const char *name;
        json_t *argv, *env, *pred;
        json_int_t tc, th;
        if (json_unpack_ex(json_array_get(tasks, i), &je, 0,
                           "{s:i,s:s,s:o,s:o,s:I,s:I,s:F,s:F,s:i,s:o,s:F,s:F}", "id", &t->id, "name",
                           &name, "argv", &argv, "env", &env, "cores", &tc, "threads", &th, "memory_mb",
                           &t->memory_mb, "walltime_min", &t->walltime_min, "max_retries",
                           &t->max_retries, "pred", &pred, "plan_start", &t->plan_start,
                           "plan_end", &t->plan_end) != 0 ||
            strv_from(argv, &t->argv) || strv_from(env, &t->env) || !json_is_array(pred)) {
            socm_spec_free(s);
            return socm_error_set(err, SOCM_E_INPUT, "journal: bad task record %zu: %s", i + 1,
                                  je.text);
        }
        t->name = socm_strdup(name);
        const json_t *tj = json_array_get(tasks, i);
        t->history = json_incref(json_object_get(tj, "history"));
        const char *qos = json_string_value(json_object_get(tj, "qos"));
        t->qos = qos ? socm_strdup(qos) : NULL;
        t->walltime_cap_min = json_number_value(json_object_get(tj, "walltime_cap_min"));
        t->grow_walltime = json_is_true(json_object_get(tj, "grow_walltime"));
        t->site = (int)json_integer_value(json_object_get(tj, "site"));
        const char *wd = json_string_value(json_object_get(tj, "workdir"));
        if (!wd)
            wd = json_string_value(json_object_get(j, "workdir"));
        t->workdir = wd ? socm_strdup(wd) : NULL;
        t->cores = tc;
        t->threads = th;
        t->npred = json_array_size(pred);
        t->pred = socm_xcalloc(t->npred ? t->npred : 1, sizeof *t->pred);
        for (size_t k = 0; k < t->npred; k++) {
            json_int_t p = json_integer_value(json_array_get(pred, k));
            if (p < 0 || (size_t)p >= s->n) {
                socm_spec_free(s);
                return socm_error_set(err, SOCM_E_INPUT, "journal: bad predecessor in task %zu",
                                      i + 1);
            }
            t->pred[k] = (int)p;
        }
    }
    const char *wdir = json_string_value(json_object_get(j, "workdir"));
    s->workdir = wdir ? socm_strdup(wdir) : NULL;
    const char *db = json_string_value(json_object_get(j, "history_db"));
    s->history_db = db ? socm_strdup(db) : NULL;
    s->config = json_incref(json_object_get(j, "config"));
    s->plan = json_incref(json_object_get(j, "plan"));
    if (sites_from_json(json_object_get(j, "sites"), s, err) != 0) {
        socm_spec_free(s);
        return -1;
    }
    for (size_t i = 0; i < s->n; i++)
        if (s->tasks[i].site < 0 || (size_t)s->tasks[i].site >= (s->nsites ? s->nsites : 1)) {
            socm_spec_free(s);
            return socm_error_set(err, SOCM_E_INPUT, "journal: bad site in task %zu", i + 1);
        }
    return 0;
}

void socm_spec_free(struct socm_spec *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->tasks[i].name);
        socm_strv_free(&s->tasks[i].argv);
        socm_strv_free(&s->tasks[i].env);
        free(s->tasks[i].pred);
        json_decref(s->tasks[i].history);
        free(s->tasks[i].history_text);
        free(s->tasks[i].qos);
        free(s->tasks[i].workdir);
    }
    free(s->tasks);
    for (int k = 0; k < SOCM_HOOK_N; k++)
        socm_strv_free(&s->hooks[k]);
    free(s->campaign);
    free(s->state_dir);
    free(s->workdir);
    free(s->enactor);
    free(s->history_db);
    json_decref(s->config);
    json_decref(s->plan);
    free(s->config_text);
    free(s->plan_text);
    socm_value_free(s->config_tree);
    for (size_t k = 0; k < s->nsites; k++) {
        struct socm_spec_site *d = &s->sites[k];
        free(d->name), free(d->enactor), free(d->account), free(d->partition), free(d->state_dir);
    }
    free(s->sites);
    memset(s, 0, sizeof *s);
}

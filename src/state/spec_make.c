/* spec_make.c — the spec made from a campaign and its plan (see spec.h): the run's
 * settings, one task per workflow, the working directories. */
#include "state/spec.h"
#include "campaign/campaign.h"
#include "campaign/names.h"
#include "config/config.h"
#include "state/record.h"
#include "planner/sites.h"
#include "socm/planner.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static int read_hooks(const struct socm_value *config, struct socm_spec *s, struct socm_error *err)
{
    const struct socm_value *h = socm_value_path(config, "campaign.hooks");
    if (!h)
        return 0;
    if (h->type != SOCM_V_TABLE)
        return socm_error_at(err, &h->pos, "[campaign.hooks] must be a table");
    for (int k = 0; k < SOCM_HOOK_N; k++) {
        const struct socm_value *a = socm_table_get(h, socm_hook_names[k]);
        if (!a)
            continue;
        if (a->type != SOCM_V_ARRAY || a->u.arr.n == 0)
            return socm_error_at(err, &a->pos,
                                 "hooks.%s must be a non-empty array of strings (an argv)",
                                 socm_hook_names[k]);
        for (size_t i = 0; i < a->u.arr.n; i++) {
            const struct socm_value *it = a->u.arr.items[i];
            if (it->type != SOCM_V_STRING)
                return socm_error_at(err, &it->pos, "hooks.%s: every item must be a string",
                                     socm_hook_names[k]);
            socm_strv_push(&s->hooks[k], it->u.str.s);
        }
    }
    double t = 0;
    const struct socm_value *tv = socm_table_get(h, "timeout");
    if (tv) {
        if (socm_units_duration_min(tv, "hooks.timeout", &t, err) != 0)
            return -1;
        s->hook_timeout_s = t * 60;
    }
    return 0;
}

static int read_settings(const struct socm_value *config, struct socm_spec *s, struct socm_error *err)
{
    const struct socm_value *camp = socm_value_path(config, "campaign");
    if (!camp || camp->type != SOCM_V_TABLE)
        return 0;
    if (socm_table_get_bool(camp, "pin", &s->pin, err) != 0)
        return -1;
    const struct socm_value *v = socm_table_get(camp, "grace");
    double m;
    if (v) {
        if (socm_units_duration_min(v, "grace", &m, err) != 0)
            return -1;
        s->grace_s = m * 60;
    }
    v = socm_table_get(camp, "retry_backoff");
    if (v) {
        if (socm_units_duration_min(v, "retry_backoff", &m, err) != 0)
            return -1;
        s->retry_backoff_s = m * 60;
    }
    return read_hooks(config, s, err);
}

/* The QoS a task is submitted with (slurm-jobs) and the walltime it may grow to:
 * the first QoS in the resource's preference order that admits both its walltime
 * and its cores; the cap is the longest walltime among QoS admitting its cores. A
 * QoS named "default" (a resource defined without QoS) is not a Slurm name. */
static void task_qos(const struct socm_resource *r, struct socm_task *t)
{
    for (size_t k = 0; r && k < r->n_qos; k++) {
        const struct socm_qos *q = &r->qos[k];
        if (q->max_cores > 0 && t->cores > q->max_cores)
            continue;
        if (q->max_walltime_min > t->walltime_cap_min)
            t->walltime_cap_min = q->max_walltime_min;
        if (!t->qos && strcmp(q->name, "default") &&
            (t->walltime_min <= 0 || q->max_walltime_min <= 0 || t->walltime_min <= q->max_walltime_min))
            t->qos = socm_strdup(q->name);
    }
}

static void spec_sites(const struct socm_sites_plan *sp, struct socm_spec *out)
{
    out->nsites = sp->nparts;
    out->sites = socm_xcalloc(out->nsites, sizeof *out->sites);
    for (size_t k = 0; k < out->nsites; k++) {
        const struct socm_site *st = sp->parts[k].site;
        struct socm_spec_site *d = &out->sites[k];
        d->name = socm_strdup(st->name);
        d->enactor = socm_strdup(st->enactor ? st->enactor : out->enactor);
        d->account = st->account ? socm_strdup(st->account) : NULL;
        d->partition = st->partition ? socm_strdup(st->partition) : NULL;
        d->state_dir = st->state_dir ? socm_strdup(st->state_dir) : NULL;
        d->cores = st->cores > 0 ? st->cores : sp->parts[k].plan.cores;
        d->memory_mb = st->memory_mb;
    }
    for (size_t i = 0; i < out->n; i++)
        out->tasks[i].site = sp->site[i];
}

/* ---- working directories ---- */

/* A `workdir` (or YAML `base-path`) value of table t: 0 none, 1 found, -1 error. */
static int workdir_key(const struct socm_value *t, const struct socm_value **out,
                       struct socm_error *err)
{
    const char *keys[] = {"workdir", "base-path", "base_path"};
    *out = NULL;
    for (int k = 0; k < 3 && t && t->type == SOCM_V_TABLE; k++) {
        const struct socm_value *v = socm_table_get(t, keys[k]);
        if (!v)
            continue;
        if (v->type != SOCM_V_STRING || !v->u.str.s[0] || strchr(v->u.str.s, '\n'))
            return socm_error_at(err, &v->pos, "'%s' must be a directory name (a non-empty string)",
                                 keys[k]);
        *out = v;
        return 1;
    }
    return 0;
}

/* The absolute form of v's directory against cwd; it must be a directory. */
static int workdir_resolve(const struct socm_value *v, const char *cwd, char **out,
                           struct socm_error *err)
{
    const char *d = v->u.str.s;
    char *abs = d[0] == '/' ? socm_strdup(d)
                : !strcmp(d, ".") ? socm_strdup(cwd)
                                  : socm_asprintf("%s/%s", cwd, d);
    struct stat st;
    const char *why = stat(abs, &st) != 0 ? strerror(errno)
                      : !S_ISDIR(st.st_mode) ? "not a directory"
                                             : NULL;
    if (why) {
        int rc = socm_error_at(err, &v->pos, "working directory %s: %s", abs, why);
        free(abs);
        return rc;
    }
    *out = abs;
    return 0;
}


/* ---- the spec's head and its tasks ---- */

/* Everything but the tasks, and room for them; frees out on failure. */
static int spec_head_from(const struct socm_campaign *c, const struct socm_plan *p,
                          const char *state_dir, struct socm_spec *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    out->campaign = socm_strdup(c->name);
    out->state_dir = socm_strdup(state_dir ? state_dir
                                           : c->state_dir ? c->state_dir : "");
    if (!out->state_dir[0]) {
        free(out->state_dir);
        out->state_dir = socm_state_dir_default(c->name);
    }
    out->enactor = socm_strdup(c->enactor ? c->enactor : "local");
    out->fail_fast = c->fail_fast;
    out->deadline_min = c->deadline_min;
    out->deadline_soft = c->schema == SOCM_SCHEMA_BATCH;
    out->makespan_min = p ? p->makespan : 0;
    out->plan_cores = p ? p->cores : 0;
    out->grace_s = 10;
    out->hook_timeout_s = 30;
    out->retry_backoff_s = 1;
    if ((c->config && read_settings(c->config, out, err) != 0) ||
        socm_record_db_path(c->config, &out->history_db, err) != 0) {
        socm_spec_free(out);
        return -1;
    }
    out->n = c->n_wfs;
    out->tasks = socm_xcalloc(out->n ? out->n : 1, sizeof *out->tasks);
    return 0;
}

/* The first workflow without a command line, if any: it cannot be run. */
static int check_commands(const struct socm_campaign *c, struct socm_error *err)
{
    for (size_t i = 0; i < c->n_wfs; i++)
        if (c->wfs[i]->argv.n == 0)
            return socm_error_at(err, &c->wfs[i]->pos, "workflow '%s' has no command to run",
                                 c->wfs[i]->name);
    return 0;
}

/* Task i from workflow i and the plan's entry i. */
static void task_from(const struct socm_campaign *c, const struct socm_plan *p, size_t i,
                      struct socm_spec *out)
{
    const struct socm_workflow *wf = c->wfs[i];
    struct socm_task *t = &out->tasks[i];
    t->id = wf->id;
    t->name = socm_strdup(wf->name);
    /* Copies, not the workflow's own: made now, they lie together, where the
     * workflow's lie scattered over the campaign's memory and would keep all
     * of it resident for the run once the campaign is freed. */
    /* One allocation each, not one a word; one for neighbours that are alike. */
    const struct socm_task *prev = i > 0 ? &out->tasks[i - 1] : NULL;
    socm_strv_copy_like(&t->argv, &wf->argv, prev ? &prev->argv : NULL);
    socm_strv_copy_like(&t->env, &wf->env, prev ? &prev->env : NULL);
    int64_t ranks = wf->res.ranks > 0 ? wf->res.ranks : 1;
    int64_t threads = wf->res.threads > 0 ? wf->res.threads : 1;
    t->cores = ranks * threads;
    t->threads = threads;
    t->memory_mb = wf->res.memory_mb;
    t->walltime_min = wf->res.runtime_min;
    t->max_retries = wf->max_retries >= 0 ? wf->max_retries : c->max_retries;
    if (out->history_db) {
        json_t *h = socm_record_prepare(wf);
        t->history_text = h ? json_dumps(h, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
        json_decref(h);
    }
    if (i < c->dag.n) {
        t->npred = c->dag.pred[i].n;
        t->pred = socm_xcalloc(t->npred ? t->npred : 1, sizeof *t->pred);
        if (t->npred) /* an empty list may have no storage at all */
            memcpy(t->pred, c->dag.pred[i].v, t->npred * sizeof *t->pred);
    }
    if (p && i < p->n) {
        const struct socm_plan_entry *e = &p->entries[i];
        t->plan_start = e->start;
        t->plan_end = e->end;
        /* The plan's slot carries the margin on the declared runtime: enforce that. */
        if (t->walltime_min > 0 && e->end - e->start > t->walltime_min)
            t->walltime_min = e->end - e->start;
        if (t->memory_mb <= 0)
            t->memory_mb = e->memory_mb;
    }
    t->grow_walltime = wf->grow_walltime >= 0 ? wf->grow_walltime : c->grow_walltime;
    task_qos(c->resource, t);
}

static void spec_config_text(const struct socm_campaign *c, struct socm_spec *out)
{
    if (c->config) {
        struct socm_buf b = SOCM_BUF_INIT;
        socm_config_write_json(c->config, &b);
        out->config_text = socm_buf_steal_exact(&b);
    }
}

int socm_spec_from_campaign(const struct socm_campaign *c, const struct socm_plan *p,
                            const char *state_dir, struct socm_spec *out,
                            struct socm_error *err)
{
    if (spec_head_from(c, p, state_dir, out, err) != 0)
        return -1;
    if (check_commands(c, err) != 0) {
        socm_spec_free(out);
        return -1;
    }
    for (size_t i = 0; i < c->n_wfs; i++)
        task_from(c, p, i, out);
    spec_config_text(c, out);
    out->plan_text = p ? socm_spec_plan_text(p) : NULL;
    return 0;
}

/* ---- working directories ---- */

/* The campaign's working directory into s->workdir, and each site's into
 * (*site_dir)[k] (NULL: the campaign's), resolved once for every task. */
static int workdirs_begin(const struct socm_campaign *c, struct socm_spec *s, const char *cwd,
                          char ***site_dir, struct socm_error *err)
{
    *site_dir = NULL;
    const struct socm_value *camp = c->config ? socm_value_path(c->config, "campaign") : NULL;
    const struct socm_value *v;
    int r = workdir_key(camp, &v, err);
    if (r < 0)
        return -1;
    free(s->workdir);
    s->workdir = NULL;
    if (r == 0)
        s->workdir = socm_strdup(cwd);
    else if (workdir_resolve(v, cwd, &s->workdir, err) != 0)
        return -1;
    *site_dir = socm_xcalloc(s->nsites ? s->nsites : 1, sizeof **site_dir);
    const struct socm_value *sites = camp ? socm_table_get(camp, "sites") : NULL;
    for (size_t k = 0; k < s->nsites; k++) {
        const struct socm_value *st = sites && sites->type == SOCM_V_TABLE
                                          ? socm_table_get(sites, s->sites[k].name)
                                          : NULL;
        if ((r = workdir_key(st, &v, err)) < 0 ||
            (r == 1 && workdir_resolve(v, cwd, &(*site_dir)[k], err) != 0))
            return -1;
    }
    return 0;
}

/* Task t's: its workflow's (wf may be NULL), else its site's, else the campaign's. */
static int task_workdir(const struct socm_workflow *wf, struct socm_task *t,
                        const struct socm_spec *s, char *const *site_dir, const char *cwd,
                        struct socm_error *err)
{
    const struct socm_value *v;
    int r;
    free(t->workdir);
    t->workdir = NULL;
    if ((r = workdir_key(wf ? wf->fields : NULL, &v, err)) < 0 ||
        (r == 1 && workdir_resolve(v, cwd, &t->workdir, err) != 0))
        return -1;
    if (!t->workdir)
        t->workdir = socm_strdup(s->nsites && site_dir[t->site] ? site_dir[t->site] : s->workdir);
    return 0;
}

static void workdirs_end(const struct socm_spec *s, char **site_dir)
{
    for (size_t k = 0; site_dir && k < s->nsites; k++)
        free(site_dir[k]);
    free(site_dir);
}

int socm_spec_set_workdirs(const struct socm_campaign *c, struct socm_spec *s, const char *cwd,
                           struct socm_error *err)
{
    char **site_dir;
    int rc = workdirs_begin(c, s, cwd, &site_dir, err);
    for (size_t i = 0; i < s->n && rc == 0; i++)
        rc = task_workdir(i < c->n_wfs ? c->wfs[i] : NULL, &s->tasks[i], s, site_dir, cwd, err);
    workdirs_end(s, site_dir);
    return rc;
}

/* The working directories against the current one; frees out on failure. */
static int spec_workdirs_here(const struct socm_campaign *c, struct socm_spec *out,
                              struct socm_error *err)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        socm_spec_free(out);
        return socm_error_errno(err, "cannot tell the current directory");
    }
    if (socm_spec_set_workdirs(c, out, cwd, err) != 0) {
        socm_spec_free(out);
        return -1;
    }
    return 0;
}

int socm_spec_from_sites_plan(const struct socm_campaign *c, const struct socm_sites_plan *sp,
                              const char *state_dir, struct socm_spec *out,
                              struct socm_error *err)
{
    if (socm_spec_from_campaign(c, &sp->plan, state_dir, out, err) != 0)
        return -1;
    if (sp->site)
        spec_sites(sp, out);
    return spec_workdirs_here(c, out, err);
}

/* The same steps as socm_spec_from_sites_plan, in the same order of checks, but
 * task by task: each workflow is freed as soon as its task and working directory
 * are made, so that the tasks take the room the workflows leave rather than room
 * of their own beside the whole campaign; the spec keeps the configuration itself,
 * whose text is never held whole (it costs as much again as the file). */
int socm_spec_from_sites_plan_consume(struct socm_campaign *c, struct socm_sites_plan *sp,
                                      const char *state_dir, struct socm_spec *out,
                                      struct socm_error *err)
{
    char cwd[PATH_MAX];
    char **site_dir = NULL;
    int rc = spec_head_from(c, &sp->plan, state_dir, out, err);
    bool made = rc == 0; /* out is to be freed on a later failure */
    if (rc == 0)
        rc = check_commands(c, err);
    if (rc == 0 && sp->site)
        spec_sites(sp, out); /* names the campaign's sites */
    if (rc == 0 && !getcwd(cwd, sizeof cwd))
        rc = socm_error_errno(err, "cannot tell the current directory");
    if (rc == 0)
        rc = workdirs_begin(c, out, cwd, &site_dir, err);
    for (size_t i = 0; i < c->n_wfs && rc == 0; i++) {
        task_from(c, &sp->plan, i, out);
        rc = task_workdir(c->wfs[i], &out->tasks[i], out, site_dir, cwd, err);
        socm_workflow_free(c->wfs[i]);
        c->wfs[i] = NULL;
    }
    if (made)
        workdirs_end(out, site_dir);
    if (rc == 0) { /* its text goes into the journal piece by piece */
        out->config_tree = c->config;
        c->config = NULL;
    } else if (made) {
        socm_spec_free(out);
    }
    socm_campaign_free(c);
    socm_memory_trim(); /* the campaign was most of the memory */
    if (rc == 0)
        out->plan_text = socm_spec_plan_text(&sp->plan);
    socm_sites_plan_free(sp);
    return rc;
}

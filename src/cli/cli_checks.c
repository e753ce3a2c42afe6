/* cli_checks.c — what `validate` checks beyond the campaign model, so that a
 * campaign that validates also plans and starts: the enactor and planner names,
 * whether the chosen enactor can run every workflow (cores and memory of this
 * machine for `local`; runtime and memory for the Slurm enactors, which size jobs
 * with them), and the deadline (planned, with the smallest deadline that works).
 * Also the explanation of a missed deadline that `plan` and `run` print. */
#include "cli/cli_checks.h"
#include "agents/agent.h"
#include "planner/sites.h"
#include "slurm/slurm.h"
#include "socm/enactor.h"
#include "util/human.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Where a [campaign] key is written, else the [campaign] table. */
static struct socm_pos key_pos(const struct socm_campaign *c, const char *key)
{
    const struct socm_value *camp = c->config ? socm_table_get(c->config, "campaign") : NULL;
    const struct socm_value *v = camp && camp->type == SOCM_V_TABLE ? socm_table_get(camp, key) : NULL;
    return v ? v->pos : c->pos;
}

bool socm_cli_enactor_is_slurm(const char *name)
{
    return name && socm_str_startswith(name, "slurm-");
}

static void check_enactor(const char *name, const struct socm_pos *pos, const char *what,
                          struct socm_errlist *errs)
{
    struct socm_error err = {0};
    if (!socm_enactor_resolve(name, &err))
        socm_errlist_addf(errs, pos, "%s%s", what, err.msg);
}

static void check_planner(struct socm_campaign *c, struct socm_errlist *errs)
{
    struct socm_error err = {0};
    if (socm_planner_for_campaign(c, NULL, &err))
        return;
    struct socm_pos pos = key_pos(c, c->planner_plugin ? "planner_plugin" : "policy");
    socm_errlist_addf(errs, &pos, "%s", err.msg);
}

static double machine_memory_mb(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page / 1e6 : 0;
}

/* The local enactor runs every workflow on this machine: one that needs more cores
 * or memory than it has would fail when its turn comes. */
static void check_local(const struct socm_campaign *c, int64_t cores, double mem,
                        struct socm_errlist *errs)
{
    if (cores <= 0)
        cores = socm_machine_cores();
    if (mem <= 0)
        mem = machine_memory_mb();
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        int64_t need = wf->res.ranks * wf->res.threads;
        if (need > cores)
            socm_errlist_addf(errs, &wf->pos,
                              "workflow '%s' needs %" PRId64 " cores but this machine has %" PRId64
                              ", and the local enactor runs it here: plan only with `socm run "
                              "--dry-run`, run on a cluster with enactor = \"slurm-pilot\" (or "
                              "--enactor slurm-pilot), or let the local enactor oversubscribe "
                              "with `socm run --cores %" PRId64 "`",
                              wf->name, need, cores, need);
        if (mem > 0 && wf->res.memory_mb > mem)
            socm_errlist_addf(errs, &wf->pos,
                              "workflow '%s' needs %.15g MB of memory but this machine has %.0f MB, "
                              "and the local enactor runs it here: plan only with `socm run "
                              "--dry-run`, run on a cluster with enactor = \"slurm-pilot\", or "
                              "allow it with `socm run --memory %.0fM`",
                              wf->name, wf->res.memory_mb, mem, ceil(wf->res.memory_mb));
    }
}

/* A Slurm job needs a time limit and a memory request: without them it would get
 * the cluster's defaults (or a 0-minute walltime), so both are required. */
static void check_slurm_sizes(const struct socm_campaign *c, const char *enactor, int site,
                              struct socm_errlist *errs)
{
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        if (site >= 0 && wf->site_pref >= 0 && wf->site_pref != site)
            continue;
        const char *missing = wf->res.runtime_min <= 0 ? "runtime" : wf->res.memory_mb <= 0 ? "memory" : NULL;
        if (missing)
            socm_errlist_addf(errs, &wf->pos,
                              "workflow '%s' has no resources.%s: the %s enactor needs it to size "
                              "its Slurm job (e.g. resources = { %s })",
                              wf->name, missing, enactor,
                              !strcmp(missing, "runtime") ? "runtime = \"1h\"" : "memory = \"4G\"");
    }
}

static void note_defaults(const struct socm_campaign *c, struct socm_strv *notes)
{
    size_t no_runtime = 0;
    const char *first = NULL;
    for (size_t i = 0; i < c->n_wfs; i++)
        if (c->wfs[i]->res.runtime_min <= 0 && no_runtime++ == 0)
            first = c->wfs[i]->name;
    if (no_runtime)
        socm_strv_pushf(notes, "%zu workflow%s without resources.runtime (%s%s): planned as taking "
                        "no time, run without a time limit",
                        no_runtime, no_runtime == 1 ? "" : "s", first, no_runtime > 1 ? ", ..." : "");
    const struct socm_resource *r = c->resource;
    if (r && !c->n_sites && r->memory_unchecked)
        socm_strv_pushf(notes, "resource %s gives no memory per node: memory is not checked "
                        "or planned on it", r->name);
}

void socm_cli_check_enactors(const struct socm_campaign *c, const char *enactor, int64_t cores,
                             double memory_mb, struct socm_errlist *errs)
{
    const char *name = enactor ? enactor : c->enactor;
    struct socm_pos epos = key_pos(c, "enactor");
    size_t before = errs->n;
    check_enactor(name, &epos, enactor ? "--enactor: " : "", errs);
    for (size_t k = 0; k < c->n_sites && !enactor; k++)
        if (c->sites[k].enactor) {
            char *what = socm_asprintf("site %s: ", c->sites[k].name);
            check_enactor(c->sites[k].enactor, &c->sites[k].pos, what, errs);
            free(what);
        }
    if (errs->n > before)
        return;
    if ((!c->n_sites || enactor) && !strcmp(name, "local"))
        check_local(c, cores, memory_mb, errs);
    if ((!c->n_sites || enactor) && socm_cli_enactor_is_slurm(name))
        check_slurm_sizes(c, name, -1, errs);
    for (size_t k = 0; k < c->n_sites && !enactor; k++) {
        const char *e = c->sites[k].enactor ? c->sites[k].enactor : c->enactor;
        if (socm_cli_enactor_is_slurm(e))
            check_slurm_sizes(c, e, (int)k, errs);
    }
}

void socm_cli_check_campaign(struct socm_campaign *c, struct socm_errlist *errs,
                             struct socm_strv *notes, struct socm_strv *warnings)
{
    socm_cli_check_enactors(c, NULL, 0, 0, errs);
    check_planner(c, errs);
    note_defaults(c, notes);
    if (errs->n)
        return; /* planning needs the above to hold */
    struct socm_sites_plan sp;
    struct socm_plan_request req = {NULL, false, NULL};
    struct socm_error err = {0};
    if (socm_sites_plan_make(c, &req, &sp, &err) < 0) {
        socm_cli_explain_deadline(c, &err);
        socm_errlist_add(errs, err.msg);
        return;
    }
    char *late = socm_cli_deadline_warning(c, sp.plan.makespan);
    if (late)
        socm_strv_push_owned(warnings, late);
    char *empty = socm_cli_empty_message(c, "warning: ");
    if (empty)
        socm_strv_push_owned(warnings, empty);
    socm_sites_plan_free(&sp);
}

/* The shortest makespan the campaign can have on its resource: planned on every
 * core it may use (requested_resources, else the whole resource); -1 if unknown. */
static double best_makespan(const struct socm_campaign *c, int64_t *cores)
{
    const struct socm_planner *p = socm_planner_find(c->policy ? c->policy : "time");
    struct socm_requirements rq;
    struct socm_error err = {0};
    if (!p || !c->resource || socm_requirements_build(c, &rq, &err) < 0)
        return -1;
    int64_t total = c->resource->nodes * c->resource->cores_per_node;
    *cores = c->requested_cores > 0 && c->requested_cores < total ? c->requested_cores : total;
    rq.in.deadline_min = 1e12;
    struct socm_plan plan = {0};
    double m = p->schedule(p, &rq.in, *cores, &plan, &err) == 0 ? plan.makespan : -1;
    socm_plan_free(&plan);
    socm_requirements_free(&rq);
    return m;
}

/* A duration as a campaign file would write it, rounded up to whole minutes. */
static char *duration_text(double minutes)
{
    long long m = (long long)ceil(minutes - 1e-9);
    if (m < 1)
        m = 1;
    if (m % 60 == 0)
        return socm_asprintf("%lldh", m / 60);
    return m > 60 ? socm_asprintf("%lldh%lldm", m / 60, m % 60) : socm_asprintf("%lldm", m);
}

void socm_cli_explain_deadline(struct socm_campaign *c, struct socm_error *err)
{
    if (!strstr(err->msg, "cannot meet") || c->n_sites)
        return;
    const struct socm_value *camp = c->config ? socm_table_get(c->config, "campaign") : NULL;
    const struct socm_value *dv = camp && camp->type == SOCM_V_TABLE ? socm_table_get(camp, "deadline") : NULL;
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_printf(&b, "%s", err->msg);
    if (dv && socm_value_is_number(dv))
        socm_buf_printf(&b, " (deadline = %.15g is read as %.15g seconds: a bare number is seconds; "
                        "write a unit, e.g. \"%.15gh\")",
                        socm_value_as_double(dv), socm_value_as_double(dv), socm_value_as_double(dv));
    int64_t cores = 0;
    double m = best_makespan(c, &cores);
    if (m > 0) {
        char *d = duration_text(m);
        char need[32];
        socm_buf_printf(&b, "; the plan needs %s on %" PRId64 " core%s: the smallest deadline "
                        "that works is deadline = \"%s\"", socm_human_minutes(m, need, sizeof need),
                        cores, cores == 1 ? "" : "s", d);
        free(d);
    }
    struct socm_pos pos = dv ? dv->pos : c->pos;
    socm_error_at(err, &pos, "%s", b.data);
    socm_buf_free(&b);
}

char *socm_cli_empty_message(const struct socm_campaign *c, const char *what)
{
    if (c->n_wfs)
        return NULL;
    struct socm_pos pos = key_pos(c, "name");
    char where[1024];
    socm_pos_format(&pos, where, sizeof where);
    return socm_asprintf("%s: %scampaign %s has no workflows: nothing to plan or run (a "
                         "workflow is a [campaign.NAME] table with its type)",
                         where, what, c->name);
}

char *socm_cli_deadline_warning(const struct socm_campaign *c, double makespan_min)
{
    if (!(c->deadline_min > 0) || makespan_min <= c->deadline_min + 1e-9)
        return NULL;
    struct socm_pos pos = key_pos(c, "deadline");
    char where[1024];
    socm_pos_format(&pos, where, sizeof where);
    return socm_asprintf("%s: warning: the plan takes %.4g min, %.4g min past the %.4g min "
                         "deadline; batch runs it anyway (its runtimes are upper bounds)",
                         where, makespan_min, makespan_min - c->deadline_min, c->deadline_min);
}

bool socm_cli_slurm_reachable(struct socm_error *why)
{
    const char *dir = getenv("SOCM_SLURM_BINDIR");
    bool found = false;
    if (dir && *dir) {
        char *p = socm_asprintf("%s/sbatch", dir);
        found = access(p, X_OK) == 0;
        free(p);
    } else if (getenv("PATH")) {
        char *copy = socm_strdup(getenv("PATH")), *save = NULL;
        for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
            char *p = socm_asprintf("%s/sbatch", *d ? d : ".");
            found = access(p, X_OK) == 0;
            free(p);
        }
        free(copy);
    }
    if (!found) {
        socm_error_set(why, SOCM_E_INPUT, "sbatch is not found%s%s", dir && *dir ? " in " : " on PATH",
                       dir && *dir ? dir : "");
        return false;
    }
    /* The commands exist: does the controller answer? (what the pilot asks first) */
    struct socm_sinfo info = {0};
    int rc = socm_slurm_sinfo(&info, why);
    socm_sinfo_free(&info);
    return rc == 0;
}

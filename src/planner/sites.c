/* sites.c — plans a campaign: requirements, then one plan; or, for a campaign over
 * several sites, the partition of its workflows (preferred_resource, then
 * site_policy), one plan per site against that site's resource and QoS, and their
 * merge respecting dependencies that cross sites (see sites.h). */
#include "planner/sites.h"
#include "planner/planner_impl.h"
#include "util/proc.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

const struct socm_planner *socm_planner_for_campaign(const struct socm_campaign *c,
                                                     const char *policy, struct socm_error *err)
{
    if (c->planner_plugin && !policy) {
        char *path = c->planner_plugin[0] != '/' && c->base_dir
                         ? socm_asprintf("%s/%s", c->base_dir, c->planner_plugin)
                         : socm_strdup(c->planner_plugin);
        const struct socm_planner *p = socm_planner_load_plugin(path, err);
        free(path);
        return p;
    }
    const char *name = policy ? policy : c->policy ? c->policy : "time";
    const struct socm_planner *p = socm_planner_find(name);
    if (!p) {
        struct socm_strv names = SOCM_STRV_INIT;
        socm_planner_names(&names);
        char *list = socm_strv_join(&names, ", ");
        socm_error_set(err, SOCM_E_INPUT, "unknown planner policy '%s' (known: %s)", name, list);
        free(list);
        socm_strv_free(&names);
    }
    return p;
}

/* ---- Partition ---- */

static bool site_fits(const struct socm_site *s, const struct socm_req *r)
{
    double mem = s->memory_mb > 0 ? s->memory_mb
                                  : s->resource->memory_per_node_mb * (double)s->resource->nodes;
    return r->cpus <= socm_site_cores(s) && r->memory_mb <= mem;
}

/* Each workflow's site: its preference, else — in topological order, on a running
 * estimate of each site's load (work ÷ cores) and of each workflow's finish — the
 * site where it would finish soonest, or cost fewest core-hours (cpus × walltime ×
 * charge_factor); ties go to the other criterion, then to the order of `resources`. */
static int partition(const struct socm_campaign *c, const struct socm_requirements *rq, int *site)
{
    size_t n = c->n_wfs, ns = c->n_sites;
    int *order = socm_xmalloc((n ? n : 1) * sizeof *order);
    double *finish = socm_xcalloc(n ? n : 1, sizeof *finish);
    double *load = socm_xcalloc(ns, sizeof *load);
    if (socm_plan_topo(&c->dag, order) < 0) {
        free(order);
        free(finish);
        free(load);
        return -1;
    }
    for (size_t k = 0; k < n; k++) {
        int u = order[k];
        const struct socm_req *r = &rq->reqs[u];
        double ready = 0;
        for (size_t j = 0; j < c->dag.pred[u].n; j++)
            if (finish[c->dag.pred[u].v[j]] > ready)
                ready = finish[c->dag.pred[u].v[j]];
        int best = c->wfs[u]->site_pref;
        double best_f = 0, best_cost = 0;
        for (size_t s = 0; c->wfs[u]->site_pref < 0 && s < ns; s++) {
            const struct socm_site *st = &c->sites[s];
            if (!site_fits(st, r))
                continue;
            double cores = (double)socm_site_cores(st);
            double f = (load[s] / cores > ready ? load[s] / cores : ready) + r->walltime_min;
            double cost = (double)r->cpus * r->walltime_min * st->charge_factor;
            bool better;
            if (best < 0)
                better = true;
            else if (c->site_policy == SOCM_SITE_CHEAPEST)
                better = cost < best_cost - 1e-9 || (cost <= best_cost + 1e-9 && f < best_f - 1e-9);
            else
                better = f < best_f - 1e-9 || (f <= best_f + 1e-9 && cost < best_cost - 1e-9);
            if (better) {
                best = (int)s;
                best_f = f;
                best_cost = cost;
            }
        }
        if (best < 0)
            best = 0; /* fits nowhere: socm_campaign_check_sites reported it */
        site[u] = best;
        double cores = (double)socm_site_cores(&c->sites[best]);
        load[best] += (double)r->cpus * r->walltime_min;
        finish[u] = (load[best] / cores > ready ? load[best] / cores : ready);
        if (finish[u] < ready + r->walltime_min)
            finish[u] = ready + r->walltime_min;
    }
    free(order);
    free(finish);
    free(load);
    return 0;
}

/* ---- One site's plan ---- */

static int plan_part(const struct socm_campaign *c, const struct socm_planner *pl,
                     const struct socm_requirements *rq, const int *site, size_t s,
                     struct socm_site_part *part, struct socm_error *err)
{
    size_t n = c->n_wfs;
    part->site = &c->sites[s];
    part->members = socm_xmalloc((n ? n : 1) * sizeof *part->members);
    int *local = socm_xmalloc((n ? n : 1) * sizeof *local);
    for (size_t i = 0; i < n; i++) {
        local[i] = site[i] == (int)s ? (int)part->n : -1;
        if (site[i] == (int)s)
            part->members[part->n++] = (int)i;
    }
    struct socm_req *reqs = socm_xcalloc(part->n ? part->n : 1, sizeof *reqs);
    const char **names = socm_xcalloc(part->n ? part->n : 1, sizeof *names);
    struct socm_dag dag;
    socm_dag_init(&dag, part->n);
    for (size_t k = 0; k < part->n; k++) {
        int u = part->members[k];
        reqs[k] = rq->reqs[u];
        names[k] = rq->names[u];
        part->core_hours += (double)reqs[k].cpus * reqs[k].walltime_min / 60 * part->site->charge_factor;
        for (size_t j = 0; j < c->dag.pred[u].n; j++)
            if (local[c->dag.pred[u].v[j]] >= 0)
                socm_dag_add_edge(&dag, local[c->dag.pred[u].v[j]], (int)k);
    }
    struct socm_plan_input in = {part->n, reqs, names, &dag, part->site->resource,
                                 c->deadline_min, c->schema, part->site->cores};
    double t0 = socm_mono();
    int rc = part->n ? socm_plan_make(pl, &in, &part->plan, err) : 0;
    part->seconds = socm_mono() - t0;
    if (rc != 0) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        socm_error_set(err, err->code, "site %s: %s", part->site->name, msg);
    }
    for (size_t k = 0; rc == 0 && k < part->n; k++)
        part->plan.entries[k].id = part->members[k] + 1;
    socm_dag_free(&dag);
    free(reqs);
    free(names);
    free(local);
    return rc;
}

/* ---- Merge: cross-site waits ---- */

struct merge {
    const struct socm_campaign *c;
    struct socm_sites_plan *sp;
    struct socm_plan_entry **entry; /* per workflow: its entry in its part's plan */
    double **core_free;             /* per site, per core: when it is free again */
};

/* Workflows become available when all their predecessors are placed; the one with
 * the earliest planned start goes first. It starts at its planned start, or later
 * if a predecessor (on any site) ends later or one of its cores is still taken. */
static void merge_times(struct merge *m)
{
    size_t n = m->c->n_wfs;
    size_t *missing = socm_xcalloc(n ? n : 1, sizeof *missing);
    bool *avail = socm_xcalloc(n ? n : 1, sizeof *avail);
    for (size_t i = 0; i < n; i++) {
        missing[i] = m->c->dag.pred[i].n;
        avail[i] = missing[i] == 0;
    }
    for (size_t done = 0; done < n; done++) {
        int u = -1;
        for (size_t i = 0; i < n; i++) /* n² is fine: site campaigns are small */
            if (avail[i] && (u < 0 || m->entry[i]->start < m->entry[u]->start))
                u = (int)i;
        if (u < 0)
            break; /* a cycle: the DAG check reported it */
        avail[u] = false;
        struct socm_plan_entry *e = m->entry[u];
        double start = e->start, dur = e->end - e->start;
        for (size_t j = 0; j < m->c->dag.pred[u].n; j++) {
            double pe = m->entry[m->c->dag.pred[u].v[j]]->end;
            start = pe > start ? pe : start;
        }
        double *cf = m->core_free[m->sp->site[u]];
        for (int64_t k = e->core_first; k <= e->core_last; k++)
            start = cf[k] > start ? cf[k] : start;
        e->start = start;
        e->end = start + dur;
        for (int64_t k = e->core_first; k <= e->core_last; k++)
            cf[k] = e->end;
        for (size_t j = 0; j < m->c->dag.succ[u].n; j++) {
            int v = m->c->dag.succ[u].v[j];
            if (--missing[v] == 0)
                avail[v] = true;
        }
    }
    free(missing);
    free(avail);
}

/* The merged plan: every entry, cores numbered site after site. */
static void merge_plan(struct socm_sites_plan *sp, size_t n)
{
    struct socm_plan *p = &sp->plan;
    p->entries = socm_xcalloc(n ? n : 1, sizeof *p->entries);
    p->n = n;
    struct socm_buf qos = SOCM_BUF_INIT;
    for (size_t s = 0; s < sp->nparts; s++) {
        struct socm_site_part *part = &sp->parts[s];
        part->core_offset = p->cores;
        part->plan.makespan = 0;
        for (size_t k = 0; k < part->n; k++) {
            struct socm_plan_entry e = part->plan.entries[k];
            if (e.end > part->plan.makespan)
                part->plan.makespan = e.end;
            e.core_first += part->core_offset;
            e.core_last += part->core_offset;
            p->entries[e.id - 1] = e;
        }
        if (part->plan.makespan > p->makespan)
            p->makespan = part->plan.makespan;
        if (part->plan.walltime > p->walltime)
            p->walltime = part->plan.walltime;
        p->cores += part->plan.cores;
        if (part->n)
            socm_buf_printf(&qos, "%s%s=%s", qos.len ? "," : "", part->site->name,
                            part->plan.qos ? part->plan.qos : "-");
    }
    p->qos = qos.len ? socm_buf_steal(&qos) : NULL;
    socm_buf_free(&qos);
}

static int plan_sites(const struct socm_campaign *c, const struct socm_planner *pl,
                      struct socm_sites_plan *sp, struct socm_error *err)
{
    size_t n = c->n_wfs;
    sp->site = socm_xcalloc(n ? n : 1, sizeof *sp->site);
    if (partition(c, &sp->rq, sp->site) < 0)
        return socm_error_set(err, SOCM_E_INPUT, "campaign %s: the workflows' dependencies form a "
                              "cycle", c->name);
    sp->nparts = c->n_sites;
    sp->parts = socm_xcalloc(sp->nparts, sizeof *sp->parts);
    for (size_t s = 0; s < sp->nparts; s++)
        if (plan_part(c, pl, &sp->rq, sp->site, s, &sp->parts[s], err) != 0)
            return -1;
    struct merge m = {c, sp, socm_xcalloc(n ? n : 1, sizeof *m.entry),
                      socm_xcalloc(sp->nparts, sizeof *m.core_free)};
    for (size_t s = 0; s < sp->nparts; s++) {
        m.core_free[s] = socm_xcalloc(sp->parts[s].plan.cores + 1, sizeof **m.core_free);
        for (size_t k = 0; k < sp->parts[s].n; k++)
            m.entry[sp->parts[s].members[k]] = &sp->parts[s].plan.entries[k];
    }
    merge_times(&m);
    for (size_t s = 0; s < sp->nparts; s++)
        free(m.core_free[s]);
    free(m.core_free);
    free(m.entry);
    merge_plan(sp, n);
    sp->plan.policy = socm_strdup(pl->name);
    sp->plan.walltime = socm_plan_pilot_walltime(sp->plan.makespan, c->deadline_min) > sp->plan.walltime
                            ? socm_plan_pilot_walltime(sp->plan.makespan, c->deadline_min)
                            : sp->plan.walltime;
    socm_plan_bounds(&sp->rq.in, &sp->plan);
    if (c->deadline_min > 0 && sp->plan.makespan > c->deadline_min + 1e-9 &&
        c->schema == SOCM_SCHEMA_REMOTE)
        return socm_error_set(err, SOCM_E_INPUT,
                              "campaign %s cannot meet its deadline across its sites: with the "
                              "waits for predecessors on other sites the plan takes %.1f min, the "
                              "deadline is %.1f min", c->name, sp->plan.makespan, c->deadline_min);
    return 0;
}

int socm_sites_plan_make(const struct socm_campaign *c, const struct socm_plan_request *req,
                         struct socm_sites_plan *out, struct socm_error *err)
{
    static const struct socm_plan_request none = {0};
    if (!req)
        req = &none;
    memset(out, 0, sizeof *out);
    double t0 = socm_mono();
    if (socm_requirements_build_for(c, req->predict, req->history_db, &out->rq, err) < 0)
        return -1;
    out->t_requirements = socm_mono() - t0;
    t0 = socm_mono();
    const struct socm_planner *pl = socm_planner_for_campaign(c, req->policy, err);
    int rc = !pl ? -1
             : c->n_sites ? plan_sites(c, pl, out, err)
                          : socm_plan_make(pl, &out->rq.in, &out->plan, err);
    out->t_plan = socm_mono() - t0;
    if (rc != 0)
        socm_sites_plan_free(out);
    return rc;
}

void socm_sites_plan_free(struct socm_sites_plan *sp)
{
    socm_requirements_free(&sp->rq);
    socm_plan_free(&sp->plan);
    for (size_t s = 0; s < sp->nparts; s++) {
        free(sp->parts[s].members);
        socm_plan_free(&sp->parts[s].plan);
    }
    free(sp->parts);
    free(sp->site);
    memset(sp, 0, sizeof *sp);
}

/* sites.h — planning a whole campaign, on one resource or on several sites: the one
 * function the CLI (plan, run) and the library (socm_campaign_plan) call. With
 * sites, the workflows are partitioned (preferred_resource first, then
 * site_policy), each part is planned against its own resource and QoS, and the
 * parts are merged so that a workflow starts no earlier than its predecessors end,
 * whichever site they are on. */
#ifndef SOCM_PLANNER_SITES_H
#define SOCM_PLANNER_SITES_H

#include "predict/requirements.h"
#include "campaign/campaign.h"
#include "socm/planner.h"

struct socm_plan_request {
    const char *policy;     /* NULL = the campaign's plug-in, else its policy */
    bool predict;           /* requirements predicted from history */
    const char *history_db; /* NULL = the campaign's / default */
};

/* One site's part of the campaign. */
struct socm_site_part {
    const struct socm_site *site;
    int *members;            /* workflow indexes, ascending */
    size_t n;
    struct socm_plan plan;   /* the part's plan: entries in member order, global ids,
                              * times after the cross-site waits, site core numbers */
    int64_t core_offset;     /* where its cores start in the merged plan */
    double core_hours;       /* Σ cpus × walltime, × charge_factor */
    double seconds;          /* time spent planning it (--profile) */
};

struct socm_sites_plan {
    struct socm_requirements rq;
    struct socm_plan plan;        /* every workflow; with sites, cores are numbered
                                   * site after site (core_offset) */
    int *site;                    /* per workflow: index in c->sites; NULL = no sites */
    struct socm_site_part *parts; /* one per site (c->n_sites) */
    size_t nparts;
    double t_requirements, t_plan; /* seconds (--profile) */
};

/* The planner a campaign asks for: `policy` when given, else its planner_plugin
 * (relative to the campaign file), else its policy (default "time"). */
const struct socm_planner *socm_planner_for_campaign(const struct socm_campaign *c,
                                                     const char *policy, struct socm_error *err);
/* Requirements, then the plan (see above). 0, or -1 with err filled. */
int socm_sites_plan_make(const struct socm_campaign *c, const struct socm_plan_request *req,
                         struct socm_sites_plan *out, struct socm_error *err);
void socm_sites_plan_free(struct socm_sites_plan *sp);

#endif

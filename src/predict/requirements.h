/* requirements.h — what each workflow of a campaign needs, as the planner takes it:
 * cpus = ranks × threads; memory = resources.memory (MB); walltime =
 * resources.runtime (minutes) × 1.1 — or, when planning with predictions, the
 * walltime and memory predicted from the run history (predict.h). */
#ifndef SOCM_REQUIREMENTS_H
#define SOCM_REQUIREMENTS_H

#include "campaign/campaign.h"
#include "socm/planner.h"

/* A planner input built from a campaign; owns reqs and names' array (the names
 * themselves belong to the campaign, which must outlive it). */
struct socm_prediction;
struct socm_requirements {
    struct socm_plan_input in;
    struct socm_req *reqs;
    const char **names;
    struct socm_prediction *preds; /* per workflow when predicted, else NULL */
    struct socm_req *requested;    /* what was asked for, when predicted */
};

/* The margin on the runtime a workflow declares (the original's 10 %). */
#define SOCM_WALLTIME_MARGIN 1.1

/* One workflow's requirement from its resources. */
struct socm_req socm_requirement_of(const struct socm_workflow *wf);
/* The whole planner input of a campaign: requirements, names, DAG, resource,
 * deadline, schema and requested cores (0 = the whole resource). Fails on a
 * campaign without a resource or with an impossible count (ranks × threads
 * overflowing). */
int socm_requirements_build(const struct socm_campaign *c, struct socm_requirements *out, struct socm_error *err);
/* The same, with walltime and memory predicted from history when `predict` or the
 * campaign's `[campaign] predict = true` asks for it (`history_db`, non-NULL,
 * overrides the database). A fallback keeps the request; out->preds says why. */
int socm_requirements_build_for(const struct socm_campaign *c, bool predict, const char *history_db,
                                struct socm_requirements *out, struct socm_error *err);
/* Core-hours of walltime requested minus planned with predictions (0 without). */
double socm_requirements_core_hours_saved(const struct socm_requirements *r);
void socm_requirements_free(struct socm_requirements *r);

#endif

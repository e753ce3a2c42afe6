/* requirements.c — per-workflow requirements from the campaign file (see
 * requirements.h), and the planner input of a whole campaign. */
#include "predict/requirements.h"
#include "predict/predict.h"
#include "util/str.h"

#include <stdint.h>
#include <string.h>

struct socm_req socm_requirement_of(const struct socm_workflow *wf)
{
    int64_t ranks = wf->res.ranks > 0 ? wf->res.ranks : 1;
    int64_t threads = wf->res.threads > 0 ? wf->res.threads : 1;
    int64_t cpus = 0;
    if (__builtin_mul_overflow(ranks, threads, &cpus))
        cpus = INT64_MAX;
    return (struct socm_req){.cpus = cpus,
                             .memory_mb = wf->res.memory_mb > 0 ? wf->res.memory_mb : 0,
                             .walltime_min = wf->res.runtime_min > 0 ? wf->res.runtime_min * SOCM_WALLTIME_MARGIN : 0};
}

int socm_requirements_build(const struct socm_campaign *c, struct socm_requirements *out, struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!c->resource)
        return socm_error_set(err, SOCM_E_INPUT, "campaign %s: no resource to plan on", c->name ? c->name : "?");
    size_t n = c->n_wfs;
    out->reqs = socm_xcalloc(n ? n : 1, sizeof *out->reqs);
    out->names = socm_xcalloc(n ? n : 1, sizeof *out->names);
    for (size_t i = 0; i < n; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        out->reqs[i] = socm_requirement_of(wf);
        out->names[i] = wf->name;
        if (out->reqs[i].cpus == INT64_MAX) {
            socm_requirements_free(out);
            return socm_error_at(err, &wf->pos, "workflow %s: ranks × threads is too large", wf->name);
        }
    }
    out->in = (struct socm_plan_input){.n = n,
                                       .reqs = out->reqs,
                                       .names = out->names,
                                       .dag = &c->dag,
                                       .resource = c->resource,
                                       .deadline_min = c->deadline_min,
                                       .schema = c->schema,
                                       .requested_cores = c->requested_cores};
    return 0;
}

int socm_requirements_build_for(const struct socm_campaign *c, bool predict, const char *history_db,
                                struct socm_requirements *out, struct socm_error *err)
{
    if (socm_requirements_build(c, out, err) != 0)
        return -1;
    if (!predict && !socm_campaign_wants_prediction(c))
        return 0;
    struct socm_predictor *p = socm_predictor_open(c->config, history_db, err);
    if (!p) {
        socm_requirements_free(out);
        return -1;
    }
    size_t n = c->n_wfs;
    out->requested = socm_xcalloc(n ? n : 1, sizeof *out->requested);
    if (n)
        memcpy(out->requested, out->reqs, n * sizeof *out->reqs);
    out->preds = socm_xcalloc(n ? n : 1, sizeof *out->preds);
    int rc = socm_predict_requirements(p, c, out->reqs, out->preds, err);
    socm_predictor_close(p);
    if (rc != 0)
        socm_requirements_free(out);
    return rc;
}

double socm_requirements_core_hours_saved(const struct socm_requirements *r)
{
    double saved = 0;
    for (size_t i = 0; r->requested && i < r->in.n; i++)
        saved += (double)r->reqs[i].cpus * (r->requested[i].walltime_min - r->reqs[i].walltime_min) / 60.0;
    return saved;
}

void socm_requirements_free(struct socm_requirements *r)
{
    for (size_t i = 0; r->preds && i < r->in.n; i++)
        socm_prediction_clear(&r->preds[i]);
    free(r->preds);
    free(r->requested);
    free(r->reqs);
    free(r->names);
    memset(r, 0, sizeof *r);
}

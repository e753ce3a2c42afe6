/* run_pipeline.c — load → resume? → plan → spec → run, once for the command line
 * and the library (see run_pipeline.h). */
#include "api/run_pipeline.h"
#include "state/journal.h"
#include "state/spec.h"
#include "util/proc.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether state_dir holds a journal to continue. */
static bool has_journal(const char *state_dir)
{
    char *jp = socm_asprintf("%s/%s", state_dir, SOCM_JOURNAL_FILE);
    bool exists = access(jp, F_OK) == 0;
    free(jp);
    return exists;
}

static int run_spec(struct socm_pipeline *p, struct socm_spec *spec, struct socm_error *err)
{
    p->ran_dir = socm_strdup(spec->state_dir);
    double t0 = socm_mono();
    int code = socm_bk_run(spec, p->opts, err);
    p->exec_s = socm_mono() - t0;
    return code;
}

int socm_pipeline_run(struct socm_pipeline *p, struct socm_error *err)
{
    p->ran_dir = NULL;
    double t0 = socm_mono();
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_load_vars(p->files, p->nfiles, &p->vars, &errs);
    p->load_s = socm_mono() - t0;
    if (!c) {
        if (p->load_failed)
            p->load_failed(p->ctx, &errs);
        socm_errlist_free(&errs);
        return 2;
    }
    socm_errlist_free(&errs);
    int code = p->loaded ? p->loaded(p->ctx, c) : SOCM_PIPELINE_GO;
    if (code != SOCM_PIPELINE_GO) {
        socm_campaign_free(c);
        return code;
    }
    if (p->resume) {
        const char *sd = p->state_dir ? p->state_dir : c->state_dir;
        if (has_journal(sd)) {
            p->ran_dir = socm_strdup(sd);
            socm_campaign_free(c);
            double t1 = socm_mono();
            code = socm_bk_resume(p->ran_dir, p->opts, err);
            p->exec_s = socm_mono() - t1;
            return code;
        } /* nothing to resume: a fresh run */
    }
    struct socm_sites_plan sp;
    struct socm_plan_request req = {NULL, p->predict, NULL};
    if (socm_sites_plan_make(c, &req, &sp, err) < 0) {
        if (p->plan_failed)
            p->plan_failed(p->ctx, c, err);
        socm_campaign_free(c);
        return -1;
    }
    code = p->planned ? p->planned(p->ctx, c, &sp) : SOCM_PIPELINE_GO;
    if (code != SOCM_PIPELINE_GO) {
        socm_sites_plan_free(&sp);
        socm_campaign_free(c);
        return code;
    }
    /* A simulation journals like a real run, but must not take the real run's place. */
    char *sim_dir = NULL;
    const char *state_dir = p->state_dir;
    if (p->opts->simulate && !state_dir)
        state_dir = sim_dir = socm_asprintf("%s-simulate", c->state_dir);
    struct socm_spec spec;
    int rc = socm_spec_from_sites_plan_consume(c, &sp, state_dir, &spec, err);
    free(sim_dir);
    if (rc != 0)
        return -1;
    return run_spec(p, &spec, err);
}

/* enactor_slurm.c — where the Slurm enactors' jobs go, and their log lines (see
 * enactor_slurm.h). */
#include "enactors/enactor_slurm.h"

#include "state/spec.h"
#include "slurm/slurm.h"

#include <stdarg.h>
#include <string.h>
#include <stdlib.h>

/* A [campaign.slurm] string, or NULL when absent or empty. */
static char *slurm_setting(const json_t *slurm, const char *key)
{
    const char *v = json_string_value(json_object_get(slurm, key));
    return v && *v ? socm_strdup(v) : NULL;
}

void socm_slurm_where_read(struct socm_slurm_where *w, const struct socm_allocation *a,
                           const json_t *spec)
{
    json_t *cfg = json_object_get(spec, "config");
    json_t *camp = json_object_get(cfg, "campaign");
    json_t *slurm = json_object_get(camp ? camp : cfg, "slurm");
    /* A site's own account and partition come first ([campaign.sites.NAME]). */
    w->account = a->account ? socm_strdup(a->account) : slurm_setting(slurm, "account");
    w->partition = a->partition ? socm_strdup(a->partition) : slurm_setting(slurm, "partition");
    w->constraint = slurm_setting(slurm, "constraint");
}

void socm_slurm_where_args(const struct socm_slurm_where *w, struct socm_strv *args)
{
    if (w->account)
        socm_strv_pushf(args, "--account=%s", w->account);
    if (w->partition)
        socm_strv_pushf(args, "--partition=%s", w->partition);
    if (w->constraint)
        socm_strv_pushf(args, "--constraint=%s", w->constraint);
}

void socm_slurm_where_free(struct socm_slurm_where *w)
{
    free(w->account);
    free(w->partition);
    free(w->constraint);
    w->account = w->partition = w->constraint = NULL;
}

void socm_slurm_say(struct socm_enactor *e, const char *fmt, ...)
{
    if (!e->cb.log)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *m = socm_vasprintf(fmt, ap);
    va_end(ap);
    e->cb.log(e->cb.ctx, m);
    free(m);
}

bool socm_slurm_spec_uses(const struct socm_spec *spec, const char *enactor)
{
    if (!spec->nsites)
        return spec->enactor && !strcmp(spec->enactor, enactor);
    for (size_t i = 0; i < spec->nsites; i++)
        if (!strcmp(spec->sites[i].enactor, enactor))
            return true;
    return false;
}

int64_t socm_slurm_find_job(const char *name, const char *dir, double since, struct socm_error *err)
{
    int64_t best = 0;
    for (int acct = 0; acct < 2 && best == 0; acct++) {
        struct socm_slurm_jobdirs d;
        if (socm_slurm_jobdirs(name, acct, since - 60, &d, err) < 0)
            return -1;
        for (size_t i = 0; i < d.n; i++)
            if (!strcmp(d.v[i].workdir, dir) && d.v[i].submit >= since - SOCM_SLURM_CLOCK_SLACK_S &&
                d.v[i].job > best)
                best = d.v[i].job;
        socm_slurm_jobdirs_free(&d);
    }
    return best;
}

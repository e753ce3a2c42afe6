/* enactor_sites.c — the enactor of a campaign over several sites: an array of
 * enactors, one per site, each set up with its site's settings (enactor, core and
 * memory budget, account, partition, state directory). Every call goes to the
 * enactor of the workflow's site (spec->tasks[i].site); descriptors, timeouts and
 * counts are the union of all. The bookkeeper sees one enactor and keeps its one
 * journal and its READY rule, so a workflow waits for predecessors on any site. */
#include "enactors/enactor_sites.h"
#include "util/proc.h"

#include <stdio.h>
#include <string.h>

struct sites {
    const struct socm_spec *spec; /* owned by the bookkeeper, outlives us */
    struct socm_enactor **sub;
    size_t n;
    size_t *nfds; /* per sub-enactor: descriptors in the last pollfds() */
};

static struct socm_enactor *sub_of(struct socm_enactor *e, int index)
{
    struct sites *S = e->priv;
    return S->sub[S->spec->tasks[index].site];
}

static int st_place(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct socm_enactor *s = sub_of(e, l->index);
    return s->ops->place(s, l, err);
}

static void st_unplace(struct socm_enactor *e, struct socm_launch *l)
{
    struct socm_enactor *s = sub_of(e, l->index);
    s->ops->unplace(s, l);
}

static void st_submit(struct socm_enactor *e, struct socm_launch *const *l, size_t n)
{
    struct sites *S = e->priv;
    struct socm_launch **mine = socm_xmalloc((n ? n : 1) * sizeof *mine);
    for (size_t k = 0; k < S->n; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (S->spec->tasks[l[i]->index].site == (int)k)
                mine[m++] = l[i];
        if (m)
            S->sub[k]->ops->submit(S->sub[k], mine, m);
    }
    free(mine);
}

static int st_reattach(struct socm_enactor *e, struct socm_launch *l, struct socm_error *err)
{
    struct socm_enactor *s = sub_of(e, l->index);
    return s->ops->reattach ? s->ops->reattach(s, l, err) : 2;
}

static size_t st_pollfds(struct socm_enactor *e, struct pollfd *fds, size_t max)
{
    struct sites *S = e->priv;
    size_t used = 0;
    for (size_t k = 0; k < S->n; k++) {
        S->nfds[k] = S->sub[k]->ops->pollfds(S->sub[k], fds + used, max - used);
        used += S->nfds[k];
    }
    return used;
}

static int st_timeout_ms(struct socm_enactor *e)
{
    struct sites *S = e->priv;
    int best = -1;
    for (size_t k = 0; k < S->n; k++) {
        int t = S->sub[k]->ops->timeout_ms(S->sub[k]);
        if (t >= 0 && (best < 0 || t < best))
            best = t;
    }
    return best;
}

static void st_handle(struct socm_enactor *e, const struct pollfd *fds, size_t n)
{
    struct sites *S = e->priv;
    size_t at = 0;
    for (size_t k = 0; k < S->n; k++) {
        size_t m = at + S->nfds[k] <= n ? S->nfds[k] : 0;
        S->sub[k]->ops->handle(S->sub[k], fds + at, m);
        at += m;
    }
}

static void st_cancel(struct socm_enactor *e, int index)
{
    struct socm_enactor *s = sub_of(e, index);
    s->ops->cancel(s, index);
}

static void st_terminate(struct socm_enactor *e)
{
    struct sites *S = e->priv;
    for (size_t k = 0; k < S->n; k++)
        S->sub[k]->ops->terminate(S->sub[k]);
}

static size_t st_active(struct socm_enactor *e)
{
    struct sites *S = e->priv;
    size_t n = 0;
    for (size_t k = 0; k < S->n; k++)
        n += S->sub[k]->ops->active(S->sub[k]);
    return n;
}

static void st_destroy(struct socm_enactor *e)
{
    struct sites *S = e->priv;
    if (!S)
        return;
    for (size_t k = 0; k < S->n; k++)
        socm_enactor_destroy(S->sub[k]);
    free(S->sub);
    free(S->nfds);
    free(S);
    e->priv = NULL;
}

static int st_setup(struct socm_enactor *e, const struct socm_allocation *a, struct socm_error *err)
{
    (void)e, (void)a;
    return socm_error_set(err, SOCM_E_INPUT, "the sites enactor is made by socm_enactor_for_spec");
}

static const struct socm_enactor_ops sites_ops = {
    .name = "sites",
    .description = "one enactor per site of a multi-site campaign",
    .setup = st_setup,
    .place = st_place,
    .unplace = st_unplace,
    .submit = st_submit,
    .reattach = st_reattach,
    .pollfds = st_pollfds,
    .timeout_ms = st_timeout_ms,
    .handle = st_handle,
    .now = NULL, /* the sites' enactors run on the wall clock */
    .cancel = st_cancel,
    .terminate = st_terminate,
    .active = st_active,
    .destroy = st_destroy,
};

/* Prefixes err's message with the site it concerns; returns -1. */
static int site_error(struct socm_error *err, const char *site)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    return socm_error_set(err, err->code, "site %s: %s", site, msg);
}

struct socm_enactor *socm_enactor_for_spec(const struct socm_spec *spec, const char *name,
                                           const struct socm_allocation *a,
                                           const struct socm_enactor_callbacks *cb,
                                           socm_enactor_fault_fn fault, struct socm_error *err)
{
    if (spec->nsites == 0 || a->simulate) {
        /* One site, or a simulation: one enactor for everything (a simulation
         * replays the merged plan on all the sites' planned cores). */
        struct socm_allocation one = *a;
        if (spec->nsites && a->cores == 0)
            for (size_t k = 0; k < spec->nsites; k++)
                one.cores += spec->sites[k].cores;
        return socm_enactor_create_faults(name, &one, cb, fault, err);
    }
    struct sites *S = socm_xcalloc(1, sizeof *S);
    S->spec = spec;
    S->n = spec->nsites;
    S->sub = socm_xcalloc(S->n, sizeof *S->sub);
    S->nfds = socm_xcalloc(S->n, sizeof *S->nfds);
    struct socm_enactor *e = socm_enactor_alloc(fault);
    e->ops = &sites_ops;
    e->cb = *cb;
    e->priv = S;
    for (size_t k = 0; k < S->n; k++) {
        const struct socm_spec_site *st = &spec->sites[k];
        struct socm_allocation sa = *a;
        sa.state_dir = st->state_dir ? st->state_dir : a->state_dir;
        sa.cores = st->cores;
        sa.memory_mb = st->memory_mb;
        sa.account = st->account;
        sa.partition = st->partition;
        S->sub[k] = socm_enactor_create_faults(st->enactor, &sa, cb, fault, err);
        if (!S->sub[k]) {
            site_error(err, st->name);
            socm_enactor_destroy(e);
            return NULL;
        }
        if (S->sub[k]->ops->now) {
            socm_error_set(err, SOCM_E_INPUT,
                           "site %s: enactor %s keeps its own clock; use --simulate to replay "
                           "a multi-site plan", st->name, st->enactor);
            socm_enactor_destroy(e);
            return NULL;
        }
    }
    return e;
}

void socm_enactor_set_accounting(struct socm_enactor *e,
                                 void (*fn)(void *ctx, int index, int attempt, double max_rss_mb))
{
    e->accounting = fn;
    if (e->ops != &sites_ops)
        return;
    struct sites *S = e->priv;
    for (size_t k = 0; k < S->n; k++)
        S->sub[k]->accounting = fn;
}

double socm_enactor_walltime_step(struct socm_enactor *e, int index)
{
    return e->ops == &sites_ops ? sub_of(e, index)->walltime_step_min : e->walltime_step_min;
}

int socm_enactor_check_spec(const struct socm_spec *spec, const char *name, bool simulate,
                            struct socm_error *err)
{
    if (spec->nsites == 0 || simulate)
        return socm_enactor_resolve(name, err) ? 0 : -1;
    for (size_t k = 0; k < spec->nsites; k++) {
        if (!socm_enactor_resolve(spec->sites[k].enactor, err))
            return site_error(err, spec->sites[k].name);
    }
    return 0;
}

/* enactor.c — the enactor registry: built-ins, registered ones and those plug-ins
 * loaded with a campaign (campaign/plugin.h), by name. */
#include "enactors/enactor_fault.h"
#include "campaign/plugin.h"
#include "util/plugin.h"
#include "util/proc.h"
#include "util/str.h"

#include <string.h>

#define MAX_ENACTORS 32
static const struct socm_enactor_ops *registry[MAX_ENACTORS];
static size_t nregistry;

static void register_builtins(void)
{
    if (nregistry == 0) {
        registry[nregistry++] = &socm_enactor_local;
        registry[nregistry++] = &socm_enactor_dryrun;
        registry[nregistry++] = &socm_enactor_slurm_pilot;
        registry[nregistry++] = &socm_enactor_slurm_jobs;
    }
}

int socm_enactor_register(const struct socm_enactor_ops *ops)
{
    register_builtins();
    if (socm_enactor_find(ops->name) || nregistry == MAX_ENACTORS)
        return -1;
    registry[nregistry++] = ops;
    return 0;
}

const struct socm_enactor_ops *socm_enactor_find(const char *name)
{
    register_builtins();
    for (size_t i = 0; i < nregistry; i++)
        if (!strcmp(registry[i]->name, name))
            return registry[i];
    for (size_t i = 0; i < socm_plugin_enactor_count(); i++) /* loaded with a campaign */
        if (!strcmp(socm_plugin_enactor_at(i)->name, name))
            return socm_plugin_enactor_at(i);
    return NULL;
}

void socm_enactor_names(struct socm_strv *names)
{
    register_builtins();
    for (size_t i = 0; i < nregistry; i++)
        socm_strv_push(names, registry[i]->name);
    for (size_t i = 0; i < socm_plugin_enactor_count(); i++) {
        const struct socm_enactor_ops *ops = socm_plugin_enactor_at(i);
        if (socm_enactor_find(ops->name) == ops)
            socm_strv_push(names, ops->name);
    }
}

const struct socm_enactor_ops *socm_enactor_load_plugin(const char *path, struct socm_error *err)
{
    const struct socm_enactor_ops *ops =
        socm_plugin_open(path, "enactor plug-in", "socm_enactor_plugin", 0, NULL, err);
    if (ops)
        socm_enactor_register(ops);
    return ops; /* the handle stays open: the ops live in it */
}

const struct socm_enactor_ops *socm_enactor_resolve(const char *name, struct socm_error *err)
{
    const struct socm_enactor_ops *ops =
        strchr(name, '/') ? socm_enactor_load_plugin(name, err) : socm_enactor_find(name);
    if (!ops && !strchr(name, '/')) {
        struct socm_strv names = SOCM_STRV_INIT;
        socm_enactor_names(&names);
        char *all = socm_strv_join(&names, ", ");
        socm_error_set(err, SOCM_E_INPUT, "unknown enactor '%s' (known: %s)", name, all);
        free(all);
        socm_strv_free(&names);
    }
    return ops;
}

/* Every enactor socm makes, with where its faults go (socm_enactor_fault): kept
 * out of struct socm_enactor, whose layout plug-ins were built against. */
struct enactor_box {
    struct socm_enactor e; /* first: the enactor is the box */
    socm_enactor_fault_fn fault;
};

struct socm_enactor *socm_enactor_alloc(socm_enactor_fault_fn fault)
{
    struct enactor_box *b = socm_xcalloc(1, sizeof *b);
    b->fault = fault;
    return &b->e;
}

void socm_enactor_fault(struct socm_enactor *e, const char *msg)
{
    struct enactor_box *b = (struct enactor_box *)e;
    if (b->fault)
        b->fault(e->cb.ctx, msg);
    else if (e->cb.log)
        e->cb.log(e->cb.ctx, msg);
}

struct socm_enactor *socm_enactor_create(const char *name, const struct socm_allocation *a,
                                         const struct socm_enactor_callbacks *cb,
                                         struct socm_error *err)
{
    return socm_enactor_create_faults(name, a, cb, NULL, err);
}

struct socm_enactor *socm_enactor_create_faults(const char *name, const struct socm_allocation *a,
                                                const struct socm_enactor_callbacks *cb,
                                                socm_enactor_fault_fn fault, struct socm_error *err)
{
    const struct socm_enactor_ops *ops = socm_enactor_resolve(name, err);
    if (!ops)
        return NULL;
    struct socm_enactor *e = socm_enactor_alloc(fault);
    e->ops = ops;
    e->cb = *cb;
    if (ops->setup(e, a, err) != 0) {
        free(e);
        return NULL;
    }
    return e;
}

void socm_enactor_destroy(struct socm_enactor *e)
{
    if (!e)
        return;
    if (e->ops->destroy)
        e->ops->destroy(e);
    free(e);
}

double socm_enactor_now(struct socm_enactor *e)
{
    return e->ops->now ? e->ops->now(e) : socm_now();
}

/* library.c — the parts of include/socm/socm.h that only wrap the internals for a
 * program that embeds socm: the version, opening a campaign into one error value,
 * read-only views of it, and run options behind an opaque handle. */
#include "socm/socm.h"

#include "campaign/campaign.h"
#include "manager/bookkeeper.h"
#include "util/error.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

#define SOCM_STR2(x) #x
#define SOCM_STR(x) SOCM_STR2(x)

const char *socm_version(void)
{
    return SOCM_STR(SOCM_VERSION_MAJOR) "." SOCM_STR(SOCM_VERSION_MINOR) "." SOCM_STR(
        SOCM_VERSION_PATCH);
}

struct socm_campaign *socm_campaign_open(const char *const *files, size_t nfiles,
                                         struct socm_error *err)
{
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_load(files, nfiles, &errs);
    if (!c) {
        /* Every problem, one per line, as `socm validate` prints them. */
        struct socm_buf b = SOCM_BUF_INIT;
        for (size_t i = 0; i < errs.n; i++)
            socm_buf_printf(&b, "%s%s", i ? "\n" : "", errs.msgs[i]);
        socm_error_set(err, SOCM_E_INPUT, "%s", b.len ? b.data : "cannot load the campaign");
        socm_buf_free(&b);
    }
    socm_errlist_free(&errs);
    return c;
}

const char *socm_campaign_name(const struct socm_campaign *c) { return c->name; }
size_t socm_campaign_size(const struct socm_campaign *c) { return c->n_wfs; }

const struct socm_workflow *socm_campaign_workflow(const struct socm_campaign *c, size_t i)
{
    return i < c->n_wfs ? c->wfs[i] : NULL;
}

struct socm_run_opts *socm_run_opts_new(void) { return socm_xcalloc(1, sizeof(struct socm_run_opts)); }
void socm_run_opts_free(struct socm_run_opts *o)
{
    if (o)
        socm_strv_free(&o->defines);
    free(o);
}
void socm_run_opts_define(struct socm_run_opts *o, const char *name_value)
{
    socm_strv_push(&o->defines, name_value);
}
void socm_run_opts_set_values(struct socm_run_opts *o, const char *path) { o->values = path; }
void socm_run_opts_set_enactor(struct socm_run_opts *o, const char *name) { o->enactor = name; }
void socm_run_opts_set_cores(struct socm_run_opts *o, int64_t cores) { o->cores = cores; }
void socm_run_opts_set_memory_mb(struct socm_run_opts *o, double mb) { o->memory_mb = mb; }
void socm_run_opts_set_simulate(struct socm_run_opts *o, bool simulate) { o->simulate = simulate; }
void socm_run_opts_set_quiet(struct socm_run_opts *o, bool quiet) { o->quiet = quiet; }

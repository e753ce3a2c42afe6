/* socm/workflow.h — the workflow-type interface (public plug-in API). A type turns
 * one config section into one or more workflows and builds each one's argv. */
#ifndef SOCM_PUBLIC_WORKFLOW_H
#define SOCM_PUBLIC_WORKFLOW_H

#include "socm/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What expansion may look at besides the section itself. */
struct socm_wf_ctx {
    const struct socm_value *campaign; /* the [campaign] table */
    const char *section_name;  /* "ml-mapmaking", "ml-null-tests.wafer-tests", stage name */
    const char *base_dir;      /* directory of the first campaign file */
};

struct socm_workflow_type {
    const char *name;
    /* Expands `section` (a table; borrowed — clone what you keep) into workflows
     * appended to `out`. Ids, DAG edges and argv are done by the caller. */
    int (*expand)(const struct socm_workflow_type *type, const struct socm_wf_ctx *ctx,
                  const struct socm_value *section, struct socm_wflist *out,
                  struct socm_error *err);
    /* Builds the command line into argv (empty on entry). */
    int (*build_argv)(const struct socm_workflow *wf, struct socm_strv *argv,
                      struct socm_error *err);
    /* Keys excluded from prediction features beyond the common ones (NULL-terminated,
     * may be NULL). */
    const char *const *feature_exclude;
    void *data; /* for the type's own use */
    /* Keys the type reads beyond the ones every workflow has (name, executable,
     * resources, depends...; docs/campaign-format.md), NULL-terminated. Any other key
     * in a section of this type is an error with "did you mean" — unless `flags` has
     * SOCM_WFTYPE_OPTION_KEYS. NULL: the type's keys are not checked at all (a type
     * written before plug-in API 2). */
    const char *const *keys;
    unsigned flags;
};

/* Keys the type does not declare become command options (--key=value), as the
 * original's SO workflows pass them; only a near miss of a key every workflow has
 * (`depend`) is still an error. */
#define SOCM_WFTYPE_OPTION_KEYS 1u

/* A subcampaign map: `[campaign.<name>.<member>]` sections become workflows of type
 * "<name>.<member>", each member getting the subcampaign's common keys. */
struct socm_subcampaign {
    const char *name;            /* "ml-null-tests" */
    const char *const *members;  /* NULL-terminated: "mission-tests", ... */
};

int socm_workflow_type_register(const struct socm_workflow_type *type);
const struct socm_workflow_type *socm_workflow_type_find(const char *name);
/* The type of a section named "<type>-<suffix>" (ml-mapmaking-f090): the longest
 * registered type name followed by '-' that starts `section`; NULL if none. */
const struct socm_workflow_type *socm_workflow_type_find_prefix(const char *section);
int socm_subcampaign_register(const struct socm_subcampaign *sub);
const struct socm_subcampaign *socm_subcampaign_find(const char *name);
/* Names of every registered type / subcampaign (built-in first), for messages. */
void socm_workflow_type_names(struct socm_strv *names);
void socm_subcampaign_names(struct socm_strv *names);
/* Forgets every run-time registration (tests). */
void socm_workflow_registry_reset(void);

/* Shared by types: fills the common fields of wf from a section — name (default
 * `default_name`), executable, subcommand, context, environment, resources (with
 * units), depends, max_retries, job_name — and clones every key into wf->fields. */
int socm_workflow_fill_common(struct socm_workflow *wf, const struct socm_value *section,
                              const char *default_name, struct socm_error *err);

#ifdef __cplusplus
}
#endif

#endif

/* record.c — finished workflow runs into the history database (see record.h). */
#include "state/record.h"
#include "config/value.h"
#include "predict/history.h"
#include "util/str.h"

#include <string.h>

static int table_string(const struct socm_value *root, const char *path, const char **out,
                        struct socm_error *err)
{
    const struct socm_value *t = root ? socm_value_path(root, path) : NULL;
    if (!t || t->type != SOCM_V_TABLE)
        return 0;
    return socm_table_get_string(t, "history_db", out, err);
}

int socm_record_db_path(const struct socm_value *config, char **path, struct socm_error *err)
{
    *path = NULL;
    const struct socm_value *camp = config ? socm_value_path(config, "campaign") : NULL;
    bool on = true;
    if (camp && camp->type == SOCM_V_TABLE && socm_table_get_bool(camp, "record_history", &on, err) != 0)
        return -1;
    if (!on)
        return 0;
    /* the same precedence as the predictor's, so planning reads what running wrote */
    const char *p = NULL;
    if (table_string(config, "predict", &p, err) != 0 ||
        (!p && table_string(config, "campaign.predict", &p, err) != 0) ||
        (!p && table_string(config, "campaign", &p, err) != 0))
        return -1;
    *path = p ? socm_strdup(p) : socm_history_default_path();
    return 0;
}

json_t *socm_record_prepare(const struct socm_workflow *wf)
{
    struct socm_history_run run = {0};
    struct socm_error err = {0};
    if (socm_history_run_from_workflow(wf, &run, &err) != 0) {
        socm_history_run_clear(&run);
        return NULL;
    }
    json_t *j = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:I,s:I,s:f,s:f}", "job_name", run.job_name,
                          "workflow", run.workflow, "command", run.command, "categorical",
                          run.categorical_json, "numeric", run.numeric_json, "ranks",
                          (json_int_t)run.ranks, "threads", (json_int_t)run.threads,
                          "req_memory_mb", run.req_memory_mb, "req_runtime_min",
                          run.req_runtime_min);
    socm_history_run_clear(&run);
    return j;
}

static char *dup_field(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? socm_strdup(s) : NULL;
}

static const char *state_of(enum socm_outcome o)
{
    switch (o) {
    case SOCM_OUT_DONE: return SOCM_HISTORY_COMPLETED;
    case SOCM_OUT_TIMEOUT: return "TIMEOUT";
    case SOCM_OUT_CANCELED: return "CANCELLED";
    default: return SOCM_HISTORY_FAILED;
    }
}

int socm_record_result(struct socm_history *h, const json_t *prepared, const char *campaign,
                       const struct socm_result *r, const char *resource, const char *where,
                       struct socm_error *err)
{
    struct socm_history_run run = {
        .job_name = dup_field(prepared, "job_name"),
        .workflow = dup_field(prepared, "workflow"),
        .command = dup_field(prepared, "command"),
        .categorical_json = dup_field(prepared, "categorical"),
        .numeric_json = dup_field(prepared, "numeric"),
        .ranks = json_integer_value(json_object_get(prepared, "ranks")),
        .threads = json_integer_value(json_object_get(prepared, "threads")),
        .req_memory_mb = json_number_value(json_object_get(prepared, "req_memory_mb")),
        .req_runtime_min = json_number_value(json_object_get(prepared, "req_runtime_min")),
        .elapsed_s = r->elapsed_s,
        .max_rss_mb = r->max_rss_mb,
        .cpu_s = r->cpu_s,
        .state = socm_strdup(state_of(r->outcome)),
        .resource = socm_strdup(resource),
        .location = socm_strdup(where),
        .started_at = r->start,
        .finished_at = r->end,
        .campaign = socm_strdup(campaign ? campaign : ""),
    };
    int rc = socm_history_add(h, &run, err); /* committed with the journal's group commit */
    socm_history_run_clear(&run);
    return rc;
}

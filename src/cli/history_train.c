/* history_train.c — the output of `socm history train` (see history_train.h). */
#include "cli/history_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *socm_history_json_or_text(const char *s)
{
    json_t *j = json_loads(s ? s : "{}", 0, NULL);
    return j ? j : json_string(s ? s : "");
}

void socm_train_out_init(struct socm_train_out *t, bool json, bool verbose)
{
    memset(t, 0, sizeof *t);
    t->json = json;
    t->verbose = verbose;
    t->arr = json ? json_array() : NULL;
}

/* Counts why a model was skipped. "only 3 completed runs ... (need 10)" differs
 * from group to group by its first number: it is counted as "fewer than 10 ...". */
static void count_reason(struct socm_train_out *t, const struct socm_model_info *mi)
{
    size_t have = 0, need = 0;
    char target[32];
    char *key;
    if (mi->detail && sscanf(mi->detail, "only %zu completed runs with a measured %31s (need %zu)", &have, target,
                             &need) == 3)
        key = socm_asprintf("fewer than %zu completed runs with a measured %s", need, socm_target_name(mi->target));
    else
        key = socm_strdup(mi->detail && *mi->detail ? mi->detail : "no reason given");
    size_t k = 0;
    while (k < SOCM_TRAIN_REASONS && t->reason[k] && strcmp(t->reason[k], key) != 0)
        k++;
    if (k == SOCM_TRAIN_REASONS) { /* the rest together */
        free(key);
        if (!t->reason[k])
            t->reason[k] = socm_strdup("other reasons");
    } else if (!t->reason[k])
        t->reason[k] = key;
    else
        free(key);
    t->count[k]++;
}

void socm_train_out_report(const struct socm_model_info *mi, void *arg)
{
    struct socm_train_out *t = arg;
    if (mi->kind) {
        t->trained++;
        t->by_target[mi->target]++;
        size_t j = 0;
        while (j < t->jobs.n && strcmp(t->jobs.v[j], mi->job_name) != 0)
            j++;
        if (j == t->jobs.n)
            socm_strv_push(&t->jobs, mi->job_name);
    } else {
        t->skipped++;
        count_reason(t, mi);
    }
    if (t->json) {
        json_t *o = json_object();
        json_object_set_new(o, "job_name", json_string(mi->job_name));
        json_object_set_new(o, "categorical", socm_history_json_or_text(mi->categorical));
        json_object_set_new(o, "target", json_string(socm_target_name(mi->target)));
        json_object_set_new(o, "model", mi->kind ? json_string(mi->kind) : json_null());
        json_object_set_new(o, "detail", json_string(mi->detail ? mi->detail : ""));
        json_object_set_new(o, "n_runs", json_integer((json_int_t)mi->n_runs));
        if (mi->kind) {
            json_object_set_new(o, "n_train", json_integer((json_int_t)mi->n_train));
            json_object_set_new(o, "n_test", json_integer((json_int_t)mi->n_test));
            json_object_set_new(o, "mean_pct_error", json_real(mi->mean_pct_error));
            json_object_set_new(o, "mse", json_real(mi->mse));
            json_object_set_new(o, "rmse", json_real(sqrt(mi->mse)));
            json_object_set_new(o, "r2", json_real(mi->r2));
            json_object_set_new(o, "margin", json_real(mi->margin));
        }
        json_array_append_new(t->arr, o);
        return;
    }
    if (!t->verbose) {
        if (mi->kind && t->lines.n <= SOCM_TRAIN_LINES)
            socm_strv_pushf(&t->lines, "%-20s %-14s %-32s %-14s R2 %6.3f  RMSE %-10.4g error %6.2f %%  margin +%.1f %%",
                            mi->job_name, socm_target_name(mi->target), mi->categorical, mi->kind, mi->r2,
                            sqrt(mi->mse), mi->mean_pct_error, 100 * mi->margin);
        return;
    }
    if (mi->kind)
        printf("%-20s %-8s %-40s %-6s train %zu test %zu: R2 %.3f, RMSE %.4g, error %.2f %%, margin +%.1f %% (%s)\n",
               mi->job_name, socm_target_name(mi->target), mi->categorical, mi->kind, mi->n_train,
               mi->n_test, mi->r2, sqrt(mi->mse), mi->mean_pct_error, 100 * mi->margin, mi->detail);
    else
        printf("%-20s %-8s %-40s skipped: %s\n", mi->job_name, socm_target_name(mi->target),
               mi->categorical, mi->detail ? mi->detail : "");
}

void socm_train_out_summary(const struct socm_train_out *t, FILE *out)
{
    char more[128] = "";
    for (int k = SOCM_TARGET_CPU_EFFICIENCY; k < SOCM_TARGET_COUNT; k++)
        if (t->by_target[k])
            snprintf(more + strlen(more), sizeof more - strlen(more), ", %d %s", t->by_target[k],
                     socm_target_name((enum socm_target)k));
    fprintf(out, "trained %d model%s (%d runtime, %d memory%s) for %zu job name%s; skipped %d\n", t->trained,
           t->trained == 1 ? "" : "s", t->by_target[0], t->by_target[1], more, t->jobs.n,
           t->jobs.n == 1 ? "" : "s", t->skipped);
    if (t->lines.n && t->lines.n <= SOCM_TRAIN_LINES)
        for (size_t i = 0; i < t->lines.n; i++)
            fprintf(out, "  %s\n", t->lines.v[i]);
    for (size_t k = 0; k <= SOCM_TRAIN_REASONS && t->reason[k]; k++)
        fprintf(out, "  %6d  %s\n", t->count[k], t->reason[k]);
    if ((t->skipped || t->lines.n > SOCM_TRAIN_LINES) && !t->verbose)
        fprintf(out, "(--verbose: one line per model)\n");
}

void socm_train_out_free(struct socm_train_out *t)
{
    json_decref(t->arr);
    socm_strv_free(&t->jobs);
    socm_strv_free(&t->lines);
    for (size_t k = 0; k <= SOCM_TRAIN_REASONS; k++)
        free(t->reason[k]);
}


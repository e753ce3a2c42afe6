/* run_rows.c — a replayed run as chart rows (see run_rows.h). */
#include "report/run_rows.h"
#include "util/str.h"

#include <stdlib.h>

void socm_run_rows_of(const struct socm_bk *bk, struct socm_run_rows *out)
{
    const struct socm_spec *s = &bk->spec;
    out->n = s->n;
    out->v = socm_xcalloc(s->n ? s->n : 1, sizeof *out->v);
    for (size_t i = 0; i < s->n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        const struct socm_task *t = &s->tasks[i];
        struct socm_gantt_row *r = &out->v[i];
        r->name = t->name;
        r->state = socm_wstate_name(w->state);
        r->plan_start = t->plan_start;
        r->plan_end = t->plan_end;
        /* A workflow still running (or cut off) ends at the journal's last event. */
        double end = w->end > 0 ? w->end : bk->t_end;
        r->start = w->start > 0 ? (w->start - bk->t_begin) / 60 : -1;
        r->end = w->start > 0 ? (end - bk->t_begin) / 60 : -1;
        r->cores = t->cores;
        r->memory_mb = t->memory_mb;
        r->attempts = w->attempts;
    }
    const json_t *p = s->plan;
    out->o = (struct socm_run_gantt_opts){
        .campaign = s->campaign,
        .state = socm_cstate_name(bk->cstate),
        .policy = json_string_value(json_object_get(p, "policy")),
        .qos = json_string_value(json_object_get(p, "qos")),
        .cores = p ? (int64_t)json_integer_value(json_object_get(p, "cores")) : s->plan_cores,
        .deadline_min = s->deadline_min,
        .makespan_min = s->makespan_min,
        .actual_min = (bk->t_end - bk->t_begin) / 60,
    };
    if (out->o.cores <= 0)
        out->o.cores = s->plan_cores;
}

void socm_run_rows_free(struct socm_run_rows *r)
{
    free(r->v);
    r->v = NULL;
    r->n = 0;
}

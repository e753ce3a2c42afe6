/* retry.c — choosing what a retry runs again (see retry.h). */
#include "manager/retry.h"
#include "manager/bookkeeper.h"

#include <string.h>

static bool retryable(const struct socm_wfstate *w)
{
    return w->state == SOCM_W_FAILED || w->state == SOCM_W_CANCELED;
}

/* Marks i and, through the DAG, every CANCELED dependant (canceled because i failed
 * or was canceled, so it must wait for i again). */
static void mark_with_dependants(const struct socm_bk *bk, int i, bool *mark)
{
    if (mark[i])
        return;
    mark[i] = true;
    for (size_t k = bk->succ_off[i]; k < bk->succ_off[i + 1]; k++) {
        int j = bk->succ[k];
        if (bk->w[j].state == SOCM_W_CANCELED)
            mark_with_dependants(bk, j, mark);
    }
}

static int find(const struct socm_bk *bk, const char *name)
{
    for (size_t i = 0; i < bk->spec.n; i++)
        if (!strcmp(bk->spec.tasks[i].name, name))
            return (int)i;
    return -1;
}

int socm_retry_select(const struct socm_bk *bk, const struct socm_retry_req *r, int **idx,
                      size_t *n, struct socm_error *err)
{
    size_t nw = bk->spec.n;
    bool *mark = socm_xcalloc(nw ? nw : 1, sizeof *mark);
    bool failed = r->failed || !r->canceled, canceled = r->canceled || !r->failed;
    *idx = NULL;
    *n = 0;
    for (size_t k = 0; k < r->nnames; k++) {
        int i = find(bk, r->names[k]);
        if (i < 0 || !retryable(&bk->w[i])) {
            json_t *q = json_string(r->names[k]); /* quoted: control characters stay visible */
            char *qs = q ? json_dumps(q, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
            if (i < 0)
                socm_error_set(err, SOCM_E_INPUT, "campaign %s has no workflow named %s",
                               bk->spec.campaign, qs ? qs : "(not UTF-8)");
            else
                socm_error_set(err, SOCM_E_INPUT,
                               "%s is %s: only FAILED or CANCELED workflows are retried%s",
                               qs, socm_wstate_name(bk->w[i].state),
                               bk->w[i].state == SOCM_W_DONE ? " (DONE work is never run again)"
                                                             : "");
            free(qs);
            json_decref(q);
            free(mark);
            return -1;
        }
        mark_with_dependants(bk, i, mark);
    }
    if (!r->nnames)
        for (size_t i = 0; i < nw; i++) {
            const struct socm_wfstate *w = &bk->w[i];
            if ((failed && w->state == SOCM_W_FAILED) || (canceled && w->state == SOCM_W_CANCELED))
                mark_with_dependants(bk, (int)i, mark);
        }
    /* A workflow retried without a predecessor that is neither DONE nor retried with it
     * could only be canceled again (after a retry journaled for nothing): refused. */
    for (size_t i = 0; i < nw; i++)
        for (size_t k = 0; mark[i] && k < bk->spec.tasks[i].npred; k++) {
            int p = bk->spec.tasks[i].pred[k];
            if (mark[p] || bk->w[p].state == SOCM_W_DONE)
                continue;
            const char *dir = bk->sd.path ? bk->sd.path : "STATE_DIR";
            socm_error_set(err, SOCM_E_INPUT,
                           "%s cannot run again: its predecessor %s is %s and is not retried "
                           "with it; retry both (socm retry %s %s %s), or every failed and "
                           "canceled workflow (socm retry %s, or --failed)",
                           bk->spec.tasks[i].name, bk->spec.tasks[p].name,
                           socm_wstate_name(bk->w[p].state), dir, bk->spec.tasks[p].name,
                           bk->spec.tasks[i].name, dir);
            free(mark);
            return -1;
        }
    *idx = socm_xcalloc(nw ? nw : 1, sizeof **idx);
    for (size_t i = 0; i < nw; i++)
        if (mark[i])
            (*idx)[(*n)++] = (int)i;
    free(mark);
    return 0;
}

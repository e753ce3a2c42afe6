/* profile.c — the recorded timings of a run, by phase and per workflow type. The
 * phases, from journal timestamps:
 *   planning    campaign PLANNING → EXECUTING
 *   submission  workflow READY → SUBMITTED (waiting for the manager to hand it to the
 *               enactor, which includes waiting for free cores)
 *   queue wait  SUBMITTED → the process started (the batch queue on Slurm)
 *   execution   started → ended
 * summed over workflows and attempts, so they measure workflow-time, not wall time. */
#include "report/profile.h"
#include "state/journal.h"
#include "planner/sites.h"
#include "util/str.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum { PH_PLAN, PH_SUBMIT, PH_QUEUE, PH_EXEC, PH_N };
static const char *const ph_names[PH_N] = {"planning", "submission", "queue wait", "execution"};

struct wprof {
    double ready, submitted, running;
    const char *type;
    const char *site; /* NULL without sites */
};

struct tprof {
    const char *type;
    size_t n;
    double s[PH_N];
};

/* The workflow's type: its section's `type` in the recorded config, else the
 * section name when it is a type name, else its executable. */
static const char *type_of(json_t *config, json_t *task)
{
    const char *name = json_string_value(json_object_get(task, "name"));
    json_t *sec = json_object_get(json_object_get(config, "campaign"), name ? name : "");
    const char *t = json_string_value(json_object_get(sec, "type"));
    if (t)
        return t;
    const char *a0 = json_string_value(json_array_get(json_object_get(task, "argv"), 0));
    if (!a0)
        return "?";
    const char *slash = strrchr(a0, '/');
    return slash ? slash + 1 : a0;
}

static void add(struct tprof *tp, size_t *ntp, const char *type, int ph, double s, bool count)
{
    size_t i = 0;
    while (i < *ntp && strcmp(tp[i].type, type))
        i++;
    if (i == *ntp)
        tp[(*ntp)++] = (struct tprof){type, 0, {0}};
    tp[i].s[ph] += s > 0 ? s : 0;
    tp[i].n += count;
}

static void print_row(FILE *out, const char *label, const double *s, double total)
{
    for (int p = 0; p < PH_N; p++)
        if (p != PH_PLAN || s[p] > 0)
            fprintf(out, "  %-22s %-11s %10.3f s %6.1f%%\n", label, ph_names[p], s[p],
                    total > 0 ? 100 * s[p] / total : 0);
}

/* What replay gathers for the report. */
struct prof {
    json_t *begin;
    struct wprof *w;
    size_t nw, ntp, nsp;
    struct tprof *tp, *sp; /* per workflow type, per site */
    double tot[PH_N], planning_from, first_t, last_t;
};

static void on_begin(struct prof *P, json_t *ev)
{
    P->begin = json_incref(ev);
    json_t *spec = json_object_get(ev, "spec");
    json_t *tasks = json_object_get(spec, "tasks");
    P->nw = json_array_size(tasks);
    P->w = socm_xcalloc(P->nw ? P->nw : 1, sizeof *P->w);
    P->tp = socm_xcalloc(P->nw ? P->nw : 1, sizeof *P->tp);
    P->sp = socm_xcalloc(P->nw ? P->nw : 1, sizeof *P->sp);
    json_t *config = json_object_get(spec, "config");
    json_t *sites = json_object_get(spec, "sites");
    for (size_t i = 0; i < P->nw; i++) {
        json_t *task = json_array_get(tasks, i);
        P->w[i].type = type_of(config, task);
        add(P->tp, &P->ntp, P->w[i].type, PH_EXEC, 0, true);
        P->w[i].site = json_string_value(json_object_get(
            json_array_get(sites, (size_t)json_integer_value(json_object_get(task, "site"))),
            "name"));
        if (P->w[i].site)
            add(P->sp, &P->nsp, P->w[i].site, PH_EXEC, 0, true);
    }
}

static void on_wf(struct prof *P, json_t *ev, double t)
{
    json_int_t id = json_integer_value(json_object_get(ev, "id"));
    const char *s = json_string_value(json_object_get(ev, "state"));
    if (id < 1 || (size_t)id > P->nw || !s)
        return;
    struct wprof *x = &P->w[id - 1];
    double start = json_number_value(json_object_get(ev, "start"));
    double end = json_number_value(json_object_get(ev, "end"));
    double d[PH_N] = {0};
    if (!strcmp(s, "READY"))
        x->ready = t;
    else if (!strcmp(s, "SUBMITTED")) {
        x->submitted = t;
        d[PH_SUBMIT] = x->ready > 0 ? t - x->ready : 0;
    } else if (!strcmp(s, "RUNNING"))
        x->running = t;
    if (start > 0 && end >= start && x->submitted > 0) {
        d[PH_QUEUE] = start - x->submitted;
        d[PH_EXEC] = end - start;
        x->ready = x->submitted = x->running = 0;
    }
    for (int p = PH_SUBMIT; p < PH_N; p++) {
        P->tot[p] += d[p] > 0 ? d[p] : 0;
        add(P->tp, &P->ntp, x->type, p, d[p], false);
        if (x->site)
            add(P->sp, &P->nsp, x->site, p, d[p], false);
    }
}

static int on_event(void *ctx, json_t *ev, size_t line, struct socm_error *err)
{
    (void)line;
    (void)err;
    struct prof *P = ctx;
    const char *e = json_string_value(json_object_get(ev, "ev"));
    double t = json_number_value(json_object_get(ev, "t"));
    if (t > 0) {
        P->first_t = P->first_t > 0 ? P->first_t : t;
        P->last_t = t;
    }
    if (!strcmp(e, "begin") && !P->begin)
        on_begin(P, ev);
    else if (!strcmp(e, "campaign")) {
        const char *s = json_string_value(json_object_get(ev, "state"));
        if (s && !strcmp(s, "PLANNING"))
            P->planning_from = t;
        else if (s && !strcmp(s, "EXECUTING") && P->planning_from > 0) {
            P->tot[PH_PLAN] += t - P->planning_from;
            P->planning_from = 0;
        }
    } else if (!strcmp(e, "wf") && P->w)
        on_wf(P, ev, t);
    return 0;
}

int socm_profile_report(const char *state_dir, FILE *out, struct socm_error *err)
{
    /* The one journal reader: no link followed, checksums checked, a torn tail skipped. */
    struct prof P = {0};
    int rc = socm_journal_replay(state_dir, on_event, &P, NULL, err);
    json_t *begin = P.begin;
    struct wprof *w = P.w;
    struct tprof *tp = P.tp, *sp = P.sp;
    size_t ntp = P.ntp, nsp = P.nsp;
    double *tot = P.tot, first_t = P.first_t, last_t = P.last_t;
    if (rc != 0 || !begin) {
        json_decref(begin);
        free(w);
        free(tp);
        free(sp);
        return rc != 0 ? -1
                       : socm_error_set(err, SOCM_E_INPUT, "%s/journal.jsonl has no begin event",
                                        state_dir);
    }
    double total = 0;
    for (int p = 0; p < PH_N; p++)
        total += tot[p];
    const char *name = json_string_value(json_object_get(json_object_get(begin, "spec"), "campaign"));
    fprintf(out, "profile of campaign %s: wall %.3f s, recorded phases %.3f s (workflow-time)\n",
            name ? name : "?", last_t - first_t, total);
    fprintf(out, "by phase:\n");
    for (int p = 0; p < PH_N; p++)
        fprintf(out, "  %-11s %10.3f s %6.1f%%\n", ph_names[p], tot[p],
                total > 0 ? 100 * tot[p] / total : 0);
    fprintf(out, "by workflow type (percent of the total above):\n");
    for (size_t i = 0; i < ntp; i++) {
        char label[128];
        snprintf(label, sizeof label, "%s (%zu)", tp[i].type, tp[i].n);
        print_row(out, label, tp[i].s, total);
    }
    if (nsp)
        fprintf(out, "by site (percent of the total above):\n");
    for (size_t i = 0; i < nsp; i++) {
        char label[128];
        snprintf(label, sizeof label, "%s (%zu)", sp[i].type, sp[i].n);
        print_row(out, label, sp[i].s, total);
    }
    json_decref(begin);
    free(w);
    free(tp);
    free(sp);
    return 0;
}

void socm_profile_print_phases(FILE *out, const struct socm_phase *ph, size_t n)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += ph[i].s;
    fprintf(out, "profile:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "  %-24s %9.3f s  %5.1f%%\n", ph[i].name, ph[i].s,
                total > 0 ? 100 * ph[i].s / total : 0);
    fprintf(out, "  %-24s %9.3f s\n", "total", total);
}

size_t socm_profile_plan_phases(const struct socm_sites_plan *sp, struct socm_phase *ph, size_t n,
                                size_t max)
{
    if (n < max)
        ph[n++] = (struct socm_phase){"requirements", sp->t_requirements};
    if (!sp->site) {
        if (n < max)
            ph[n++] = (struct socm_phase){"plan", sp->t_plan};
        return n;
    }
    double parts = 0;
    for (size_t k = 0; k < sp->nparts && n < max; k++) {
        ph[n] = (struct socm_phase){"", sp->parts[k].seconds};
        snprintf(ph[n].name, sizeof ph[n].name, "plan %s", sp->parts[k].site->name);
        parts += sp->parts[k].seconds;
        n++;
    }
    if (n < max) /* partition and the merge of the sites' plans */
        ph[n++] = (struct socm_phase){"plan: partition+merge", sp->t_plan > parts ? sp->t_plan - parts : 0};
    return n;
}

/* ---- Programs ---- */

struct camp_wall {
    char *name;
    double from, to;
};

int socm_profile_program(const char *dir, FILE *out, struct socm_error *err)
{
    char *jp = socm_asprintf("%s/program.jsonl", dir);
    FILE *f = fopen(jp, "r");
    free(jp);
    if (!f)
        return socm_error_errno(err, "%s/program.jsonl", dir);
    struct camp_wall *cw = NULL;
    size_t n = 0, cap = 0, lcap = 0;
    double first = 0, last = 0;
    char *line = NULL;
    while (getline(&line, &lcap, f) > 0) {
        json_t *ev = json_loads(line, 0, NULL);
        const char *e = json_string_value(json_object_get(ev, "ev"));
        const char *name = json_string_value(json_object_get(ev, "name"));
        const char *st = json_string_value(json_object_get(ev, "state"));
        double t = json_number_value(json_object_get(ev, "t"));
        first = first > 0 ? first : t;
        last = t > last ? t : last;
        if (e && !strcmp(e, "campaign") && name && st && strcmp(st, "canceled")) {
            size_t i = 0;
            while (i < n && strcmp(cw[i].name, name))
                i++;
            if (i == n) {
                if (n == cap)
                    cw = socm_xrealloc(cw, (cap = cap ? 2 * cap : 8) * sizeof *cw);
                cw[n++] = (struct camp_wall){socm_strdup(name), 0, 0};
            }
            if (!strcmp(st, "running"))
                cw[i].from = t; /* a resumed campaign: its last run */
            else
                cw[i].to = t;
        }
        json_decref(ev);
    }
    free(line);
    fclose(f);
    double total = last - first;
    fprintf(out, "profile of program in %s: wall %.3f s\nby campaign (wall time, percent of the "
            "program's):\n", dir, total);
    for (size_t i = 0; i < n; i++) {
        double w = cw[i].to > cw[i].from && cw[i].from > 0 ? cw[i].to - cw[i].from : 0;
        fprintf(out, "  %-24s %10.3f s %6.1f%%\n", cw[i].name, w, total > 0 ? 100 * w / total : 0);
    }
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *sd = socm_asprintf("%s/campaigns/%s", dir, cw[i].name);
        struct socm_error e2 = {0};
        fprintf(out, "\n");
        if (socm_profile_report(sd, out, &e2) != 0)
            fprintf(out, "campaign %s: %s\n", cw[i].name, e2.msg);
        free(sd);
        free(cw[i].name);
    }
    free(cw);
    return rc;
}

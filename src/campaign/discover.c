/* discover.c — turns what the live Slurm cluster says about itself (sinfo, sacctmgr)
 * into a socm resource, and writes resources as the TOML tables users write. */
#include "campaign/discover.h"

#include <inttypes.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool strv_has(const struct socm_strv *sv, const char *s)
{
    for (size_t i = 0; sv && i < sv->n; i++)
        if (!strcmp(sv->v[i], s))
            return true;
    return false;
}

/* The distinct nodes to count: in the partition (if any), usable ones unless none is. */
static void pick_nodes(const struct socm_sinfo *si, const char *partition, bool usable_only,
                       struct socm_strv *names, const struct socm_sinfo_node **picked)
{
    for (size_t i = 0; i < si->n; i++) {
        const struct socm_sinfo_node *n = &si->v[i];
        if (partition && strcmp(n->partition, partition))
            continue;
        if (usable_only && !socm_sinfo_node_usable(n))
            continue;
        if (strv_has(names, n->name))
            continue; /* a node listed once per partition */
        picked[names->n] = n;
        socm_strv_push(names, n->name);
    }
}

static int by_walltime(const void *a, const void *b)
{
    const struct socm_qos *x = a, *y = b;
    return (x->max_walltime_min > y->max_walltime_min) - (x->max_walltime_min < y->max_walltime_min);
}

static void add_qos(struct socm_resource *r, const struct socm_slurm_qoslist *ql,
                    const struct socm_strv *allowed)
{
    r->qos = socm_xcalloc(ql->n ? ql->n : 1, sizeof *r->qos);
    for (size_t i = 0; i < ql->n; i++) {
        const struct socm_slurm_qos *q = &ql->v[i];
        if (allowed && allowed->n && !strv_has(allowed, q->name))
            continue;
        struct socm_qos *o = &r->qos[r->n_qos++];
        o->name = socm_strdup(q->name);
        o->max_walltime_min = q->max_wall_s > 0 ? q->max_wall_s / 60.0 : SOCM_DISCOVER_UNLIMITED_WALL_MIN;
        int64_t jobs = q->max_jobs_pu;
        if (q->max_submit_pu >= 0 && (jobs < 0 || q->max_submit_pu < jobs))
            jobs = q->max_submit_pu;
        o->max_jobs = jobs > 0 ? jobs : INT32_MAX;
        int64_t cores = socm_slurm_qos_max_cores(q);
        o->max_cores = cores > 0 ? cores : INT64_MAX;
    }
    if (r->n_qos > 1)
        qsort(r->qos, r->n_qos, sizeof *r->qos, by_walltime);
}

struct socm_resource *socm_resource_from_slurm(const char *name, const char *partition,
                                               const struct socm_sinfo *si,
                                               const struct socm_slurm_qoslist *ql,
                                               const struct socm_strv *allowed, size_t *skipped,
                                               struct socm_error *err)
{
    struct socm_strv all = SOCM_STRV_INIT, usable = SOCM_STRV_INIT;
    const struct socm_sinfo_node **p_all = socm_xcalloc(si->n + 1, sizeof *p_all);
    const struct socm_sinfo_node **p_use = socm_xcalloc(si->n + 1, sizeof *p_use);
    pick_nodes(si, partition, false, &all, p_all);
    pick_nodes(si, partition, true, &usable, p_use);
    struct socm_resource *r = NULL;
    if (all.n == 0) {
        if (partition)
            socm_error_set(err, SOCM_E_FAILED, "sinfo shows no node in partition '%s'", partition);
        else
            socm_error_set(err, SOCM_E_FAILED, "sinfo shows no node");
        goto out;
    }
    bool use_usable = usable.n > 0;
    const struct socm_sinfo_node **nodes = use_usable ? p_use : p_all;
    size_t n = use_usable ? usable.n : all.n;
    if (skipped)
        *skipped = use_usable ? all.n - usable.n : 0;

    /* Most common CPU count (ties: the larger), then the least memory among those. */
    int64_t best_cpus = 0;
    size_t best_count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        for (size_t j = 0; j < n; j++)
            c += nodes[j]->cpus == nodes[i]->cpus;
        if (c > best_count || (c == best_count && nodes[i]->cpus > best_cpus))
            best_count = c, best_cpus = nodes[i]->cpus;
    }
    int64_t mem = -1;
    for (size_t i = 0; i < n; i++)
        if (nodes[i]->cpus == best_cpus && (mem < 0 || nodes[i]->memory_mb < mem))
            mem = nodes[i]->memory_mb;
    if (best_cpus <= 0 || mem <= 0) {
        socm_error_set(err, SOCM_E_FAILED, "sinfo shows no node with CPUs and memory");
        goto out;
    }
    r = socm_xcalloc(1, sizeof *r);
    r->name = socm_strdup(name ? name : "discovered");
    r->nodes = (int64_t)n;
    r->cores_per_node = best_cpus;
    r->memory_per_node_mb = (double)mem;
    add_qos(r, ql, allowed);
    if (r->n_qos == 0) {
        /* No QoS the user may use was listed: one unlimited policy, as the reader does. */
        r->qos[0].name = socm_strdup("normal");
        r->qos[0].max_walltime_min = SOCM_DISCOVER_UNLIMITED_WALL_MIN;
        r->qos[0].max_jobs = INT32_MAX;
        r->qos[0].max_cores = INT64_MAX;
        r->n_qos = 1;
    }
out:
    socm_strv_free(&all);
    socm_strv_free(&usable);
    free(p_all);
    free(p_use);
    return r;
}

struct socm_resource *socm_resource_discover(const char *name, const char *partition, size_t *skipped,
                                             struct socm_error *err)
{
    struct socm_sinfo si;
    struct socm_slurm_qoslist ql;
    if (socm_slurm_sinfo(&si, err) < 0)
        return NULL;
    if (socm_slurm_qos_show(&ql, err) < 0) {
        socm_sinfo_free(&si);
        return NULL;
    }
    /* Only the QoS this user may submit to; if the associations cannot be read
     * (accounting without associations), all of them. */
    struct socm_strv allowed = SOCM_STRV_INIT;
    struct passwd *pw = getpwuid(getuid());
    struct socm_error ignored = {0};
    if (pw && socm_slurm_user_qos(pw->pw_name, &allowed, &ignored) < 0)
        socm_strv_free(&allowed);
    struct socm_resource *r = socm_resource_from_slurm(name, partition, &si, &ql, &allowed, skipped, err);
    socm_strv_free(&allowed);
    socm_sinfo_free(&si);
    socm_slurm_qoslist_free(&ql);
    return r;
}

/* ---- TOML ---- */

static bool bare_key(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-'))
            return false;
    return true;
}

/* A TOML basic string: quotes, backslashes and control characters escaped. */
static void toml_string(struct socm_buf *b, const char *s)
{
    socm_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            socm_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            socm_buf_puts(b, "\\n");
        else if (c == '\t')
            socm_buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            socm_buf_printf(b, "\\u%04x", c);
        else
            socm_buf_putc(b, (char)c);
    }
    socm_buf_putc(b, '"');
}

/* Minutes as Slurm's "[D-]HH:MM:SS", which the units reader takes back. */
static void walltime(struct socm_buf *b, double minutes)
{
    int64_t s = (int64_t)llround(minutes * 60);
    int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
    if (d)
        socm_buf_printf(b, "\"%" PRId64 "-%02" PRId64 ":%02" PRId64 ":%02" PRId64 "\"", d, h, m, sec);
    else
        socm_buf_printf(b, "\"%02" PRId64 ":%02" PRId64 ":%02" PRId64 "\"", h, m, sec);
}

char *socm_resource_to_toml(const struct socm_resource *r)
{
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_puts(&b, "[resources.");
    if (bare_key(r->name))
        socm_buf_puts(&b, r->name);
    else
        toml_string(&b, r->name);
    socm_buf_printf(&b, "]\nnodes = %" PRId64 "\ncores_per_node = %" PRId64 "\n", r->nodes,
                    r->cores_per_node);
    socm_buf_printf(&b, "memory_per_node = %.0f # MB\nqos = [\n", r->memory_per_node_mb);
    for (size_t i = 0; i < r->n_qos; i++) {
        const struct socm_qos *q = &r->qos[i];
        socm_buf_puts(&b, "  { name = ");
        toml_string(&b, q->name);
        socm_buf_puts(&b, ", max_walltime = ");
        walltime(&b, q->max_walltime_min);
        if (q->max_jobs > 0 && q->max_jobs < INT32_MAX)
            socm_buf_printf(&b, ", max_jobs = %" PRId64, q->max_jobs);
        if (q->max_cores > 0 && q->max_cores < INT64_MAX)
            socm_buf_printf(&b, ", max_cores = %" PRId64, q->max_cores);
        socm_buf_puts(&b, " },\n");
    }
    socm_buf_puts(&b, "]\n");
    return socm_buf_steal(&b);
}

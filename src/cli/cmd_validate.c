/* cmd_validate.c — `socm validate FILE...`: parse, merge, expand and check campaign
 * files; print what they expand to (summary, --json, or --commands). */
#include "cli/cli.h"
#include "agents/pilot.h"
#include "campaign/campaign.h"
#include "cli/cli_checks.h"
#include "socm/workflow.h"
#include "util/human.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

static void validate_help(void)
{
    puts("usage: socm validate [--json | --commands] FILE...\n"
         "       socm validate -t FILE [-t FILE...]   (TOML; the original's form)\n"
         "       socm validate -y FILE                 (YAML stages; the original's form)\n"
         "\n"
         "Reads the campaign files (TOML or YAML, several are deep-merged in order),\n"
         "expands every workflow section, resolves dependencies and the target resource,\n"
         "checks the enactor, policy and planner, that the enactor can run every workflow\n"
         "and that the campaign plans within its deadline, and reports every problem found\n"
         "as file:line:col: message (an unknown key with the nearest known one).\n"
         "\n"
         "options:\n"
         "  --json       print the campaign and its workflows as JSON (times in\n"
         "               seconds, memory in MB)\n"
         "  --commands   print each workflow's command line as `name: command`, the\n"
         "               command shell-quoted: pasted into a shell it gets the same\n"
         "               arguments (the workflow's environment and working\n"
         "               directory are not part of it)\n"
         "  -t, --toml FILE, -y, --yaml FILE   campaign files (same as positional FILE)\n"
         "  -h, --help   this help\n"
         "\n"
         "example:\n"
         "  socm validate examples/quickstart.toml\n"
         "  socm validate --commands -y dag.yml\n"
         "\n"
         "exit status: 0 valid, 2 invalid input or usage.");
}

static const char *schema_name(const struct socm_campaign *c)
{
    return c->schema_local ? "local" : c->schema == SOCM_SCHEMA_BATCH ? "batch" : "remote";
}

/* The command line as a shell reads it, to paste as is: words of only safe
 * characters stay bare (readable), every other word goes through the one quoting
 * function that batch scripts use. */
static char *command_line(const struct socm_workflow *wf)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (size_t i = 0; i < wf->argv.n; i++) {
        const char *w = wf->argv.v[i];
        if (i)
            socm_buf_putc(&b, ' ');
        if (w[0] && !w[strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789_@%+=:,./-")]) {
            socm_buf_puts(&b, w);
        } else {
            char *q = socm_sh_quote(w);
            socm_buf_puts(&b, q);
            free(q);
        }
    }
    return socm_buf_steal(&b);
}

static size_t count_edges(const struct socm_campaign *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->dag.n; i++)
        n += c->dag.pred[i].n;
    return n;
}

static void print_summary(const struct socm_campaign *c, const int *order, const size_t *starts,
                          size_t ngen)
{
    char b1[32], b2[32];
    printf("campaign: %s\n", c->name);
    printf("  deadline: %s\n", socm_human_minutes(c->deadline_min, b1, sizeof b1));
    for (size_t k = 0; k < (c->n_sites ? c->n_sites : 1); k++) {
        const struct socm_site *st = c->n_sites ? &c->sites[k] : NULL;
        const struct socm_resource *r = st ? st->resource : c->resource;
        printf("  %s: %s (%lld node%s x %lld core%s, ", st ? "site" : "resource",
               st ? st->name : c->resource_name, (long long)r->nodes, r->nodes == 1 ? "" : "s",
               (long long)r->cores_per_node, r->cores_per_node == 1 ? "" : "s");
        if (r->memory_unchecked)
            printf("memory not given, not checked; QoS:");
        else
            printf("%s/node; QoS:", socm_human_mb(r->memory_per_node_mb, b1, sizeof b1));
        for (size_t i = 0; i < r->n_qos; i++)
            printf(" %s", r->qos[i].name);
        printf(")");
        if (st)
            printf(" enactor %s, budget %lld cores", st->enactor ? st->enactor : c->enactor,
                   (long long)socm_site_cores(st));
        printf("\n");
    }
    if (c->n_sites)
        printf("  site policy: %s\n", c->site_policy == SOCM_SITE_CHEAPEST ? "cheapest" : "soonest");
    printf("  execution schema: %s, policy: %s, enactor: %s\n", schema_name(c), c->policy,
           c->enactor);
    if (c->requested_cores)
        printf("  requested cores: %lld\n", (long long)c->requested_cores);
    printf("  state directory: %s\n", c->state_dir);
    printf("workflows: %zu\n", c->n_wfs);
    /* Columns as wide as the longest name and type, so that long names do not break them. */
    int wn = 4, wt = 4;
    for (size_t i = 0; i < c->n_wfs; i++) {
        size_t ln = strlen(c->wfs[i]->name), lt = strlen(c->wfs[i]->type);
        wn = ln > (size_t)wn && ln < 1000 ? (int)ln : wn;
        wt = lt > (size_t)wt && lt < 1000 ? (int)lt : wt;
    }
    printf("  %3s  %-*s %-*s %6s %7s %6s %12s %12s  %s\n", "id", wn, "name", wt, "type", "ranks",
           "threads", "cores", "memory_MB", "runtime_min", "depends");
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        char *deps = wf->depends.n ? socm_strv_join(&wf->depends, ", ") : socm_strdup("-");
        printf("  %3d  %-*s %-*s %6lld %7lld %6lld %12s %12s  %s\n", wf->id, wn, wf->name, wt, wf->type,
               (long long)wf->res.ranks, (long long)wf->res.threads,
               (long long)(wf->res.ranks * wf->res.threads), socm_human_num(wf->res.memory_mb, b1, sizeof b1),
               socm_human_num(wf->res.runtime_min, b2, sizeof b2), deps);
        free(deps);
    }
    printf("dependencies: %zu\n", count_edges(c));
    for (size_t i = 0; i < c->n_wfs; i++)
        for (size_t k = 0; k < c->dag.pred[i].n; k++)
            printf("  %s -> %s\n", c->wfs[c->dag.pred[i].v[k]]->name, c->wfs[i]->name);
    printf("generations: %zu\n", ngen);
    for (size_t g = 0; g < ngen; g++) {
        printf("  %zu:", g);
        for (size_t k = starts[g]; k < starts[g + 1]; k++)
            printf("%s %s", k == starts[g] ? "" : ",", c->wfs[order[k]]->name);
        printf("\n");
    }
}

static json_t *json_strv(const struct socm_strv *sv)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sv->n; i++)
        json_array_append_new(a, json_string(sv->v[i]));
    return a;
}

static void print_json(const struct socm_campaign *c, const int *order, const size_t *starts,
                       size_t ngen)
{
    json_t *root = json_object();
    json_object_set_new(root, "campaign", json_string(c->name));
    json_object_set_new(root, "deadline_s", json_real(c->deadline_min * 60));
    json_object_set_new(root, "resource", json_string(c->resource_name));
    json_object_set_new(root, "execution_schema", json_string(schema_name(c)));
    json_object_set_new(root, "policy", json_string(c->policy));
    json_object_set_new(root, "enactor", json_string(c->enactor));
    json_object_set_new(root, "requested_resources",
                        c->requested_cores ? json_integer(c->requested_cores) : json_null());
    json_object_set_new(root, "state_dir", json_string(c->state_dir));

    json_t *wfs = json_array();
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        json_t *o = json_object();
        char *cmd = command_line(wf);
        json_object_set_new(o, "id", json_integer(wf->id));
        json_object_set_new(o, "name", json_string(wf->name));
        json_object_set_new(o, "type", json_string(wf->type));
        json_object_set_new(o, "ranks", json_integer(wf->res.ranks));
        json_object_set_new(o, "threads", json_integer(wf->res.threads));
        json_object_set_new(o, "cores", json_integer(wf->res.ranks * wf->res.threads));
        json_object_set_new(o, "memory_mb", json_real(wf->res.memory_mb));
        json_object_set_new(o, "runtime_s", json_real(wf->res.runtime_min * 60));
        json_object_set_new(o, "depends", json_strv(&wf->depends));
        json_object_set_new(o, "argv", json_strv(&wf->argv));
        json_object_set_new(o, "command", json_string(cmd));
        free(cmd);
        json_array_append_new(wfs, o);
    }
    json_object_set_new(root, "workflows", wfs);
    json_t *gens = json_array();
    for (size_t g = 0; g < ngen; g++) {
        json_t *ga = json_array();
        for (size_t k = starts[g]; k < starts[g + 1]; k++)
            json_array_append_new(ga, json_string(c->wfs[order[k]]->name));
        json_array_append_new(gens, ga);
    }
    json_object_set_new(root, "generations", gens);
    socm_cli_json_print(root);
    json_decref(root);
}

int socm_cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},   {"commands", no_argument, NULL, 'c'},
        {"toml", required_argument, NULL, 't'}, {"yaml", required_argument, NULL, 'y'},
        {"help", no_argument, NULL, 'h'},   {NULL, 0, NULL, 0},
    };
    struct socm_strv files = SOCM_STRV_INIT;
    bool json = false, commands = false;
    int ch;
    socm_cli_getopt_start();
    while ((ch = socm_cli_getopt("validate", argc, argv, "t:y:h", opts)) != -1) {
        switch (ch) {
        case 'j': json = true; break;
        case 'c': commands = true; break;
        case 't':
        case 'y': socm_strv_push(&files, optarg); break;
        case 'h':
            socm_strv_free(&files);
            validate_help();
            return 0;
        default: /* the usage error is printed */
            socm_strv_free(&files);
            return 2;
        }
    }
    if (json && commands) {
        socm_strv_free(&files);
        return socm_cli_usage("validate", "--json and --commands exclude each other");
    }
    int rc = 0;
    struct socm_campaign *c = socm_cli_load_campaign("validate", argc, argv, optind, &files, &rc);
    if (!c)
        return rc;
    /* What would only fail at plan or run: enactor, planner, capacity, deadline. */
    struct socm_errlist errs = {0};
    struct socm_strv notes = SOCM_STRV_INIT, warnings = SOCM_STRV_INIT;
    socm_cli_check_campaign(c, &errs, &notes, &warnings);
    for (size_t i = 0; i < notes.n; i++)
        fprintf(stderr, "socm validate: note: %s\n", notes.v[i]);
    for (size_t i = 0; i < warnings.n; i++)
        fprintf(stderr, "%s\n", warnings.v[i]);
    socm_strv_free(&notes);
    socm_strv_free(&warnings);
    if (errs.n) {
        for (size_t i = 0; i < errs.n; i++) {
            socm_cli_note_error(errs.msgs[i]);
            fprintf(stderr, "%s\n", errs.msgs[i]);
        }
        fprintf(stderr, "socm validate: %zu error%s\n", errs.n, errs.n == 1 ? "" : "s");
        socm_errlist_free(&errs);
        socm_campaign_free(c);
        return 2;
    }
    int *order = socm_xmalloc((c->n_wfs ? c->n_wfs : 1) * sizeof *order);
    size_t *starts, ngen;
    socm_dag_generations(&c->dag, order, &starts, &ngen);
    if (commands) {
        for (size_t i = 0; i < c->n_wfs; i++) {
            char *cmd = command_line(c->wfs[i]);
            printf("%s: %s\n", c->wfs[i]->name, cmd);
            free(cmd);
        }
    } else if (json) {
        print_json(c, order, starts, ngen);
    } else {
        print_summary(c, order, starts, ngen);
    }
    free(order);
    free(starts);
    socm_campaign_free(c);
    return 0;
}

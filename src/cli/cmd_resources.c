/* cmd_resources.c — `socm resources`: the clusters socm can plan for (built-in and
 * user-defined), and `--discover` to read the live Slurm cluster as a resource. */
#include "cli/cli.h"
#include "cli/cli_checks.h"

#include "campaign/campaign.h"
#include "campaign/discover.h"
#include "config/config.h"

#include <getopt.h>
#include <jansson.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *out)
{
    fputs("usage: socm resources [--toml | --json] [FILE...]\n"
          "       socm resources --discover [--json] [--name NAME] [--partition PART]\n"
          "\n"
          "Lists the resources (clusters) socm can plan for: the built-in catalogue,\n"
          "[resources.NAME] tables in the given campaign FILEs and in\n"
          "~/.config/socm/resources.toml. With --toml, prints them as TOML tables.\n"
          "\n"
          "--discover reads the live Slurm cluster instead (sinfo: nodes, cores, memory;\n"
          "sacctmgr show qos: MaxWall, MaxJobsPU, GrpTRES/MaxTRESPU cpu) and prints it as\n"
          "a [resources.NAME] table (NAME defaults to \"discovered\") to paste into a\n"
          "campaign or ~/.config/socm/resources.toml. Only usable nodes are counted;\n"
          "only the QoS your associations allow are listed.\n"
          "\n"
          "  --toml            print TOML tables instead of a summary\n"
          "  --json            print {\"resources\": [{\"name\", \"nodes\", \"cores_per_node\",\n"
          "                    \"memory_per_node_mb\", \"qos\": [{\"name\", \"max_walltime_s\",\n"
          "                    \"max_jobs\", \"max_cores\"}]}]} (null: no limit, or not given)\n"
          "  --discover        read the live Slurm cluster\n"
          "  --name NAME       name of the discovered resource\n"
          "  --partition PART  count only the nodes of this partition\n"
          "\n"
          "Examples:\n"
          "  socm resources\n"
          "  socm resources campaign.toml\n"
          "  socm resources --discover --name mycluster >> ~/.config/socm/resources.toml\n",
          out);
}

static void print_walltime(double minutes)
{
    int64_t s = (int64_t)(minutes * 60 + 0.5);
    if (s >= 86400)
        printf("%" PRId64 "-%02" PRId64 ":%02" PRId64 ":%02" PRId64, s / 86400, s / 3600 % 24, s / 60 % 60,
               s % 60);
    else
        printf("%02" PRId64 ":%02" PRId64 ":%02" PRId64, s / 3600, s / 60 % 60, s % 60);
}

static void print_summary(const struct socm_resource *r)
{
    printf("%s: %" PRId64 " nodes x %" PRId64 " cores, %.0f MB per node\n", r->name, r->nodes,
           r->cores_per_node, r->memory_per_node_mb);
    for (size_t i = 0; i < r->n_qos; i++) {
        const struct socm_qos *q = &r->qos[i];
        printf("  qos %-20s max_walltime ", q->name);
        print_walltime(q->max_walltime_min);
        if (q->max_jobs > 0 && q->max_jobs < INT32_MAX)
            printf("  max_jobs %" PRId64, q->max_jobs);
        if (q->max_cores > 0 && q->max_cores < INT64_MAX)
            printf("  max_cores %" PRId64, q->max_cores);
        putchar('\n');
    }
}

enum out_form { OUT_SUMMARY, OUT_TOML, OUT_JSON };

/* A limit that is no limit (0 or the largest value) as null. */
static json_t *limit_json(int64_t v, int64_t none)
{
    return v > 0 && v < none ? json_integer(v) : json_null();
}

static json_t *resource_json(const struct socm_resource *r)
{
    json_t *qos = json_array();
    for (size_t i = 0; i < r->n_qos; i++) {
        const struct socm_qos *q = &r->qos[i];
        json_t *o = json_pack("{s:s,s:f}", "name", q->name, "max_walltime_s", q->max_walltime_min * 60);
        json_object_set_new(o, "max_jobs", limit_json(q->max_jobs, INT32_MAX));
        json_object_set_new(o, "max_cores", limit_json(q->max_cores, INT64_MAX));
        json_array_append_new(qos, o);
    }
    json_t *o = json_pack("{s:s,s:I,s:I}", "name", r->name, "nodes", (json_int_t)r->nodes,
                          "cores_per_node", (json_int_t)r->cores_per_node);
    json_object_set_new(o, "memory_per_node_mb",
                        r->memory_unchecked ? json_null() : json_real(r->memory_per_node_mb));
    json_object_set_new(o, "qos", qos);
    return o;
}

static void put_json(json_t *list)
{
    json_t *j = json_pack("{s:o}", "resources", list);
    socm_cli_json_print(j);
    json_decref(j);
}

static int discover(const char *name, const char *partition, enum out_form form)
{
    struct socm_error err = {0};
    size_t skipped = 0;
    /* No Slurm here (no sbatch, a controller that does not answer) and a partition
     * with no node are a request this machine cannot answer: bad input (2), as the
     * README's exit codes say; only fork and I/O failures stay 3. */
    if (!socm_cli_slurm_reachable(&err)) {
        err.code = SOCM_E_INPUT;
        return socm_cli_fail("resources", &err);
    }
    struct socm_resource *r = socm_resource_discover(name, partition, &skipped, &err);
    if (!r) {
        if (err.code == SOCM_E_FAILED)
            err.code = SOCM_E_INPUT;
        return socm_cli_fail("resources", &err);
    }
    if (skipped)
        fprintf(stderr, "socm resources: %zu node(s) down, drained or not responding: not counted\n",
                skipped);
    if (form == OUT_JSON) {
        put_json(json_pack("[o]", resource_json(r)));
    } else {
        char *t = socm_resource_to_toml(r);
        fputs(t, stdout);
        free(t);
    }
    socm_resource_free(r);
    return 0;
}

static int list(char **files, int n, enum out_form form)
{
    struct socm_error err = {0};
    struct socm_value *root = NULL;
    if (n > 0) {
        root = socm_config_load_files((const char *const *)files, (size_t)n, &err);
        if (!root)
            return socm_cli_fail("resources", &err);
    }
    const struct socm_value *user = root ? socm_table_get(root, "resources") : NULL;
    if (user && user->type != SOCM_V_TABLE) {
        socm_error_at(&err, &user->pos, "'resources' must be a table of [resources.NAME] tables");
        socm_value_free(root);
        return socm_cli_fail("resources", &err);
    }
    struct socm_strv names = SOCM_STRV_INIT;
    socm_resource_list(user, &names);
    int rc = 0;
    json_t *all = form == OUT_JSON ? json_array() : NULL;
    for (size_t i = 0; i < names.n; i++) {
        struct socm_resource *r = socm_resource_lookup(names.v[i], user, &err);
        if (!r) {
            rc = socm_cli_fail("resources", &err);
            break;
        }
        if (form == OUT_JSON) {
            json_array_append_new(all, resource_json(r));
        } else if (form == OUT_TOML) {
            char *t = socm_resource_to_toml(r);
            printf("%s%s", i ? "\n" : "", t);
            free(t);
        } else {
            print_summary(r);
        }
        socm_resource_free(r);
    }
    if (all && rc == 0)
        put_json(all);
    else
        json_decref(all);
    socm_strv_free(&names);
    socm_value_free(root);
    return rc;
}

int socm_cmd_resources(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},         {"toml", no_argument, NULL, 't'},
        {"discover", no_argument, NULL, 'd'},     {"name", required_argument, NULL, 'n'},
        {"partition", required_argument, NULL, 'p'}, {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    bool want_discover = false, toml = false, json = false;
    const char *name = NULL, *partition = NULL;
    socm_cli_getopt_start();
    int c;
    while ((c = socm_cli_getopt("resources", argc, argv, "htdn:p:", opts)) != -1) {
        switch (c) {
        case 'h': help(stdout); return 0;
        case 't': toml = true; break;
        case 'j': json = true; break;
        case 'd': want_discover = true; break;
        case 'n': name = optarg; break;
        case 'p': partition = optarg; break;
        default: return 2; /* the usage error is printed */
        }
    }
    if (toml && json)
        return socm_cli_usage("resources", "--toml and --json exclude each other");
    enum out_form form = json ? OUT_JSON : toml ? OUT_TOML : OUT_SUMMARY;
    if (want_discover) {
        if (optind < argc)
            return socm_cli_usage("resources", "--discover takes no FILE (got '%s')", argv[optind]);
        if (name && !name[0])
            return socm_cli_usage("resources", "--name must not be empty");
        /* Discovery is meant to be pasted as TOML; --toml is implied unless --json. */
        return discover(name, partition, json ? OUT_JSON : OUT_TOML);
    }
    if (name || partition)
        return socm_cli_usage("resources", "--name and --partition go with --discover");
    return list(argv + optind, argc - optind, form);
}

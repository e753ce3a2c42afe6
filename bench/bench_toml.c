/* bench_toml.c — prints the TOML parser's and writers' throughput on a generated
 * campaign-like document (many [campaign.NAME] sections with resources tables,
 * arrays and inline tables). Usage: bench_toml [SECTIONS] (default 20000). */
#include "config/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int sections = argc > 1 ? atoi(argv[1]) : 20000;
    struct socm_buf doc = SOCM_BUF_INIT;
    socm_buf_puts(&doc, "[campaign]\ndeadline = \"24h\"\nresource = \"tiger3\"\n");
    for (int i = 0; i < sections; i++)
        socm_buf_printf(&doc,
                        "[campaign.wf-%d]\ncontext = \"file:///scratch/ctx-%d.yaml\"\nmaxiter = [200, 200]\n"
                        "kwargs = { downsample = 4, tiled = true, unit = 'K' }\nstart = 2024-01-01T00:00:00Z\n"
                        "[campaign.wf-%d.resources]\nranks = %d\nthreads = 8\nmemory = \"4800G\"\nruntime = 7.5\n",
                        i, i, i, i % 1000 + 1);
    struct socm_error err = {0};
    double t0 = now();
    struct socm_value *v = socm_toml_parse(doc.data, doc.len, "bench.toml", &err);
    double t1 = now();
    if (!v) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    char *toml = socm_config_to_toml(v);
    double t2 = now();
    char *json = socm_config_to_tagged_json(v);
    double t3 = now();
    double mb = (double)doc.len / 1e6;
    printf("toml parse:        %8.1f MB/s (%.2f MB, %d sections, %.3f s)\n", mb / (t1 - t0), mb, sections,
           t1 - t0);
    printf("toml write:        %8.1f MB/s (%.3f s)\n", (double)strlen(toml) / 1e6 / (t2 - t1), t2 - t1);
    printf("tagged json write: %8.1f MB/s (%.3f s)\n", (double)strlen(json) / 1e6 / (t3 - t2), t3 - t2);
    free(toml);
    free(json);
    socm_value_free(v);
    socm_buf_free(&doc);
    return 0;
}

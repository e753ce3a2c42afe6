/* dot.c — the DAG as Graphviz DOT (see dot.h). Every name is written as a quoted
 * DOT string, so any workflow name is safe. */
#include "report/dot.h"

#include <errno.h>

static void dot_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

void socm_dot(FILE *out, const char *graph_name, const struct socm_dag *dag, const char *const *names,
              const struct socm_req *reqs)
{
    fputs("digraph ", out);
    dot_string(out, graph_name ? graph_name : "campaign");
    fputs(" {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n", out);
    for (size_t i = 0; i < dag->n; i++) {
        fprintf(out, "  w%zu [label=", i + 1);
        char label[1024];
        if (reqs)
            snprintf(label, sizeof label, "%s\n%lld cores, %.1f min", names ? names[i] : "", (long long)reqs[i].cpus,
                     reqs[i].walltime_min);
        else
            snprintf(label, sizeof label, "%s", names ? names[i] : "");
        dot_string(out, label);
        fputs("];\n", out);
    }
    for (size_t i = 0; i < dag->n; i++)
        for (size_t j = 0; j < dag->succ[i].n; j++)
            fprintf(out, "  w%zu -> w%d;\n", i + 1, dag->succ[i].v[j] + 1);
    fputs("}\n", out);
}

int socm_dot_write(const char *path, const char *graph_name, const struct socm_dag *dag, const char *const *names,
                   const struct socm_req *reqs, struct socm_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return socm_error_errno(err, "cannot write %s", path);
    socm_dot(f, graph_name, dag, names, reqs);
    if (fclose(f) != 0)
        return socm_error_errno(err, "cannot write %s", path);
    return 0;
}

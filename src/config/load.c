/* load.c — reading campaign files: whole-file reads with a size bound (stdin as "-"),
 * choosing the parser by extension, rendering .j2 templates with the variables the
 * caller passes, and loading several files merged in order. */
#include "config/config.h"
#include "config/template.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Reads all of f; fails once more than SOCM_CONFIG_MAX_BYTES arrive. */
static char *socm_file_slurp(FILE *f, const char *name, size_t *len, struct socm_error *err)
{
    struct socm_buf b = SOCM_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > SOCM_CONFIG_MAX_BYTES) {
            socm_buf_free(&b);
            socm_error_set(err, SOCM_E_INPUT, "%s: file is larger than %u bytes", name,
                           SOCM_CONFIG_MAX_BYTES);
            return NULL;
        }
        socm_buf_putn(&b, chunk, n);
    }
    if (ferror(f)) {
        socm_buf_free(&b);
        socm_error_errno(err, "%s: cannot read", name);
        return NULL;
    }
    *len = b.len;
    return socm_buf_steal(&b);
}

char *socm_file_read(const char *path, size_t *len, struct socm_error *err)
{
    if (!strcmp(path, "-"))
        return socm_file_slurp(stdin, "<stdin>", len, err);
    FILE *f = fopen(path, "rb");
    if (!f) {
        /* A missing or unreadable input file is the user's input problem (exit 2). */
        socm_error_errno(err, "%s: cannot open", path);
        if (errno == ENOENT || errno == EACCES || errno == EISDIR || errno == ENOTDIR)
            err->code = SOCM_E_INPUT;
        return NULL;
    }
    char *data = socm_file_slurp(f, path, len, err);
    fclose(f);
    return data;
}

static bool socm_path_is_yaml(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot && (!strcasecmp(dot, ".yml") || !strcasecmp(dot, ".yaml"));
}

/* Whether a template's output is YAML: its name without ".j2" ends in .yml/.yaml. */
static bool socm_template_yields_yaml(const char *path)
{
    size_t n = strlen(path);
    if (n >= 3 && !strcmp(path + n - 3, ".j2"))
        n -= 3;
    return (n >= 4 && !strncmp(path + n - 4, ".yml", 4)) ||
           (n >= 5 && !strncmp(path + n - 5, ".yaml", 5));
}

struct socm_value *socm_template_load(const char *path, const char *const *defs, size_t ndefs,
                                      const char *values_path, struct socm_error *err)
{
    /* A .j2 values file gets the definitions, not values of its own. */
    const struct socm_template_vars defs_only = {defs, ndefs, NULL};
    struct socm_value *vars = values_path
                                  ? socm_config_load_file_vars(values_path, &defs_only, err)
                                  : socm_value_table(NULL);
    if (!vars)
        return NULL;
    for (size_t i = 0; i < ndefs; i++)
        if (socm_template_define(vars, defs[i], err) < 0) {
            socm_value_free(vars);
            return NULL;
        }
    size_t len = 0, out_len = 0;
    char *text = socm_file_read(path, &len, err);
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    char *out = text ? socm_template_render(text, len, name, vars, &out_len, err) : NULL;
    free(text);
    socm_value_free(vars);
    if (!out)
        return NULL;
    char *rendered = socm_asprintf("%s (rendered)", name);
    struct socm_value *root = socm_template_yields_yaml(path)
                                  ? socm_yaml_parse(out, out_len, rendered, err)
                                  : socm_toml_parse(out, out_len, rendered, err);
    free(rendered);
    free(out);
    return root;
}

struct socm_value *socm_config_load_file_vars(const char *path,
                                             const struct socm_template_vars *vars,
                                             struct socm_error *err)
{
    if (socm_str_endswith(path, ".j2")) {
        /* A .j2 values file is rendered without itself as values. */
        const char *vp = vars ? vars->values_path : NULL;
        return socm_template_load(path, vars ? vars->defs : NULL, vars ? vars->ndefs : 0,
                                  vp && strcmp(vp, path) ? vp : NULL, err);
    }
    size_t len = 0;
    char *data = socm_file_read(path, &len, err);
    if (!data)
        return NULL;
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    struct socm_value *v = socm_path_is_yaml(path) ? socm_yaml_parse(data, len, name, err)
                                                    : socm_toml_parse(data, len, name, err);
    free(data);
    return v;
}

struct socm_value *socm_config_load_file(const char *path, struct socm_error *err)
{
    return socm_config_load_file_vars(path, NULL, err);
}

struct socm_value *socm_config_load_files_vars(const char *const *paths, size_t n,
                                              const struct socm_template_vars *vars,
                                              struct socm_error *err)
{
    struct socm_value *root = NULL;
    for (size_t i = 0; i < n; i++) {
        struct socm_value *v = socm_config_load_file_vars(paths[i], vars, err);
        if (!v) {
            socm_value_free(root);
            return NULL;
        }
        if (!root)
            root = v;
        else
            socm_config_merge(root, v);
    }
    return root ? root : socm_value_table(NULL);
}

struct socm_value *socm_config_load_files(const char *const *paths, size_t n,
                                          struct socm_error *err)
{
    return socm_config_load_files_vars(paths, n, NULL, err);
}

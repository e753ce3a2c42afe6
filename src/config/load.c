/* load.c — reading campaign files: whole-file reads with a size bound (stdin as "-"),
 * choosing the parser by extension, and loading several files merged in order. */
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

static struct {
    const char *const *defs;
    size_t ndefs;
    const char *values_path;
} template_vars;

void socm_config_set_template_vars(const char *const *defs, size_t ndefs,
                                   const char *values_path)
{
    template_vars.defs = defs;
    template_vars.ndefs = ndefs;
    template_vars.values_path = values_path;
}

struct socm_value *socm_config_load_file(const char *path, struct socm_error *err)
{
    if (socm_str_endswith(path, ".j2")) {
        /* A .j2 values file is rendered without itself as values. */
        const char *vp = template_vars.values_path;
        return socm_template_load(path, template_vars.defs, template_vars.ndefs,
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

struct socm_value *socm_config_load_files(const char *const *paths, size_t n,
                                          struct socm_error *err)
{
    struct socm_value *root = NULL;
    for (size_t i = 0; i < n; i++) {
        struct socm_value *v = socm_config_load_file(paths[i], err);
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

/* template_define.c — template variables from the command line (`-D key=value`,
 * typed as TOML when the value parses as one), and loading a templated campaign
 * file with them. */
#include "config/template_impl.h"

#include <string.h>

/* Finds or creates the table that a dotted key's last part goes into. */
static struct socm_value *define_parent(struct socm_value *vars, char *key, char **last,
                                        struct socm_error *err)
{
    struct socm_value *t = vars;
    char *part = key;
    for (char *dot; (dot = strchr(part, '.'));) {
        *dot = 0;
        if (!*part)
            break;
        struct socm_value *next = socm_table_get(t, part);
        if (!next) {
            next = socm_value_table(NULL);
            socm_table_set(t, part, next);
        } else if (next->type != SOCM_V_TABLE) {
            socm_error_set(err, SOCM_E_INPUT, "-D %s: '%s' is already %s, not a table", key,
                           part, socm_vtype_name(next->type));
            return NULL;
        }
        t = next;
        part = dot + 1;
    }
    if (!*part) {
        socm_error_set(err, SOCM_E_INPUT, "-D: empty key part in '%s'", key);
        return NULL;
    }
    *last = part;
    return t;
}

int socm_template_define(struct socm_value *vars, const char *def, struct socm_error *err)
{
    const char *eq = strchr(def, '=');
    if (!eq || eq == def)
        return socm_error_set(err, SOCM_E_INPUT, "-D '%s': expected key=value", def);
    char *key = socm_strndup(def, (size_t)(eq - def));
    const char *text = eq + 1;
    /* Parse "v = <text>" as TOML; it counts only if that yields exactly the key v
     * (so "1\nx = 2" stays a string rather than smuggling in a second key). */
    char *doc = socm_asprintf("v = %s\n", text);
    struct socm_error ignored = {0};
    struct socm_value *parsed = strchr(text, '\n') ? NULL
                              : socm_toml_parse(doc, strlen(doc), "-D", &ignored);
    free(doc);
    struct socm_value *value = NULL;
    if (parsed && parsed->type == SOCM_V_TABLE && parsed->u.tbl.n == 1)
        value = socm_table_take(parsed, "v");
    socm_value_free(parsed);
    if (!value)
        value = socm_value_string(text, strlen(text), NULL);
    char *last = NULL;
    struct socm_value *parent = define_parent(vars, key, &last, err);
    if (!parent) {
        socm_value_free(value);
        free(key);
        return -1;
    }
    socm_table_set(parent, last, value);
    free(key);
    return 0;
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
    struct socm_value *vars = values_path ? socm_config_load_file(values_path, err)
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

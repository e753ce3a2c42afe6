/* template_define.c — template variables from the command line (`-D key=value`,
 * typed as TOML when the value parses as one, dotted keys into nested tables). */
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

/* cmd_render.c — `socm render TEMPLATE [-D key=value]... [--values FILE] [-o OUT]`:
 * renders a Jinja-style campaign template (see config/template.h) to stdout or OUT. */
#include "cli/cli.h"
#include "config/config.h"
#include "config/template.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void socm_render_help(FILE *out)
{
    fputs("usage: socm render TEMPLATE [-D key=value]... [--values FILE] [-o OUT]\n"
          "\n"
          "Renders a Jinja-style template into a campaign file. Supported: {{ var }},\n"
          "{{ var.attr }}, {{ var | default(\"x\") }} and the filters upper, lower, length,\n"
          "join, replace, trim, string, int, float, tojson; {% for x in list %} with\n"
          "loop.index, loop.index0, loop.first, loop.last, loop.length (and\n"
          "{% for k, v in table.items() %}); {% if %} {% elif %}\n"
          "{% else %} {% endif %} with ==, !=, <, >, <=, >=, in, not in, and, or, not,\n"
          "'is defined'; {% set x = ... %}; {# comments #}; {%- -%} whitespace control.\n"
          "Using an undefined variable is an error with its line:column (use\n"
          "`default` or `is defined` for optional ones).\n"
          "\n"
          "options:\n"
          "  -D key=value     a variable; a value that parses as TOML is that value\n"
          "                   (-D n=4, -D 'bands=[\"f090\",\"f150\"]'), otherwise a string\n"
          "                   (-D deadline=8h); a dotted key sets a nested table\n"
          "  --values FILE    variables from a TOML (or .yml/.yaml) file; -D wins over it\n"
          "  -o, --output OUT write to OUT instead of standard output\n"
          "  TEMPLATE may be '-' for standard input.\n"
          "\n"
          "example:\n"
          "  socm render campaign.toml.j2 -D 'bands=[\"f090\",\"f150\",\"f220\"]' \\\n"
          "      -D deadline=8h -o campaign.toml\n"
          "  with campaign.toml.j2 containing:\n"
          "    [campaign]\n"
          "    deadline = \"{{ deadline }}\"\n"
          "    {% for band in bands %}\n"
          "    [campaign.ml-mapmaking-{{ band }}]\n"
          "    id = {{ loop.index }}\n"
          "    {% endfor %}\n",
          out);
}

static int socm_render_write(const char *path, const char *data, size_t len,
                             struct socm_error *err)
{
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f)
        return socm_error_errno(err, "%s: cannot open for writing", path);
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (path ? fclose(f) == 0 : fflush(f) == 0) && ok;
    if (!ok)
        return socm_error_errno(err, "%s: cannot write", path ? path : "<stdout>");
    return 0;
}

int socm_cmd_render(int argc, char **argv)
{
    const char *tmpl = NULL, *values = NULL, *out = NULL;
    struct socm_strv defs = SOCM_STRV_INIT;
    int rc = 2;
    enum { O_VALUES = 0x100 };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},          {"define", required_argument, NULL, 'D'},
        {"values", required_argument, NULL, O_VALUES}, {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("render", argc, argv, "hD:o:", opts)) != -1) {
        switch (ch) {
        case 'h':
            socm_render_help(stdout);
            rc = 0;
            goto done;
        case 'D': socm_strv_push(&defs, optarg); break;
        case O_VALUES: values = optarg; break;
        case 'o': out = optarg; break;
        default: goto done;
        }
    }
    for (int i = optind; i < argc; i++) {
        if (tmpl) {
            rc = socm_cli_usage("render", "one template at a time ('%s' and '%s')", tmpl, argv[i]);
            goto done;
        }
        tmpl = argv[i];
    }
    if (!tmpl) {
        rc = socm_cli_usage("render", "no template given");
        goto done;
    }
    struct socm_error err = {0};
    struct socm_value *vars = values ? socm_config_load_file(values, &err)
                                     : socm_value_table(NULL);
    if (!vars) {
        rc = socm_cli_fail("render", &err);
        goto done;
    }
    for (size_t i = 0; i < defs.n; i++)
        if (socm_template_define(vars, defs.v[i], &err) < 0) {
            socm_value_free(vars);
            rc = socm_cli_fail("render", &err);
            goto done;
        }
    size_t len = 0, out_len = 0;
    char *text = socm_file_read(tmpl, &len, &err);
    char *result = text ? socm_template_render(text, len, strcmp(tmpl, "-") ? tmpl : "<stdin>",
                                               vars, &out_len, &err)
                        : NULL;
    free(text);
    socm_value_free(vars);
    if (!result || socm_render_write(out, result, out_len, &err) < 0)
        rc = socm_cli_fail("render", &err);
    else
        rc = 0;
    free(result);
done:
    socm_strv_free(&defs);
    return rc;
}

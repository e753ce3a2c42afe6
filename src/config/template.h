/* template.h — Jinja-style campaign templates (`socm render`, and `socm run` on a
 * .j2 file): the subset that campaign templates use.
 *
 *   {{ expr }}                       output; {{- and -}} strip whitespace around
 *   {% for x in expr %}…{% else %}…{% endfor %}
 *                                    loop.index, loop.index0, loop.revindex,
 *                                    loop.revindex0, loop.first, loop.last, loop.length;
 *                                    a table iterates over its keys; else runs when empty;
 *                                    `for k, v in t.items()` (also keys(), values())
 *   {% if e %}…{% elif e %}…{% else %}…{% endif %}
 *   {% set name = expr %}            assigns in the current scope
 *   {# comment #}                    {%- -%} {#- -#} strip whitespace as in Jinja
 * Expressions: variables, `a.b`, `a[0]`, `a["k"]`, literals (strings with escapes,
 * integers, floats, true/false/none in either case, [lists]), `==`, `!=`, `<`, `>`,
 * `<=`, `>=`, `in`, `not in`, `and`, `or`, `not`, `+ - * /` on numbers (`+` also
 * joins strings and lists), `~` (concatenate as text), parentheses, tests
 * `is [not] defined|none|number|string`, filters `default(v[, true])` (alias `d`),
 * `upper`, `lower`, `length`, `join(sep)`, `string`, `int`, `float`, `tojson`,
 * `replace(a, b)`, `trim`.
 *
 * Differences from Jinja, on purpose: undefined variables are errors wherever they
 * are used (Jinja's StrictUndefined), including in `if`, so a misspelt name cannot
 * silently select a branch — use `is defined` or `default` for optional values; the
 * template's final newline is kept. Nesting (100), operators chained in one
 * expression (500), each value (16 MiB, 128 levels), the values made in one render
 * (1 GiB), loop iterations (1,000,000) and the output (64 MiB) are bounded: passing
 * a bound is an error at its position. */
#ifndef SOCM_TEMPLATE_H
#define SOCM_TEMPLATE_H

#include "config/value.h"

/* Renders `text` (len bytes, named `filename` in errors) with the variables of the
 * table `vars` (may be NULL). Returns the output (malloc'd, *out_len set if given),
 * or NULL with err "file:line:col: message". */
char *socm_template_render(const char *text, size_t len, const char *filename,
                           const struct socm_value *vars, size_t *out_len,
                           struct socm_error *err);

/* Applies one `-D key=value` to the table vars: a value that parses as a TOML value
 * (`n=4`, `bands=["f090","f150"]`, `x={a=1}`) is that value, otherwise it is the
 * string itself (`deadline=8h`). A dotted key (`campaign.deadline=8h`) sets a key in
 * a nested table. Later definitions replace earlier ones. */
int socm_template_define(struct socm_value *vars, const char *def, struct socm_error *err);

/* Loading a templated file (with -D, --values) is socm_template_load in config.h:
 * loading sits above the engine, which knows nothing of files. */

#endif

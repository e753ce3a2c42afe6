/* test_template.c — the Jinja-style template engine: every construct (output,
 * attributes, filters, for/loop.*, if/elif/else, operators, set, comments,
 * whitespace control), -D definitions, and each error with its line:column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "config/template.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Variables used by most tests, defined as -D would. */
static struct socm_value *vars(void)
{
    struct socm_value *v = socm_value_table(NULL);
    const char *defs[] = {
        "name=socm", "n=4", "pi=2.5", "on=true", "off=false", "empty=\"\"",
        "bands=[\"f090\", \"f150\", \"f220\"]", "nums=[3, 1, 2]",
        "site={name = \"tiger3\", cores = 112, qos = {test = 60}}", "deadline=8h",
    };
    struct socm_error err = {0};
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (socm_template_define(v, defs[i], &err) < 0)
            fail_msg("%s", err.msg);
    return v;
}

static void expect(const char *tmpl, const char *want)
{
    struct socm_value *v = vars();
    struct socm_error err = {0};
    size_t len = 0;
    char *out = socm_template_render(tmpl, strlen(tmpl), "t.j2", v, &len, &err);
    socm_value_free(v);
    if (!out)
        fail_msg("template %s: unexpected error %s", tmpl, err.msg);
    if (strcmp(out, want) != 0)
        fail_msg("template %s: got '%s', want '%s'", tmpl, out, want);
    assert_int_equal(len, strlen(want));
    free(out);
}

/* Expects an error starting with "t.j2:LINE:COL: " and containing sub. */
static void expect_err(const char *tmpl, int line, int col, const char *sub)
{
    struct socm_value *v = vars();
    struct socm_error err = {0};
    char *out = socm_template_render(tmpl, strlen(tmpl), "t.j2", v, NULL, &err);
    socm_value_free(v);
    if (out) {
        fail_msg("template %s: expected an error, got '%s'", tmpl, out);
    }
    char want[64];
    snprintf(want, sizeof want, "t.j2:%d:%d: ", line, col);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("template %s: error '%s' does not start with '%s'", tmpl, err.msg, want);
    if (!strstr(err.msg, sub))
        fail_msg("template %s: error '%s' does not mention '%s'", tmpl, err.msg, sub);
    assert_int_equal(err.code, SOCM_E_INPUT);
}

static void test_output_and_attributes(void **state)
{
    (void)state;
    expect("plain text\n", "plain text\n");
    expect("", "");
    expect("Hello {{ name }}!", "Hello socm!");
    expect("{{n}}{{ pi }}{{ on }}{{ off }}", "42.5TrueFalse");
    expect("{{ site.name }} {{ site.cores }} {{ site.qos.test }}", "tiger3 112 60");
    expect("{{ site['name'] }} {{ bands[1] }} {{ bands[-1] }} {{ bands.0 }}",
           "tiger3 f150 f220 f090");
    expect("{{ bands }}", "['f090', 'f150', 'f220']");
    expect("{{ 'lit' }} {{ \"q\\\"d\" }} {{ 7 }} {{ 1.5 }} {{ none }} {{ [1, 'a'] }}",
           "lit q\"d 7 1.5 None [1, 'a']");
    expect("{{ deadline }}", "8h");
    expect("{ not a tag } {x}", "{ not a tag } {x}");
}

static void test_filters(void **state)
{
    (void)state;
    expect("{{ missing | default(\"x\") }}", "x");
    expect("{{ missing | default('x') | upper }}", "X");
    expect("{{ name | default('x') }}", "socm");
    expect("{{ site.missing | default(3) }}", "3");
    expect("{{ site.qos.nope | d('y') }}", "y");
    expect("{{ empty | default('e') }}|{{ empty | default('e', true) }}", "|e");
    expect("{{ missing | default }}.", ".");
    expect("{{ name | upper }} {{ 'ABC' | lower }} {{ on | lower }}", "SOCM abc true");
    expect("{{ bands | length }} {{ name | length }} {{ site | length }}", "3 4 3");
    expect("{{ bands | join(',') }} {{ nums | join }}", "f090,f150,f220 312");
    expect("{{ '  x ' | trim }}|{{ 'a-b-c' | replace('-', '+') }}", "x|a+b+c");
    expect("{{ '42' | int + 1 }} {{ n | float }} {{ 3 | string ~ 'x' }}", "43 4.0 3x");
}

static void test_for_loops(void **state)
{
    (void)state;
    expect("{% for b in bands %}{{ b }};{% endfor %}", "f090;f150;f220;");
    expect("{% for b in bands %}{{ loop.index }}{{ loop.index0 }}{% endfor %}", "102132");
    expect("{% for b in bands %}{% if loop.first %}[{% endif %}{{ b }}"
           "{% if not loop.last %},{% else %}]{% endif %}{% endfor %}",
           "[f090,f150,f220]");
    expect("{% for b in bands %}{{ loop.revindex }}/{{ loop.length }} {% endfor %}",
           "3/3 2/3 1/3 ");
    expect("{% for k in site %}{{ k }} {% endfor %}", "name cores qos ");
    expect("{% for x in [] %}x{% else %}none{% endfor %}", "none");
    expect("{% for k, v in site.items() %}{{ k }}={{ v }};{% endfor %}",
           "name=tiger3;cores=112;qos={'test': 60};");
    expect("{{ site.keys() | join(',') }} {{ site.qos.values() }}", "name,cores,qos [60]");
    expect("{% for a, b in [[1, 'x'], [2, 'y']] %}{{ a }}{{ b }}{% endfor %}", "1x2y");
    /* Nested loops: the inner loop's `loop` shadows the outer one. */
    expect("{% for a in [1, 2] %}{% for b in ['x', 'y'] %}{{ a }}{{ b }}{{ loop.index }} "
           "{% endfor %}{% endfor %}",
           "1x1 1y2 2x1 2y2 ");
    /* The loop variable does not outlive the loop. */
    expect("{% for b in bands %}{% endfor %}{{ b | default('gone') }}", "gone");
    /* What the seed's templates do: one section per band. */
    expect("{% for band in bands %}[campaign.ml-mapmaking-{{ band }}]\nid = {{ loop.index }}\n"
           "{% endfor %}",
           "[campaign.ml-mapmaking-f090]\nid = 1\n[campaign.ml-mapmaking-f150]\nid = 2\n"
           "[campaign.ml-mapmaking-f220]\nid = 3\n");
}

static void test_if_and_operators(void **state)
{
    (void)state;
    expect("{% if on %}a{% endif %}{% if off %}b{% endif %}", "a");
    expect("{% if n > 5 %}big{% elif n > 3 %}mid{% else %}small{% endif %}", "mid");
    expect("{% if n < 1 %}a{% elif n == 1 %}b{% else %}c{% endif %}", "c");
    expect("{% if name == 'socm' and n != 3 %}y{% endif %}", "y");
    expect("{% if off or n >= 4 %}y{% endif %}{% if n <= 3 %}n{% endif %}", "y");
    expect("{% if not off %}y{% endif %}{% if not (on and off) %}z{% endif %}", "yz");
    expect("{% if 'f150' in bands %}in{% endif %}{% if 'x' not in bands %}out{% endif %}",
           "inout");
    expect("{% if 'name' in site %}k{% endif %}{% if 'oc' in 'socm' %}s{% endif %}", "ks");
    expect("{% if empty %}e{% else %}noempty{% endif %}{% if [] %}l{% endif %}"
           "{% if 0 %}z{% endif %}{% if 0.0 %}f{% endif %}{% if none %}n{% endif %}",
           "noempty");
    expect("{% if n == 4.0 %}num{% endif %}{% if 'a' < 'b' %}str{% endif %}", "numstr");
    expect("{% if missing is defined %}d{% else %}u{% endif %}"
           "{% if name is defined %}D{% endif %}{% if missing is not defined %}N{% endif %}",
           "uDN");
    expect("{{ n + 1 }} {{ n - 6 }} {{ n * pi }} {{ n / 8 }} {{ -n }} {{ 'a' + 'b' }}",
           "5 -2 10.0 0.5 -4 ab");
    expect("{{ name ~ '-' ~ n }} {{ (n + 2) * 2 }} {{ [1] + [2] }}", "socm-4 12 [1, 2]");
    expect("{{ off or 'fallback' }} {{ on and 'both' }}", "fallback both");
}

static void test_set_comments_whitespace(void **state)
{
    (void)state;
    expect("{% set x = n * 2 %}{{ x }}", "8");
    expect("{% set name = 'shadow' %}{{ name }}", "shadow");
    /* A set inside a loop stays in its iteration. */
    expect("{% for b in bands %}{{ y | default('-') }}{% set y = b %}{{ y }}{% endfor %}"
           "{{ y | default('none') }}",
           "-f090-f150-f220none");
    expect("a{# a comment {{ not evaluated }} #}b", "ab");
    expect("a {#- trim -#}\n  b", "ab");
    expect("x\n  {%- if on %}\n  y\n  {%- endif %}\n", "x\n  y\n");
    expect("{% for b in bands -%}\n  {{ b }}\n{%- endfor %}", "f090f150f220");
    expect("a   {{- name -}}   b", "asocmb");
    expect("{{ '{{' }} and {{ '%}' }}", "{{ and %}");
    expect("line\n", "line\n"); /* the final newline is kept */
}

static void test_errors_with_positions(void **state)
{
    (void)state;
    expect_err("Hello {{ nobody }}", 1, 10, "undefined variable 'nobody'");
    expect_err("a\nb {{ site.nope }}", 2, 6, "undefined value 'site.nope'");
    expect_err("x\n  {% if ghost %}y{% endif %}", 2, 9, "undefined variable 'ghost'");
    expect_err("{% for x in nothing %}{% endfor %}", 1, 13, "undefined variable 'nothing'");
    expect_err("{% for b in bands %}\n{{ loop.nope }}{% endfor %}", 2, 4, "loop.nope");
    expect_err("{{ ghost | upper }}", 1, 4, "undefined variable 'ghost'");
    expect_err("{{ [1, ghost] }}", 1, 8, "undefined variable 'ghost'");
    expect_err("{{ name", 1, 1, "unterminated");
    expect_err("ab\n{% if on %}x", 2, 1, "'if' is never closed");
    expect_err("{% for b in bands %}x", 1, 1, "'for' is never closed");
    expect_err("x{% endif %}", 1, 5, "'endif' without a matching 'if'");
    expect_err("{% endfor %}", 1, 4, "'endfor' without a matching 'for'");
    expect_err("{% if on %}a{% else %}b{% elif off %}c{% endif %}", 1, 27, "after 'else'");
    expect_err("{% while on %}", 1, 4, "unknown statement 'while'");
    expect_err("{# never closed", 1, 1, "unterminated comment");
    expect_err("{{ name | frob }}", 1, 11, "unknown filter 'frob'");
    expect_err("{{ 'x' | replace('a') }}", 1, 10, "takes 2 to 2 arguments");
    expect_err("{{ n + name }}", 1, 6, "cannot add integer and string");
    expect_err("{{ n / 0 }}", 1, 6, "division by zero");
    expect_err("{% if n < 'a' %}{% endif %}", 1, 9, "cannot compare");
    expect_err("{% for x in n %}{% endfor %}", 1, 13, "cannot loop over integer");
    expect_err("{{ 'unterminated }}", 1, 4, "unterminated string");
    expect_err("{{ a @ b }}", 1, 6, "unexpected character '@'");
    expect_err("{{ (n + 1 }}", 1, 11, "expected ')'");
    expect_err("{% for in bands %}", 1, 8, "expected a loop variable");
    expect_err("{% for x bands %}", 1, 10, "expected 'in'");
    expect_err("{% if %}x{% endif %}", 1, 7, "expected a value");
    expect_err("{% set = 3 %}", 1, 8, "expected a name");
    expect_err("{{ 99999999999999999999 }}", 1, 4, "out of range");
    expect_err("{{ name is happy }}", 1, 9, "unknown test 'happy'");
    expect_err("{{ site.pop() }}", 1, 9, "unknown method 'pop'");
    expect_err("{{ bands.items() }}", 1, 4, "items() needs a table");
    expect_err("{% for a, b in bands %}{% endfor %}", 1, 16, "cannot unpack string");
}

static void test_limits(void **state)
{
    (void)state;
    /* Deep nesting is refused, not a stack overflow. */
    struct socm_buf b = SOCM_BUF_INIT;
    for (int i = 0; i < 500; i++)
        socm_buf_puts(&b, "{% if on %}");
    struct socm_error err = {0};
    char *out = socm_template_render(b.data, b.len, "deep.j2", NULL, NULL, &err);
    assert_null(out);
    assert_non_null(strstr(err.msg, "nested deeper"));
    socm_buf_clear(&b);
    for (int i = 0; i < 500; i++)
        socm_buf_puts(&b, "(");
    char *t = socm_asprintf("{{ %s1 }}", b.data);
    out = socm_template_render(t, strlen(t), "deep.j2", NULL, NULL, &err);
    assert_null(out);
    assert_non_null(strstr(err.msg, "nested deeper"));
    free(t);
    socm_buf_free(&b);
    /* A loop explosion is bounded. */
    const char *bomb = "{% set l = [1,2,3,4,5,6,7,8,9,10] %}{% for a in l %}{% for b in l %}"
                       "{% for c in l %}{% for d in l %}{% for e in l %}{% for f in l %}"
                       "{% for g in l %}{% for h in l %}{% endfor %}{% endfor %}{% endfor %}"
                       "{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}";
    out = socm_template_render(bomb, strlen(bomb), "bomb.j2", NULL, NULL, &err);
    assert_null(out);
    assert_non_null(strstr(err.msg, "loop iterations"));
}

static void test_define(void **state)
{
    (void)state;
    struct socm_value *v = socm_value_table(NULL);
    struct socm_error err = {0};
    assert_int_equal(socm_template_define(v, "n=4", &err), 0);
    assert_int_equal(socm_template_define(v, "bands=[\"f090\",\"f150\"]", &err), 0);
    assert_int_equal(socm_template_define(v, "deadline=8h", &err), 0);
    assert_int_equal(socm_template_define(v, "flag=true", &err), 0);
    assert_int_equal(socm_template_define(v, "s=\"quoted\"", &err), 0);
    assert_int_equal(socm_template_define(v, "campaign.deadline=2d", &err), 0);
    assert_int_equal(socm_template_define(v, "campaign.n=1", &err), 0);
    assert_int_equal(socm_template_define(v, "sneaky=1\nx = 2", &err), 0);
    assert_int_equal(socm_template_define(v, "eq=a=b", &err), 0);
    assert_int_equal(socm_template_define(v, "blank=", &err), 0);
    assert_int_equal(socm_table_get(v, "n")->type, SOCM_V_INTEGER);
    assert_int_equal(socm_table_get(v, "n")->u.i, 4);
    struct socm_value *bands = socm_table_get(v, "bands");
    assert_int_equal(bands->type, SOCM_V_ARRAY);
    assert_string_equal(bands->u.arr.items[1]->u.str.s, "f150");
    assert_int_equal(socm_table_get(v, "deadline")->type, SOCM_V_STRING);
    assert_string_equal(socm_table_get(v, "deadline")->u.str.s, "8h");
    assert_true(socm_table_get(v, "flag")->u.b);
    assert_string_equal(socm_table_get(v, "s")->u.str.s, "quoted");
    assert_string_equal(socm_value_path(v, "campaign.deadline")->u.str.s, "2d");
    assert_int_equal(socm_value_path(v, "campaign.n")->u.i, 1);
    assert_string_equal(socm_table_get(v, "sneaky")->u.str.s, "1\nx = 2");
    assert_null(socm_table_get(v, "x"));
    assert_string_equal(socm_table_get(v, "eq")->u.str.s, "a=b");
    assert_string_equal(socm_table_get(v, "blank")->u.str.s, "");
    /* A later -D replaces an earlier one. */
    assert_int_equal(socm_template_define(v, "n=five", &err), 0);
    assert_string_equal(socm_table_get(v, "n")->u.str.s, "five");
    assert_int_equal(socm_template_define(v, "novalue", &err), -1);
    assert_non_null(strstr(err.msg, "key=value"));
    assert_int_equal(socm_template_define(v, "=3", &err), -1);
    assert_int_equal(socm_template_define(v, "n.x=3", &err), -1);
    assert_non_null(strstr(err.msg, "not a table"));
    socm_value_free(v);
}

/* Mutated templates: every render succeeds or fails with a positioned message;
 * never a crash or a leak. */
static void test_fuzz_never_crashes(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "{% for b in bands %}{{ loop.index }}:{{ b | upper }}{% if loop.last %}.{% endif %}"
        "{% endfor %}",
        "{% if n > 3 and 'f090' in bands %}{{ site.name | default('x') }}{% elif not on %}"
        "{{ -n * (pi + 1) }}{% else %}{# c #}{% endif %}",
        "{%- set x = [1, 'a', none] -%}{{ x[1] ~ x | length }}{{ name is defined }}",
    };
    struct socm_value *v = vars();
    uint64_t rng = 0x243F6A8885A308D3ull;
    char buf[512];
    size_t ok = 0, bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        const char *seed = seeds[iter % 3];
        size_t n = strlen(seed);
        memcpy(buf, seed, n);
        int edits = 1 + iter % 3;
        for (int e = 0; e < edits; e++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(rng >> 33) % n;
            unsigned char c = (unsigned char)(rng >> 17);
            if ((rng >> 8) % 3 == 0)
                buf[at] = (char)c;
            else if ((rng >> 8) % 3 == 1)
                buf[at] = "{}%#-|.()[]'\" ,~"[c % 17];
            else if (n > 1) {
                memmove(buf + at, buf + at + 1, n - at - 1);
                n--;
            }
        }
        struct socm_error err = {0};
        char *out = socm_template_render(buf, n, "fuzz.j2", v, NULL, &err);
        if (out) {
            ok++;
            free(out);
        } else {
            bad++;
            assert_true(strncmp(err.msg, "fuzz.j2", 7) == 0);
        }
    }
    socm_value_free(v);
    assert_true(ok > 50);
    assert_true(bad > 50);
}

static void test_template_load(void **state)
{
    (void)state;
    char dir[] = "/tmp/socm-tpl-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *toml = socm_asprintf("%s/c.toml.j2", dir);
    char *yml = socm_asprintf("%s/d.yml.j2", dir);
    char *vals = socm_asprintf("%s/v.toml", dir);
    FILE *f = fopen(toml, "w");
    fputs("[campaign]\ndeadline = \"{{ deadline }}\"\n{% for b in bands %}"
          "[campaign.ml-mapmaking-{{ b }}]\nid = {{ loop.index }}\n{% endfor %}", f);
    fclose(f);
    f = fopen(yml, "w");
    fputs("stages:\n{% for b in bands %}  s{{ loop.index }}: {n: {{ n }}}\n{% endfor %}", f);
    fclose(f);
    f = fopen(vals, "w");
    fputs("deadline = \"1d\"\nn = 7\n", f);
    fclose(f);
    const char *defs[] = {"bands=[\"f090\",\"f150\"]", "deadline=8h"};
    struct socm_error err = {0};
    struct socm_value *v = socm_template_load(toml, defs, 2, vals, &err);
    if (!v)
        fail_msg("%s", err.msg);
    assert_string_equal(socm_value_path(v, "campaign.deadline")->u.str.s, "8h");
    struct socm_value *c = socm_table_get(v, "campaign");
    assert_int_equal(socm_table_get(socm_table_get(c, "ml-mapmaking-f150"), "id")->u.i, 2);
    socm_value_free(v);
    v = socm_template_load(yml, defs, 1, vals, &err);
    if (!v)
        fail_msg("%s", err.msg);
    assert_int_equal(socm_value_path(v, "stages.s2.n")->u.i, 7);
    socm_value_free(v);
    /* An error in the rendered text names the rendered file. */
    const char *bad[] = {"bands=[]", "deadline=a\"b"};
    v = socm_template_load(toml, bad, 2, vals, &err);
    assert_null(v);
    char *want = socm_asprintf("%s (rendered):2:", toml);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("error '%s' does not start with '%s'", err.msg, want);
    free(want);
    /* An undefined variable names the template itself. */
    v = socm_template_load(toml, NULL, 0, NULL, &err);
    assert_null(v);
    assert_non_null(strstr(err.msg, "undefined variable 'deadline'"));
    assert_true(strncmp(err.msg, toml, strlen(toml)) == 0);
    unlink(toml), unlink(yml), unlink(vals), rmdir(dir);
    free(toml), free(yml), free(vals);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_and_attributes),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_for_loops),
        cmocka_unit_test(test_if_and_operators),
        cmocka_unit_test(test_set_comments_whitespace),
        cmocka_unit_test(test_errors_with_positions),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_define),
        cmocka_unit_test(test_template_load),
        cmocka_unit_test(test_fuzz_never_crashes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

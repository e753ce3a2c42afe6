/* test_schema.c — the key schemas: the nearest-key rule (typos of issue 15 found,
 * unrelated words not), unknown keys reported with position and "did you mean",
 * free-form and named tables, the SO types' option pass-through, a plug-in type
 * without declared keys left unchecked; and docs/campaign-format.md documents every
 * key of every schema and every built-in type, so the two cannot drift. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/schema.h"
#include "config/config.h"
#include "socm/workflow.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static struct socm_value *toml(const char *text)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(text, strlen(text), "s.toml", &err);
    if (!v)
        fail_msg("%s", err.msg);
    return v;
}

static void test_nearest(void **state)
{
    (void)state;
    static const char *const keys[] = {"depends", "memory", "runtime", "max_retries",
                                       "fail_fast", "requested_resources", "on_workflow_done",
                                       "script-args", "script-kwargs", NULL};
    const char *const *lists[] = {keys, NULL};
    const char *typos[][2] = {{"depend", "depends"},          {"memroy", "memory"},
                              {"runtim", "runtime"},          {"max_retry", "max_retries"},
                              {"fail_fats", "fail_fast"},     {"requested_resource", "requested_resources"},
                              {"workflow_done", "on_workflow_done"}, {"scirpt-args", "script-args"},
                              {"script-kwarg", "script-kwargs"}};
    for (size_t i = 0; i < sizeof typos / sizeof typos[0]; i++) {
        const char *n = socm_schema_nearest(typos[i][0], lists);
        assert_non_null(n);
        assert_string_equal(n, typos[i][1]);
    }
    assert_null(socm_schema_nearest("tiled", lists));
    assert_null(socm_schema_nearest("x", lists));
    assert_null(socm_schema_nearest("interpol", lists));
}

static void test_check_campaign(void **state)
{
    (void)state;
    struct socm_value *root = toml("[campaign]\ndeadline = \"1h\"\nfail_fats = true\n"
                                   "[campaign.environment]\nANYTHING = 1\n"
                                   "[campaign.sites.a]\ncores = 2\nqueue = \"x\"\n"
                                   "[campaign.wf]\nwhatever = 1\n"
                                   "[resources.lab]\nnodes = 1\nqos = [{ name = \"q\", max_jobz = 1 }]\n"
                                   "[stuff]\n");
    struct socm_errlist errs = {0};
    socm_schema_check(root, &socm_schema_root, "", &errs);
    assert_int_equal(errs.n, 4);
    assert_string_equal(errs.msgs[0],
                        "s.toml:3:1: unknown key 'fail_fats' in [campaign]; did you mean 'fail_fast'?");
    assert_non_null(strstr(errs.msgs[1], "s.toml:8:1: unknown key 'queue' in [campaign.sites.a] (known: enactor,"));
    assert_non_null(strstr(errs.msgs[2], "unknown key 'max_jobz' in [resources.lab.qos]; did you mean 'max_jobs'?"));
    assert_non_null(strstr(errs.msgs[3], "s.toml:14:2: unknown key 'stuff' in the top level"));
    /* The same problem found twice is reported once. */
    socm_schema_check(root, &socm_schema_root, "", &errs);
    assert_int_equal(errs.n, 4);
    socm_errlist_free(&errs);
    socm_value_free(root);
}

static int no_expand(const struct socm_workflow_type *t, const struct socm_wf_ctx *c,
                     const struct socm_value *s, struct socm_wflist *o, struct socm_error *e)
{
    (void)t, (void)c, (void)s, (void)o, (void)e;
    return 0;
}

static int no_argv(const struct socm_workflow *w, struct socm_strv *a, struct socm_error *e)
{
    (void)w, (void)a, (void)e;
    return 0;
}

static void test_check_section(void **state)
{
    (void)state;
    static const char *const keys[] = {"alpha", NULL};
    const struct socm_workflow_type strict = {.name = "s", .expand = no_expand,
                                              .build_argv = no_argv, .keys = keys};
    const struct socm_workflow_type options = {.name = "o", .expand = no_expand,
                                               .build_argv = no_argv, .keys = keys,
                                               .flags = SOCM_WFTYPE_OPTION_KEYS};
    const struct socm_workflow_type undeclared = {.name = "u", .expand = no_expand,
                                                  .build_argv = no_argv};
    struct socm_value *root = toml("[w]\nalpah = 1\ntiled = 1\ndepend = \"x\"\n"
                                   "environment = { ANY = 1 }\n"
                                   "resources = { ranks = 1, memroy = 2 }\n");
    const struct socm_value *w = socm_table_get(root, "w");
    struct socm_errlist errs = {0};
    socm_schema_check_section(w, &strict, "campaign.w", &errs);
    assert_int_equal(errs.n, 4);
    assert_string_equal(errs.msgs[0], "s.toml:6:26: unknown key 'memroy' in "
                                      "[campaign.w.resources]; did you mean 'memory'?");
    assert_string_equal(errs.msgs[1],
                        "s.toml:2:1: unknown key 'alpah' in [campaign.w]; did you mean 'alpha'?");
    assert_non_null(strstr(errs.msgs[2], "s.toml:3:1: unknown key 'tiled' in [campaign.w] (known: name,"));
    assert_string_equal(errs.msgs[3],
                        "s.toml:4:1: unknown key 'depend' in [campaign.w]; did you mean 'depends'?");
    socm_errlist_free(&errs);
    /* Options: alpah and tiled become --key=value; depend is still a typo. */
    socm_schema_check_section(w, &options, "campaign.w", &errs);
    assert_int_equal(errs.n, 2);
    assert_non_null(strstr(errs.msgs[0], "'memroy'"));
    assert_non_null(strstr(errs.msgs[1], "'depend'"));
    socm_errlist_free(&errs);
    /* A type without declared keys: only `resources` is checked. */
    socm_schema_check_section(w, &undeclared, "campaign.w", &errs);
    assert_int_equal(errs.n, 1);
    socm_errlist_free(&errs);
    socm_value_free(root);
}

/* ---- the documentation ---- */

static char *doc;

static char *read_doc(void)
{
    const char *src = getenv("SOCM_SRC");
    char *path = socm_asprintf("%s/docs/campaign-format.md", src ? src : ".");
    struct socm_error err = {0};
    size_t len;
    char *text = socm_file_read(path, &len, &err);
    if (!text)
        fail_msg("%s (is SOCM_SRC set?)", err.msg);
    free(path);
    return text;
}

static bool contains_ci(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (!strncasecmp(hay + i, needle, m))
            return true;
    return false;
}

/* The text from the heading that contains `label` to the next heading. */
static const char *section(const char *label, size_t *len)
{
    for (const char *p = doc; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (*p != '#')
            continue;
        const char *eol = strchr(p, '\n');
        size_t hl = eol ? (size_t)(eol - p) : strlen(p);
        if (!contains_ci(p, hl, label))
            continue;
        const char *end = eol ? eol : p + hl;
        while (end && *end && !(end[0] == '\n' && end[1] == '#'))
            end++;
        *len = (size_t)(end - p);
        return p;
    }
    return NULL;
}

static void expect_keys(const char *label, const char *const *keys)
{
    size_t len = 0;
    const char *s = section(label, &len);
    if (!s)
        fail_msg("docs/campaign-format.md has no heading containing '%s'", label);
    for (size_t i = 0; keys && keys[i]; i++) {
        char *quoted = socm_asprintf("`%s`", keys[i]);
        bool found = contains_ci(s, len, quoted);
        free(quoted);
        if (!found)
            fail_msg("docs/campaign-format.md, section '%s': key `%s` is not documented", label,
                     keys[i]);
    }
}

static void test_doc_matches_schemas(void **state)
{
    (void)state;
    doc = read_doc();
    for (size_t i = 0; socm_schema_all[i]; i++)
        expect_keys(socm_schema_all[i]->label, socm_schema_all[i]->keys);
    expect_keys("Keys of every workflow section", socm_schema_workflow_keys);
    struct socm_strv names = SOCM_STRV_INIT;
    socm_workflow_type_names(&names);
    for (size_t i = 0; i < names.n; i++) {
        const struct socm_workflow_type *t = socm_workflow_type_find(names.v[i]);
        assert_non_null(t->keys); /* every built-in type declares its keys */
        char *label = socm_str_startswith(t->name, "ml-null-tests.")
                          ? socm_strdup("`ml-null-tests.MEMBER`")
                          : socm_asprintf("`%s`", t->name);
        expect_keys(label, t->keys);
        free(label);
    }
    socm_strv_free(&names);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_check_campaign),
        cmocka_unit_test(test_check_section),
        cmocka_unit_test(test_doc_matches_schemas),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

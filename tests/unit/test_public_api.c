/* test_public_api.c — the functions of include/socm/model.h and socm.h that give
 * plug-ins and programs their view of socm: values, string vectors, workflows, the
 * DAG and resources through opaque handles (out-of-range reads are harmless), a
 * campaign opened with every problem in one error, run options, the version. Only
 * the public headers are used to read; internals only to build the inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "socm/enactor.h"
#include "socm/socm.h"
#include "socm/version.h"

#include "campaign/campaign.h"
#include "config/config.h"
#include "util/str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_values(void **state)
{
    (void)state;
    const char doc[] = "s = \"alpha\"\nn = 7\nx = 0.5\n[t]\nb = true\n";
    struct socm_error err = {0};
    struct socm_value *root = socm_toml_parse(doc, sizeof doc - 1, "v.toml", &err);
    assert_non_null(root);
    assert_string_equal(socm_value_str(socm_table_get(root, "s")), "alpha");
    assert_null(socm_value_str(socm_table_get(root, "n"))); /* not a string */
    assert_null(socm_table_get(root, "missing"));
    assert_null(socm_table_get(socm_table_get(root, "s"), "x")); /* not a table */
    assert_true(socm_value_is_number(socm_table_get(root, "n")));
    assert_true(fabs(socm_value_as_double(socm_table_get(root, "x")) - 0.5) < 1e-12);
    char *text = socm_value_to_text(socm_table_get(socm_table_get(root, "t"), "b"));
    assert_string_equal(text, "True");
    free(text);
    /* An error at a value carries its place in the file. */
    assert_int_equal(socm_value_error(&err, socm_table_get(root, "n"), "bad %s", "n"), -1);
    assert_int_equal(err.code, SOCM_E_INPUT);
    assert_string_equal(err.msg, "v.toml:2:5: bad n");
    assert_int_equal(socm_value_error(&err, NULL, "no place"), -1);
    assert_string_equal(err.msg, "no place");
    socm_value_free(root);
}

static void test_strv(void **state)
{
    (void)state;
    struct socm_strv sv = SOCM_STRV_INIT;
    assert_int_equal(socm_strv_count(&sv), 0);
    assert_null(socm_strv_get(&sv, 0));
    socm_strv_push(&sv, "a");
    socm_strv_push_owned(&sv, socm_strdup("b"));
    assert_int_equal(socm_strv_count(&sv), 2);
    assert_string_equal(socm_strv_get(&sv, 1), "b");
    assert_null(socm_strv_get(&sv, 2));
    assert_int_equal(socm_strv_count(NULL), 0);
    assert_null(socm_strv_get(NULL, 0));
    socm_strv_free(&sv);

    /* A vector of one's own, filled by a *_names function. */
    struct socm_strv *names = socm_strv_new();
    socm_enactor_names(names);
    bool local = false;
    for (size_t i = 0; i < socm_strv_count(names); i++)
        local |= !strcmp(socm_strv_get(names, i), "local");
    assert_true(local);
    socm_strv_destroy(names);
    socm_strv_destroy(NULL);
}

static const char campaign_toml[] =
    "[campaign]\nname = \"api\"\ndeadline = \"1h\"\nresource = \"box\"\n"
    "[resources.box]\nnodes = 2\ncores_per_node = 4\nmemory_per_node = \"8G\"\n"
    "[campaign.a]\ntype = \"generic\"\nexecutable = \"true\"\n"
    "[campaign.b]\ntype = \"generic\"\nexecutable = \"true\"\ndepends = \"a\"\n"
    "[campaign.b.resources]\nranks = 2\nthreads = 1\nruntime = \"1m\"\n";

static void test_campaign_open_and_read(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/api.toml", tmpdir);
    write_file(path, campaign_toml);
    const char *files[] = {path};
    struct socm_error err = {0};
    struct socm_campaign *c = socm_campaign_open(files, 1, &err);
    assert_non_null(c);
    assert_string_equal(socm_campaign_name(c), "api");
    assert_int_equal(socm_campaign_size(c), 2);
    const struct socm_workflow *b = socm_campaign_workflow(c, 1);
    assert_string_equal(socm_workflow_name(b), "b");
    assert_int_equal(socm_workflow_id(b), 2);
    assert_string_equal(socm_value_str(socm_table_get(socm_workflow_fields(b), "executable")),
                        "true");
    assert_null(socm_campaign_workflow(c, 2));

    /* The DAG as a planner sees it: b (node 1) depends on a (node 0). */
    const struct socm_dag *d = &c->dag;
    assert_int_equal(socm_dag_size(d), 2);
    assert_int_equal(socm_dag_npred(d, 1), 1);
    assert_int_equal(socm_dag_pred(d, 1, 0), 0);
    assert_int_equal(socm_dag_nsucc(d, 0), 1);
    assert_int_equal(socm_dag_succ(d, 0, 0), 1);
    /* A plug-in's out-of-range read is not a crash. */
    assert_int_equal(socm_dag_npred(d, 2), 0);
    assert_int_equal(socm_dag_npred(d, -1), 0);
    assert_int_equal(socm_dag_pred(d, 1, 1), -1);
    assert_int_equal(socm_dag_succ(d, 7, 0), -1);

    const struct socm_resource *r = c->resource;
    assert_string_equal(socm_resource_name(r), "box");
    assert_int_equal(socm_resource_nodes(r), 2);
    assert_int_equal(socm_resource_cores_per_node(r), 4);
    assert_true(fabs(socm_resource_memory_per_node_mb(r) - 8000) < 1e-9);

    struct socm_plan plan;
    assert_int_equal(socm_campaign_plan(c, &plan, &err), 0);
    assert_int_equal(plan.n, 2);
    assert_true(plan.makespan > 0);
    socm_plan_free(&plan);
    socm_campaign_free(c);
}

static void test_campaign_open_reports_every_problem(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/bad.toml", tmpdir);
    write_file(path, "[campaign]\nname = \"bad\"\n"
                     "[campaign.a]\ntype = \"nosuchtype\"\n"
                     "[campaign.b]\ntype = \"generic\"\nexecutable = \"true\"\ndepends = \"zz\"\n");
    const char *files[] = {path};
    struct socm_error err = {0};
    assert_null(socm_campaign_open(files, 1, &err));
    assert_int_equal(err.code, SOCM_E_INPUT);
    assert_non_null(strstr(err.msg, "deadline"));    /* the missing deadline */
    assert_non_null(strstr(err.msg, "nosuchtype"));  /* and the unknown type */
    assert_non_null(strchr(err.msg, '\n'));          /* one per line */
    snprintf(path, sizeof path, "%s/none.toml", tmpdir);
    assert_null(socm_campaign_open(files, 0, &err));
    assert_true(err.msg[0] != '\0');
}

static void test_workflow_set_type(void **state)
{
    (void)state;
    struct socm_workflow *wf = socm_workflow_new();
    socm_workflow_set_type(wf, "one");
    socm_workflow_set_type(wf, "two"); /* replaces, no leak */
    assert_string_equal(wf->type, "two");
    socm_workflow_free(wf);
}

static void test_run_opts_and_version(void **state)
{
    (void)state;
    struct socm_run_opts *o = socm_run_opts_new();
    socm_run_opts_set_enactor(o, "dryrun");
    socm_run_opts_set_cores(o, 3);
    socm_run_opts_set_memory_mb(o, 100);
    socm_run_opts_set_simulate(o, true);
    socm_run_opts_set_quiet(o, true);
    char *want = socm_asprintf("%d.%d.%d", SOCM_VERSION_MAJOR, SOCM_VERSION_MINOR,
                               SOCM_VERSION_PATCH);
    assert_string_equal(socm_version(), want);
    free(want);

    /* The options reach the run: a simulated campaign ends DONE with no process. */
    char path[512], dir[512];
    snprintf(path, sizeof path, "%s/run.toml", tmpdir);
    snprintf(dir, sizeof dir, "%s/run-state", tmpdir);
    write_file(path, campaign_toml);
    const char *files[] = {path};
    struct socm_error err = {0};
    struct socm_campaign_handle *h = socm_campaign_run(files, 1, dir, o, false, &err);
    socm_run_opts_free(o);
    assert_non_null(h);
    assert_int_equal(socm_campaign_wait(h), 0);
    assert_true(socm_campaign_succeeded(h));
    socm_campaign_handle_free(h);
}

/* Template variables reach the campaign files through the run options (the library's
 * `socm run -D` and `--values`): one workflow per entry of `steps`, the campaign's
 * name from the values file; -D wins over it. */
static void test_run_template_vars(void **state)
{
    (void)state;
    char path[512], values[512], dir[512], journal[600];
    snprintf(path, sizeof path, "%s/tv.toml.j2", tmpdir);
    snprintf(values, sizeof values, "%s/values.toml", tmpdir);
    write_file(path, "[campaign]\nname = \"{{ name }}\"\ndeadline = \"1h\"\nresource = \"box\"\n"
                     "[resources.box]\nnodes = 1\ncores_per_node = 4\nmemory_per_node = \"8G\"\n"
                     "{% for s in steps %}[campaign.step-{{ s }}]\ntype = \"generic\"\n"
                     "executable = \"true\"\n{% endfor %}\n");
    write_file(values, "name = \"from-values\"\nsteps = [\"x\"]\n");
    const char *files[] = {path};
    struct socm_error err = {0};

    /* Without the variables the template cannot be rendered: bad input. */
    struct socm_run_opts *o = socm_run_opts_new();
    socm_run_opts_set_simulate(o, true);
    socm_run_opts_set_quiet(o, true);
    snprintf(dir, sizeof dir, "%s/tv-none", tmpdir);
    struct socm_campaign_handle *h = socm_campaign_run(files, 1, dir, o, false, &err);
    assert_non_null(h);
    assert_int_equal(socm_campaign_wait(h), 2);
    socm_campaign_handle_free(h);

    socm_run_opts_set_values(o, values);
    socm_run_opts_define(o, "steps=[\"a\",\"b\"]");
    snprintf(dir, sizeof dir, "%s/tv-state", tmpdir);
    h = socm_campaign_run(files, 1, dir, o, false, &err);
    socm_run_opts_free(o);
    assert_non_null(h);
    assert_int_equal(socm_campaign_wait(h), 0);
    socm_campaign_handle_free(h);
    snprintf(journal, sizeof journal, "%s/journal.jsonl", dir);
    char *text = read_file(journal);
    assert_non_null(text);
    assert_non_null(strstr(text, "from-values"));
    assert_non_null(strstr(text, "step-a"));
    assert_non_null(strstr(text, "step-b"));
    assert_null(strstr(text, "step-x"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_strv),
        cmocka_unit_test(test_campaign_open_and_read),
        cmocka_unit_test(test_campaign_open_reports_every_problem),
        cmocka_unit_test(test_workflow_set_type),
        cmocka_unit_test(test_run_opts_and_version),
        cmocka_unit_test(test_run_template_vars),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

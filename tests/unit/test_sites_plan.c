/* test_sites_plan.c — planning over several sites (src/planner/sites.c): the
 * partition (preferred_resource, site_policy soonest / cheapest, a workflow too big
 * for a site), per-site plans within each site's cores, the merge that starts a
 * cross-site successor after its predecessor, and the spec's sites surviving the
 * journal's JSON round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/campaign.h"
#include "config/config.h"
#include "state/spec.h"
#include "planner/sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct socm_campaign *load(const char *text)
{
    struct socm_error err = {0};
    struct socm_value *root = socm_toml_parse(text, strlen(text), "t.toml", &err);
    if (!root)
        fprintf(stderr, "%s\n", err.msg);
    assert_non_null(root);
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(root, "t.toml", &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "%s\n", errs.msgs[i]);
    socm_errlist_free(&errs);
    return c;
}

static const char head[] = "[campaign]\n"
                           "deadline = \"10h\"\n"
                           "resources = [\"big\", \"small\"]\n"
                           "execution_schema = \"batch\"\n"
                           "%s\n"
                           "[campaign.sites.big]\ncores = 4\n"
                           "[campaign.sites.small]\ncores = 1\ncharge_factor = 0.25\n";

static char *campaign_text(const char *policy, const char *workflows)
{
    char *h = socm_asprintf(head, policy);
    char *t = socm_asprintf("%s%s", h, workflows);
    free(h);
    return t;
}

static int site_of(const struct socm_sites_plan *sp, const struct socm_campaign *c, const char *name)
{
    return sp->site[socm_campaign_find(c, name)->id - 1];
}

/* Four independent 1-core workflows: soonest uses both sites, cheapest only the
 * cheaper small one; a preference wins over either policy. */
static void test_policies(void **state)
{
    (void)state;
    const char *wfs = "[campaign.w1]\ntype = \"generic\"\nexecutable = \"true\"\nresources = {runtime = \"10m\"}\n"
                      "[campaign.w2]\ntype = \"generic\"\nexecutable = \"true\"\nresources = {runtime = \"10m\"}\n"
                      "[campaign.w3]\ntype = \"generic\"\nexecutable = \"true\"\nresources = {runtime = \"10m\"}\n"
                      "[campaign.w4]\ntype = \"generic\"\nexecutable = \"true\"\nresources = {runtime = \"10m\"}\n"
                      "[campaign.p]\ntype = \"generic\"\nexecutable = \"true\"\npreferred_resource = \"big\"\n"
                      "resources = {runtime = \"10m\"}\n";
    const char *pol[] = {"site_policy = \"soonest\"", "site_policy = \"cheapest\""};
    for (int k = 0; k < 2; k++) {
        char *t = campaign_text(pol[k], wfs);
        struct socm_campaign *c = load(t);
        free(t);
        assert_non_null(c);
        assert_int_equal(c->n_sites, 2);
        struct socm_sites_plan sp;
        struct socm_error err = {0};
        assert_int_equal(socm_sites_plan_make(c, NULL, &sp, &err), 0);
        int on_small = 0;
        for (int i = 1; i <= 4; i++) {
            char name[8];
            snprintf(name, sizeof name, "w%d", i);
            on_small += site_of(&sp, c, name) == 1;
        }
        assert_int_equal(site_of(&sp, c, "p"), 0);
        if (k == 0)
            assert_true(on_small >= 1 && on_small <= 2);
        else
            assert_int_equal(on_small, 4);
        /* each part within its site's cores; merged entries cover every workflow */
        assert_true(sp.parts[0].plan.cores <= 4 && sp.parts[1].plan.cores <= 1);
        assert_int_equal(sp.plan.n, c->n_wfs);
        for (size_t i = 0; i < sp.plan.n; i++)
            assert_int_equal(sp.plan.entries[i].id, (int)i + 1);
        socm_sites_plan_free(&sp);
        socm_campaign_free(c);
    }
}

/* a (big) → b (small) → d (big): each starts after its predecessor on the other
 * site ends, though each site's own plan would start it at 0. */
static void test_cross_site_merge(void **state)
{
    (void)state;
    char *t = campaign_text("",
                            "[campaign.a]\ntype = \"generic\"\nexecutable = \"true\"\npreferred_resource = \"big\"\n"
                            "resources = {runtime = \"30m\", ranks = 4}\n"
                            "[campaign.x]\ntype = \"generic\"\nexecutable = \"true\"\npreferred_resource = \"big\"\n"
                            "resources = {runtime = \"5m\"}\n"
                            "[campaign.b]\ntype = \"generic\"\nexecutable = \"true\"\npreferred_resource = \"small\"\n"
                            "depends = [\"a\"]\nresources = {runtime = \"20m\"}\n"
                            "[campaign.d]\ntype = \"generic\"\nexecutable = \"true\"\npreferred_resource = \"big\"\n"
                            "depends = [\"b\"]\nresources = {runtime = \"10m\"}\n");
    struct socm_campaign *c = load(t);
    free(t);
    assert_non_null(c);
    struct socm_sites_plan sp;
    struct socm_error err = {0};
    assert_int_equal(socm_sites_plan_make(c, NULL, &sp, &err), 0);
    const struct socm_plan_entry *a = &sp.plan.entries[0], *x = &sp.plan.entries[1],
                                 *b = &sp.plan.entries[2], *d = &sp.plan.entries[3];
    assert_true(b->start >= a->end - 1e-9);
    assert_true(d->start >= b->end - 1e-9);
    assert_true(b->start > 0 && d->start > 0);
    /* x shares big's cores with a: never at the same time on the same core */
    bool overlap_cores = x->core_first <= a->core_last && a->core_first <= x->core_last;
    assert_true(!overlap_cores || x->start >= a->end - 1e-9 || a->start >= x->end - 1e-9);
    assert_true(sp.plan.makespan >= d->end - 1e-9);
    assert_true(sp.parts[1].plan.makespan >= b->end - 1e-9);
    /* small's cores come after big's in the merged numbering */
    assert_int_equal(b->core_first, sp.parts[1].core_offset);

    /* The spec carries the sites and each task's site through JSON. */
    struct socm_spec spec, back;
    assert_int_equal(socm_spec_from_sites_plan(c, &sp, "st", &spec, &err), 0);
    assert_int_equal(spec.nsites, 2);
    assert_int_equal(spec.sites[1].cores, 1);
    assert_int_equal(spec.tasks[2].site, 1);
    json_t *j = socm_spec_to_json(&spec);
    assert_int_equal(socm_spec_from_json(j, &back, &err), 0);
    json_decref(j);
    assert_int_equal(back.nsites, 2);
    assert_string_equal(back.sites[0].name, "big");
    assert_string_equal(back.sites[1].enactor, "local");
    assert_int_equal(back.sites[0].cores, 4);
    for (size_t i = 0; i < spec.n; i++)
        assert_int_equal(back.tasks[i].site, spec.tasks[i].site);
    socm_spec_free(&back);
    /* Consuming the campaign and the plan gives the same spec (the plan's text made
     * after the campaign is freed; ASan reports a use after free otherwise). */
    char *copied = socm_spec_begin_line(&spec, 1.0, 1);
    struct socm_spec taken;
    assert_int_equal(socm_spec_from_sites_plan_consume(c, &sp, "st", &taken, &err), 0);
    assert_non_null(taken.plan_text);
    assert_string_equal(taken.tasks[0].argv.v[0], "true");
    char *consumed = socm_spec_begin_line(&taken, 1.0, 1);
    assert_string_equal(consumed, copied);
    free(consumed);
    free(copied);
    socm_spec_free(&taken);
    socm_spec_free(&spec);
}

/* A 2-core workflow fits only on big: soonest and cheapest both put it there. */
static void test_fit(void **state)
{
    (void)state;
    char *t = campaign_text("site_policy = \"cheapest\"",
                            "[campaign.w]\ntype = \"generic\"\nexecutable = \"true\"\nresources = {ranks = 2}\n");
    struct socm_campaign *c = load(t);
    free(t);
    assert_non_null(c);
    struct socm_sites_plan sp;
    struct socm_error err = {0};
    assert_int_equal(socm_sites_plan_make(c, NULL, &sp, &err), 0);
    assert_int_equal(sp.site[0], 0);
    assert_int_equal(sp.parts[1].n, 0);
    socm_sites_plan_free(&sp);
    socm_campaign_free(c);
    /* too big for both: an error at the workflow */
    t = campaign_text("", "[campaign.w]\ntype = \"generic\"\nexecutable = \"true\"\nresources = {ranks = 9}\n");
    assert_null(load(t));
    free(t);
}

int main(void)
{
    setenv("XDG_CONFIG_HOME", "/nonexistent-socm-test", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policies),
        cmocka_unit_test(test_cross_site_merge),
        cmocka_unit_test(test_fit),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

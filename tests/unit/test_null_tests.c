/* test_null_tests.c — the nine ml-null-tests members on the fixture obsdb: every
 * split's name, size, order and query.txt against an independent re-derivation of
 * the rules (group, sort by time then obs_id, numpy array_split, round robin), the
 * same output on a second run, and the errors for bad sections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "so_fixture.h"
#include "so_section.h"

#include <math.h>

static struct fix_obs g_obs[FIX_NOBS];

static int setup(void **state)
{
    for (int i = 0; i < FIX_NOBS; i++)
        fix_obs_make(i, &g_obs[i]);
    return fix_group_setup(state);
}

static struct socm_value *base_section(int64_t chunk_nobs)
{
    struct socm_value *s = sec_new();
    sec_s(s, "context", "file://context.yaml");
    sec_s(s, "area", "area.fits");
    sec_s(s, "preprocess_config", "pre.yaml");
    sec_s(s, "output_dir", "out");
    sec_s(s, "site", "so_lat");
    sec_s(s, "maxiter", "200,200");
    if (chunk_nobs)
        sec_i(s, "chunk_nobs", chunk_nobs);
    return s;
}

/* ---- the reference: an independent statement of the rules ---- */

struct ref_wf {
    char name[128];
    int ids[FIX_NOBS];
    int n;
};

static int ref_cmp(const void *a, const void *b)
{
    const struct fix_obs *x = &g_obs[*(const int *)a], *y = &g_obs[*(const int *)b];
    if (x->timestamp != y->timestamp)
        return x->timestamp < y->timestamp ? -1 : 1;
    return strcmp(x->obs_id, y->obs_id);
}

/* Appends the workflows of one group to ref. */
static void ref_group(struct ref_wf *ref, int *nref, const char *prefix, int *members, int n,
                      int chunk, int nsplits, bool count_nonempty)
{
    if (n == 0)
        return;
    qsort(members, (size_t)n, sizeof *members, ref_cmp);
    int k = (n + chunk - 1) / chunk;
    int split_of[FIX_NOBS], j = 0;
    for (int c = 0; c < k; c++)
        for (int m = 0; m < n / k + (c < n % k); m++)
            split_of[j++] = c % nsplits;
    int emitted = 0;
    for (int s = 0; s < nsplits; s++) {
        struct ref_wf *w = &ref[*nref];
        w->n = 0;
        for (int i = 0; i < n; i++)
            if (split_of[i] == s)
                w->ids[w->n++] = members[i];
        if (w->n == 0)
            continue;
        emitted++;
        snprintf(w->name, sizeof w->name, "%s_split_%d", prefix, count_nonempty ? emitted : s + 1);
        (*nref)++;
    }
}

typedef int (*ref_label)(const struct fix_obs *o); /* group index */

static int ref_by(struct ref_wf *ref, const char *const *prefixes, int nlabels, ref_label fn,
                  int chunk, int nsplits)
{
    int nref = 0;
    for (int l = 0; l < nlabels; l++) {
        int members[FIX_NOBS], n = 0;
        for (int i = 0; i < FIX_NOBS; i++)
            if (fn(&g_obs[i]) == l)
                members[n++] = i;
        ref_group(ref, &nref, prefixes[l], members, n, chunk, nsplits, false);
    }
    return nref;
}

static int lab_direction(const struct fix_obs *o)
{
    double a = fmod(fmod(o->az, 360.0) + 360.0, 360.0);
    return fabs(a - 180.0) <= 0.0018 ? 2 : a > 180.0 ? 1 : 0;
}
static int lab_pwv(const struct fix_obs *o) { return (o->pwv_null ? 0.0 : o->pwv) > 2.0 ? 0 : 1; }
static int lab_elev(const struct fix_obs *o) { return o->el < 45.0 ? 0 : 1; }
static int lab_day(const struct fix_obs *o) { return socm_ephem_is_day(o->timestamp) ? 0 : 1; }
static int lab_moon(const struct fix_obs *o) { return socm_ephem_moon_in_sky(o->timestamp) ? 0 : 1; }
static int lab_sun_close(const struct fix_obs *o)
{
    return socm_ephem_sun_distance(o->timestamp, o->az, o->el) <= 11.0 ? 0 : 1;
}
static int lab_moon_close(const struct fix_obs *o)
{
    return socm_ephem_moon_distance(o->timestamp, o->az, o->el) <= 11.0 ? 0 : 1;
}

/* ---- comparing ---- */

static void check(const struct socm_workflow_type *type, struct socm_value *section,
                  const struct ref_wf *ref, int nref, const char *wafer_of_first)
{
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    if (sec_expand(type, g_dir, section, &out, &err) != 0)
        fail_msg("%s: %s", type->name, err.msg);
    assert_int_equal(out.n, nref);
    int total = 0;
    for (int i = 0; i < nref; i++) {
        struct socm_workflow *wf = out.v[i];
        char *name = socm_asprintf("%s_null_test_workflow", ref[i].name);
        char *dir = socm_asprintf("out/%s", ref[i].name);
        char *path = socm_asprintf("%s/out/%s/query.txt", g_dir, ref[i].name);
        char *uri = socm_asprintf("file://%s", path);
        assert_string_equal(wf->name, name);
        assert_string_equal(socm_table_get(wf->fields, "output_dir")->u.str.s, dir);
        assert_string_equal(socm_table_get(wf->fields, "query")->u.str.s, uri);
        assert_int_equal(socm_table_get(wf->fields, "chunk_nobs")->u.i, 1);
        /* query.txt: the split's obs_ids in time order, one a line */
        struct socm_buf want = SOCM_BUF_INIT;
        int64_t datasize = 0;
        for (int j = 0; j < ref[i].n; j++) {
            socm_buf_printf(&want, "%s\n", g_obs[ref[i].ids[j]].obs_id);
            datasize += g_obs[ref[i].ids[j]].n_samples;
        }
        size_t len;
        char *got = socm_file_read(path, &len, &err);
        assert_non_null(got);
        assert_string_equal(got, want.data);
        free(got);
        socm_buf_free(&want);
        assert_int_equal(socm_table_get(wf->fields, "datasize")->u.i, datasize);
        total += ref[i].n;
        free(name);
        free(dir);
        free(path);
        free(uri);
    }
    if (wafer_of_first)
        assert_string_equal(socm_table_get(out.v[0]->fields, "wafer")->u.str.s, wafer_of_first);
    else
        assert_int_equal(total, FIX_NOBS); /* a partition */
    socm_wflist_free(&out);
    socm_value_free(section);
}

static struct ref_wf g_ref[64];

static void test_array_split(void **state)
{
    /* 25 observations, chunk_nobs 10: chunks of 9, 8, 8 dealt to splits 0, 1, 2 */
    struct socm_obslist l = {0};
    l.v = calloc(25, sizeof *l.v);
    l.n = 25;
    size_t idx[25], split_of[25];
    char ids[25][8];
    for (int i = 0; i < 25; i++) {
        snprintf(ids[i], sizeof ids[i], "o%02d", 24 - i);
        l.v[i].obs_id = ids[i];
        l.v[i].timestamp = 100.0 - i; /* reverse time order */
        idx[i] = (size_t)i;
    }
    l.v[3].timestamp = l.v[4].timestamp; /* a tie: obs_id decides (o20 < o21) */
    socm_so_null_split(&l, idx, 25, 10, 8, split_of);
    int count[8] = {0};
    for (int i = 0; i < 25; i++)
        count[split_of[i]]++;
    assert_int_equal(count[0], 9);
    assert_int_equal(count[1], 8);
    assert_int_equal(count[2], 8);
    assert_int_equal(count[3], 0);
    assert_int_equal(idx[0], 24);
    for (int i = 1; i < 25; i++)
        assert_true(l.v[idx[i - 1]].timestamp <= l.v[idx[i]].timestamp);
    assert_int_equal(idx[20], 4); /* o20 (index 4) before o21 (index 3) at the tie */
    assert_int_equal(idx[21], 3);
    free(l.v);
}

static void test_mission(void **state)
{
    struct socm_value *s = base_section(7);
    int members[FIX_NOBS], nref = 0;
    for (int i = 0; i < FIX_NOBS; i++)
        members[i] = i;
    ref_group(g_ref, &nref, "mission", members, FIX_NOBS, 7, 8, true);
    assert_int_equal(nref, 8);
    check(&socm_wftype_ml_null_mission, s, g_ref, nref, NULL);
    /* with more splits than chunks, <k> counts only the non-empty ones */
    s = base_section(60);
    sec_i(s, "nsplits", 6);
    nref = 0;
    ref_group(g_ref, &nref, "mission", members, FIX_NOBS, 60, 6, true);
    assert_int_equal(nref, 4);
    assert_string_equal(g_ref[3].name, "mission_split_4");
    check(&socm_wftype_ml_null_mission, s, g_ref, nref, NULL);
}

static void test_wafer(void **state)
{
    struct socm_value *s = base_section(10);
    int nref = 0;
    const char *ws[] = {"ws0", "ws1", "ws2"};
    for (int w = 0; w < 3; w++) {
        int members[FIX_NOBS], n = 0;
        for (int i = 0; i < FIX_NOBS; i++)
            if (strstr(g_obs[i].wafers, ws[w]))
                members[n++] = i;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "wafer_%s", ws[w]);
        ref_group(g_ref, &nref, prefix, members, n, 10, 8, false);
    }
    assert_string_equal(g_ref[0].name, "wafer_ws0_split_1");
    check(&socm_wftype_ml_null_wafer, s, g_ref, nref, "ws0");
}

static void test_direction(void **state)
{
    static const char *const l[] = {"direction_rising", "direction_setting", "direction_middle"};
    int nref = ref_by(g_ref, l, 3, lab_direction, 10, 2);
    assert_int_equal(nref, 6);
    assert_string_equal(g_ref[4].name, "direction_middle_split_1");
    assert_int_equal(g_ref[4].n + g_ref[5].n, 40); /* every fifth, incl. -180 and 540.0001 */
    check(&socm_wftype_ml_null_direction, base_section(10), g_ref, nref, NULL);
}

static void test_pwv_elevation(void **state)
{
    static const char *const p[] = {"pwv_high", "pwv_low"};
    int nref = ref_by(g_ref, p, 2, lab_pwv, 10, 2);
    assert_int_equal(nref, 4);
    check(&socm_wftype_ml_null_pwv, base_section(10), g_ref, nref, NULL);
    /* a pwv_limit moves observations between groups */
    struct socm_value *s = base_section(10);
    struct socm_pos pos = sec_pos(99);
    socm_table_set(s, "pwv_limit", socm_value_float(0.75, &pos));
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    assert_int_equal(sec_expand(&socm_wftype_ml_null_pwv, g_dir, s, &out, &err), 0);
    int high = 0;
    for (int i = 0; i < FIX_NOBS; i++)
        high += !g_obs[i].pwv_null && g_obs[i].pwv > 0.75;
    int got = 0;
    for (size_t i = 0; i < out.n; i++)
        if (strncmp(out.v[i]->name, "pwv_high", 8) == 0)
            got += (int)socm_table_get(out.v[i]->fields, "datasize")->u.i > 0 ? 1 : 0;
    assert_true(got > 0 && high > 100);
    socm_wflist_free(&out);
    socm_value_free(s);

    static const char *const e[] = {"elevation_low", "elevation_high"};
    nref = ref_by(g_ref, e, 2, lab_elev, 10, 2);
    check(&socm_wftype_ml_null_elevation, base_section(10), g_ref, nref, NULL);
}

static void test_sun_moon(void **state)
{
    static const char *const d[] = {"day", "night"};
    int nref = ref_by(g_ref, d, 2, lab_day, 10, 2);
    assert_int_equal(nref, 4); /* the fixture has both */
    check(&socm_wftype_ml_null_day_night, base_section(10), g_ref, nref, NULL);
    static const char *const m[] = {"moon_insky", "moon_outsky"};
    nref = ref_by(g_ref, m, 2, lab_moon, 10, 2);
    assert_int_equal(nref, 4);
    check(&socm_wftype_ml_null_moonrise_set, base_section(10), g_ref, nref, NULL);
    static const char *const sc[] = {"sun_close", "sun_far"};
    nref = ref_by(g_ref, sc, 2, lab_sun_close, 10, 2);
    check(&socm_wftype_ml_null_sun_close, base_section(10), g_ref, nref, NULL);
    static const char *const mc[] = {"moon_close", "moon_far"};
    nref = ref_by(g_ref, mc, 2, lab_moon_close, 10, 2);
    check(&socm_wftype_ml_null_moon_close, base_section(10), g_ref, nref, NULL);
}

static void test_same_splits_every_run(void **state)
{
    struct socm_wflist a = {0}, b = {0};
    struct socm_error err = {0};
    struct socm_value *s = base_section(3);
    assert_int_equal(sec_expand(&socm_wftype_ml_null_direction, g_dir, s, &a, &err), 0);
    assert_int_equal(sec_expand(&socm_wftype_ml_null_direction, g_dir, s, &b, &err), 0);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++)
        assert_string_equal(a.v[i]->name, b.v[i]->name);
    socm_wflist_free(&a);
    socm_wflist_free(&b);
    socm_value_free(s);
}

static void expect_error(const struct socm_workflow_type *type, struct socm_value *s,
                         const char *want1, const char *want2)
{
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    assert_int_equal(sec_expand(type, g_dir, s, &out, &err), -1);
    assert_int_equal(out.n, 0);
    if (!strstr(err.msg, want1) || !strstr(err.msg, want2))
        fail_msg("error \"%s\" lacks \"%s\" / \"%s\"", err.msg, want1, want2);
    socm_value_free(s);
}

static void test_bad_input(void **state)
{
    struct socm_value *s = base_section(10);
    sec_s(s, "chunk_duration", "3d");
    expect_error(&socm_wftype_ml_null_pwv, s, "campaign.toml:", "only one of chunk_nobs and chunk_duration");
    s = base_section(0);
    expect_error(&socm_wftype_ml_null_pwv, s, "campaign.toml:1:1", "chunk_nobs");
    s = base_section(0);
    sec_s(s, "chunk_duration", "3d");
    expect_error(&socm_wftype_ml_null_pwv, s, "campaign.toml:", "not supported");
    s = base_section(10);
    sec_s(s, "site", "so_moon");
    expect_error(&socm_wftype_ml_null_wafer, s, "campaign.toml:", "unknown site 'so_moon'");
    s = base_section(10);
    sec_s(s, "query", "obs_id == \"nope\"");
    expect_error(&socm_wftype_ml_null_mission, s, "campaign.toml:", "matches no observation");
    s = base_section(10);
    sec_s(s, "context", "file://missing/context.yaml");
    expect_error(&socm_wftype_ml_null_mission, s, "campaign.toml:", "missing/context.yaml");
    /* an obsdb without an obs table: the error points at the query it could not run */
    char *noobs = socm_asprintf("%s/db/noobs.sqlite", g_dir);
    char *ctxp = socm_asprintf("%s/ctx-noobs.yaml", g_dir);
    fix_write_obsdb(noobs, 0);
    fix_write_file(ctxp, "obsdb: db/noobs.sqlite\n");
    s = base_section(10);
    sec_s(s, "context", ctxp);
    expect_error(&socm_wftype_ml_null_mission, s, "campaign.toml:", "no `obs` table");
    free(noobs);
    free(ctxp);
    s = base_section(10);
    sec_s(s, "query", "pwv >>> 1");
    expect_error(&socm_wftype_ml_null_mission, s, "campaign.toml:", "pwv >>> 1");
    s = base_section(10);
    socm_table_remove(s, "area");
    expect_error(&socm_wftype_ml_null_mission, s, "campaign.toml:1:1", "'area'");
    s = base_section(0);
    sec_i(s, "chunk_nobs", 0);
    expect_error(&socm_wftype_ml_null_mission, s, "campaign.toml:", "at least 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array_split),
        cmocka_unit_test(test_mission),
        cmocka_unit_test(test_wafer),
        cmocka_unit_test(test_direction),
        cmocka_unit_test(test_pwv_elevation),
        cmocka_unit_test(test_sun_moon),
        cmocka_unit_test(test_same_splits_every_run),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, fix_group_teardown);
}

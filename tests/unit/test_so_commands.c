/* test_so_commands.c — the SO types' command lines, token for token as the original
 * tool builds them: ml-mapmaking from the original's own campaign section, a wafer
 * null-test split, and sat-sims (the issue's example, byte for byte once joined). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "so_fixture.h"
#include "so_section.h"

static void assert_argv(const struct socm_strv *got, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    for (size_t i = 0; i < n && i < got->n; i++)
        if (strcmp(got->v[i], want[i]) != 0)
            fail_msg("token %zu: got \"%s\", want \"%s\"", i, got->v[i], want[i]);
    assert_int_equal(got->n, n);
}

/* The ml-mapmaking section of tests/data/compat/campaign.toml, paths made local. */
static struct socm_value *ml_section(void)
{
    struct socm_value *s = sec_new();
    sec_s(s, "context", "file://context.yaml");
    sec_s(s, "area", "file://maps//footprint/./area.fits");
    sec_s(s, "preprocess_config", "file://pre.yaml");
    sec_s(s, "srcsamp", "file://maps/srcsamp_mask.fits");
    sec_s(s, "output_dir", "/scratch/out/output_full");
    sec_s(s, "bands", "f090");
    sec_s(s, "maxiter", "200,200");
    sec_s(s, "downsample", "4,2");
    sec_s(s, "query", "file://lat_i1.txt");
    sec_i(s, "tiled", 1);
    sec_s(s, "site", "so_lat");
    sec_s(s, "unit", "K");
    sec_s(s, "interpol", "nearest");
    sec_res(s, 70, 8);
    return s;
}

static void test_ml_mapmaking(void **state)
{
    struct fix_obs a, b;
    fix_obs_make(10, &a);
    fix_obs_make(11, &b);
    char text[256];
    snprintf(text, sizeof text, "%s\n%s\n", a.obs_id, b.obs_id);
    char *list = socm_asprintf("%s/lat_i1.txt", g_dir);
    fix_write_file(list, text);
    struct socm_value *s = ml_section();
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    if (sec_expand(&socm_wftype_ml_mapmaking, g_dir, s, &out, &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(out.n, 1);
    struct socm_workflow *wf = out.v[0];
    assert_string_equal(wf->name, "ml_mapmaking_workflow");
    assert_int_equal(socm_table_get(wf->fields, "datasize")->u.i, a.n_samples + b.n_samples);
    struct socm_strv argv = SOCM_STRV_INIT;
    assert_int_equal(socm_wftype_ml_mapmaking.build_argv(wf, &argv, &err), 0);
    char *area = socm_asprintf("%s/maps/footprint/area.fits", g_dir);
    char *pre = socm_asprintf("%s/pre.yaml", g_dir);
    char *ctx = socm_asprintf("--context=%s/context.yaml", g_dir);
    char *src = socm_asprintf("--srcsamp=%s/maps/srcsamp_mask.fits", g_dir);
    const char *want[] = {
        "srun", "--cpu_bind=cores", "--export=ALL", "--ntasks-per-node=70", "--cpus-per-task=8",
        "so-site-pipeline", "make-ml-map", list, area, "/scratch/out/output_full", pre,
        "--bands=f090", ctx, "--downsample=4,2", "--interpol=nearest", "--maxiter=200,200",
        "--site=so_lat", src, "--tiled=1", "--unit=K", NULL,
    };
    assert_argv(&argv, want);
    socm_strv_free(&argv);
    /* set keys only: a default like comps never appears; a set one does, sorted */
    struct socm_value *s2 = ml_section();
    sec_s(s2, "comps", "T");
    sec_s(s2, "name", "mine");
    sec_s(s2, "query", "obs_id == \"x\" or 1");
    struct socm_wflist out2 = {0};
    assert_int_equal(sec_expand(&socm_wftype_ml_mapmaking, g_dir, s2, &out2, &err), 0);
    assert_int_equal(socm_wftype_ml_mapmaking.build_argv(out2.v[0], &argv, &err), 0);
    assert_string_equal(argv.v[7], "obs_id == \"x\" or 1");
    assert_string_equal(argv.v[12], "--comps=T");
    assert_string_equal(argv.v[17], "--name=mine");
    socm_strv_free(&argv);
    socm_wflist_free(&out2);
    socm_value_free(s2);
    free(area);
    free(pre);
    free(ctx);
    free(src);
    free(list);
    socm_wflist_free(&out);
    socm_value_free(s);
}

static void test_ml_bad_lists(void **state)
{
    struct socm_value *s = ml_section();
    sec_s(s, "maxiter", "200,abc");
    sec_s(s, "query", "1");
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    assert_int_equal(sec_expand(&socm_wftype_ml_mapmaking, g_dir, s, &out, &err), -1);
    assert_non_null(strstr(err.msg, "campaign.toml:"));
    assert_non_null(strstr(err.msg, "200,abc"));
    socm_value_free(s);
}

static void test_null_test_split(void **state)
{
    struct socm_value *s = ml_section();
    sec_s(s, "query", "1");
    sec_s(s, "output_dir", "nt");
    sec_i(s, "chunk_nobs", 10);
    sec_i(s, "nsplits", 4);
    sec_res(s, 12, 8);
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    if (sec_expand(&socm_wftype_ml_null_wafer, g_dir, s, &out, &err) != 0)
        fail_msg("%s", err.msg);
    struct socm_workflow *wf = out.v[0];
    assert_string_equal(wf->name, "wafer_ws0_split_1_null_test_workflow");
    struct socm_strv argv = SOCM_STRV_INIT;
    assert_int_equal(socm_wftype_ml_null_wafer.build_argv(wf, &argv, &err), 0);
    char *q = socm_asprintf("%s/nt/wafer_ws0_split_1/query.txt", g_dir);
    char *area = socm_asprintf("%s/maps/footprint/area.fits", g_dir);
    char *pre = socm_asprintf("%s/pre.yaml", g_dir);
    char *ctx = socm_asprintf("--context=%s/context.yaml", g_dir);
    char *src = socm_asprintf("--srcsamp=%s/maps/srcsamp_mask.fits", g_dir);
    const char *want[] = {
        "srun", "--cpu_bind=cores", "--export=ALL", "--ntasks-per-node=12", "--cpus-per-task=8",
        "so-site-pipeline", "make-ml-map", q, area, "nt/wafer_ws0_split_1", pre,
        "--bands=f090", ctx, "--downsample=4,2", "--interpol=nearest", "--maxiter=200,200",
        "--site=so_lat", src, "--tiled=1", "--unit=K", "--wafer=ws0", NULL,
    };
    assert_argv(&argv, want);
    socm_strv_free(&argv);
    free(q);
    free(area);
    free(pre);
    free(ctx);
    free(src);
    socm_wflist_free(&out);
    socm_value_free(s);
}

static void test_sat_sims_issue_example(void **state)
{
    struct socm_value *s = sec_new();
    sec_s(s, "output_dir", "output");
    sec_s(s, "schedule", "schedule0002.txt");
    sec_s(s, "filterbin_name", "filterbin_01_schedule0002");
    sec_s(s, "context", "context.yaml");
    sec_res(s, 8, 1);
    struct socm_wflist out = {0};
    struct socm_error err = {0};
    assert_int_equal(sec_expand(&socm_wftype_sat_sims, g_dir, s, &out, &err), 0);
    assert_string_equal(out.v[0]->name, "sat_sims");
    struct socm_strv argv = SOCM_STRV_INIT;
    assert_int_equal(socm_wftype_sat_sims.build_argv(out.v[0], &argv, &err), 0);
    char *line = socm_strv_join(&argv, " ");
    assert_string_equal(
        line,
        "srun --cpu_bind=cores --export=ALL --ntasks-per-node=8 --cpus-per-task=1 toast_so_sim  "
        "--job_group_size=8 --out output --bands=SAT_f090 --context=context.yaml "
        "--filterbin.name=filterbin_01_schedule0002 --pixels_healpix_radec.nside=512 "
        "--processing_mask.file=None --sample_rate=37 --scan_map.disable "
        "--schedule=schedule0002.txt --sim_atmosphere.disable --sim_hwpss.disable "
        "--sim_hwpss.atmo_data=None --sim_noise.disable --sim_sss.disable --subcommand= "
        "--wafer_slots=w25");
    free(line);
    socm_strv_free(&argv);
    socm_wflist_free(&out);
    /* booleans and renames from the section; a non-boolean flag is refused */
    sec_b(s, "sim_noise", true);
    sec_s(s, "sim_hwpss_atmo_data", "file://atm.h5");
    assert_int_equal(sec_expand(&socm_wftype_sat_sims, g_dir, s, &out, &err), 0);
    assert_int_equal(socm_wftype_sat_sims.build_argv(out.v[0], &argv, &err), 0);
    char *atm = socm_asprintf("--sim_hwpss.atmo_data=%s/atm.h5", g_dir);
    bool seen_noise = false, seen_atm = false;
    for (size_t i = 0; i < argv.n; i++) {
        seen_noise |= strcmp(argv.v[i], "--sim_noise.enable") == 0;
        seen_atm |= strcmp(argv.v[i], atm) == 0;
    }
    assert_true(seen_noise);
    assert_true(seen_atm);
    free(atm);
    socm_strv_free(&argv);
    socm_wflist_free(&out);
    sec_s(s, "scan_map", "yes");
    assert_int_equal(sec_expand(&socm_wftype_sat_sims, g_dir, s, &out, &err), -1);
    assert_non_null(strstr(err.msg, "campaign.toml:"));
    assert_non_null(strstr(err.msg, "scan_map"));
    socm_value_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ml_mapmaking),
        cmocka_unit_test(test_ml_bad_lists),
        cmocka_unit_test(test_null_test_split),
        cmocka_unit_test(test_sat_sims_issue_example),
    };
    return cmocka_run_group_tests(tests, fix_group_setup, fix_group_teardown);
}

/* test_campaign_fuzz.c — the campaign builder never crashes, leaks or accepts
 * garbage silently: campaign files with random byte mutations are parsed and, when
 * they still parse, built; every rejection carries at least one message. A small
 * deterministic loop (real fuzzing is tests/fuzz/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "campaign/campaign.h"
#include "socm/workflow.h"

#include <stdio.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Characters that matter to the grammars and to the campaign layer. */
static const char interesting[] = "[]{}=:,\"'#-\n .0123456789abcdefghGMhms_\\&*|>!";

static void mutate_and_build(const char *rel, bool yaml)
{
    const char *src = getenv("SOCM_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", src ? src : ".", rel);
    struct socm_error err;
    size_t len;
    char *orig = socm_file_read(path, &len, &err);
    assert_non_null(orig);
    char *buf = socm_xmalloc(len + 64);
    int built = 0, rejected = 0;
    for (int iter = 0; iter < 1500; iter++) {
        memcpy(buf, orig, len);
        size_t n = len;
        int edits = 1 + (int)(next() % 4);
        for (int e = 0; e < edits && n > 0; e++) {
            size_t at = next() % n;
            switch (next() % 3) {
            case 0: buf[at] = interesting[next() % (sizeof interesting - 1)]; break;
            case 1: memmove(buf + at, buf + at + 1, n - at - 1); n--; break;
            default: buf[at] = (char)(next() & 0xff); break;
            }
        }
        struct socm_value *root = yaml ? socm_yaml_parse(buf, n, "fuzz.yml", &err)
                                       : socm_toml_parse(buf, n, "fuzz.toml", &err);
        if (!root)
            continue;
        struct socm_errlist errs = {0};
        struct socm_campaign *c = socm_campaign_from_config(root, "fuzz", &errs);
        if (c) {
            built++;
            assert_int_equal(errs.n, 0);
            for (size_t i = 0; i < c->n_wfs; i++)
                assert_true(c->wfs[i]->argv.n > 0);
            socm_campaign_free(c);
        } else {
            rejected++;
            assert_true(errs.n > 0);
        }
        socm_errlist_free(&errs);
    }
    assert_true(built > 0); /* some mutations are harmless */
    assert_true(rejected > 0);
    free(buf);
    free(orig);
}

static void test_fuzz_toml(void **state)
{
    (void)state;
    mutate_and_build("examples/quickstart.toml", false);
}

static void test_fuzz_yaml(void **state)
{
    (void)state;
    mutate_and_build("examples/stages.yml", true);
}

int main(void)
{
    setenv("XDG_CONFIG_HOME", "/nonexistent-socm-test", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_toml),
        cmocka_unit_test(test_fuzz_yaml),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

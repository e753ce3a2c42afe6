/* test_plan_digest.c — the planner's plans do not depend on how socm was compiled:
 * the campaigns of bench/plan_bench (every shape at 300 workflows, both built-in
 * policies, remote and batch) are planned and each plan's digest is compared with
 * the one stored in tests/data/planner/plan_digests.txt. CI runs the unit tests
 * with gcc and with clang+ASan, so a plan that depends on the compiler (the order
 * in which a call's arguments are evaluated, uninitialised memory, a sort whose
 * ties fall by address) fails in one of them. A deliberate change of the plans
 * regenerates the file: build/bench/plan_bench digests > tests/data/planner/plan_digests.txt
 * (keeping its comment lines). */
#include "../../bench/plan_campaign.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>

/* The expected lines of the data file, comments and blank lines left out. */
static char **read_expected(size_t *n)
{
    const char *src = getenv("SOCM_SRC");
    char *path = socm_asprintf("%s/tests/data/planner/plan_digests.txt", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s (is SOCM_SRC set?)", path);
    free(path);
    char **v = socm_xcalloc(CAMPAIGN_DIGEST_CASES + 1, sizeof *v);
    char line[512];
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (*n == CAMPAIGN_DIGEST_CASES)
            fail_msg("more lines than the %d cases: %s", CAMPAIGN_DIGEST_CASES, line);
        v[(*n)++] = socm_strdup(line);
    }
    fclose(f);
    return v;
}

/* The stored campaign digest and plan digest of each case are the ones planned
 * here: all cases are planned and every difference is reported before failing. */
static void test_plans_match_stored_digests(void **state)
{
    (void)state;
    size_t n;
    char **want = read_expected(&n);
    assert_int_equal(n, CAMPAIGN_DIGEST_CASES);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char got[512];
        if (campaign_digest_line(i, got, sizeof got) < 0) {
            print_message("case %zu: planner error: %s\n", i, got);
            bad++;
        } else if (strcmp(got, want[i]) != 0) {
            /* Same campaign digest, other plan digest: the planner differs; other
             * campaign digest: the generated campaign itself differs. */
            print_message("case %zu differs:\n  stored  %s\n  planned %s\n", i, want[i], got);
            bad++;
        }
        free(want[i]);
    }
    free(want);
    assert_int_equal(bad, 0);
}

/* Planning the same campaign twice in one process gives the same plan (no state
 * left from the first plan, no order taken from addresses of fresh memory). */
static void test_same_plan_twice(void **state)
{
    (void)state;
    for (size_t i = 0; i < CAMPAIGN_DIGEST_CASES; i += 5) {
        char a[512], b[512];
        assert_int_equal(campaign_digest_line(i, a, sizeof a), 0);
        assert_int_equal(campaign_digest_line(i, b, sizeof b), 0);
        assert_string_equal(a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plans_match_stored_digests),
        cmocka_unit_test(test_same_plan_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

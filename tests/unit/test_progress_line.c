/* test_progress_line.c — the live progress line fits the terminal: at every width
 * from 1 to 200 columns and for short, long, non-ASCII and hostile campaign names it
 * is at most width - 1 columns of valid UTF-8 without control characters; the widest
 * wording is used when there is room; the ETA only while work is left. */
#include "manager/progress_line.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static size_t cols(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

/* Valid UTF-8 (well-formed sequences) without control characters. */
static int clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x20 || *p == 0x7f)
            return 0;
        size_t k = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC0 ? 1 : 9;
        if (k == 9)
            return 0;
        p++;
        for (size_t i = 0; i < k; i++, p++)
            if ((*p & 0xC0) != 0x80)
                return 0;
    }
    return 1;
}

static void test_fits_every_width(void **state)
{
    (void)state;
    const char *names[] = {"q", "quickstart", "a-campaign-with-a-rather-long-name-for-a-narrow-pane",
                           "défi-éèàü-ßpectra-全天-map", "two\nlines\033[2J"};
    char buf[512];
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        for (int w = 1; w <= 200; w++) {
            struct socm_progress p = {names[k], 1234, 10000, 64, 3, 2, 3725, 7200};
            size_t len = socm_progress_format(&p, w, buf, sizeof buf);
            assert_int_equal(len, strlen(buf));
            if (w > 1 && cols(buf) > (size_t)w - 1)
                fail_msg("width %d name %zu: %zu columns: %s", w, k, cols(buf), buf);
            if (!clean_utf8(buf))
                fail_msg("width %d name %zu: not clean UTF-8: %s", w, k, buf);
        }
}

static void test_wording(void **state)
{
    (void)state;
    char buf[512];
    struct socm_progress p = {"quickstart", 1, 3, 2, 0, 0, 62, 70};
    socm_progress_format(&p, 200, buf, sizeof buf);
    assert_string_equal(buf, "quickstart: 1/3 done, 2 running, 0 failed, 0 canceled  elapsed 00:01:02  ETA 00:01:10 (plan)");
    socm_progress_format(&p, 60, buf, sizeof buf);
    assert_string_equal(buf, "quickstart: 1/3 done 2 run 0 fail 00:01:02 ETA 00:01:10");
    p.eta_s = -1; /* nothing left, or past the plan */
    socm_progress_format(&p, 200, buf, sizeof buf);
    assert_null(strstr(buf, "ETA"));
    /* A buffer smaller than the line: cut, still terminated. */
    char small[8];
    assert_int_equal(socm_progress_format(&p, 200, small, sizeof small), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fits_every_width), cmocka_unit_test(test_wording)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_toml_fuzz.c — a small fuzz loop for the TOML parser: random bytes, random
 * TOML-ish token soup and random mutations of valid documents, for a few seconds.
 * Nothing may crash, hang or leak (the suite runs under ASan in CI); every failure must
 * carry a "file:line:col: " position; and whatever parses must survive the writers
 * and round-trip through socm_config_to_toml. SOCM_FUZZ_SECONDS overrides the time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "toml_test_util.h"

#include <stdlib.h>
#include <time.h>

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double budget(double dflt)
{
    const char *s = getenv("SOCM_FUZZ_SECONDS");
    return s ? atof(s) : dflt;
}

static const char *const seeds[] = {
    "title = \"TOML Example\"\n[owner]\nname = \"Tom\"\ndob = 1979-05-27T07:32:00-08:00\n"
    "[database]\nenabled = true\nports = [ 8000, 8001, 8002 ]\ndata = [ [\"delta\", \"phi\"], [3.14] ]\n"
    "temp_targets = { cpu = 79.5, case = 72.0 }\n[servers.alpha]\nip = \"10.0.0.1\"\n",
    "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\n"
    "name = \"red delicious\"\n[[fruits]]\nname = \"banana\"\n",
    "a.b.c = 1\na.\"q d\".e = 'lit'\nstr = \"\"\"\nml \\\n  x \\u00e9 \\U0001F600\"\"\"\nlit = '''\nraw \\n'''\n"
    "ints = [0xf_f, 0o17, 0b101, 1_000, -0, +9223372036854775807]\n",
    "f = [1.5e-3, -0.0, inf, -nan, 6.626e-34, 1e1_0]\nd = [1979-05-27, 07:32:00.5, 1979-05-27 07:32:00Z,"
    " 1979-05-27t07:32:00.999999+05:30]\n",
    "[campaign]\ndeadline = \"24h\"\nresource = \"tiger3\"\n[campaign.ml-mapmaking]\nmaxiter = \"200,200\"\n"
    "[campaign.ml-mapmaking.resources]\nranks = 70\nthreads = 8\nmemory = \"4800000\"\nruntime = \"7h\"\n",
    "t = { a = { b = [ { c = 1 }, [ [ ] ] ] }, d.e = true }\r\n# comment \xc3\xa9\r\n[x.y]\r\nz = 1\r\n",
};

static const char *const tokens[] = {
    "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "\n", "\r\n", "\r", " ", "\t", "#", "\"", "'",
    "\"\"\"", "'''", "\\", "\\u", "\\U0010FFFF", "\\uD800", "a", "b.c", "\"k\"", "0", "1", "-", "+",
    "_", "e", "E", "0x", "0o", "0b", "inf", "nan", "true", "false", "1979-05-27", "T", "07:32:00",
    "Z", "+05:30", ".999", "\xc3\xa9", "\xff", "\xc0\x80", "\xed\xa0\x80", "\0", "\x7f", "\xef\xbb\xbf",
    "9223372036854775808", "1e999", "[a.b]\n", "[[a]]\n", "x = 1\n", "a = [\n", "\"\"\"\n",
};

static long n_parsed; /* inputs that parsed (and went through the writers) */

/* Parses a buffer and checks every property that must hold for any input. */
static void check_one(const char *data, size_t len)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(data, len, "f.toml", &err);
    if (!v) {
        if (strncmp(err.msg, "f.toml:", 7) != 0)
            fail_msg("error without a position: '%s'", err.msg);
        int line = 0, col = 0;
        if (sscanf(err.msg + 7, "%d:%d:", &line, &col) != 2 || line < 1 || col < 1)
            fail_msg("error without line:col: '%s'", err.msg);
        return;
    }
    n_parsed++;
    free(socm_config_to_tagged_json(v));
    free(socm_config_to_json(v));
    char *text = socm_config_to_toml(v);
    struct socm_value *back = socm_toml_parse(text, strlen(text), "back.toml", &err);
    if (!back)
        fail_msg("writer output does not parse: %s\n--- output:\n%s", err.msg, text);
    if (!tree_equal(v, back))
        fail_msg("round trip changed the tree\n--- output:\n%s", text);
    socm_value_free(back);
    free(text);
    socm_value_free(v);
}

static void test_random_bytes(void **state)
{
    (void)state;
    double end = now() + budget(1.0);
    unsigned char buf[512];
    long n = 0;
    while (now() < end) {
        size_t len = rnd(sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)rnd(256);
        check_one((const char *)buf, len);
        n++;
    }
    print_message("random bytes: %ld inputs\n", n);
    assert_true(n > 0);
}

static void test_token_soup(void **state)
{
    (void)state;
    double end = now() + budget(1.5);
    struct socm_buf b = SOCM_BUF_INIT;
    long n = 0;
    while (now() < end) {
        socm_buf_clear(&b);
        for (uint32_t k = rnd(40); k > 0; k--) {
            const char *t = tokens[rnd(sizeof tokens / sizeof *tokens)];
            socm_buf_putn(&b, t, t[0] ? strlen(t) : 1); /* "\0" is one NUL byte */
        }
        check_one(b.data ? b.data : "", b.len);
        n++;
    }
    socm_buf_free(&b);
    print_message("token soup: %ld inputs\n", n);
    assert_true(n > 0);
}

static void test_mutations(void **state)
{
    (void)state;
    /* every seed is valid to begin with */
    for (size_t s = 0; s < sizeof seeds / sizeof *seeds; s++) {
        struct socm_error err = {0};
        struct socm_value *v = socm_toml_parse(seeds[s], strlen(seeds[s]), "seed.toml", &err);
        if (!v)
            fail_msg("seed %zu does not parse: %s", s, err.msg);
        socm_value_free(v);
    }
    n_parsed = 0;
    double end = now() + budget(2.0);
    struct socm_buf b = SOCM_BUF_INIT;
    long n = 0;
    while (now() < end) {
        const char *seed = seeds[rnd(sizeof seeds / sizeof *seeds)];
        socm_buf_clear(&b);
        socm_buf_puts(&b, seed);
        for (uint32_t m = 1 + rnd(4); m > 0; m--) {
            size_t len = b.len;
            size_t at = rnd((uint32_t)len + 1);
            switch (rnd(5)) {
            case 0: /* replace a byte */
                if (at < len)
                    b.data[at] = (char)rnd(256);
                break;
            case 1: /* delete a range */
                if (at < len) {
                    size_t k = 1 + rnd(8);
                    if (at + k > len)
                        k = len - at;
                    memmove(b.data + at, b.data + at + k, len - at - k);
                    b.len -= k;
                }
                break;
            case 2: { /* insert a token */
                const char *t = tokens[rnd(sizeof tokens / sizeof *tokens)];
                size_t k = t[0] ? strlen(t) : 1;
                socm_buf_reserve(&b, k);
                memmove(b.data + at + k, b.data + at, len - at);
                memcpy(b.data + at, t, k);
                b.len += k;
                break;
            }
            case 3: { /* duplicate a range (repeats keys and headers) */
                size_t k = rnd(40);
                if (at + k > len)
                    k = len - at;
                char *copy = socm_strndup(b.data + at, k);
                size_t to = rnd((uint32_t)len + 1);
                socm_buf_reserve(&b, k);
                memmove(b.data + to + k, b.data + to, len - to);
                memcpy(b.data + to, copy, k);
                b.len += k;
                free(copy);
                break;
            }
            default: /* truncate */
                b.len = at;
                break;
            }
            b.data[b.len] = '\0';
        }
        check_one(b.data, b.len);
        n++;
    }
    socm_buf_free(&b);
    print_message("mutations: %ld inputs, %ld of them valid TOML\n", n, n_parsed);
    assert_true(n > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_token_soup),
        cmocka_unit_test(test_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

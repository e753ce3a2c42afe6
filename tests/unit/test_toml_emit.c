/* test_toml_emit.c — the writers: tagged JSON (the TOML conformance suite's decoder
 * format) and plain JSON of known documents, and TOML output that parses back to the
 * same tree, for hand-picked and for randomly generated trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "toml_test_util.h"

#include <jansson.h>
#include <stdlib.h>

static struct socm_value *parse(const char *doc)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(doc, strlen(doc), "t.toml", &err);
    if (!v)
        fail_msg("parse error: %s\n--- document:\n%s", err.msg, doc);
    return v;
}

/* Compares the writer's JSON output with the expected JSON, as JSON values. */
static void assert_json(char *got, const char *want)
{
    json_error_t e1, e2;
    json_t *g = json_loads(got, 0, &e1);
    json_t *w = json_loads(want, 0, &e2);
    if (!w)
        fail_msg("bad expected JSON: %s", e2.text);
    if (!g || !json_equal(g, w))
        fail_msg("JSON differs.\n--- got:\n%s\n--- want:\n%s", got, want);
    json_decref(g);
    json_decref(w);
    free(got);
}

static void test_tagged_json_scalars(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "s = \"a\\\"b\\u00e9\\n\"\ni = -42\nbig = 9223372036854775807\nf = 0.1\ne = 5e+22\n"
        "g = 1e300\nint_f = 200.0\nninf = -inf\npinf = +inf\nn = -nan\nz = -0.0\nb = false\n"
        "odt = 1979-05-27 07:32:00.5+05:30\nz2 = 1979-05-27T07:32:00z\nldt = 1979-05-27T07:32:00\n"
        "ld = 1979-05-27\nlt = 07:32:00.999999\n");
    assert_json(socm_config_to_tagged_json(r),
                "{\"s\": {\"type\": \"string\", \"value\": \"a\\\"b\\u00e9\\n\"},"
                " \"i\": {\"type\": \"integer\", \"value\": \"-42\"},"
                " \"big\": {\"type\": \"integer\", \"value\": \"9223372036854775807\"},"
                " \"f\": {\"type\": \"float\", \"value\": \"0.1\"},"
                " \"e\": {\"type\": \"float\", \"value\": \"5e+22\"},"
                " \"g\": {\"type\": \"float\", \"value\": \"1e+300\"},"
                " \"int_f\": {\"type\": \"float\", \"value\": \"200.0\"},"
                " \"ninf\": {\"type\": \"float\", \"value\": \"-inf\"},"
                " \"pinf\": {\"type\": \"float\", \"value\": \"inf\"},"
                " \"n\": {\"type\": \"float\", \"value\": \"nan\"},"
                " \"z\": {\"type\": \"float\", \"value\": \"-0.0\"},"
                " \"b\": {\"type\": \"bool\", \"value\": \"false\"},"
                " \"odt\": {\"type\": \"datetime\", \"value\": \"1979-05-27T07:32:00.5+05:30\"},"
                " \"z2\": {\"type\": \"datetime\", \"value\": \"1979-05-27T07:32:00Z\"},"
                " \"ldt\": {\"type\": \"datetime-local\", \"value\": \"1979-05-27T07:32:00\"},"
                " \"ld\": {\"type\": \"date-local\", \"value\": \"1979-05-27\"},"
                " \"lt\": {\"type\": \"time-local\", \"value\": \"07:32:00.999999\"}}");
    socm_value_free(r);
}

static void test_tagged_json_structure(void **state)
{
    (void)state;
    struct socm_value *r = parse("a = [1, [\"x\"], {k = true}, []]\n[t.u]\nv = {}\n[[aot]]\n[[aot]]\nw = 1\n"
                                 "[\"quoted key\"]\n\"\\u0001\" = 1\n");
    assert_json(socm_config_to_tagged_json(r),
                "{\"a\": [{\"type\": \"integer\", \"value\": \"1\"},"
                "        [{\"type\": \"string\", \"value\": \"x\"}],"
                "        {\"k\": {\"type\": \"bool\", \"value\": \"true\"}}, []],"
                " \"t\": {\"u\": {\"v\": {}}},"
                " \"aot\": [{}, {\"w\": {\"type\": \"integer\", \"value\": \"1\"}}],"
                " \"quoted key\": {\"\\u0001\": {\"type\": \"integer\", \"value\": \"1\"}}}");
    socm_value_free(r);
    /* floats are written so that they read back exactly */
    const double samples[] = {0.1, 1.0 / 3, 2.5e-308, 4.9e-324, 1.7976931348623157e308, 123456789.125, -1e-7};
    for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
        struct socm_value *t = socm_value_table(NULL);
        socm_table_set(t, "f", socm_value_float(samples[i], NULL));
        char *s = socm_config_to_tagged_json(t);
        json_t *j = json_loads(s, 0, NULL);
        const char *text = json_string_value(json_object_get(json_object_get(j, "f"), "value"));
        assert_non_null(text);
        assert_true(strtod(text, NULL) == samples[i]);
        json_decref(j);
        free(s);
        socm_value_free(t);
    }
}

static void test_null_and_plain_json(void **state)
{
    (void)state;
    struct socm_value *r = parse("s = \"x\"\ni = 3\nf = 2.5\nb = true\nd = 1979-05-27\nn = nan\n"
                                 "a = [1, \"two\", -inf]\n[t]\nk = {}\n");
    socm_table_set(r, "null", socm_value_new(SOCM_V_NULL, NULL)); /* what YAML can make */
    assert_json(socm_config_to_json(r),
                "{\"s\": \"x\", \"i\": 3, \"f\": 2.5, \"b\": true, \"d\": \"1979-05-27\","
                " \"n\": \"nan\", \"a\": [1, \"two\", \"-inf\"], \"t\": {\"k\": {}}, \"null\": null}");
    char *tagged = socm_config_to_tagged_json(r);
    json_t *j = json_loads(tagged, 0, NULL);
    assert_true(json_is_null(json_object_get(j, "null")));
    json_decref(j);
    free(tagged);
    socm_value_free(r);
}

/* parse → to_toml → parse gives the same tree. */
static void assert_roundtrip(const struct socm_value *tree)
{
    char *text = socm_config_to_toml(tree);
    struct socm_error err = {0};
    struct socm_value *back = socm_toml_parse(text, strlen(text), "out.toml", &err);
    if (!back)
        fail_msg("writer output does not parse: %s\n--- output:\n%s", err.msg, text);
    if (!tree_equal(tree, back))
        fail_msg("round trip changed the tree\n--- output:\n%s", text);
    socm_value_free(back);
    free(text);
}

static void test_toml_roundtrip_documents(void **state)
{
    (void)state;
    const char *docs[] = {
        "title = \"x\"\n[owner]\nname = \"Tom\"\ndob = 1979-05-27T07:32:00-08:00\n"
        "[database]\nports = [8000, 8001]\ndata = [[\"delta\", \"phi\"], [3.14]]\n"
        "temp = { cpu = 79.5, case = 72.0 }\n[servers.alpha]\nip = \"10.0.0.1\"\n",
        "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\n"
        "name = \"red delicious\"\n[[fruits.varieties]]\nname = \"granny smith\"\n[[fruits]]\n"
        "name = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"\n",
        "\"key with spaces\" = 1\n\"\" = 2\n\"a.b\" = 3\n\"\\u0000\\u001f\\u007f\\t\" = \"\\b\\f\\r\\n\\\"\\\\\\u0001\"\n"
        "\"\xc3\xa9\" = \"\xe2\x82\xac\"\n['quoted \"table\"'.\"x y\"]\nz = 1\n",
        "f = [0.1, -0.0, inf, -inf, nan, 1e300, 5e-324, 200.0, 1e16, 1e-5]\n"
        "i = [0, -1, 9223372036854775807, -9223372036854775808]\n",
        "d = [1979-05-27, 07:32:00, 00:00:00.123, 1979-05-27T07:32:00, 1979-05-27T07:32:00.999999999Z,"
        " 2000-01-01T00:00:00-00:30, 2000-02-29T23:59:60+14:00]\n",
        "empty_t = {}\nempty_a = []\nmixed = [1, \"a\", {x = [{}]}, [[]], {}]\n[t]\n[t.u.v]\n[[t.w]]\n",
        "a = [{x = 1}, {x = 2}]\n[b]\nc = [{y = [{z = 1}]}]\n",
        "ml = \"\"\"\nline 1\nline \"2\"\n\"\"\"\nlit = '''C:\\dir\\'''\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        struct socm_value *r = parse(docs[i]);
        assert_roundtrip(r);
        socm_value_free(r);
    }
    /* an array of tables is written as [[...]] sections */
    struct socm_value *r = parse("[[a]]\nx = 1\n[[a]]\nx = 2\n");
    char *text = socm_config_to_toml(r);
    assert_non_null(strstr(text, "[[a]]\nx = 1\n"));
    free(text);
    socm_value_free(r);
    /* nulls (from YAML) have no TOML form: written as a comment, dropped in arrays */
    r = parse("a = 1\n");
    socm_table_set(r, "n", socm_value_new(SOCM_V_NULL, NULL));
    struct socm_value *arr = socm_value_array(NULL);
    socm_array_push(arr, socm_value_new(SOCM_V_NULL, NULL));
    socm_array_push(arr, socm_value_integer(5, NULL));
    socm_table_set(r, "arr", arr);
    text = socm_config_to_toml(r);
    struct socm_error err = {0};
    struct socm_value *back = socm_toml_parse(text, strlen(text), "o.toml", &err);
    assert_non_null(back);
    assert_null(socm_table_get(back, "n"));
    assert_int_equal(socm_table_get(back, "arr")->u.arr.n, 1);
    socm_value_free(back);
    free(text);
    socm_value_free(r);
}

static void test_writers_repair_bad_utf8(void **state)
{
    (void)state;
    /* Trees built by hand may hold bytes that are not UTF-8: the writers still make
     * valid TOML and JSON, with U+FFFD in their place. */
    struct socm_value *t = socm_value_table(NULL);
    socm_table_add(t, "k\xff", 2, NULL, socm_value_string("a\xff" "b\xc3", 4, NULL));
    char *text = socm_config_to_toml(t);
    struct socm_error err = {0};
    struct socm_value *back = socm_toml_parse(text, strlen(text), "o.toml", &err);
    if (!back)
        fail_msg("%s\n%s", err.msg, text);
    assert_string_equal(socm_table_get(back, "k\xef\xbf\xbd")->u.str.s, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
    socm_value_free(back);
    free(text);
    assert_json(socm_config_to_json(t), "{\"k\\ufffd\": \"a\\ufffdb\\ufffd\"}");
    socm_value_free(t);
}

/* ---- random trees ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Keys and strings made of pieces that need quoting or escaping. */
static void random_key(char *buf, size_t *len)
{
    static const char *const pieces[] = {"a", "b", "_", "-", "1", " ", ".", "\"", "'", "\\",
                                         "#", "=", "[", "]", "\t", "\n", "\xc3\xa9", "\x01", "\x7f"};
    size_t n = 0;
    for (uint32_t i = rnd(4); i > 0; i--) {
        const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
        memcpy(buf + n, p, strlen(p));
        n += strlen(p);
    }
    *len = n;
}

static struct socm_value *random_tree(int depth, bool table);

static struct socm_value *random_scalar(void)
{
    switch (rnd(7)) {
    case 0: {
        char s[16];
        size_t n;
        random_key(s, &n);
        return socm_value_string(s, n, NULL);
    }
    case 1: {
        int64_t i = (int64_t)(rng_state >> rnd(64));
        return socm_value_integer(rnd(2) && i != INT64_MIN ? -i : i, NULL);
    }
    case 2: {
        double f;
        uint64_t bits = rng_state;
        memcpy(&f, &bits, sizeof f);
        return socm_value_float(rnd(3) ? f : (double)rnd(1000) / 8, NULL);
    }
    case 3: return socm_value_bool(rnd(2), NULL);
    default: {
        static const enum socm_vtype types[] = {SOCM_V_DATETIME, SOCM_V_DATETIME_LOCAL,
                                                SOCM_V_DATE_LOCAL, SOCM_V_TIME_LOCAL};
        struct socm_value *v = socm_value_new(types[rnd(4)], NULL);
        struct socm_datetime *d = &v->u.dt;
        d->year = (int)rnd(10000);
        d->month = 1 + (int)rnd(12);
        d->day = 1 + (int)rnd(28);
        d->hour = (int)rnd(24);
        d->minute = (int)rnd(60);
        d->second = (int)rnd(61);
        d->frac_digits = (int)rnd(10);
        if (d->frac_digits) {
            int ns = (int)rnd(1000000000), scale = 1;
            for (int k = d->frac_digits; k < 9; k++)
                scale *= 10;
            d->nanosecond = ns / scale * scale;
        }
        if (v->type == SOCM_V_DATETIME)
            d->offset_minutes = (int)rnd(24 * 60 * 2 - 1) - (24 * 60 - 1);
        if (v->type == SOCM_V_DATETIME && d->offset_minutes == 0)
            d->offset_z = true;
        return v;
    }
    }
}

static struct socm_value *random_tree(int depth, bool table)
{
    if (table) {
        struct socm_value *t = socm_value_table(NULL);
        int n = depth > 4 ? 0 : (int)rnd(5);
        for (int i = 0; i < n; i++) {
            char k[16];
            size_t kl;
            random_key(k, &kl);
            struct socm_value *v = rnd(3) == 0 ? random_tree(depth + 1, rnd(3) != 0) : random_scalar();
            if (socm_table_add(t, k, kl, NULL, v) < 0)
                socm_value_free(v);
        }
        return t;
    }
    struct socm_value *a = socm_value_array(NULL);
    int n = depth > 4 ? 0 : (int)rnd(4);
    for (int i = 0; i < n; i++)
        socm_array_push(a, rnd(3) == 0 ? random_tree(depth + 1, rnd(2)) : random_scalar());
    return a;
}

static void test_toml_roundtrip_random(void **state)
{
    (void)state;
    for (int i = 0; i < 3000; i++) {
        struct socm_value *t = random_tree(0, true);
        assert_roundtrip(t);
        /* and the JSON writers accept every tree */
        free(socm_config_to_tagged_json(t));
        free(socm_config_to_json(t));
        socm_value_free(t);
    }
}

/* The compact writer gives the same JSON values as the jansson path, on one line of
 * printable ASCII (every other character escaped). */
static void assert_compact_json(const struct socm_value *t)
{
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_puts(&b, "x"); /* appends to what the buffer holds */
    socm_config_write_json(t, &b);
    assert_int_equal(b.data[0], 'x');
    for (size_t i = 1; i < b.len; i++)
        if (b.data[i] < 0x20 || b.data[i] > 0x7e)
            fail_msg("byte 0x%02x at %zu in %s", (unsigned char)b.data[i], i, b.data);
    json_error_t e;
    json_t *got = json_loads(b.data + 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    json_t *want = socm_value_to_json(t);
    if (!got || !json_equal(got, want)) {
        char *w = json_dumps(want, JSON_ENCODE_ANY);
        fail_msg("compact JSON differs.\n--- got:\n%s\n--- want:\n%s", b.data + 1, w);
    }
    json_decref(got);
    json_decref(want);
    socm_buf_free(&b);
}

static void test_compact_json(void **state)
{
    (void)state;
    struct socm_value *r = parse("s = \"x\\u00e9\\U0001F600\\\"\\\\\\n\\u0000\"\ni = -3\nf = 2.5e300\n"
                                 "g = -0.0\nb = true\nd = 1979-05-27T07:32:00.5-08:00\nn = nan\n"
                                 "a = [1, \"two\", -inf, []]\n[t]\nk = {}\n\"\\u00e9\" = 1\n");
    socm_table_set(r, "null", socm_value_new(SOCM_V_NULL, NULL));
    assert_compact_json(r);
    socm_value_free(r);
    struct socm_value *bad = socm_value_table(NULL);
    socm_table_add(bad, "k\xff", 2, NULL, socm_value_string("a\xff" "b\xc3", 4, NULL));
    assert_compact_json(bad);
    socm_value_free(bad);
    for (int i = 0; i < 3000; i++) {
        struct socm_value *t = random_tree(0, true);
        assert_compact_json(t);
        socm_value_free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tagged_json_scalars),
        cmocka_unit_test(test_tagged_json_structure),
        cmocka_unit_test(test_null_and_plain_json),
        cmocka_unit_test(test_toml_roundtrip_documents),
        cmocka_unit_test(test_writers_repair_bad_utf8),
        cmocka_unit_test(test_toml_roundtrip_random),
        cmocka_unit_test(test_compact_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

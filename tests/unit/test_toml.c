/* test_toml.c — the TOML 1.0 parser, section by section of the specification
 * (https://toml.io/en/v1.0.0): valid documents build the right typed tree with
 * positions; invalid ones fail with the right file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct socm_value *parse(const char *doc)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(doc, strlen(doc), "t.toml", &err);
    if (!v)
        fail_msg("unexpected parse error: %s\n--- document:\n%s", err.msg, doc);
    return v;
}

/* Parses doc expecting failure; checks the message starts with "t.toml:LINE:COL:". */
static void expect_error_at(const char *doc, size_t len, int line, int col)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(doc, len, "t.toml", &err);
    if (v) {
        socm_value_free(v);
        fail_msg("expected an error at %d:%d for:\n%s", line, col, doc);
    }
    char want[64];
    snprintf(want, sizeof want, "t.toml:%d:%d: ", line, col);
    if (strncmp(err.msg, want, strlen(want)) != 0)
        fail_msg("error '%s' is not at %d:%d for:\n%s", err.msg, line, col, doc);
}
#define BAD(doc, line, col) expect_error_at(doc, strlen(doc), line, col)

static const struct socm_value *at(const struct socm_value *root, const char *path)
{
    const struct socm_value *v = socm_value_path(root, path);
    if (!v)
        fail_msg("no value at %s", path);
    return v;
}

static void test_keyvalue_basic(void **state)
{
    (void)state;
    struct socm_value *r = parse("# comment\nkey = \"value\" # trailing\n  bare_key-1 = 42\n");
    assert_int_equal(at(r, "key")->type, SOCM_V_STRING);
    assert_string_equal(at(r, "key")->u.str.s, "value");
    assert_int_equal(at(r, "key")->pos.line, 2);
    assert_int_equal(at(r, "key")->pos.col, 7);
    assert_int_equal(at(r, "bare_key-1")->u.i, 42);
    assert_int_equal(at(r, "bare_key-1")->pos.line, 3);
    assert_int_equal(at(r, "bare_key-1")->pos.col, 16);
    assert_int_equal(r->u.tbl.items[1].key_pos.col, 3);
    socm_value_free(r);
    BAD("key = # no value\n", 1, 7);
    BAD("key\n", 1, 4);
    BAD("a = 1 b = 2\n", 1, 7);
    BAD("= 1\n", 1, 1);
}

static void test_tables_common(void **state)
{
    (void)state;
    struct socm_value *r = parse("[campaign]\ndeadline = \"24h\"\n[campaign.wf.resources]\n"
                                 "ranks = 70\nmemory = 4.5\nok = true\nlist = [1, \"a\", [2]]\n"
                                 "env = { A = \"1\", b.c = false }\n");
    assert_string_equal(at(r, "campaign.deadline")->u.str.s, "24h");
    assert_int_equal(at(r, "campaign.wf.resources.ranks")->u.i, 70);
    assert_true(at(r, "campaign.wf.resources.memory")->u.f == 4.5);
    assert_true(at(r, "campaign.wf.resources.ok")->u.b);
    assert_int_equal(at(r, "campaign.wf.resources.list")->u.arr.n, 3);
    assert_false(at(r, "campaign.wf.resources.env.b.c")->u.b);
    socm_value_free(r);
}


static void test_comments(void **state)
{
    (void)state;
    struct socm_value *r = parse("# full line\n\t# indented\nk = 1 # after\n# at eof");
    assert_int_equal(r->u.tbl.n, 1);
    socm_value_free(r);
    r = parse("a = \"# not a comment\" # comment with \"quotes\" and ' and \xc3\xa9\n");
    assert_string_equal(at(r, "a")->u.str.s, "# not a comment");
    socm_value_free(r);
    BAD("# ok\n# bad \x01 control\n", 2, 7);
    BAD("a = 1 # del \x7f\n", 1, 13);
    BAD("# a bare\rcr\n", 1, 9);
}

static void test_keys(void **state)
{
    (void)state;
    struct socm_value *r = parse("key = 1\nbare_key = 2\nbare-key = 3\n1234 = 4\n"
                                 "\"127.0.0.1\" = 5\n\"character encoding\" = 6\n"
                                 "\"\xca\x8e\xc7\x9d\xca\x9e\" = 7\n'key2' = 8\n'quoted \"value\"' = 9\n"
                                 "\"\" = 10\n");
    assert_int_equal(r->u.tbl.n, 10);
    assert_int_equal(socm_table_get(r, "127.0.0.1")->u.i, 5);
    assert_int_equal(socm_table_get(r, "quoted \"value\"")->u.i, 9);
    assert_int_equal(socm_table_get(r, "")->u.i, 10);
    assert_int_equal(socm_table_get(r, "1234")->u.i, 4);
    socm_value_free(r);

    /* dotted keys, whitespace around dots, quoted parts */
    r = parse("name = \"Orange\"\nphysical.color = \"orange\"\nphysical . shape = \"round\"\n"
              "site.\"google.com\" = true\n3.14159 = \"pi\"\n");
    assert_string_equal(at(r, "physical.shape")->u.str.s, "round");
    assert_true(socm_table_get(socm_table_get(r, "site"), "google.com")->u.b);
    assert_string_equal(socm_table_get(socm_table_get(r, "3"), "14159")->u.str.s, "pi");
    socm_value_free(r);

    /* keys with escapes and NUL are kept with their length */
    r = parse("\"a\\u0000b\" = 1\n\"\\n\" = 2\n");
    assert_int_equal(r->u.tbl.items[0].keylen, 3);
    assert_memory_equal(r->u.tbl.items[0].key, "a\0b", 3);
    assert_string_equal(r->u.tbl.items[1].key, "\n");
    socm_value_free(r);

    BAD("a = 1\na = 2\n", 2, 1);
    BAD("spelling = \"favorite\"\n\"spelling\" = \"favourite\"\n", 2, 1);
    BAD("a.b = 1\na.b = 2\n", 2, 3);
    BAD("a = 1\na.b = 2\n", 2, 1);             /* a is an integer */
    BAD("\"\"\"key\"\"\" = 1\n", 1, 1);        /* no multi-line keys */
    BAD("a b = 1\n", 1, 3);
    BAD(".a = 1\n", 1, 1);
    BAD("a. = 1\n", 1, 4);
    BAD("a..b = 1\n", 1, 3);
    BAD("k\xc3\xa9y = 1\n", 1, 2);              /* non-ASCII bare key */
    BAD("\"unterminated = 1\n", 1, 1);
    BAD("a = 1 = 2\n", 1, 7);
    BAD("[t]\nx = 1\ny = 2\nx = 3\n", 4, 1);
}

static const char *str_of(const struct socm_value *r, const char *key)
{
    const struct socm_value *v = socm_table_get(r, key);
    if (!v || v->type != SOCM_V_STRING)
        fail_msg("%s is not a string", key);
    return v->u.str.s;
}

static void test_basic_strings(void **state)
{
    (void)state;
    struct socm_value *r =
        parse("s = \"I'm a string. \\\"You can quote me\\\". Name\\tJos\\u00E9\\nLocation\\tSF.\"\n"
              "e = \"\\b\\t\\n\\f\\r\\\"\\\\\"\n"
              "u = \"\\u00e9\\u20AC\\U0001F600\\U0010FFFF\\u0000x\"\n"
              "tab = \"a\tb\"\n"
              "utf = \"\xe2\x82\xac\"\n"
              "empty = \"\"\n");
    assert_string_equal(str_of(r, "s"), "I'm a string. \"You can quote me\". Name\tJos\xc3\xa9\nLocation\tSF.");
    assert_string_equal(str_of(r, "e"), "\b\t\n\f\r\"\\");
    const struct socm_value *u = socm_table_get(r, "u");
    assert_int_equal(u->u.str.len, 2 + 3 + 4 + 4 + 1 + 1);
    assert_memory_equal(u->u.str.s, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\0x", 15);
    assert_string_equal(str_of(r, "tab"), "a\tb");
    assert_string_equal(str_of(r, "utf"), "\xe2\x82\xac");
    assert_string_equal(str_of(r, "empty"), "");
    socm_value_free(r);

    BAD("s = \"bad \\q escape\"\n", 1, 10);
    BAD("s = \"\\x41\"\n", 1, 6);               /* \x is TOML 1.1, not 1.0 */
    BAD("s = \"\\e\"\n", 1, 6);
    BAD("s = \"\\u12\"\n", 1, 6);
    BAD("s = \"\\uD800\"\n", 1, 6);             /* surrogate */
    BAD("s = \"\\UFFFFFFFF\"\n", 1, 6);
    BAD("s = \"\\U00110000\"\n", 1, 6);
    BAD("s = \"no end\n", 1, 5);
    BAD("s = \"no end", 1, 5);
    BAD("s = \"a\x01\"\n", 1, 7);              /* control character */
    BAD("s = \"a\x1f\"\n", 1, 7);
    BAD("s = \"a\x7f\"\n", 1, 7);
    BAD("s = \"a\" \"b\"\n", 1, 9);
    BAD("s = \"a\\\"\n", 1, 5);                 /* escaped closing quote */
}

static void test_multiline_basic_strings(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "a = \"\"\"\nRoses are red\nViolets are blue\"\"\"\n"
        "b = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\"\"\"\n"
        "c = \"\"\"\\\n       The quick brown \\\n       fox.\\\n       \"\"\"\n"
        "d = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"\n"
        "e = \"\"\"Here are three quotation marks: \"\"\\\".\"\"\"\n"
        "f = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"\n"
        "g = \"\"\"\"\"\"\n"
        "h = \"\"\"a\"\"\"\"\"\n"
        "i = \"\"\"\r\nx\r\ny\\   \r\n  z\"\"\"\n"
        "j = \"\"\"tab\there \\u00e9 \\t\"\"\"\n");
    assert_string_equal(str_of(r, "a"), "Roses are red\nViolets are blue");
    assert_string_equal(str_of(r, "b"), "The quick brown fox jumps over the lazy dog.");
    assert_string_equal(str_of(r, "c"), "The quick brown fox.");
    assert_string_equal(str_of(r, "d"), "Here are two quotation marks: \"\". Simple enough.");
    assert_string_equal(str_of(r, "e"), "Here are three quotation marks: \"\"\".");
    assert_string_equal(str_of(r, "f"), "\"This,\" she said, \"is just a pointless statement.\"");
    assert_string_equal(str_of(r, "g"), "");
    assert_string_equal(str_of(r, "h"), "a\"\"");
    assert_string_equal(str_of(r, "i"), "x\nyz");
    assert_string_equal(str_of(r, "j"), "tab\there \xc3\xa9 \t");
    /* the value after multi-line strings has the right line */
    assert_int_equal(at(r, "j")->pos.line, 23);
    socm_value_free(r);

    BAD("a = \"\"\"Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\".\"\"\"\n", 1, 47);
    BAD("a = \"\"\"abc\"\"\"\"\"\"\n", 1, 16);   /* six quotes at the end */
    BAD("a = \"\"\"\nline\n", 1, 5);             /* unterminated */
    BAD("a = \"\"\"\nx \\ y\"\"\"\n", 2, 3);       /* backslash + space not at line end */
    BAD("a = \"\"\"\nx\x0by\"\"\"\n", 2, 2);
    BAD("a = \"\"\"\nx\ry\"\"\"\n", 2, 2);        /* bare CR */
    BAD("a = \"\"\"\n\\uD800\"\"\"\n", 2, 1);
}

static void test_literal_strings(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "winpath = 'C:\\Users\\nodejs\\templates'\n"
        "quoted = 'Tom \"Dubs\" Preston-Werner'\n"
        "regex = '<\\i\\c*\\s*>'\n"
        "tab = 'a\tb'\n"
        "re2 = '''I [dw]on't need \\d{2} apples'''\n"
        "lines = '''\nThe first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n'''\n"
        "q1 = '''Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"'''\n"
        "q2 = ''''That,' she said, 'is still pointless.''''\n"
        "crlf = '''a\r\nb\\'''\n");
    assert_string_equal(str_of(r, "winpath"), "C:\\Users\\nodejs\\templates");
    assert_string_equal(str_of(r, "quoted"), "Tom \"Dubs\" Preston-Werner");
    assert_string_equal(str_of(r, "regex"), "<\\i\\c*\\s*>");
    assert_string_equal(str_of(r, "tab"), "a\tb");
    assert_string_equal(str_of(r, "re2"), "I [dw]on't need \\d{2} apples");
    assert_string_equal(str_of(r, "lines"),
                        "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved.\n");
    assert_string_equal(str_of(r, "q1"), "Here are fifteen quotation marks: \"\"\"\"\"\"\"\"\"\"\"\"\"\"\"");
    assert_string_equal(str_of(r, "q2"), "'That,' she said, 'is still pointless.'");
    assert_string_equal(str_of(r, "crlf"), "a\nb\\");
    socm_value_free(r);

    BAD("a = 'no\nend'\n", 1, 5);
    BAD("a = 'it's'\n", 1, 9);
    BAD("a = 'a\x01'\n", 1, 7);
    BAD("a = '''a''''''\n", 1, 14);
    BAD("a = '''\nnever closed\n", 1, 5);
    BAD("a = '''\nbad \x7f\n'''\n", 2, 5);
}

static int64_t int_of(const struct socm_value *r, const char *key)
{
    const struct socm_value *v = socm_table_get(r, key);
    if (!v || v->type != SOCM_V_INTEGER)
        fail_msg("%s is not an integer", key);
    return v->u.i;
}

static void test_integers(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "a = +99\nb = 42\nc = 0\nd = -17\ne = 1_000\nf = 5_349_221\ng = 53_49_221\n"
        "h = 1_2_3_4_5\ni = 0xDEADBEEF\nj = 0xdeadbeef\nk = 0xdead_beef\nl = 0o01234567\n"
        "m = 0o755\nn = 0b11010110\no = 9223372036854775807\np = -9223372036854775808\n"
        "q = 0x7FFFFFFFFFFFFFFF\nr = +0\ns = -0\nt = 0x0\nu = 0b0\nv = 0o0\nw = 0x00_0F\n");
    assert_int_equal(int_of(r, "a"), 99);
    assert_int_equal(int_of(r, "d"), -17);
    assert_int_equal(int_of(r, "e"), 1000);
    assert_int_equal(int_of(r, "g"), 5349221);
    assert_int_equal(int_of(r, "h"), 12345);
    assert_int_equal(int_of(r, "i"), 0xDEADBEEF);
    assert_int_equal(int_of(r, "k"), 0xdeadbeef);
    assert_int_equal(int_of(r, "l"), 01234567);
    assert_int_equal(int_of(r, "n"), 214);
    assert_true(int_of(r, "o") == INT64_MAX);
    assert_true(int_of(r, "p") == INT64_MIN);
    assert_true(int_of(r, "q") == INT64_MAX);
    assert_int_equal(int_of(r, "s"), 0);
    assert_int_equal(int_of(r, "w"), 15);
    socm_value_free(r);

    BAD("a = 9223372036854775808\n", 1, 5);
    BAD("a = -9223372036854775809\n", 1, 5);
    BAD("a = 0x8000000000000000\n", 1, 5);
    BAD("a = 0b11111111111111111111111111111111111111111111111111111111111111111\n", 1, 5);
    BAD("a = 99999999999999999999999999\n", 1, 5);
    BAD("a = 01\n", 1, 5);
    BAD("a = -012\n", 1, 5);
    BAD("a = 1__2\n", 1, 5);
    BAD("a = _1\n", 1, 5);
    BAD("a = 1_\n", 1, 5);
    BAD("a = -0x1\n", 1, 5);
    BAD("a = +0b1\n", 1, 5);
    BAD("a = 0x_1\n", 1, 5);
    BAD("a = 0xG\n", 1, 5);
    BAD("a = 0o8\n", 1, 5);
    BAD("a = 0b2\n", 1, 5);
    BAD("a = 0X1\n", 1, 5);
    BAD("a = 0x\n", 1, 5);
    BAD("a = ++1\n", 1, 5);
    BAD("a = 1x\n", 1, 5);
    BAD("a = 123abc\n", 1, 5);
    BAD("a = 1 2\n", 1, 7);
}

static double float_of(const struct socm_value *r, const char *key)
{
    const struct socm_value *v = socm_table_get(r, key);
    if (!v || v->type != SOCM_V_FLOAT)
        fail_msg("%s is not a float", key);
    return v->u.f;
}

static void test_floats(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "a = +1.0\nb = 3.1415\nc = -0.01\nd = 5e+22\ne = 1e06\nf = -2E-2\ng = 6.626e-34\n"
        "h = 224_617.445_991_228\ni = 1e1_0\nj = -0.0\nk = +0.0\nl = inf\nm = +inf\nn = -inf\n"
        "o = nan\np = +nan\nq = -nan\nr = 3e-01\ns = 0e0\nt = 1.7976931348623157e308\n"
        "u = 4.9e-324\nv = 1e-400\nw = 0.1\n");
    assert_true(float_of(r, "a") == 1.0);
    assert_true(float_of(r, "b") == 3.1415);
    assert_true(float_of(r, "c") == -0.01);
    assert_true(float_of(r, "d") == 5e22);
    assert_true(float_of(r, "e") == 1e6);
    assert_true(float_of(r, "f") == -2e-2);
    assert_true(float_of(r, "g") == 6.626e-34);
    assert_true(float_of(r, "h") == 224617.445991228);
    assert_true(float_of(r, "i") == 1e10);
    assert_true(float_of(r, "j") == 0.0 && signbit(float_of(r, "j")));
    assert_false(signbit(float_of(r, "k")));
    assert_true(isinf(float_of(r, "l")) && float_of(r, "l") > 0);
    assert_true(isinf(float_of(r, "m")) && float_of(r, "m") > 0);
    assert_true(isinf(float_of(r, "n")) && float_of(r, "n") < 0);
    assert_true(isnan(float_of(r, "o")) && isnan(float_of(r, "p")) && isnan(float_of(r, "q")));
    assert_true(float_of(r, "r") == 0.3);
    assert_true(float_of(r, "s") == 0.0);
    assert_true(float_of(r, "t") == 1.7976931348623157e308);
    assert_true(float_of(r, "u") == 4.9e-324);
    assert_true(float_of(r, "v") == 0.0);
    assert_true(float_of(r, "w") == 0.1);
    socm_value_free(r);

    BAD("a = .7\n", 1, 5);
    BAD("a = 7.\n", 1, 5);
    BAD("a = 3.e+20\n", 1, 5);
    BAD("a = 1.2.3\n", 1, 5);
    BAD("a = 1e\n", 1, 5);
    BAD("a = 1e+\n", 1, 5);
    {
        /* An exponent mark as the input's very last byte (found by fuzz_toml): the
         * scanner must not look past the buffer, which has no terminating NUL. */
        static const char doc[] = "a = 16e";
        char *exact = malloc(sizeof doc - 1);
        memcpy(exact, doc, sizeof doc - 1);
        expect_error_at(exact, sizeof doc - 1, 1, 5);
        free(exact);
    }
    BAD("a = 1ee2\n", 1, 5);
    BAD("a = 1e2.3\n", 1, 5);
    BAD("a = 1_.5\n", 1, 5);
    BAD("a = 1._5\n", 1, 5);
    BAD("a = 1.5_\n", 1, 5);
    BAD("a = 1e_2\n", 1, 5);
    BAD("a = 1e2_\n", 1, 5);
    BAD("a = 1_e2\n", 1, 5);
    BAD("a = 01.5\n", 1, 5);
    BAD("a = -01.5\n", 1, 5);
    BAD("a = 00.0\n", 1, 5);
    BAD("a = Inf\n", 1, 5);
    BAD("a = NaN\n", 1, 5);
    BAD("a = infinity\n", 1, 5);
    BAD("a = in\n", 1, 5);
    BAD("a = na\n", 1, 5);
    BAD("a = i_nf\n", 1, 5);
    BAD("a = 1e400\n", 1, 5);
    BAD("a = -1e400\n", 1, 5);
    BAD("a = +.5\n", 1, 5);
}

static void test_booleans(void **state)
{
    (void)state;
    struct socm_value *r = parse("t = true\nf = false\narr = [true,false]\n");
    assert_int_equal(at(r, "t")->type, SOCM_V_BOOL);
    assert_true(at(r, "t")->u.b);
    assert_false(at(r, "f")->u.b);
    assert_true(at(r, "arr")->u.arr.items[0]->u.b);
    socm_value_free(r);
    BAD("a = True\n", 1, 5);
    BAD("a = FALSE\n", 1, 5);
    BAD("a = tru\n", 1, 5);
    BAD("a = truer\n", 1, 5);
    BAD("a = falsey\n", 1, 5);
    BAD("a = t\n", 1, 5);
    BAD("a = true false\n", 1, 10);
}

static const struct socm_datetime *dt_of(const struct socm_value *r, const char *key,
                                         enum socm_vtype type)
{
    const struct socm_value *v = socm_table_get(r, key);
    if (!v || v->type != type)
        fail_msg("%s is not a %s", key, socm_vtype_name(type));
    return &v->u.dt;
}

static void test_datetimes(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00-07:00\n"
        "odt3 = 1979-05-27T00:32:00.999999-07:00\nodt4 = 1979-05-27 07:32:00Z\n"
        "odt5 = 1979-05-27t07:32:00z\nodt6 = 1979-05-27T07:32:00+05:45\n"
        "ldt1 = 1979-05-27T07:32:00\nldt2 = 1979-05-27T00:32:00.999999\n"
        "ld1 = 1979-05-27\nlt1 = 07:32:00\nlt2 = 00:32:00.999999\n"
        "leap = 2000-02-29\nleap2 = 2024-02-29T23:59:60Z\nns = 12:00:00.123456789123\n"
        "date_then_comment = 1979-05-27 # comment\n"
        "arr = [1979-05-27, 07:32:00, 1979-05-27 07:32:00]\n");
    const struct socm_datetime *d = dt_of(r, "odt1", SOCM_V_DATETIME);
    assert_int_equal(d->year, 1979);
    assert_int_equal(d->month, 5);
    assert_int_equal(d->day, 27);
    assert_int_equal(d->hour, 7);
    assert_int_equal(d->minute, 32);
    assert_true(d->offset_z);
    d = dt_of(r, "odt2", SOCM_V_DATETIME);
    assert_int_equal(d->offset_minutes, -420);
    d = dt_of(r, "odt3", SOCM_V_DATETIME);
    assert_int_equal(d->nanosecond, 999999000);
    assert_int_equal(d->frac_digits, 6);
    dt_of(r, "odt4", SOCM_V_DATETIME);
    assert_true(dt_of(r, "odt5", SOCM_V_DATETIME)->offset_z);
    assert_int_equal(dt_of(r, "odt6", SOCM_V_DATETIME)->offset_minutes, 345);
    dt_of(r, "ldt1", SOCM_V_DATETIME_LOCAL);
    assert_int_equal(dt_of(r, "ldt2", SOCM_V_DATETIME_LOCAL)->nanosecond, 999999000);
    d = dt_of(r, "ld1", SOCM_V_DATE_LOCAL);
    assert_int_equal(d->day, 27);
    d = dt_of(r, "lt1", SOCM_V_TIME_LOCAL);
    assert_int_equal(d->hour, 7);
    assert_int_equal(d->second, 0);
    dt_of(r, "lt2", SOCM_V_TIME_LOCAL);
    dt_of(r, "leap", SOCM_V_DATE_LOCAL);
    assert_int_equal(dt_of(r, "leap2", SOCM_V_DATETIME)->second, 60);
    d = dt_of(r, "ns", SOCM_V_TIME_LOCAL);
    assert_int_equal(d->nanosecond, 123456789); /* beyond ns is truncated */
    dt_of(r, "date_then_comment", SOCM_V_DATE_LOCAL);
    const struct socm_value *arr = at(r, "arr");
    assert_int_equal(arr->u.arr.items[0]->type, SOCM_V_DATE_LOCAL);
    assert_int_equal(arr->u.arr.items[1]->type, SOCM_V_TIME_LOCAL);
    assert_int_equal(arr->u.arr.items[2]->type, SOCM_V_DATETIME_LOCAL);
    socm_value_free(r);

    BAD("a = 2021-02-29\n", 1, 13);          /* not a leap year */
    BAD("a = 1900-02-29\n", 1, 13);          /* century, not a leap year */
    BAD("a = 2023-04-31\n", 1, 13);
    BAD("a = 2023-00-01\n", 1, 10);
    BAD("a = 2023-13-01\n", 1, 10);
    BAD("a = 2023-01-00\n", 1, 13);
    BAD("a = 2023-01-32T00:00:00Z\n", 1, 13);
    BAD("a = 2023-01-01T24:00:00\n", 1, 16);
    BAD("a = 2023-01-01T23:60:00\n", 1, 19);
    BAD("a = 2023-01-01T23:59:61\n", 1, 22);
    BAD("a = 24:00:00\n", 1, 5);
    BAD("a = 12:60:00\n", 1, 8);
    BAD("a = 12:00:61\n", 1, 11);
    BAD("a = 12:00\n", 1, 5);                 /* seconds are required in 1.0 */
    BAD("a = 1979-05-27T07:32\n", 1, 16);
    BAD("a = 1979-5-27\n", 1, 5);
    BAD("a = 1979-05-7\n", 1, 5);
    BAD("a = 79-05-27\n", 1, 5);
    BAD("a = 1:32:00\n", 1, 5);
    BAD("a = 01:32:0\n", 1, 5);
    BAD("a = 1979-05-27T\n", 1, 15);
    BAD("a = 1979-05-27T07:32:00.\n", 1, 24);
    BAD("a = 1979-05-27T07:32:00+7:00\n", 1, 24);
    BAD("a = 1979-05-27T07:32:00+24:00\n", 1, 24);
    BAD("a = 1979-05-27T07:32:00+07:60\n", 1, 24);
    BAD("a = 1979-05-27T07:32:00Zx\n", 1, 25);
    BAD("a = 07:32:00Z\n", 1, 13);            /* a local time has no offset */
    BAD("a = 1979-05-27 07:32:00 Z\n", 1, 25);
    BAD("a = 1979-05-27_07:32:00\n", 1, 15);
}

static void test_arrays(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "integers = [ 1, 2, 3 ]\ncolors = [ \"red\", \"yellow\", \"green\" ]\n"
        "nested_arrays_of_ints = [ [ 1, 2 ], [3, 4, 5] ]\n"
        "nested_mixed_array = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]\n"
        "string_array = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]\n"
        "numbers = [ 0.1, 0.2, 0.5, 1, 2, 5 ]\n"
        "contributors = [\n  \"Foo Bar <foo@example.com>\",\n"
        "  { name = \"Baz Qux\", email = \"bazqux@example.com\", url = \"https://example.com/bazqux\" }\n]\n"
        "integers2 = [\n  1, 2, 3\n]\n"
        "integers3 = [\n  1,\n  2, # this is ok\n]\n"
        "empty = []\nempty2 = [ # c\n\n]\n"
        "commented = [ # a\n 1 # b\n , # c\n 2 # d\n ] # e\n");
    const struct socm_value *a = at(r, "integers");
    assert_int_equal(a->type, SOCM_V_ARRAY);
    assert_int_equal(a->u.arr.n, 3);
    assert_int_equal(a->u.arr.items[2]->u.i, 3);
    assert_int_equal(a->u.arr.items[2]->pos.col, 20);
    assert_int_equal(at(r, "nested_arrays_of_ints")->u.arr.items[1]->u.arr.items[2]->u.i, 5);
    assert_string_equal(at(r, "string_array")->u.arr.items[3]->u.str.s, "type");
    const struct socm_value *c = at(r, "contributors");
    assert_int_equal(c->u.arr.items[0]->type, SOCM_V_STRING);
    assert_int_equal(c->u.arr.items[1]->type, SOCM_V_TABLE);
    assert_int_equal(c->u.arr.items[1]->pos.line, 9);
    assert_int_equal(at(r, "integers3")->u.arr.n, 2);
    assert_int_equal(at(r, "empty")->u.arr.n, 0);
    assert_int_equal(at(r, "empty2")->u.arr.n, 0);
    assert_int_equal(at(r, "commented")->u.arr.n, 2);
    socm_value_free(r);

    BAD("a = [1, 2\n", 1, 5);
    BAD("a = [1 2]\n", 1, 8);
    BAD("a = [,]\n", 1, 6);
    BAD("a = [1,,2]\n", 1, 8);
    BAD("a = [1, 2,,]\n", 1, 11);
    BAD("a = [\n1,\n2\n", 1, 5);
    BAD("a = [ 1, 2 ] 3\n", 1, 14);
    BAD("a = [ \"a\" , b ]\n", 1, 13);
    BAD("a = [ 1, 2 # comment ]\n", 1, 5);
}

static void test_tables(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "[table]\n[table-1]\nkey1 = \"some string\"\nkey2 = 123\n[table-2]\nkey1 = \"another string\"\n"
        "[dog.\"tater.man\"]\ntype.name = \"pug\"\n"
        "[ a . b . c ]\n[ d.e.f ] # same as [d.e.f]\n[ g .  h  . i ]\n[ j . \"\xca\x9e\" . 'l' ]\n"
        "[x.y.z.w] # super-tables created implicitly\n[x]\nfoo = 1\n"
        "[\"\"]\nempty = true\n");
    assert_int_equal(at(r, "table")->type, SOCM_V_TABLE);
    assert_int_equal(at(r, "table")->u.tbl.n, 0);
    assert_int_equal(at(r, "table-1.key2")->u.i, 123);
    const struct socm_value *dog = socm_table_get(at(r, "dog"), "tater.man");
    assert_non_null(dog);
    assert_string_equal(at(dog, "type.name")->u.str.s, "pug");
    assert_non_null(socm_value_path(r, "a.b.c"));
    assert_non_null(socm_value_path(r, "g.h.i"));
    assert_non_null(socm_table_get(socm_table_get(at(r, "j"), "\xca\x9e"), "l"));
    assert_int_equal(at(r, "x.foo")->u.i, 1);
    assert_true(at(r, "x")->flags & SOCM_VF_EXPLICIT);
    assert_true(at(r, "x.y")->flags & SOCM_VF_IMPLICIT);
    assert_true(socm_table_get(socm_table_get(r, ""), "empty")->u.b);
    /* positions: the table is where its name is */
    assert_int_equal(at(r, "table-1")->pos.line, 2);
    assert_int_equal(at(r, "table-1")->pos.col, 2);
    socm_value_free(r);

    /* dotted keys define tables; [table] can add sub-tables to them */
    r = parse("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n"
              "[fruit.apple.texture]\nsmooth = true\n");
    assert_true(at(r, "fruit.apple.taste.sweet")->u.b);
    assert_true(at(r, "fruit.apple.texture.smooth")->u.b);
    socm_value_free(r);
    /* out-of-order tables are valid */
    r = parse("[fruit.apple]\n[animal]\n[fruit.orange]\n");
    assert_int_equal(at(r, "fruit")->u.tbl.n, 2);
    socm_value_free(r);
    /* top-level keys belong to the root; tables from dotted keys at the root */
    r = parse("name = \"Fido\"\nbreed = \"pug\"\n[owner]\nname = \"Regina Dogman\"\n");
    assert_string_equal(at(r, "owner.name")->u.str.s, "Regina Dogman");
    socm_value_free(r);
    r = parse("fruit.apple.color = \"red\"\nfruit.apple.taste.sweet = true\n[fruit.apple.texture]\n");
    assert_true(at(r, "fruit.apple")->flags & SOCM_VF_DOTTED);
    socm_value_free(r);
    /* an implicit super-table can be defined once, after its sub-table */
    r = parse("[a.b.c]\nanswer = 42\n[a]\nbetter = 43\n");
    assert_int_equal(at(r, "a.better")->u.i, 43);
    socm_value_free(r);

    BAD("[fruit]\napple = \"red\"\n[fruit]\norange = \"orange\"\n", 3, 2);
    BAD("[fruit]\napple = \"red\"\n[fruit.apple]\ntexture = \"smooth\"\n", 3, 8);
    BAD("[a]\n[a]\n", 2, 2);
    BAD("[a.b]\n[a.b]\n", 2, 4);
    BAD("[a]\nb = 1\n[a.b]\n", 3, 4);
    BAD("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple]\n", 4, 8);
    BAD("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.taste]\n", 4, 14);
    BAD("a.b = 1\n[a]\n", 2, 2);
    /* dotted keys cannot reach into a table defined by a header */
    BAD("[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n", 4, 1);
    BAD("[a.b.c]\nz = 9\n[a]\nb.d = 1\n", 4, 1);
    BAD("[a.b.c.d]\nz = 9\n[a]\nb.c.d.k.t = 1\n", 4, 1);
    BAD("[tab.arr]\n[tab]\narr.val1 = 1\n", 3, 1);
    BAD("[]\n", 1, 2);
    BAD("[a.]\n", 1, 4);
    BAD("[.a]\n", 1, 2);
    BAD("[a\n", 1, 3);
    BAD("[a b]\n", 1, 4);
    BAD("[a] b = 1\n", 1, 5);
    BAD("[a]]\n", 1, 4);
    BAD("[[a]\n", 1, 4);
    BAD("[a = 1\n", 1, 4);
    BAD("[\"\"\"a\"\"\"]\n", 1, 2);
    BAD("a = 1\n[a]\n", 2, 2);
    BAD("a = [1]\n[a]\n", 2, 2);
    BAD("[a]\nb = [1]\n[a.b.c]\n", 3, 4);
}

static void test_inline_tables(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "name = { first = \"Tom\", last = \"Preston-Werner\" }\n"
        "point = { x = 1, y = 2 }\n"
        "animal = { type.name = \"pug\" }\n"
        "empty = {}\nempty2 = {   }\n"
        "nested = { a = { b = { c = [1, { d = 2 }] } } }\n"
        "dots = { a.b = 1, a.c = 2, \"q.k\" = 3 }\n"
        "[product]\ntype = { name = \"Nail\" }\n");
    assert_string_equal(at(r, "name.first")->u.str.s, "Tom");
    assert_true(at(r, "name")->flags & SOCM_VF_INLINE);
    assert_int_equal(at(r, "point.y")->u.i, 2);
    assert_string_equal(at(r, "animal.type.name")->u.str.s, "pug");
    assert_int_equal(at(r, "empty")->u.tbl.n, 0);
    assert_int_equal(at(r, "empty2")->type, SOCM_V_TABLE);
    assert_int_equal(at(r, "nested.a.b.c")->u.arr.items[1]->type, SOCM_V_TABLE);
    assert_int_equal(at(r, "dots.a.c")->u.i, 2);
    assert_int_equal(socm_table_get(at(r, "dots"), "q.k")->u.i, 3);
    assert_string_equal(at(r, "product.type.name")->u.str.s, "Nail");
    socm_value_free(r);

    BAD("[product]\ntype = { name = \"Nail\" }\ntype.edible = false\n", 3, 1);
    BAD("[product]\ntype.name = \"Nail\"\ntype = { edible = false }\n", 3, 1);
    BAD("a = { b = 1 }\n[a]\n", 2, 2);
    BAD("a = { b = 1 }\n[a.c]\n", 2, 2);
    BAD("a = { b = { c = 1 } }\n[a.b]\n", 2, 2);
    BAD("a = { b = 1, }\n", 1, 14);
    BAD("a = { b = 1\n}\n", 1, 12);
    BAD("a = {\nb = 1 }\n", 1, 6);
    BAD("a = { b = 1 # c\n}\n", 1, 13);
    BAD("a = { b = 1 c = 2 }\n", 1, 13);
    BAD("a = { b = 1, b = 2 }\n", 1, 14);
    BAD("a = { b.c = 1, b = 2 }\n", 1, 16);
    BAD("a = { b = {c = 1}, b.d = 2 }\n", 1, 20);
    BAD("a = { , }\n", 1, 7);
    BAD("a = { b = 1 \n", 1, 13);
    BAD("a = { b }\n", 1, 9);
    BAD("tbl = { fruit = { apple.color = \"red\", apple.taste.sweet = true }, fruit.apple.texture = { smooth = true } }\n", 1, 68);
}

static void test_arrays_of_tables(void **state)
{
    (void)state;
    struct socm_value *r = parse(
        "[[products]]\nname = \"Hammer\"\nsku = 738594937\n\n[[products]]  # empty table\n\n"
        "[[products]]\nname = \"Nail\"\nsku = 284758393\ncolor = \"gray\"\n");
    const struct socm_value *p = at(r, "products");
    assert_int_equal(p->type, SOCM_V_ARRAY);
    assert_int_equal(p->u.arr.n, 3);
    assert_int_equal(p->u.arr.items[1]->u.tbl.n, 0);
    assert_string_equal(at(p->u.arr.items[2], "color")->u.str.s, "gray");
    assert_int_equal(p->u.arr.items[2]->pos.line, 7);
    socm_value_free(r);

    r = parse("[[fruits]]\nname = \"apple\"\n[fruits.physical]  # subtable\ncolor = \"red\"\nshape = \"round\"\n"
              "[[fruits.varieties]]  # nested array of tables\nname = \"red delicious\"\n"
              "[[fruits.varieties]]\nname = \"granny smith\"\n"
              "[[fruits]]\nname = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"\n");
    const struct socm_value *f = at(r, "fruits");
    assert_int_equal(f->u.arr.n, 2);
    assert_string_equal(at(f->u.arr.items[0], "physical.color")->u.str.s, "red");
    assert_int_equal(at(f->u.arr.items[0], "varieties")->u.arr.n, 2);
    assert_string_equal(at(f->u.arr.items[1], "varieties")->u.arr.items[0]->u.tbl.items[0].value->u.str.s,
                        "plantain");
    socm_value_free(r);

    /* [[a.b]] creates a implicitly; [a] may follow */
    r = parse("[[a.b]]\nx = 1\n[a]\ny = 2\n");
    assert_int_equal(at(r, "a.y")->u.i, 2);
    socm_value_free(r);

    BAD("fruits = []\n[[fruits]]\n", 2, 3);
    BAD("[[fruits]]\nname = \"apple\"\n[[fruits.varieties]]\nname = \"red delicious\"\n"
        "[fruits.varieties]\nname = \"granny smith\"\n", 5, 9);
    BAD("[fruit.physical]\ncolor = \"red\"\n[[fruit]]\n", 3, 3);
    BAD("[a]\n[[a]]\n", 2, 3);
    BAD("[[a]]\n[a]\n", 2, 2);
    BAD("a = [{ b = 1 }]\n[a.c]\n", 2, 2);
    BAD("[[a.b]]\n[a]\nb.y = 2\n", 3, 1);
    BAD("[[]]\n", 1, 3);
    BAD("[[a]\n", 1, 4);
    BAD("[[a] ]\n", 1, 4);
    BAD("[ [a]]\n", 1, 3);
}

static void test_newlines_and_encoding(void **state)
{
    (void)state;
    struct socm_value *r = parse("a = 1\r\nb = \"x\"\r\n[t]\r\nc = [\r\n1,\r\n2]\r\n");
    assert_int_equal(at(r, "t.c")->u.arr.n, 2);
    assert_int_equal(at(r, "t.c")->pos.line, 4);
    socm_value_free(r);
    /* a byte order mark at the start is skipped */
    r = parse("\xef\xbb\xbf" "a = 1\n");
    assert_int_equal(at(r, "a")->pos.col, 5);
    socm_value_free(r);
    /* columns count characters, not bytes */
    r = parse("\"\xc3\xa9\xc3\xa9\" = \"\xe2\x82\xac\" # x\nb = 1\n");
    assert_int_equal(r->u.tbl.items[0].value->pos.col, 8);
    socm_value_free(r);
    /* empty documents */
    r = parse("");
    assert_int_equal(r->u.tbl.n, 0);
    socm_value_free(r);
    r = parse("\n\n  \t\n# only comments\n");
    assert_int_equal(r->u.tbl.n, 0);
    socm_value_free(r);

    BAD("a = 1\rb = 2\n", 1, 6);                /* bare CR */
    BAD("a = 1\n\r", 2, 1);
    BAD("a = \"\xff\"\n", 1, 6);                 /* invalid UTF-8 */
    BAD("a = \"\xc0\xaf\"\n", 1, 6);             /* overlong */
    BAD("a = \"\xed\xa0\x80\"\n", 1, 6);         /* encoded surrogate */
    BAD("a = \"\xf4\x90\x80\x80\"\n", 1, 6);     /* above U+10FFFF */
    BAD("# \xe2\x82\n", 1, 3);                   /* truncated sequence */
    BAD("a = 1\n\xef\xbb\xbf" "b = 2\n", 2, 1);  /* BOM not at the start */
    BAD("a = 1\n\x0c", 2, 1);                    /* form feed */
    BAD("\x0b" "a = 1\n", 1, 1);
    expect_error_at("a = \"\0\"\n", 8, 1, 6);   /* NUL */
    expect_error_at("a = 1\n\0", 7, 2, 1);
    expect_error_at("\xfe\xff\0a", 4, 1, 1);    /* UTF-16 */
}

static void test_limits(void **state)
{
    (void)state;
    /* nesting up to the limit parses, one more is an error with a position */
    char *doc = malloc(4 * SOCM_CONFIG_MAX_DEPTH + 16);
    for (int extra = 0; extra <= 1; extra++) {
        int n = SOCM_CONFIG_MAX_DEPTH + extra;
        size_t len = (size_t)sprintf(doc, "a = ");
        for (int i = 0; i < n; i++)
            doc[len++] = '[';
        for (int i = 0; i < n; i++)
            doc[len++] = ']';
        doc[len++] = '\n';
        doc[len] = 0;
        struct socm_error err = {0};
        struct socm_value *v = socm_toml_parse(doc, len, "t.toml", &err);
        if (extra == 0) {
            assert_non_null(v);
            socm_value_free(v);
        } else {
            assert_null(v);
            assert_non_null(strstr(err.msg, "t.toml:1:"));
        }
    }
    free(doc);
    /* the same for inline tables, dotted keys and headers */
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_puts(&b, "a = ");
    for (int i = 0; i < 100000; i++)
        socm_buf_puts(&b, "{b=");
    struct socm_error err = {0};
    assert_null(socm_toml_parse(b.data, b.len, "t.toml", &err));
    assert_non_null(strstr(err.msg, "deeper"));
    socm_buf_clear(&b);
    socm_buf_puts(&b, "a");
    for (int i = 0; i < 1000; i++)
        socm_buf_puts(&b, ".a");
    socm_buf_puts(&b, " = 1\n");
    assert_null(socm_toml_parse(b.data, b.len, "t.toml", &err));
    assert_non_null(strstr(err.msg, "deeper"));
    socm_buf_clear(&b);
    socm_buf_puts(&b, "[a");
    for (int i = 0; i < 1000; i++)
        socm_buf_puts(&b, ".a");
    socm_buf_puts(&b, "]\n");
    assert_null(socm_toml_parse(b.data, b.len, "t.toml", &err));
    assert_non_null(strstr(err.msg, "deeper"));
    /* arrays of tables nested in headers count their own level */
    socm_buf_clear(&b);
    for (int i = 1; i <= 80; i++) {
        socm_buf_puts(&b, "[[a");
        for (int j = 1; j < i; j++)
            socm_buf_puts(&b, ".a");
        socm_buf_puts(&b, "]]\n");
    }
    assert_null(socm_toml_parse(b.data, b.len, "t.toml", &err));
    assert_non_null(strstr(err.msg, "deeper"));
    socm_buf_free(&b);
    /* size limit: checked before reading a byte */
    assert_null(socm_toml_parse("", (size_t)SOCM_CONFIG_MAX_BYTES + 1, "big.toml", &err));
    assert_non_null(strstr(err.msg, "big.toml"));
}

static void test_spec_example(void **state)
{
    (void)state;
    const char *doc =
        "# This is a TOML document\n\ntitle = \"TOML Example\"\n\n[owner]\nname = \"Tom Preston-Werner\"\n"
        "dob = 1979-05-27T07:32:00-08:00\n\n[database]\nenabled = true\nports = [ 8000, 8001, 8002 ]\n"
        "data = [ [\"delta\", \"phi\"], [3.14] ]\ntemp_targets = { cpu = 79.5, case = 72.0 }\n\n"
        "[servers]\n\n[servers.alpha]\nip = \"10.0.0.1\"\nrole = \"frontend\"\n\n[servers.beta]\n"
        "ip = \"10.0.0.2\"\nrole = \"backend\"\n";
    struct socm_value *r = parse(doc);
    assert_string_equal(at(r, "title")->u.str.s, "TOML Example");
    assert_int_equal(at(r, "owner.dob")->u.dt.offset_minutes, -480);
    assert_int_equal(at(r, "database.ports")->u.arr.items[1]->u.i, 8001);
    assert_true(at(r, "database.temp_targets.case")->u.f == 72.0);
    assert_string_equal(at(r, "servers.beta.role")->u.str.s, "backend");
    assert_int_equal(at(r, "servers.beta.role")->pos.line, 23);
    assert_int_equal(at(r, "servers.beta.role")->pos.col, 8);
    socm_value_free(r);
}

static void test_error_messages(void **state)
{
    (void)state;
    struct socm_error err = {0};
    const char *doc = "[a]\nx = 1\n[b]\nx = 2\n[a]\n";
    assert_null(socm_toml_parse(doc, strlen(doc), "dir/c.toml", &err));
    assert_string_equal(err.msg, "dir/c.toml:5:2: table 'a' is defined twice");
    assert_int_equal(err.code, SOCM_E_INPUT);
    doc = "a = \"x\\qy\"\n";
    assert_null(socm_toml_parse(doc, strlen(doc), "c.toml", &err));
    assert_non_null(strstr(err.msg, "escape"));
    doc = "\"a b\".c = 1\n\"a b\".c = 2\n";
    assert_null(socm_toml_parse(doc, strlen(doc), "c.toml", &err));
    assert_string_equal(err.msg, "c.toml:2:7: key '\"a b\".c' is defined twice");
    /* NULL filename and NULL err are tolerated */
    assert_null(socm_toml_parse("=", 1, NULL, NULL));
    assert_null(socm_toml_parse("=", 1, NULL, &err));
    assert_non_null(strstr(err.msg, ":1:1:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyvalue_basic),
        cmocka_unit_test(test_tables_common),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_basic_strings),
        cmocka_unit_test(test_multiline_basic_strings),
        cmocka_unit_test(test_literal_strings),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_floats),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_datetimes),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_inline_tables),
        cmocka_unit_test(test_arrays_of_tables),
        cmocka_unit_test(test_newlines_and_encoding),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_spec_example),
        cmocka_unit_test(test_error_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

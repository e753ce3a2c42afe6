/* test_yaml.c — the YAML reader: scalar resolution (core schema), block and flow
 * collections, positions, anchors/aliases/merge keys, duplicate keys (later wins),
 * limits (depth, alias bomb, one document) and the original's dag.yml. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static struct socm_value *parse_ok(const char *text)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_yaml_parse(text, strlen(text), "t.yml", &err);
    if (!v)
        fail_msg("unexpected error: %s", err.msg);
    return v;
}

/* Parses text expecting an error whose message starts with want_prefix. */
static void parse_err(const char *text, const char *want_prefix, const char *want_sub)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_yaml_parse(text, strlen(text), "t.yml", &err);
    if (v) {
        socm_value_free(v);
        fail_msg("expected an error for: %s", text);
    }
    if (strncmp(err.msg, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("error '%s' does not start with '%s'", err.msg, want_prefix);
    if (want_sub && !strstr(err.msg, want_sub))
        fail_msg("error '%s' does not mention '%s'", err.msg, want_sub);
    assert_int_equal(err.code, SOCM_E_INPUT);
}

static void test_scalars_core_schema(void **state)
{
    (void)state;
    struct socm_value *r = parse_ok("n1: null\nn2: ~\nn3:\nn4: Null\n"
                                    "b1: true\nb2: False\nb3: TRUE\nb4: yes\n"
                                    "i1: 42\ni2: -17\ni3: 0x1F\ni4: 0o17\ni5: +5\ni6: 012\n"
                                    "f1: 1.5\nf2: -2e3\nf3: .inf\nf4: -.Inf\nf5: .nan\nf6: .5\n"
                                    "f7: 3.\n"
                                    "s1: hello world\ns2: '42'\ns3: \"true\"\ns4: 1.2.3\n"
                                    "s5: 48G\ns6: 0x\ns7: |\n  line1\n  line2\n"
                                    "s8: >\n  folded\n  text\ns9: !!str 12\ni7: !!int \"7\"\n"
                                    "f8: !!float 3\n");
    const char *nulls[] = {"n1", "n2", "n3", "n4"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(socm_table_get(r, nulls[i])->type, SOCM_V_NULL);
    assert_int_equal(socm_table_get(r, "b1")->type, SOCM_V_BOOL);
    assert_true(socm_table_get(r, "b1")->u.b);
    assert_false(socm_table_get(r, "b2")->u.b);
    assert_true(socm_table_get(r, "b3")->u.b);
    /* YAML 1.1's yes/no are strings in the core schema. */
    assert_int_equal(socm_table_get(r, "b4")->type, SOCM_V_STRING);
    int64_t ints[] = {42, -17, 31, 15, 5, 12, 7};
    const char *ik[] = {"i1", "i2", "i3", "i4", "i5", "i6", "i7"};
    for (size_t i = 0; i < 7; i++) {
        struct socm_value *v = socm_table_get(r, ik[i]);
        assert_int_equal(v->type, SOCM_V_INTEGER);
        assert_int_equal(v->u.i, ints[i]);
    }
    assert_true(socm_table_get(r, "f1")->u.f == 1.5);
    assert_true(socm_table_get(r, "f2")->u.f == -2000.0);
    assert_true(isinf(socm_table_get(r, "f3")->u.f) && socm_table_get(r, "f3")->u.f > 0);
    assert_true(isinf(socm_table_get(r, "f4")->u.f) && socm_table_get(r, "f4")->u.f < 0);
    assert_true(isnan(socm_table_get(r, "f5")->u.f));
    assert_true(socm_table_get(r, "f6")->u.f == 0.5);
    assert_true(socm_table_get(r, "f7")->u.f == 3.0);
    assert_int_equal(socm_table_get(r, "f8")->type, SOCM_V_FLOAT);
    assert_true(socm_table_get(r, "f8")->u.f == 3.0);
    struct { const char *k, *want; } strs[] = {
        {"s1", "hello world"}, {"s2", "42"}, {"s3", "true"}, {"s4", "1.2.3"}, {"s5", "48G"},
        {"s6", "0x"}, {"s7", "line1\nline2\n"}, {"s8", "folded text\n"}, {"s9", "12"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        struct socm_value *v = socm_table_get(r, strs[i].k);
        assert_int_equal(v->type, SOCM_V_STRING);
        assert_string_equal(v->u.str.s, strs[i].want);
    }
    socm_value_free(r);
}

static void test_collections_block_and_flow(void **state)
{
    (void)state;
    struct socm_value *r = parse_ok("list:\n  - a\n  - 2\n  - [x, {k: v}, []]\n"
                                    "flow: {a: 1, b: [true, null], c: {}}\n"
                                    "nested:\n  inner:\n    deep: 3\n"
                                    "seqmap:\n- name: one\n  n: 1\n- name: two\n");
    struct socm_value *l = socm_table_get(r, "list");
    assert_int_equal(l->type, SOCM_V_ARRAY);
    assert_int_equal(l->u.arr.n, 3);
    assert_string_equal(l->u.arr.items[0]->u.str.s, "a");
    assert_int_equal(l->u.arr.items[1]->u.i, 2);
    struct socm_value *inner = l->u.arr.items[2];
    assert_int_equal(inner->u.arr.n, 3);
    assert_string_equal(socm_table_get(inner->u.arr.items[1], "k")->u.str.s, "v");
    assert_int_equal(inner->u.arr.items[2]->type, SOCM_V_ARRAY);
    assert_int_equal(inner->u.arr.items[2]->u.arr.n, 0);
    struct socm_value *f = socm_table_get(r, "flow");
    assert_int_equal(f->type, SOCM_V_TABLE);
    assert_int_equal(socm_table_get(f, "a")->u.i, 1);
    assert_int_equal(socm_table_get(f, "b")->u.arr.items[1]->type, SOCM_V_NULL);
    assert_int_equal(socm_table_get(f, "c")->type, SOCM_V_TABLE);
    assert_int_equal(socm_value_path(r, "nested.inner.deep")->u.i, 3);
    struct socm_value *sm = socm_table_get(r, "seqmap");
    assert_int_equal(sm->u.arr.n, 2);
    assert_string_equal(socm_table_get(sm->u.arr.items[1], "name")->u.str.s, "two");
    /* Key order is file order. */
    assert_string_equal(r->u.tbl.items[0].key, "list");
    assert_string_equal(r->u.tbl.items[3].key, "seqmap");
    socm_value_free(r);
}

static void test_positions(void **state)
{
    (void)state;
    struct socm_value *r = parse_ok("# comment\ntop:\n  key: value\n  list:\n    - 1\n    -   two\n");
    struct socm_value *top = socm_table_get(r, "top");
    assert_string_equal(socm_pos_file(&top->pos), "t.yml");
    assert_int_equal(top->pos.line, 3);
    assert_int_equal(top->pos.col, 3);
    const struct socm_kv *kv = socm_table_get_kv(top, "key");
    assert_int_equal(kv->key_pos.line, 3);
    assert_int_equal(kv->key_pos.col, 3);
    assert_int_equal(kv->value->pos.line, 3);
    assert_int_equal(kv->value->pos.col, 8);
    struct socm_value *l = socm_table_get(top, "list");
    assert_int_equal(l->u.arr.items[1]->pos.line, 6);
    assert_int_equal(l->u.arr.items[1]->pos.col, 9);
    socm_value_free(r);
}

static void test_anchors_aliases_merge(void **state)
{
    (void)state;
    struct socm_value *r = parse_ok("p: &pf some/file.dict\n"
                                    "base: &b {ranks: 1, threads: 4}\n"
                                    "a:\n  args: [*pf, *pf]\n  res: *b\n"
                                    "m:\n  <<: *b\n  threads: 8\n"
                                    "m2:\n  <<: [{x: 1}, {x: 2, y: 2}]\n"
                                    "p: &pf redefined\n"
                                    "late: *pf\n");
    struct socm_value *args = socm_value_path(r, "a.args");
    assert_int_equal(args->u.arr.n, 2);
    assert_string_equal(args->u.arr.items[0]->u.str.s, "some/file.dict");
    /* The copy's top node is placed at the alias. */
    assert_int_equal(args->u.arr.items[1]->pos.line, 4);
    assert_int_equal(args->u.arr.items[1]->pos.col, 15);
    struct socm_value *res = socm_value_path(r, "a.res");
    assert_int_equal(socm_table_get(res, "threads")->u.i, 4);
    /* Merge key: own keys win over merged ones. */
    assert_int_equal(socm_value_path(r, "m.threads")->u.i, 8);
    assert_int_equal(socm_value_path(r, "m.ranks")->u.i, 1);
    assert_null(socm_value_path(r, "m.<<"));
    assert_int_equal(socm_value_path(r, "m2.x")->u.i, 1); /* earlier source wins */
    assert_int_equal(socm_value_path(r, "m2.y")->u.i, 2);
    assert_string_equal(socm_table_get(r, "late")->u.str.s, "redefined");
    /* The copies are independent of the anchored node. */
    assert_ptr_not_equal(args->u.arr.items[0], args->u.arr.items[1]);
    socm_value_free(r);
    parse_err("a: *nope\n", "t.yml:1:4: ", "unknown anchor");
    parse_err("a: &x [1, *x]\n", "t.yml:1:11: ", "unknown anchor");
    parse_err("a: 1\nb:\n  <<: 5\n", "t.yml:3:7: ", "merge key");
}

static void test_duplicate_keys_later_wins(void **state)
{
    (void)state;
    struct socm_value *r = parse_ok("a: 1\nb: 2\na: {x: 3}\n");
    assert_int_equal(r->u.tbl.n, 2);
    assert_string_equal(r->u.tbl.items[0].key, "a"); /* keeps its first place */
    struct socm_value *a = socm_table_get(r, "a");
    assert_int_equal(a->type, SOCM_V_TABLE);
    assert_int_equal(socm_table_get(a, "x")->u.i, 3);
    assert_int_equal(socm_table_get_kv(r, "a")->key_pos.line, 3);
    socm_value_free(r);
}

static void test_empty_and_top_level(void **state)
{
    (void)state;
    const char *empties[] = {"", "# only a comment\n", "---\n", "~\n", "---\n...\n"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        struct socm_value *r = parse_ok(empties[i]);
        assert_int_equal(r->type, SOCM_V_TABLE);
        assert_int_equal(r->u.tbl.n, 0);
        socm_value_free(r);
    }
    parse_err("- a\n- b\n", "t.yml:1:1: ", "must be a mapping");
    parse_err("just text\n", "t.yml:1:1: ", "must be a mapping");
}

static void test_errors_with_positions(void **state)
{
    (void)state;
    parse_err("a: 1\n---\nb: 2\n", "t.yml:2:1: ", "second YAML document");
    parse_err("a: [1, 2\n", "t.yml:", NULL);
    parse_err("a:\n  b: 1\n c: 2\n", "t.yml:3:", NULL);
    parse_err("a: \"unterminated\n", "t.yml:", NULL);
    parse_err("a: 99999999999999999999\n", "t.yml:1:4: ", "64 bits");
    parse_err("a: !!int abc\n", "t.yml:1:4: ", "not a valid int");
    parse_err("a: !custom x\n", "t.yml:1:4: ", "unsupported tag");
    parse_err("? [a, b]\n: 1\n", "t.yml:1:3: ", "keys must be scalars");
    parse_err("a: \tb\n\x01", "t.yml:", NULL);
    /* Invalid UTF-8 and control characters are placed where they are. */
    parse_err("a: 1\nb: x\xff\n", "t.yml:2:5: ", "invalid");
    parse_err("a: 1\nbb: \x01\n", "t.yml:2:5: ", "control");
    /* Errors never crash on truncated or binary input. */
    const char bin[] = "a: [\x00\xff\xfe";
    struct socm_error err = {0};
    struct socm_value *v = socm_yaml_parse(bin, sizeof bin - 1, "bin.yml", &err);
    assert_null(v);
    assert_true(strncmp(err.msg, "bin.yml:", 8) == 0);
}

static void test_depth_limit(void **state)
{
    (void)state;
    size_t n = SOCM_CONFIG_MAX_DEPTH + 10;
    char *text = malloc(n * 2 + 8);
    strcpy(text, "a: ");
    size_t p = 3;
    for (size_t i = 0; i < n; i++)
        text[p++] = '[';
    for (size_t i = 0; i < n; i++)
        text[p++] = ']';
    text[p] = 0;
    parse_err(text, "t.yml:1:", "nesting deeper");
    /* Exactly at the limit is fine: the root mapping is one level. */
    p = 3;
    for (size_t i = 0; i < SOCM_CONFIG_MAX_DEPTH - 1; i++)
        text[p++] = '[';
    for (size_t i = 0; i < SOCM_CONFIG_MAX_DEPTH - 1; i++)
        text[p++] = ']';
    text[p] = 0;
    socm_value_free(parse_ok(text));
    free(text);
}

static void test_billion_laughs_refused(void **state)
{
    (void)state;
    const char *doc =
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
        "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    clock_t t0 = clock();
    parse_err(doc, "t.yml:", "alias expansion");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 5.0);
    /* A modest use of aliases stays accepted. */
    const char *ok = "a: &a [lol, lol, lol]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n";
    struct socm_value *r = parse_ok(ok);
    assert_int_equal(socm_table_get(r, "c")->u.arr.items[1]->u.arr.items[2]->u.arr.n, 3);
    socm_value_free(r);
}

static void test_size_limit(void **state)
{
    (void)state;
    struct socm_error err = {0};
    /* The length is checked before any byte is read. */
    assert_null(socm_yaml_parse("a: 1", (size_t)SOCM_CONFIG_MAX_BYTES + 1, "big.yml", &err));
    assert_non_null(strstr(err.msg, "larger than"));
}

static void test_compat_dag_yml(void **state)
{
    (void)state;
    const char *src = getenv("SOCM_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/compat/dag.yml", src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct socm_error err = {0};
    struct socm_value *r = socm_yaml_parse(buf, n, path, &err);
    if (!r)
        fail_msg("%s", err.msg);
    struct socm_value *stages = socm_table_get(r, "stages");
    assert_non_null(stages);
    assert_int_equal(stages->u.tbl.n, 8);
    assert_string_equal(stages->u.tbl.items[0].key, "extract_act");
    assert_string_equal(stages->u.tbl.items[7].key, "get_spectra_from_maps");
    const char *param = socm_table_get(r, "paramfile")->u.str.s;
    for (size_t i = 0; i < 8; i++) {
        struct socm_value *args = socm_table_get(stages->u.tbl.items[i].value, "script-args");
        assert_int_equal(args->u.arr.n, 1);
        assert_string_equal(args->u.arr.items[0]->u.str.s, param);
    }
    assert_int_equal(socm_value_path(r, "stages.extract_act.depends")->type, SOCM_V_NULL);
    struct socm_value *dep = socm_value_path(r, "stages.get_mcm_bbl_and_pseudosignal.depends");
    assert_int_equal(dep->u.arr.n, 2);
    assert_string_equal(dep->u.arr.items[1]->u.str.s, "get_best_fit_mflike");
    assert_string_equal(socm_value_path(r, "campaign.deadline")->u.str.s, "24h");
    assert_int_equal(socm_value_path(r, "campaign.requested_resources")->u.i, 3359);
    assert_int_equal(socm_value_path(r, "stages.get_spectra_from_maps.script-kwargs.stop")->u.i, 10);
    /* get_xtra_mask's duplicated `resources:` — the later one is kept. */
    struct socm_value *xm = socm_value_path(r, "stages.get_xtra_mask");
    assert_int_equal(xm->u.tbl.n, 5);
    assert_int_equal(socm_table_get_kv(xm, "resources")->key_pos.line, 45);
    socm_value_free(r);
}

/* Mutated and random inputs: every parse either succeeds or fails with a positioned
 * message; never a crash or a leak (the sanitizer build checks both). */
static void test_fuzz_never_crashes(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "p: &pf a/b\nstages:\n  a:\n    args: [*pf, 2, {k: v}]\n    depends: null\n",
        "m:\n  <<: {x: 1}\n  y: [1, 2.5, .inf, true, ~, 'q', \"d\\n\"]\n",
        "- a\n- b: |\n    lit\n  c: >\n    fold\n",
        "a: &x [1]\nb: [*x, *x]\n---\nc: 1\n",
    };
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    char buf[512];
    size_t ok = 0, bad = 0;
    for (int iter = 0; iter < 4000; iter++) {
        const char *seed = seeds[iter % 4];
        size_t n = strlen(seed);
        memcpy(buf, seed, n);
        int edits = 1 + iter % 4;
        for (int e = 0; e < edits; e++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(rng >> 33) % (n ? n : 1);
            unsigned char c = (unsigned char)(rng >> 17);
            switch ((rng >> 8) % 4) {
            case 0: buf[at] = (char)c; break;                       /* replace */
            case 1: if (n < sizeof buf - 1) { memmove(buf + at + 1, buf + at, n - at); buf[at] = (char)"[]{}:&*-,'\"!|>#\n "[c % 17]; n++; } break;
            case 2: if (n) { memmove(buf + at, buf + at + 1, n - at - 1); n--; } break;
            case 3: n = at; break;                                  /* truncate */
            }
        }
        if (iter % 50 == 0) /* pure noise now and then */
            for (size_t k = 0; k < (n = 64); k++) {
                rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                buf[k] = (char)(rng >> 40);
            }
        struct socm_error err = {0};
        struct socm_value *v = socm_yaml_parse(buf, n, "fuzz.yml", &err);
        if (v) {
            ok++;
            socm_value_free(v);
        } else {
            bad++;
            assert_true(strncmp(err.msg, "fuzz.yml", 8) == 0);
        }
    }
    /* The mutations produce both outcomes, so both paths were exercised. */
    assert_true(ok > 100);
    assert_true(bad > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_core_schema),
        cmocka_unit_test(test_collections_block_and_flow),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_anchors_aliases_merge),
        cmocka_unit_test(test_duplicate_keys_later_wins),
        cmocka_unit_test(test_empty_and_top_level),
        cmocka_unit_test(test_errors_with_positions),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_billion_laughs_refused),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_compat_dag_yml),
        cmocka_unit_test(test_fuzz_never_crashes),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    socm_intern_free_all();
    return rc;
}

/* test_compact.c — what keeps a large campaign small: counted interned strings
 * (one copy each, freed with the last owner), packed string vectors (one block,
 * still growable, shareable between equal vectors without one owner seeing
 * another's change), the configuration's JSON written piece by piece, and a
 * campaign's workflows sharing their strings, command lines, environments and base
 * paths instead of holding a copy each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "campaign/campaign.h"
#include "config/formats.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>

static void test_istr_counts_owners(void **state)
{
    (void)state;
    char a[] = "python3", b[] = "python3";
    const char *x = socm_istr(a), *y = socm_istr(b);
    assert_ptr_equal(x, y); /* one copy */
    assert_ptr_not_equal(x, a);
    assert_string_equal(x, "python3");
    assert_ptr_equal(socm_istr_ref(x), x);
    /* Length, not NUL, tells strings apart. */
    const char *n1 = socm_istr_get("a\0b", 3), *n2 = socm_istr_get("a", 1);
    assert_ptr_not_equal(n1, n2);
    assert_memory_equal(n1, "a\0b", 4);
    socm_istr_put(n1);
    socm_istr_put(n2);
    socm_istr_put(x);
    socm_istr_put(y);
    assert_string_equal(x, "python3"); /* one owner left */
    socm_istr_put(x);
    socm_istr_put(NULL);
    assert_null(socm_istr(NULL));
    /* Many distinct strings, put back in another order: the set stays findable. */
    const char *many[600];
    char buf[16];
    for (int i = 0; i < 600; i++) {
        snprintf(buf, sizeof buf, "s%d", i);
        many[i] = socm_istr(buf);
    }
    for (int i = 0; i < 600; i += 2)
        socm_istr_put(many[i]);
    for (int i = 1; i < 600; i += 2) {
        snprintf(buf, sizeof buf, "s%d", i);
        const char *again = socm_istr(buf);
        assert_ptr_equal(again, many[i]);
        socm_istr_put(again);
        socm_istr_put(many[i]);
    }
}

static void fill(struct socm_strv *sv, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        socm_strv_push(sv, words[i]);
}

static void test_strv_pack_and_share(void **state)
{
    (void)state;
    static const char *const words[] = {"srun", "--export=ALL", "", "true", NULL};
    struct socm_strv a = SOCM_STRV_INIT, b = SOCM_STRV_INIT, c = SOCM_STRV_INIT;
    fill(&a, words);
    fill(&b, words);
    assert_false(socm_strv_share(&b, &a)); /* neither is packed yet */
    socm_strv_pack(&a);
    socm_strv_pack(&b);
    assert_int_equal(a.n, 4);
    assert_null(a.v[4]);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(a.v[i], words[i]);
    /* The strings lie in the block of the pointers. */
    assert_true(a.v[0] > (char *)a.v && a.v[3] < (char *)a.v + 64);
    assert_true(socm_strv_equal(&a, &b));
    assert_true(socm_strv_share(&b, &a));
    assert_ptr_equal(a.v, b.v);
    /* A push onto one owner changes neither the other nor the block. */
    socm_strv_push(&b, "more");
    assert_int_equal(b.n, 5);
    assert_string_equal(b.v[4], "more");
    assert_int_equal(a.n, 4);
    assert_null(a.v[4]);
    assert_ptr_not_equal(a.v, b.v);
    assert_false(socm_strv_equal(&a, &b));
    assert_false(socm_strv_share(&b, &a)); /* not equal (and b is no longer packed) */
    /* A packed copy, made at once; one sharing the block of a like vector. */
    socm_strv_copy_like(&c, &b, NULL);
    assert_int_equal(c.n, 5);
    assert_string_equal(c.v[4], "more");
    assert_null(c.v[5]);
    struct socm_strv c2 = SOCM_STRV_INIT;
    socm_strv_copy_like(&c2, &b, &c);
    assert_ptr_equal(c2.v, c.v);
    socm_strv_free(&c2);
    /* dst may be src or like: the new list is made before the old one goes. */
    struct socm_strv self = SOCM_STRV_INIT;
    socm_strv_copy_like(&self, &b, NULL);
    socm_strv_copy_like(&self, &self, NULL);
    assert_int_equal(self.n, 5);
    assert_string_equal(self.v[4], "more");
    socm_strv_copy_like(&self, &b, &self);
    assert_string_equal(self.v[0], b.v[0]);
    assert_int_equal(self.n, 5);
    socm_strv_free(&self);
    struct socm_strv d = SOCM_STRV_INIT;
    socm_strv_copy(&d, &c); /* a copy of a packed vector is one of its own */
    socm_strv_free(&c);
    assert_string_equal(d.v[1], "--export=ALL");
    /* Packing an empty vector leaves none. */
    struct socm_strv e = SOCM_STRV_INIT;
    socm_strv_pack(&e);
    assert_null(e.v);
    assert_int_equal(e.n, 0);
    socm_strv_free(&a);
    socm_strv_free(&b);
    socm_strv_free(&d);
}

/* Words a vector repeats from a like one are interned, not copied; the others are
 * in its block; every form frees cleanly (the sanitizer build checks the counts). */
static void test_strv_pack_like(void **state)
{
    (void)state;
    static const char *const w1[] = {"srun", "--x", "a1", NULL}, *const w2[] = {"srun", "--x", "a2", NULL},
                             *const w3[] = {"srun", "--y", "a3", "extra", NULL};
    struct socm_strv p = SOCM_STRV_INIT, q = SOCM_STRV_INIT, r = SOCM_STRV_INIT;
    fill(&p, w1);
    fill(&q, w2);
    fill(&r, w3);
    socm_strv_pack(&p);
    socm_strv_pack_like(&q, &p);
    socm_strv_pack_like(&r, &q);
    const char *srun = socm_istr("srun");
    assert_ptr_equal(q.v[0], srun); /* interned from p's copy */
    assert_ptr_equal(r.v[0], srun); /* and q's interned word shared */
    assert_ptr_not_equal(p.v[0], srun); /* p keeps its own */
    assert_string_equal(q.v[1], "--x");
    assert_string_equal(q.v[2], "a2");
    assert_string_equal(r.v[1], "--y");
    assert_string_equal(r.v[3], "extra");
    assert_null(r.v[4]);
    socm_istr_put(srun);
    /* Growing one unpacks it; the interned word stays for the others. */
    socm_strv_push(&q, "more");
    assert_string_equal(q.v[0], "srun");
    assert_ptr_not_equal(q.v[0], r.v[0]);
    assert_string_equal(q.v[3], "more");
    socm_strv_free(&p);
    socm_strv_free(&q);
    assert_string_equal(r.v[0], "srun");
    /* A vector equal to r shares its block, interned words and all. */
    struct socm_strv t = SOCM_STRV_INIT;
    fill(&t, w3);
    assert_true(socm_strv_share(&t, &r));
    assert_ptr_equal(t.v, r.v);
    socm_strv_free(&r);
    assert_string_equal(t.v[0], "srun");
    socm_strv_free(&t);
}

/* A closed inline table or array keeps its items in the parse's blocks; it can
 * still grow and shrink, and frees cleanly. */
static void test_sealed_items(void **state)
{
    (void)state;
    static const char doc[] = "env = { A = \"1\", B = \"2\" }\nargs = [\"x\", \"y\"]\n[t]\nk = 1\n";
    struct socm_error err;
    struct socm_value *root = socm_toml_parse(doc, strlen(doc), "s.toml", &err);
    assert_non_null(root);
    struct socm_value *env = socm_table_get(root, "env"), *args = socm_table_get(root, "args");
    assert_true(env->items_in_block);
    assert_true(args->items_in_block);
    assert_int_equal(env->u.tbl.cap, 2);
    assert_false(socm_table_get(root, "t")->items_in_block); /* a [header] table may grow */
    socm_table_add(env, "C", 1, NULL, socm_value_integer(3, NULL));
    assert_false(env->items_in_block); /* copied out to grow */
    assert_string_equal(socm_table_get(env, "A")->u.str.s, "1");
    assert_int_equal(socm_table_get(env, "C")->u.i, 3);
    socm_array_push(args, socm_value_integer(4, NULL));
    assert_int_equal(args->u.arr.n, 3);
    assert_string_equal(args->u.arr.items[1]->u.str.s, "y");
    socm_value_compact(root);
    socm_value_free(root);

    static const char yml[] = "m: {a: 1, b: [x, y]}\n";
    root = socm_yaml_parse(yml, strlen(yml), "s.yml", &err);
    assert_non_null(root);
    struct socm_value *m = socm_table_get(root, "m");
    assert_true(m->items_in_block);
    assert_true(socm_table_get(m, "b")->items_in_block);
    assert_true(socm_table_remove(m, "a"));
    assert_int_equal(m->u.tbl.n, 1);
    socm_value_free(root);
}

/* The configuration's JSON piece by piece is the same text as written whole. */
static void test_json_pieces(void **state)
{
    (void)state;
    static const char doc[] = "a = 1\nb = []\nc = {}\n[t]\nx = [1, [2, {y = \"q\\\"\"}], []]\n"
                              "[[aot]]\nk = 1.5\n[[aot]]\n[t.u.v]\nz = true\n";
    struct socm_error err;
    struct socm_value *root = socm_toml_parse(doc, strlen(doc), "j.toml", &err);
    assert_non_null(root);
    struct socm_buf whole = SOCM_BUF_INIT;
    socm_config_write_json(root, &whole);
    assert_true(whole.len > 40);
    for (size_t piece = 1; piece < 64; piece *= 3) {
        struct socm_json_stream js = {0};
        struct socm_buf b = SOCM_BUF_INIT;
        size_t calls = 0;
        while (socm_config_write_json_piece(&js, root, &b, piece))
            calls++;
        assert_string_equal(b.data, whole.data);
        assert_true(piece > 1 || calls > 10); /* it was cut */
        socm_json_stream_free(&js);
        socm_buf_free(&b);
    }
    /* Stopped early: nothing leaks. */
    struct socm_json_stream js = {0};
    struct socm_buf b = SOCM_BUF_INIT;
    assert_true(socm_config_write_json_piece(&js, root, &b, 1));
    socm_json_stream_free(&js);
    socm_buf_free(&b);
    /* A scalar is one piece. */
    struct socm_value *one = socm_value_integer(42, NULL);
    assert_false(socm_config_write_json_piece(&js, one, &b, 1));
    assert_string_equal(b.data, "42");
    socm_json_stream_free(&js);
    socm_buf_free(&b);
    socm_value_free(one);
    socm_buf_free(&whole);
    socm_value_free(root);
}

static struct socm_campaign *load(const char *text, bool yaml)
{
    struct socm_error err;
    struct socm_value *root = yaml ? socm_yaml_parse(text, strlen(text), "c.yml", &err)
                                   : socm_toml_parse(text, strlen(text), "c.toml", &err);
    assert_non_null(root);
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_from_config(root, "c", &errs);
    for (size_t i = 0; i < errs.n; i++)
        fprintf(stderr, "  err: %s\n", errs.msgs[i]);
    assert_non_null(c);
    socm_errlist_free(&errs);
    return c;
}

static void test_workflows_share(void **state)
{
    (void)state;
    static const char toml[] =
        "[campaign]\ndeadline = \"2h\"\nresource = \"tiger3\"\n"
        "[campaign.environment]\nSO_DATA = \"/data\"\n"
        "[campaign.a]\ntype = \"generic\"\nexecutable = \"python3\"\nargs = [\"x.py\"]\n"
        "environment = { OMP_NUM_THREADS = \"4\" }\n"
        "[campaign.b]\ntype = \"generic\"\nexecutable = \"python3\"\nargs = [\"x.py\"]\n"
        "environment = { OMP_NUM_THREADS = \"4\" }\ndepends = [\"a\"]\n"
        "[campaign.c]\ntype = \"generic\"\nexecutable = \"python3\"\nargs = [\"y.py\"]\n"
        "environment = { OMP_NUM_THREADS = \"8\" }\ndepends = [\"a\"]\n";
    struct socm_campaign *c = load(toml, false);
    assert_int_equal(c->n_wfs, 3);
    struct socm_workflow *a = c->wfs[0], *b = c->wfs[1], *w3 = c->wfs[2];
    assert_ptr_equal(a->executable, b->executable);
    assert_ptr_equal(a->type, w3->type);
    /* Equal neighbours share one block; a different one has its own. */
    assert_ptr_equal(a->argv.v, b->argv.v);
    assert_ptr_not_equal(b->argv.v, w3->argv.v);
    assert_string_equal(w3->argv.v[1], "y.py");
    assert_ptr_equal(a->env.v, b->env.v);
    assert_int_equal(a->env.n, 2);
    assert_string_equal(a->env.v[1], "SO_DATA=/data");
    assert_string_equal(w3->env.v[0], "OMP_NUM_THREADS=8");
    assert_ptr_equal(b->depends.v, w3->depends.v);
    assert_string_equal(w3->depends.v[0], "a");
    /* A workflow's name may change without touching its neighbour's. */
    socm_workflow_set_str(&b->name, "renamed");
    assert_string_equal(b->name, "renamed");
    assert_string_equal(a->name, "a");
    socm_campaign_free(c);

    static const char yaml[] = "campaign:\n  deadline: 2h\n  resource: tiger3\n"
                               "stages:\n  s1: {executable: python, script: s.py}\n"
                               "  s2: {executable: python, script: s.py}\n"
                               "  s3: {executable: python, script: s.py, base-path: /elsewhere}\n";
    c = load(yaml, true);
    assert_int_equal(c->n_wfs, 3);
    const struct socm_value *b1 = socm_table_get(c->wfs[0]->fields, "base-path"),
                            *b2 = socm_table_get(c->wfs[1]->fields, "base-path"),
                            *b3 = socm_table_get(c->wfs[2]->fields, "base-path");
    assert_ptr_equal(b1, b2); /* one node for the stages with the same base path */
    assert_int_equal(b1->pos.line, 5); /* the first stage's */
    assert_ptr_not_equal(b2, b3);
    assert_string_equal(b3->u.str.s, "/elsewhere");
    assert_ptr_equal(c->wfs[0]->argv.v, c->wfs[1]->argv.v);
    assert_string_equal(c->wfs[2]->argv.v[c->wfs[2]->argv.n - 1], "s.py");
    socm_campaign_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_istr_counts_owners),
        cmocka_unit_test(test_strv_pack_and_share),
        cmocka_unit_test(test_strv_pack_like),
        cmocka_unit_test(test_sealed_items),
        cmocka_unit_test(test_json_pieces),
        cmocka_unit_test(test_workflows_share),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

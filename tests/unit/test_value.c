/* test_value.c — the config tree: tables keep order and find keys (also past the
 * hash threshold), clone is deep, text forms follow Python's str(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/value.h"
#include "config/value_block.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void test_table_order_and_lookup(void **state)
{
    (void)state;
    struct socm_value *t = socm_value_table(NULL);
    char key[32];
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_int_equal(socm_table_add(t, key, strlen(key), NULL, socm_value_integer(i, NULL)), 0);
    }
    assert_int_equal(socm_table_add(t, "k5", 2, NULL, NULL), -1); /* duplicate refused */
    assert_int_equal(t->u.tbl.n, 100);
    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "k%d", i);
        struct socm_value *v = socm_table_get(t, key);
        assert_non_null(v);
        assert_int_equal(v->u.i, i);
        assert_string_equal(t->u.tbl.items[i].key, key);
    }
    assert_null(socm_table_get(t, "k100"));
    assert_true(socm_table_remove(t, "k50"));
    assert_null(socm_table_get(t, "k50"));
    assert_int_equal(socm_table_get(t, "k99")->u.i, 99);
    socm_value_free(t);
}

/* A string's text lives in its node: replacing it, and moving a node's contents to
 * another node (merge does), keep each text with the node that shows it (ASan checks
 * that nothing reads or frees the other node's memory). */
static void test_string_in_node(void **state)
{
    (void)state;
    assert_true(sizeof(struct socm_value) <= 48);
    struct socm_value *s = socm_value_string("a\0b", 3, NULL);
    assert_int_equal(s->u.str.len, 3);
    assert_memory_equal(s->u.str.s, "a\0b", 4);
    socm_value_set_string(s, s->u.str.s + 2, 1); /* from its own text */
    assert_string_equal(s->u.str.s, "b");
    socm_value_set_string(s, "a longer text than the first", 28);
    assert_string_equal(s->u.str.s, "a longer text than the first");
    struct socm_value *c = socm_value_clone(s);
    assert_string_equal(c->u.str.s, "a longer text than the first");
    struct socm_value *t = socm_value_table(NULL);
    socm_table_set(t, "k", socm_value_integer(1, NULL));
    struct socm_value *in = socm_value_string("inline", 6, NULL);
    socm_value_swap(t, in); /* now t is the string, in the table */
    socm_value_free(in);
    assert_int_equal(t->type, SOCM_V_STRING);
    assert_string_equal(t->u.str.s, "inline");
    socm_value_swap(t, c);
    assert_string_equal(t->u.str.s, "a longer text than the first");
    assert_string_equal(c->u.str.s, "inline");
    socm_value_free(t);
    socm_value_free(c);
    socm_value_free(s);
}

/* Short strings (up to SOCM_VALUE_SMALL_STR - 1 bytes) live inside the node, longer
 * ones after it: both ends of the boundary keep their text, NULs and length through
 * clone, swap and replacement. */
static void test_string_small_and_long(void **state)
{
    (void)state;
    const char *texts[] = {"", "a", "0123456789a", "0123456789ab", "0123456789abc"};
    for (size_t i = 0; i < 5; i++) {
        size_t n = strlen(texts[i]);
        struct socm_value *v = socm_value_string(texts[i], n, NULL);
        bool small = n < SOCM_VALUE_SMALL_STR;
        assert_true(small ? v->u.str.s == v->u.str.small : v->u.str.s == (char *)(v + 1));
        struct socm_value *c = socm_value_clone(v);
        struct socm_value *other = socm_value_string("x\0y", 3, NULL);
        socm_value_swap(c, other);
        assert_int_equal(c->u.str.len, 3);
        assert_memory_equal(c->u.str.s, "x\0y", 4);
        assert_int_equal(other->u.str.len, n);
        assert_string_equal(other->u.str.s, texts[i]);
        socm_value_set_string(other, "z", 1);
        assert_string_equal(v->u.str.s, texts[i]);
        assert_string_equal(other->u.str.s, "z");
        socm_value_free(other);
        socm_value_free(c);
        socm_value_free(v);
    }
}

/* Nodes made during a parse share blocks: a node outlives the others of its block
 * (ASan reports a use after free otherwise), keeps its memory's origin through a
 * swap, and nodes made outside a parse, or with blocks suspended, are malloc's. */
static void test_nodes_in_blocks(void **state)
{
    (void)state;
    struct socm_value_blocks blocks, inner;
    socm_value_blocks_begin(&blocks);
    struct socm_value *t = socm_value_table(NULL);
    char key[32];
    for (int i = 0; i < 20000; i++) { /* several blocks' worth */
        snprintf(key, sizeof key, "k%d", i);
        struct socm_value *v = i % 2 ? socm_value_integer(i, NULL)
                                     : socm_value_string("a text longer than a node has room for",
                                                         38, NULL);
        assert_true(v->in_block);
        socm_table_set(t, key, v);
    }
    socm_value_blocks_begin(&inner); /* a parse within a parse */
    struct socm_value *nested = socm_value_string("n", 1, NULL);
    socm_value_blocks_end(&inner);
    struct socm_value_blocks *paused = socm_value_blocks_suspend();
    struct socm_value *temp = socm_value_array(NULL);
    socm_value_blocks_resume(paused);
    assert_false(temp->in_block);
    socm_value_free(temp);
    struct socm_value *after = socm_value_bool(true, NULL); /* the outer parse again */
    assert_true(after->in_block);
    socm_value_blocks_end(&blocks);
    struct socm_value *plain = socm_value_integer(7, NULL);
    assert_false(plain->in_block);
    assert_true(nested->in_block);

    struct socm_value *kept = socm_value_share(socm_table_get(t, "k10"));
    struct socm_value *last = socm_table_take(t, "k19999");
    socm_value_swap(plain, last); /* plain holds 19999, last holds 7 */
    assert_false(plain->in_block);
    assert_true(last->in_block);
    assert_int_equal(plain->u.i, 19999);
    socm_value_free(t);
    socm_value_free(nested);
    assert_string_equal(kept->u.str.s, "a text longer than a node has room for");
    assert_int_equal(last->u.i, 7);
    assert_true(after->u.b);
    socm_value_free(kept);
    socm_value_free(last);
    socm_value_free(after);
    socm_value_free(plain);
}

/* A shared tree outlives its first owner and is freed with its last; unshare
 * gives an owner its own copy, leaving the other's unchanged. */
static void test_share_and_unshare(void **state)
{
    (void)state;
    struct socm_value *t = socm_value_table(NULL);
    socm_table_set(t, "a", socm_value_string("x", 1, NULL));
    struct socm_value *s = socm_value_share(t);
    assert_ptr_equal(s, t);
    struct socm_value *mine = socm_value_share(t);
    assert_ptr_not_equal(socm_value_unshare(&mine), t);
    socm_table_set(mine, "a", socm_value_string("y", 1, NULL));
    assert_string_equal(socm_table_get(t, "a")->u.str.s, "x");
    socm_value_free(mine);
    socm_value_free(t); /* s still holds it (ASan reports a use after free otherwise) */
    assert_string_equal(socm_table_get(s, "a")->u.str.s, "x");
    assert_ptr_equal(socm_value_unshare(&s), t); /* the last owner: no copy */
    socm_value_free(s);
}

/* A position holds its file as a number: every name made into positions (more
 * than one block of the name table) comes back, and formats as file:line:col. */
static void test_pos_files(void **state)
{
    (void)state;
    char name[32], where[64];
    uint32_t ids[100];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "dir/f%d.toml", i);
        const char *interned = socm_intern(name); /* new: the table grows under it */
        assert_string_equal(interned, name);
        struct socm_pos p = socm_pos_at(name, i + 1, 7);
        ids[i] = p.file_id;
        assert_ptr_equal(socm_pos_file(&p), interned); /* one copy per name */
    }
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "dir/f%d.toml", i);
        assert_int_equal(socm_intern_id(name), ids[i]);
        struct socm_pos p = {ids[i], i + 1, 7};
        char want[64];
        snprintf(want, sizeof want, "%s:%d:7", name, i + 1);
        assert_string_equal(socm_pos_format(&p, where, sizeof where), want);
    }
    struct socm_pos none = {0};
    assert_null(socm_pos_file(&none));
    assert_string_equal(socm_pos_format(&none, where, sizeof where), "<input>");
    assert_int_equal(socm_intern_id(NULL), 0);
    struct socm_value *v = socm_value_string("s", 1, &(struct socm_pos){ids[42], 3, 4});
    assert_string_equal(socm_pos_file(&v->pos), "dir/f42.toml");
    socm_value_free(v);
}

/* A node counts its owners in a bit-field: past its limit a share is a copy, equal
 * to the node and freed on its own. */
static void test_share_past_limit(void **state)
{
    (void)state;
    struct socm_value *t = socm_value_table(NULL);
    socm_table_set(t, "a", socm_value_string("x", 1, NULL));
    t->refs = SOCM_VALUE_REFS_MAX - 1;
    struct socm_value *last = socm_value_share(t);
    assert_ptr_equal(last, t);
    assert_int_equal(t->refs, SOCM_VALUE_REFS_MAX);
    struct socm_value *copy = socm_value_share(t);
    assert_ptr_not_equal(copy, t);
    assert_int_equal(copy->refs, 0);
    assert_string_equal(socm_table_get(copy, "a")->u.str.s, "x");
    assert_int_equal(t->refs, SOCM_VALUE_REFS_MAX);
    socm_value_free(copy);
    t->refs = 0; /* the owners taken above, given back at once */
    socm_value_free(t);
}

/* Equal keys of different tables are one interned string; keys freed in any
 * order (the set's deletions) leave every other key findable. */
static void test_keys_interned(void **state)
{
    (void)state;
    enum { N = 3000 };
    struct socm_value *t[N];
    char key[32];
    for (int i = 0; i < N; i++) {
        t[i] = socm_value_table(NULL);
        for (int k = 0; k <= i % 40; k++) {
            snprintf(key, sizeof key, "key-%d", (k * 7919 + i) % 997);
            socm_table_add(t[i], key, strlen(key), NULL, socm_value_integer(k, NULL));
        }
    }
    assert_ptr_equal(t[0]->u.tbl.items[0].key, t[997]->u.tbl.items[0].key);
    for (int i = 0; i < N; i += 2) /* half of them, interleaved */
        socm_value_free(t[(i * 31) % N]), t[(i * 31) % N] = NULL;
    for (int i = 0; i < N; i++) {
        if (!t[i])
            continue;
        for (int k = 0; k <= i % 40; k++) {
            snprintf(key, sizeof key, "key-%d", (k * 7919 + i) % 997);
            assert_string_equal(t[i]->u.tbl.items[k].key, key);
            assert_int_equal(socm_table_get(t[i], key)->u.i, k);
        }
        struct socm_value *c = socm_value_clone(t[i]);
        assert_ptr_equal(c->u.tbl.items[0].key, t[i]->u.tbl.items[0].key);
        socm_value_free(c);
        socm_value_free(t[i]);
    }
    struct socm_value *z = socm_value_table(NULL); /* a key with a NUL byte */
    socm_table_add(z, "a\0b", 3, NULL, socm_value_integer(1, NULL));
    assert_null(socm_table_getn(z, "a", 1));
    assert_int_equal(socm_table_getn(z, "a\0b", 3)->u.i, 1);
    socm_value_free(z);
}

static void test_clone_is_deep(void **state)
{
    (void)state;
    struct socm_value *t = socm_value_table(NULL);
    struct socm_value *a = socm_value_array(NULL);
    socm_array_push(a, socm_value_string("x", 1, NULL));
    socm_table_set(t, "a", a);
    struct socm_value *c = socm_value_clone(t);
    socm_value_free(t);
    struct socm_value *ca = socm_table_get(c, "a");
    assert_non_null(ca);
    assert_int_equal(ca->u.arr.n, 1);
    assert_string_equal(ca->u.arr.items[0]->u.str.s, "x");
    socm_value_free(c);
}

static void test_text_forms(void **state)
{
    (void)state;
    struct { struct socm_value *v; const char *want; } cases[] = {
        {socm_value_float(200.0, NULL), "200.0"},
        {socm_value_float(0.1, NULL), "0.1"},
        {socm_value_float(0.0015, NULL), "0.0015"},
        {socm_value_float(1e16, NULL), "1e+16"},
        {socm_value_float(1.5e-5, NULL), "1.5e-05"},
        {socm_value_float(INFINITY, NULL), "inf"},
        {socm_value_integer(-42, NULL), "-42"},
        {socm_value_bool(true, NULL), "True"},
        {socm_value_string("a b", 3, NULL), "a b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = socm_value_to_text(cases[i].v);
        assert_string_equal(s, cases[i].want);
        free(s);
        socm_value_free(cases[i].v);
    }
}

static void test_path(void **state)
{
    (void)state;
    struct socm_value *root = socm_value_table(NULL);
    struct socm_value *c = socm_value_table(NULL);
    socm_table_set(c, "deadline", socm_value_string("24h", 3, NULL));
    socm_table_set(root, "campaign", c);
    struct socm_value *d = socm_value_path(root, "campaign.deadline");
    assert_non_null(d);
    assert_string_equal(d->u.str.s, "24h");
    assert_null(socm_value_path(root, "campaign.nope"));
    socm_value_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_order_and_lookup),
        cmocka_unit_test(test_clone_is_deep),
        cmocka_unit_test(test_string_in_node),
        cmocka_unit_test(test_string_small_and_long),
        cmocka_unit_test(test_nodes_in_blocks),
        cmocka_unit_test(test_share_and_unshare),
        cmocka_unit_test(test_share_past_limit),
        cmocka_unit_test(test_pos_files),
        cmocka_unit_test(test_keys_interned),
        cmocka_unit_test(test_text_forms),
        cmocka_unit_test(test_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

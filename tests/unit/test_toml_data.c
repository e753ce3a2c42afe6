/* test_toml_data.c — runs every document of tests/data/toml/ through the parser, the
 * way the TOML conformance suite drives a decoder: valid/NAME.toml must give the
 * tagged JSON of valid/NAME.json (compared as values), invalid/NAME.toml must fail at
 * the line:col listed in invalid/expected.txt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "toml_test_util.h"

#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>

static char *data_dir(const char *sub)
{
    const char *src = getenv("SOCM_SRC");
    return socm_asprintf("%s/tests/data/toml/%s", src ? src : ".", sub);
}

/* Sorted *.toml names in dir. */
static void list_toml(const char *dir, struct socm_strv *out)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open %s (is SOCM_SRC set?)", dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (socm_str_endswith(e->d_name, ".toml"))
            socm_strv_push(out, e->d_name);
    closedir(d);
    for (size_t i = 1; i < out->n; i++) /* insertion sort: a few hundred names */
        for (size_t j = i; j > 0 && strcmp(out->v[j - 1], out->v[j]) > 0; j--) {
            char *t = out->v[j];
            out->v[j] = out->v[j - 1];
            out->v[j - 1] = t;
        }
}

/* Date-time text in one form: 'T' separator, upper case, zero offset as Z, no
 * trailing zeros in the fraction. */
static void normalise_datetime(const char *in, char *out, size_t n)
{
    snprintf(out, n, "%s", in);
    for (char *p = out; *p; p++) {
        if (*p == 't' || *p == 'z')
            *p -= 'a' - 'A';
        if (*p == ' ' && p == out + 10)
            *p = 'T';
    }
    size_t len = strlen(out);
    if (len >= 6 && (strcmp(out + len - 6, "+00:00") == 0 || strcmp(out + len - 6, "-00:00") == 0)) {
        strcpy(out + len - 6, "Z");
    }
    char *dot = strchr(out, '.');
    if (dot) {
        char *end = dot + 1;
        while (*end >= '0' && *end <= '9')
            end++;
        char *last = end;
        while (last > dot + 1 && last[-1] == '0')
            last--;
        if (last == dot + 1)
            last = dot;
        memmove(last, end, strlen(end) + 1);
    }
}

static bool leaf_equal(const char *type, const char *a, const char *b)
{
    if (strcmp(type, "float") == 0) {
        double x = strtod(a, NULL), y = strtod(b, NULL);
        if (isnan(x) || isnan(y))
            return isnan(x) && isnan(y);
        return x == y;
    }
    if (strcmp(type, "integer") == 0)
        return strtoll(a, NULL, 10) == strtoll(b, NULL, 10);
    if (strncmp(type, "datetime", 8) == 0 || strcmp(type, "date-local") == 0 ||
        strcmp(type, "time-local") == 0) {
        char x[64], y[64];
        normalise_datetime(a, x, sizeof x);
        normalise_datetime(b, y, sizeof y);
        return strcmp(x, y) == 0;
    }
    return strcmp(a, b) == 0;
}

static bool is_leaf(json_t *j)
{
    return json_is_object(j) && json_object_size(j) == 2 && json_is_string(json_object_get(j, "type")) &&
           json_is_string(json_object_get(j, "value"));
}

/* Semantic comparison of two tagged-JSON documents; describes the first difference. */
static bool tagged_equal(json_t *got, json_t *want, char *why, size_t n, const char *path)
{
    if (is_leaf(want)) {
        if (!is_leaf(got)) {
            snprintf(why, n, "%s: expected a leaf", path);
            return false;
        }
        const char *gt = json_string_value(json_object_get(got, "type"));
        const char *wt = json_string_value(json_object_get(want, "type"));
        const char *gv = json_string_value(json_object_get(got, "value"));
        const char *wv = json_string_value(json_object_get(want, "value"));
        bool same = strcmp(wt, "string") == 0 /* may hold NULs: compare with lengths */
                        ? json_equal(json_object_get(got, "value"), json_object_get(want, "value"))
                        : leaf_equal(wt, gv, wv);
        if (strcmp(gt, wt) != 0 || !same) {
            snprintf(why, n, "%s: got %s '%s', want %s '%s'", path, gt, gv, wt, wv);
            return false;
        }
        return true;
    }
    if (json_is_array(want)) {
        if (!json_is_array(got) || json_array_size(got) != json_array_size(want)) {
            snprintf(why, n, "%s: array size differs", path);
            return false;
        }
        for (size_t i = 0; i < json_array_size(want); i++) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s[%zu]", path, i);
            if (!tagged_equal(json_array_get(got, i), json_array_get(want, i), why, n, sub))
                return false;
        }
        return true;
    }
    if (json_is_object(want)) {
        if (!json_is_object(got) || is_leaf(got) || json_object_size(got) != json_object_size(want)) {
            snprintf(why, n, "%s: table keys differ", path);
            return false;
        }
        const char *k;
        json_t *v;
        json_object_foreach(want, k, v) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s.%s", path, k);
            json_t *g = json_object_get(got, k);
            if (!g) {
                snprintf(why, n, "%s: missing", sub);
                return false;
            }
            if (!tagged_equal(g, v, why, n, sub))
                return false;
        }
        return true;
    }
    snprintf(why, n, "%s: unexpected JSON in the expected file", path);
    return false;
}

static void test_valid_documents(void **state)
{
    (void)state;
    char *dir = data_dir("valid");
    struct socm_strv names = SOCM_STRV_INIT;
    list_toml(dir, &names);
    assert_true(names.n >= 10);
    size_t passed = 0;
    for (size_t i = 0; i < names.n; i++) {
        char *path = socm_asprintf("%s/%s", dir, names.v[i]);
        char *jpath = socm_asprintf("%.*s.json", (int)(strlen(path) - 5), path);
        size_t len = 0, jlen = 0;
        char *doc = slurp(path, &len);
        char *want_text = slurp(jpath, &jlen);
        assert_non_null(doc);
        if (!want_text)
            fail_msg("%s has no expected .json", names.v[i]);
        struct socm_error err = {0};
        struct socm_value *v = socm_toml_parse(doc, len, names.v[i], &err);
        if (!v) {
            print_message("FAIL valid/%s: %s\n", names.v[i], err.msg);
        } else {
            char *got_text = socm_config_to_tagged_json(v);
            json_t *got = json_loads(got_text, JSON_ALLOW_NUL, NULL);
            json_t *want = json_loads(want_text, JSON_ALLOW_NUL, NULL);
            char why[1024] = "";
            if (!want)
                print_message("FAIL valid/%s: expected JSON does not load\n", names.v[i]);
            else if (!tagged_equal(got, want, why, sizeof why, ""))
                print_message("FAIL valid/%s: %s\n", names.v[i], why);
            else
                passed++;
            json_decref(got);
            json_decref(want);
            free(got_text);
            socm_value_free(v);
        }
        free(doc);
        free(want_text);
        free(path);
        free(jpath);
    }
    print_message("toml data: %zu/%zu valid documents pass\n", passed, names.n);
    assert_int_equal(passed, names.n);
    socm_strv_free(&names);
    free(dir);
}

static void test_invalid_documents(void **state)
{
    (void)state;
    char *dir = data_dir("invalid");
    struct socm_strv names = SOCM_STRV_INIT;
    list_toml(dir, &names);
    assert_true(names.n >= 10);
    char *xpath = socm_asprintf("%s/expected.txt", dir);
    size_t xlen = 0;
    char *expected = slurp(xpath, &xlen);
    assert_non_null(expected);
    size_t passed = 0;
    for (size_t i = 0; i < names.n; i++) {
        /* "NAME.toml L:C" on a line of its own */
        char *needle = socm_asprintf("\n%s ", names.v[i]);
        const char *at = strstr(expected, needle);
        int line = 0, col = 0;
        if (!at || sscanf(at + strlen(needle), "%d:%d", &line, &col) != 2)
            fail_msg("invalid/%s has no line:col in expected.txt", names.v[i]);
        free(needle);

        char *path = socm_asprintf("%s/%s", dir, names.v[i]);
        size_t len = 0;
        char *doc = slurp(path, &len);
        assert_non_null(doc);
        struct socm_error err = {0};
        struct socm_value *v = socm_toml_parse(doc, len, names.v[i], &err);
        char *want = socm_asprintf("%s:%d:%d: ", names.v[i], line, col);
        if (v) {
            print_message("FAIL invalid/%s: accepted\n", names.v[i]);
            socm_value_free(v);
        } else if (strncmp(err.msg, want, strlen(want)) != 0) {
            print_message("FAIL invalid/%s: '%s', want position %d:%d\n", names.v[i], err.msg, line, col);
        } else {
            passed++;
        }
        free(want);
        free(doc);
        free(path);
    }
    print_message("toml data: %zu/%zu invalid documents rejected at the right line:col\n", passed,
                  names.n);
    assert_int_equal(passed, names.n);
    free(expected);
    free(xpath);
    socm_strv_free(&names);
    free(dir);
}

/* The original tool's example campaign (tests/data/compat/). */
static void test_compat_campaign(void **state)
{
    (void)state;
    const char *src = getenv("SOCM_SRC");
    char *path = socm_asprintf("%s/tests/data/compat/campaign.toml", src ? src : ".");
    size_t len = 0;
    char *doc = slurp(path, &len);
    if (!doc)
        fail_msg("cannot read %s", path);
    free(path);
    struct socm_error err = {0};
    struct socm_value *r = socm_toml_parse(doc, len, "campaign.toml", &err);
    if (!r)
        fail_msg("%s", err.msg);
    assert_string_equal(socm_value_path(r, "campaign.resource")->u.str.s, "tiger3");
    assert_int_equal(socm_value_path(r, "campaign.requested_resources")->u.i, 3359);
    const struct socm_value *ranks = socm_value_path(r, "campaign.ml-mapmaking.resources.ranks");
    assert_int_equal(ranks->u.i, 70);
    assert_int_equal(ranks->pos.line, 22);
    assert_int_equal(ranks->pos.col, 9);
    const struct socm_value *w = socm_value_path(r, "campaign.ml-null-tests.wafer-tests");
    assert_int_equal(socm_table_get(w, "nsplits")->u.i, 4);
    assert_string_equal(socm_value_path(w, "resources.runtime")->u.str.s, "4h");
    socm_value_free(r);
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_documents),
        cmocka_unit_test(test_invalid_documents),
        cmocka_unit_test(test_compat_campaign),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

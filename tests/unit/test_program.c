/* test_program.c — programs of campaigns (src/api/program.c) through their C API:
 * what counts as a program, where its state goes, each malformed program refused
 * with its message (unknown `after`, a cycle, no file, duplicate names, a bad
 * on_failure) before anything runs, a run of two simulated campaigns in `after`
 * order, a second run into the same directory refused, and resume and status of the
 * finished program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include "config/config.h"
#include "api/program.h"
#include "util/str.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static char *path_in(const char *name) { return socm_asprintf("%s/%s", tmpdir, name); }

static void write_file(const char *name, const char *text)
{
    char *p = path_in(name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    free(p);
}

static struct socm_value *parse(const char *doc)
{
    struct socm_error err = {0};
    struct socm_value *v = socm_toml_parse(doc, strlen(doc), "p.toml", &err);
    if (!v)
        fail_msg("%s", err.msg);
    return v;
}

static void test_detect(void **state)
{
    (void)state;
    const struct {
        const char *doc;
        bool is;
    } cases[] = {
        {"[[campaign_set]]\nname = \"a\"\nfile = \"a.toml\"\n", true},
        {"[program.campaigns.a]\nfile = \"a.toml\"\n", true},
        {"[campaign]\nname = \"x\"\n[[campaign_set]]\nname = \"a\"\n", false},
        {"[campaign]\nname = \"x\"\n", false},
        {"a = 1\n", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct socm_value *v = parse(cases[i].doc);
        if (socm_program_detect(v) != cases[i].is)
            fail_msg("case %zu: %s", i, cases[i].doc);
        socm_value_free(v);
    }
}

static const char campaign_fmt[] =
    "[campaign]\nname = \"%s\"\ndeadline = \"1h\"\nenactor = \"dryrun\"\n"
    "[campaign.w]\ntype = \"generic\"\nexecutable = \"true\"\n"
    "[campaign.w.resources]\nruntime = \"1m\"\n";

static void write_campaign(const char *name)
{
    char *file = socm_asprintf("%s.toml", name);
    char *text = socm_asprintf(campaign_fmt, name);
    write_file(file, text);
    free(file);
    free(text);
}

/* Runs the program text; returns socm_program_run's value, err filled. */
static int run_program(const char *text, const char *state, struct socm_error *err)
{
    write_file("prog.toml", text);
    char *p = path_in("prog.toml");
    char *sd = path_in(state);
    struct socm_run_opts o = {.simulate = true, .quiet = true};
    memset(err, 0, sizeof *err);
    int rc = socm_program_run(p, sd, &o, false, err);
    free(p);
    free(sd);
    return rc;
}

static void test_malformed_programs_refused(void **state)
{
    (void)state;
    write_campaign("a");
    const struct {
        const char *text, *want;
    } cases[] = {
        {"[[campaign_set]]\nname = \"a\"\nfile = \"a.toml\"\nafter = [\"zz\"]\n", "unknown"},
        {"[[campaign_set]]\nname = \"a\"\nfile = \"a.toml\"\nafter = [\"b\"]\n"
         "[[campaign_set]]\nname = \"b\"\nfile = \"a.toml\"\nafter = [\"a\"]\n", "cycle"},
        {"[[campaign_set]]\nname = \"a\"\n", "names no file"},
        {"[[campaign_set]]\nfile = \"a.toml\"\n", "needs a name"},
        {"[[campaign_set]]\nname = \"a\"\nfile = \"a.toml\"\n"
         "[[campaign_set]]\nname = \"a\"\nfile = \"a.toml\"\n", "duplicate"},
        {"[[campaign_set]]\nname = \"a\"\nfile = \"a.toml\"\non_failure = \"explode\"\n",
         "on_failure"},
        {"[[campaign_set]]\nname = \"a\"\nfile = 7\n", "string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct socm_error err;
        char state_name[32];
        snprintf(state_name, sizeof state_name, "bad%zu", i);
        int rc = run_program(cases[i].text, state_name, &err);
        if (rc != -1 || err.code != SOCM_E_INPUT || !strstr(err.msg, cases[i].want))
            fail_msg("case %zu: rc %d, code %d, message '%s' (want '%s')", i, rc, err.code,
                     err.msg, cases[i].want);
        /* refused before anything ran: no state directory with a journal */
        char *jp = socm_asprintf("%s/%s/program.jsonl", tmpdir, state_name);
        struct stat st;
        if (stat(jp, &st) == 0)
            fail_msg("case %zu left %s", i, jp);
        free(jp);
    }
}

static void test_run_resume_status(void **state)
{
    (void)state;
    write_campaign("first");
    write_campaign("second");
    const char *prog = "[program]\nname = \"season\"\n"
                       "[[campaign_set]]\nname = \"second\"\nfile = \"second.toml\"\n"
                       "after = [\"first\"]\n"
                       "[[campaign_set]]\nname = \"first\"\nfile = \"first.toml\"\n";
    struct socm_error err;
    assert_int_equal(run_program(prog, "st", &err), 0);
    char *sd = path_in("st");
    assert_true(socm_program_is_state_dir(sd));
    char *fj = socm_asprintf("%s/campaigns/first/journal.jsonl", sd);
    char *sj = socm_asprintf("%s/campaigns/second/journal.jsonl", sd);
    struct stat a, b;
    assert_int_equal(stat(fj, &a), 0);
    assert_int_equal(stat(sj, &b), 0);
    free(fj);
    free(sj);

    /* The same directory again: refused, pointing at resume. */
    assert_int_equal(run_program(prog, "st", &err), -1);
    assert_non_null(strstr(err.msg, "socm resume"));

    /* Resume of a finished program: nothing to do, success. */
    struct socm_run_opts o = {.simulate = true, .quiet = true};
    memset(&err, 0, sizeof err);
    assert_int_equal(socm_program_resume(sd, &o, &err), 0);

    char *out_path = path_in("status.txt");
    FILE *out = fopen(out_path, "w+");
    assert_non_null(out);
    assert_int_equal(socm_program_status(sd, out, &err), 0);
    rewind(out);
    char line[512];
    bool program_done = false, first_done = false, second_done = false;
    while (fgets(line, sizeof line, out)) {
        program_done |= strstr(line, "program season: done") != NULL;
        first_done |= strstr(line, "campaign first") && strstr(line, "done");
        second_done |= strstr(line, "campaign second") && strstr(line, "done");
    }
    fclose(out);
    assert_true(program_done && first_done && second_done);
    free(out_path);

    /* Not a program's directory. */
    char *nd = path_in("nothing");
    assert_false(socm_program_is_state_dir(nd));
    free(nd);
    free(sd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_malformed_programs_refused),
        cmocka_unit_test(test_run_resume_status),
    };
    return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}

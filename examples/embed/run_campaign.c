/* run_campaign.c — a program that embeds socm (the original tool's Python example
 * Bookkeeper.run / wait_for_completion / is_successful, in C): loads a campaign,
 * plans it, runs it, waits, and reports whether it succeeded.
 *
 *     cc run_campaign.c $(pkg-config --cflags --libs socm) -o run_campaign
 *     ./run_campaign campaign.toml [STATE_DIR]
 *
 * Exit status: the campaign's (0 done, 1 failed, 2 bad input, 3 could not start). */
#include <socm/socm.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s CAMPAIGN_FILE [STATE_DIR]\n", argv[0]);
        return 2;
    }
    const char *files[] = {argv[1]};
    const char *state_dir = argc > 2 ? argv[2] : NULL;
    struct socm_error err = {SOCM_OK, ""};

    /* Load and plan first: a bad file or an impossible deadline is reported here. */
    struct socm_campaign *c = socm_campaign_open(files, 1, &err);
    if (!c) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    struct socm_plan plan;
    if (socm_campaign_plan(c, &plan, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        socm_campaign_free(c);
        return 2;
    }
    printf("campaign %s (socm %s): %zu workflows on %lld cores, makespan %.1f min\n",
           socm_campaign_name(c), socm_version(), socm_campaign_size(c),
           (long long)plan.cores, plan.makespan);
    socm_plan_free(&plan);
    socm_campaign_free(c);

    /* Run it (in a child process with its own journal) and wait for the end. */
    struct socm_run_opts *opts = socm_run_opts_new();
    socm_run_opts_set_quiet(opts, true);
    struct socm_campaign_handle *h = socm_campaign_run(files, 1, state_dir, opts, false, &err);
    socm_run_opts_free(opts);
    if (!h) {
        fprintf(stderr, "%s\n", err.msg);
        return 3;
    }
    int code = socm_campaign_wait(h);
    printf("%s\n", socm_campaign_succeeded(h) ? "succeeded" : "failed");
    socm_campaign_handle_free(h);
    return code;
}

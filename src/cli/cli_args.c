/* cli_args.c — the arguments several commands share: campaign files (named by -t/-y
 * and by position, loaded with every error printed) and one state directory. */
#include "cli/cli.h"
#include "campaign/campaign.h"

#include <stdio.h>

struct socm_campaign *socm_cli_load_campaign(const char *cmd, int argc, char **argv, int first,
                                             struct socm_strv *files, int *rc)
{
    for (int i = first; i < argc; i++)
        socm_strv_push(files, argv[i]);
    if (files->n == 0) {
        socm_strv_free(files);
        *rc = socm_cli_usage(cmd, "no campaign file given");
        return NULL;
    }
    struct socm_errlist errs = {0};
    struct socm_campaign *c = socm_campaign_load((const char *const *)files->v, files->n, &errs);
    socm_strv_free(files);
    if (!c) {
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "%s\n", errs.msgs[i]);
        fprintf(stderr, "socm %s: %zu error%s\n", cmd, errs.n, errs.n == 1 ? "" : "s");
        *rc = 2;
    }
    socm_errlist_free(&errs);
    return c;
}

int socm_cli_state_dir_arg(const char *cmd, const char *arg, const char **dir)
{
    if (arg[0] == '-')
        return socm_cli_usage(cmd, "unknown option '%s'", arg);
    if (*dir)
        return socm_cli_usage(cmd, "one state directory only");
    *dir = arg;
    return 0;
}

/* cli_load.c — what the commands that read a campaign share: the files named by
 * -t/-y and by position, and loading them with every error printed. */
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

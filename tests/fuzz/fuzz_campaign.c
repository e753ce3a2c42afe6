/* fuzz_campaign.c — libFuzzer target: campaign expansion from a config tree. Any TOML
 * bytes that parse must be built into a campaign or refused with messages, without
 * crashing, leaking or hanging. Runs in a scratch directory so that files a workflow
 * type writes at expansion (query files) land there. */
#include "campaign/campaign.h"
#include "config/config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int home_fd = -1, scratch_fd = -1;

/* libFuzzer reads and writes its corpus relative to the starting directory, so the
 * scratch directory is entered only around each input. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char tmpl[] = "/tmp/socm-fuzz-campaign-XXXXXX";
    if (!mkdtemp(tmpl))
        abort();
    home_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    scratch_fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (home_fd < 0 || scratch_fd < 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fchdir(scratch_fd) != 0)
        abort();
    struct socm_error err;
    struct socm_value *v = socm_toml_parse((const char *)data, size, "fuzz.toml", &err);
    if (v) {
        struct socm_errlist errs = {0};
        struct socm_campaign *c = socm_campaign_from_config(v, "fuzz.toml", &errs);
        if (!c && errs.n == 0)
            abort(); /* refused without saying why */
        socm_campaign_free(c);
        socm_errlist_free(&errs);
    }
    socm_intern_free_all();
    if (fchdir(home_fd) != 0)
        abort();
    return 0;
}

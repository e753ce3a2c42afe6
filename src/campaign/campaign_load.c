/* campaign_load.c — files to campaign: load and merge the files (config/), then
 * build the model (campaign.c). Kept apart so that the model builder does not pull
 * the parsers into programs that construct trees themselves. */
#include "campaign/campaign.h"
#include "config/config.h"

struct socm_campaign *socm_campaign_load_vars(const char *const *files, size_t n,
                                              const struct socm_template_vars *vars,
                                              struct socm_errlist *errs)
{
    if (n == 0) {
        socm_errlist_add(errs, "no campaign file given");
        return NULL;
    }
    struct socm_error err;
    struct socm_value *config = socm_config_load_files_vars(files, n, vars, &err);
    if (!config) {
        socm_errlist_add(errs, err.msg);
        return NULL;
    }
    return socm_campaign_from_config(config, files[0], errs);
}

struct socm_campaign *socm_campaign_load(const char *const *files, size_t n,
                                         struct socm_errlist *errs)
{
    return socm_campaign_load_vars(files, n, NULL, errs);
}

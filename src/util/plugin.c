/* plugin.c — dlopen, the entry symbol and the API-version check for every kind of
 * plug-in (see plugin.h). */
#include "util/plugin.h"

#include <dlfcn.h>
#include <stddef.h>

void *socm_plugin_open(const char *path, const char *label, const char *symbol, int expected_api,
                       void **handle, struct socm_error *err)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        socm_error_set(err, SOCM_E_INPUT, "%s %s: %s", label, path, dlerror());
        return NULL;
    }
    void *sym = dlsym(h, symbol);
    if (expected_api > 0) {
        const int *version = dlsym(h, "socm_plugin_api_version");
        if (!version || !sym) {
            socm_error_set(err, SOCM_E_INPUT,
                           "%s %s: not a socm plug-in (it must export socm_plugin_api_version and %s)",
                           label, path, symbol);
            dlclose(h);
            return NULL;
        }
        if (*version != expected_api) {
            socm_error_set(err, SOCM_E_INPUT,
                           "%s %s was built for socm plug-in API version %d, but this socm "
                           "provides version %d: rebuild it against this socm's include/socm/",
                           label, path, *version, expected_api);
            dlclose(h);
            return NULL;
        }
    } else if (!sym) {
        socm_error_set(err, SOCM_E_INPUT, "%s %s: does not export %s", label, path, symbol);
        dlclose(h);
        return NULL;
    }
    if (handle)
        *handle = h;
    return sym;
}

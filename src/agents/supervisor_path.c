/* supervisor_path.c — finds socm-supervise for the local agent (see
 * supervisor_path.h): beside the executable, or where the install put it relative to
 * the library. */
#include "agents/supervisor_path.h"

#include "util/proc.h"
#include "util/str.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* Relative to the directory holding libsocm (set by CMakeLists.txt from the install
 * directories); the default fits PREFIX/lib and PREFIX/libexec/socm. */
#ifndef SOCM_SUPERVISE_FROM_LIB
#define SOCM_SUPERVISE_FROM_LIB "../libexec/socm/socm-supervise"
#endif

/* dir(file)/rel if it is executable (malloc'd), else NULL. */
static char *beside(const char *file, const char *rel)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return NULL;
    char *p = socm_asprintf("%.*s/%s", (int)(slash - file), file, rel);
    if (access(p, X_OK) == 0)
        return p;
    free(p);
    return NULL;
}

const char *socm_supervisor_default_path(void)
{
    static char *found;
    static bool looked;
    if (looked)
        return found;
    looked = true;
    found = beside(socm_self_exe(), "socm-supervise");
    Dl_info info;
    if (!found && dladdr((void *)socm_supervisor_default_path, &info) && info.dli_fname &&
        info.dli_fname[0] == '/')
        found = beside(info.dli_fname, SOCM_SUPERVISE_FROM_LIB);
    return found;
}

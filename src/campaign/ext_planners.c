/* ext_planners.c — the declarations of external planners (see ext_planners.h): a
 * process-wide list of name → program, filled while campaigns and external plug-ins
 * load, read by the planner stage. */
#include "campaign/ext_planners.h"
#include "campaign/ext_call.h"

#include <stdlib.h>
#include <string.h>

static struct socm_ext_planner_decl **all;
static size_t n_all;

const struct socm_ext_planner_decl *socm_ext_planner_declared(const char *name)
{
    for (size_t i = 0; name && i < n_all; i++)
        if (!strcmp(all[i]->name, name))
            return all[i];
    return NULL;
}

size_t socm_ext_planner_count(void)
{
    return n_all;
}

const struct socm_ext_planner_decl *socm_ext_planner_at(size_t i)
{
    return i < n_all ? all[i] : NULL;
}

void socm_ext_planner_declare(const char *name, const struct socm_strv *argv, double timeout_s)
{
    struct socm_ext_planner_decl *d = (struct socm_ext_planner_decl *)socm_ext_planner_declared(name);
    if (d) { /* another campaign of this process may name another program */
        socm_strv_free(&d->argv);
    } else {
        d = socm_xcalloc(1, sizeof *d);
        d->name = socm_strdup(name);
        all = socm_xrealloc(all, (n_all + 1) * sizeof *all);
        all[n_all++] = d;
    }
    socm_strv_copy(&d->argv, argv);
    d->timeout_s = timeout_s;
}

void socm_ext_planner_from_campaign(const struct socm_value *camp, const char *base_dir,
                                    char **policy, struct socm_errlist *errs)
{
    const struct socm_value *cmd = socm_table_get(camp, "planner_command");
    if (!cmd)
        return;
    struct socm_strv argv = SOCM_STRV_INIT;
    struct socm_error err;
    if (socm_ext_command(cmd, "planner_command", base_dir, &argv, &err) < 0) {
        socm_errlist_add(errs, err.msg);
        return;
    }
    double timeout = 0;
    const struct socm_value *to = socm_table_get(camp, "planner_timeout");
    if (to && (!socm_value_is_number(to) || socm_value_as_double(to) <= 0))
        socm_errlist_addf(errs, &to->pos, "'planner_timeout' must be a positive number of seconds");
    else if (to)
        timeout = socm_value_as_double(to);
    if (*policy && strcmp(*policy, SOCM_EXT_PLANNER_COMMAND))
        socm_errlist_addf(errs, &cmd->pos, "'planner_command' and policy = \"%s\" exclude each other "
                          "(planner_command is policy \"%s\")", *policy, SOCM_EXT_PLANNER_COMMAND);
    else {
        socm_ext_planner_declare(SOCM_EXT_PLANNER_COMMAND, &argv, timeout);
        free(*policy);
        *policy = socm_strdup(SOCM_EXT_PLANNER_COMMAND);
    }
    socm_strv_free(&argv);
}

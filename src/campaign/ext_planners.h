/* ext_planners.h — the external planners a campaign declares (`planner_command =
 * [...]` in [campaign], policy "command") or an external plug-in describes (`policy =
 * "NAME"`): a name and the program that serves it. The campaign stage produces these
 * declarations; the planner stage (planner/ext_planner.c) turns a declared name into
 * a planner when a policy asks for it, so loading a campaign needs no planner. */
#ifndef SOCM_EXT_PLANNERS_H
#define SOCM_EXT_PLANNERS_H

#include "config/value.h"
#include "util/error.h"
#include "util/str.h"

/* The policy name `planner_command` declares. */
#define SOCM_EXT_PLANNER_COMMAND "command"

struct socm_ext_planner_decl {
    char *name;
    struct socm_strv argv;
    double timeout_s; /* <= 0: the default */
};

/* Declares planner `name` served by argv (copied); declaring a name again (another
 * campaign of this process) replaces its program. Declarations live for the whole
 * process: the pointers below stay valid. */
void socm_ext_planner_declare(const char *name, const struct socm_strv *argv, double timeout_s);
/* The declaration of `name`, or NULL. */
const struct socm_ext_planner_decl *socm_ext_planner_declared(const char *name);
/* Declaration i (0 ≤ i < count), in the order of declaration. */
size_t socm_ext_planner_count(void);
const struct socm_ext_planner_decl *socm_ext_planner_at(size_t i);
/* Reads `planner_command` (and `planner_timeout`) of the [campaign] table: declares
 * it and, unless `policy` names another planner (an error), makes it the policy. */
void socm_ext_planner_from_campaign(const struct socm_value *camp, const char *base_dir,
                                    char **policy, struct socm_errlist *errs);

#endif

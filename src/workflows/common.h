/* common.h — argv helpers shared by the built-in workflow types: whitespace-split
 * executables, positional arguments, sorted --key=value options and --flags, and
 * values written as the original's Python str() writes them. */
#ifndef SOCM_WORKFLOWS_COMMON_H
#define SOCM_WORKFLOWS_COMMON_H

#include "campaign/campaign.h"
#include "socm/workflow.h"

/* Appends the whitespace-separated words of s ("python -u" → two words), as the
 * original's command strings split them. */
void socm_wfargv_words(struct socm_strv *argv, const char *s);
/* Checks that `key` in `section`, if present, is an array of scalars (args, flags). */
int socm_wfargv_check_list(const struct socm_value *section, const char *key,
                           struct socm_error *err);
/* Checks that `key`, if present, is a table (kwargs). */
int socm_wfargv_check_kwargs(const struct socm_value *section, const char *key,
                             struct socm_error *err);
/* A value as the original puts it in a command line: Python's str() of what its
 * reader made of it ("[1, 'a']", "{'k': 1}", "1979-05-27 07:32:00+00:00"); see
 * pytext.c. Caller frees. */
char *socm_wfargv_pystr(const struct socm_value *v);
/* Appends "--k=v" for every key of the table, sorted by key (bytewise), v as
 * socm_wfargv_pystr writes it. */
void socm_wfargv_kwargs(struct socm_strv *argv, const struct socm_value *kwargs);
/* Appends "--flag" for every item of the array. */
void socm_wfargv_flags(struct socm_strv *argv, const struct socm_value *flags);

#endif

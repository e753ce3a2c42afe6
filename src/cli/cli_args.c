/* cli_args.c — the arguments every command shares: the one option parser
 * (getopt_long with the same rules for every subcommand), the execution options of
 * run and resume, campaign files (named by -t/-y and by position, loaded with every
 * error printed) and one state directory. */
#include "cli/cli.h"
#include "campaign/campaign.h"
#include "config/config.h"
#include "manager/bookkeeper.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void socm_cli_getopt_start(void)
{
    optind = 0; /* glibc: a full reset, as each command parses its own argv */
    opterr = 0; /* errors are ours: one format, exit 2 */
}

int socm_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
                    const struct option *longopts)
{
    /* A leading ':' (after a '+' or '-' mode character) makes a missing argument
     * ':' rather than '?'. Without a mode, options may follow operands, as argparse
     * allows; '+' (stop at the first operand) is for commands whose operands are
     * another program's command line. */
    bool mode = shortopts[0] == '+' || shortopts[0] == '-';
    char *spec = mode ? socm_asprintf("%c:%s", shortopts[0], shortopts + 1)
                      : socm_asprintf(":%s", shortopts);
    int ch = getopt_long(argc, argv, spec, longopts, NULL);
    free(spec);
    if (ch == ':') {
        const char *opt = argv[optind - 1];
        if (optopt && opt[0] == '-' && opt[1] != '-')
            socm_cli_usage(cmd, "option '-%c' needs a value", optopt);
        else
            socm_cli_usage(cmd, "option '%s' needs a value", opt);
        return '?';
    }
    if (ch == '?') {
        const char *opt = argv[optind - 1];
        if (optopt && !(opt[0] == '-' && opt[1] == '-'))
            socm_cli_usage(cmd, "unknown option '-%c'", optopt);
        else if (strchr(opt, '=') && optopt)
            socm_cli_usage(cmd, "option '%.*s' takes no value", (int)(strchr(opt, '=') - opt), opt);
        else
            socm_cli_usage(cmd, "unknown or ambiguous option '%s'", opt);
        return '?';
    }
    return ch;
}

int socm_cli_exec_option(const char *cmd, int ch, const char *arg, struct socm_run_opts *o)
{
    struct socm_error err = {0};
    char *end;
    switch (ch) {
    case SOCM_CLI_OPT_CORES:
        errno = 0;
        o->cores = strtoll(arg, &end, 10);
        if (end == arg || *end || errno || o->cores <= 0 || o->cores > SOCM_MAX_CORES)
            return socm_cli_usage(cmd, "--cores needs a positive integer of at most %lld, not '%s'",
                                  (long long)SOCM_MAX_CORES, arg), -1;
        return 1;
    case SOCM_CLI_OPT_MEMORY:
        if (socm_units_parse_memory_mb(arg, &o->memory_mb, &err) != 0 || o->memory_mb <= 0)
            return socm_cli_usage(cmd, "--memory: %s", err.msg[0] ? err.msg : "must be > 0"), -1;
        return 1;
    case SOCM_CLI_OPT_ENACTOR:
        o->enactor = arg;
        return 1;
    case 'q':
        o->quiet = true;
        return 1;
    default:
        return 0;
    }
}

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
        socm_cli_note_error(errs.n ? errs.msgs[0] : NULL);
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "%s\n", errs.msgs[i]);
        fprintf(stderr, "socm %s: %zu error%s\n", cmd, errs.n, errs.n == 1 ? "" : "s");
        *rc = 2;
    }
    socm_errlist_free(&errs);
    return c;
}

/* Where a path leads once links and `..` are resolved: the file itself when it exists,
 * else its directory (a file about to be created); NULL when neither resolves. */
static char *resolved_target(const char *path)
{
    char *r = realpath(path, NULL);
    if (r)
        return r;
    char *copy = socm_strdup(path);
    char *slash = strrchr(copy, '/');
    const char *parent = slash ? (slash == copy ? "/" : (*slash = 0, copy)) : ".";
    r = realpath(parent, NULL);
    free(copy);
    return r;
}

int socm_cli_output_outside(const char *cmd, const char *out, const char *state_dir)
{
    /* A report written into the state directory could replace its journal or a
     * sandbox file (`--html DIR/journal.jsonl`): socm writes there only through the
     * journal writer. */
    char *o = resolved_target(out), *d = realpath(state_dir, NULL);
    size_t n = d ? strlen(d) : 0;
    bool inside = o && d && !strncmp(o, d, n) && (o[n] == 0 || o[n] == '/');
    free(o);
    free(d);
    if (inside)
        return socm_cli_usage(cmd, "'%s' is inside the state directory %s: write the report "
                                   "elsewhere", out, state_dir);
    return 0;
}

int socm_cli_state_dir_arg(const char *cmd, const char *arg, const char **dir)
{
    if (arg[0] == '-')
        return socm_cli_usage(cmd, "unknown option '%s'", arg);
    if (*dir)
        return socm_cli_usage(cmd, "one state directory only");
    /* A campaign file where a state directory belongs is a usage error (2), not the
     * system refusing (3): `socm status campaign.toml`. */
    struct stat st;
    if (stat(arg, &st) == 0 && !S_ISDIR(st.st_mode))
        return socm_cli_usage(cmd, "'%s' is not a state directory (a campaign file? `socm run` "
                                   "makes one)", arg);
    *dir = arg;
    return 0;
}

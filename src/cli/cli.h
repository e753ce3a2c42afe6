/* cli.h — the subcommands of the socm executable and what they share. Only code in
 * src/cli/ may exit the process; everything below returns error values. */
#ifndef SOCM_CLI_H
#define SOCM_CLI_H

#include "util/error.h"
#include "util/str.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Each subcommand: argv[0] is the subcommand name; returns the exit code
 * (0 success, 1 campaign failed, 2 bad input or usage, 3 system error such as an
 * unwritable state directory, 130/143 interrupted); main.c's help lists them. */
int socm_cmd_validate(int argc, char **argv);
int socm_cmd_config(int argc, char **argv);
int socm_cmd_plan(int argc, char **argv);
int socm_cmd_run(int argc, char **argv);
int socm_cmd_resume(int argc, char **argv);
int socm_cmd_status(int argc, char **argv);
int socm_cmd_report(int argc, char **argv);
int socm_cmd_cancel(int argc, char **argv);
int socm_cmd_events(int argc, char **argv);
int socm_cmd_logs(int argc, char **argv);
int socm_cmd_retry(int argc, char **argv);
int socm_cmd_agent(int argc, char **argv);
int socm_cmd_supervise(int argc, char **argv);
int socm_cmd_resources(int argc, char **argv);
int socm_cmd_history(int argc, char **argv);
int socm_cmd_predict(int argc, char **argv);
int socm_cmd_render(int argc, char **argv);

/* Prints "socm <cmd>: <msg>" to stderr and returns err->code (or 2). */
int socm_cli_fail(const char *cmd, const struct socm_error *err);
/* A program runner (the parent of its campaigns' managers) outlives its terminal and
 * its output as a manager does: SIGHUP and SIGPIPE are ignored from here on. */
void socm_cli_outlive_terminal(void);
/* Prints a usage error with a hint to --help; returns 2. */
int socm_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct socm_campaign;
/* The campaign of a command that names its files with -t/-y (already pushed to
 * *files) and by position (argv[first..argc)): loads and merges them. On failure
 * prints the usage error, or every input error and "socm CMD: N errors", sets *rc
 * (2) and returns NULL. Always empties *files. */
struct socm_campaign *socm_cli_load_campaign(const char *cmd, int argc, char **argv, int first,
                                             struct socm_strv *files, int *rc);
/* A non-option argument of a command that takes one STATE_DIR: sets *dir and
 * returns 0; an unknown option or a second directory is a usage error (returns 2). */
int socm_cli_state_dir_arg(const char *cmd, const char *arg, const char **dir);
/* 0 when OUT (a report or chart to write) is outside STATE_DIR; else a usage error (2). */
int socm_cli_output_outside(const char *cmd, const char *out, const char *state_dir);
/* ---- options: one parser for every subcommand ----
 * getopt_long with the same rules everywhere: options and operands in any order,
 * unambiguous abbreviations of long options (--dry for --dry-run), --opt=value and
 * --opt value, -tF and -t F. Call socm_cli_getopt_start first, then
 * socm_cli_getopt until it returns -1; '?' means a usage error was printed (the
 * command returns 2). Operands are argv[optind..argc) afterwards. shortopts may
 * start with '+' (stop at the first operand) or '-' (operands returned as 1). */
struct option;
void socm_cli_getopt_start(void);
int socm_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
                    const struct option *longopts);

/* The options of run and resume that say how to execute (same table, same
 * checks for both): --cores N, --memory SIZE, --enactor NAME, -q/--quiet. */
#define SOCM_CLI_EXEC_OPTIONS                                                      \
    {"cores", required_argument, NULL, SOCM_CLI_OPT_CORES},                        \
        {"memory", required_argument, NULL, SOCM_CLI_OPT_MEMORY},                  \
        {"enactor", required_argument, NULL, SOCM_CLI_OPT_ENACTOR},                \
        {"quiet", no_argument, NULL, 'q'}
enum { SOCM_CLI_OPT_CORES = 0x100, SOCM_CLI_OPT_MEMORY, SOCM_CLI_OPT_ENACTOR, SOCM_CLI_OPT_FIRST_FREE };
struct socm_run_opts;
/* Applies one of SOCM_CLI_EXEC_OPTIONS (ch, optarg) to o: 1 if ch is one of them,
 * 0 if not, -1 after a usage error (bad number or size). */
int socm_cli_exec_option(const char *cmd, int ch, const char *arg, struct socm_run_opts *o);

/* ---- --json errors (cli_json_error.c) ----
 * With --json on (main turns it on for every command), the first error noted by
 * socm_cli_fail, socm_cli_usage or the campaign loader is printed by
 * socm_cli_json_error_finish(rc) on stdout as {"error": {"message", "file", "line",
 * "column", "exit_code"}} (file/line/column null unless the message is
 * "file:line:col: ..."); a non-zero rc without a noted error other than 1 (the
 * campaign failed) prints a generic one. Returns rc. */
void socm_cli_json_errors(bool on);
/* Whether --json was given (any command); where text for people goes: stdout, or
 * stderr under --json so that stdout holds only JSON. */
bool socm_cli_json_on(void);
FILE *socm_cli_human_out(void);
/* run, resume, retry and cancel under --json: the campaign's `socm status --json`
 * document once the command is done (nothing if the directory cannot be read). */
void socm_cli_status_json_print(const char *dir);
/* Prints one JSON document on stdout as every command does: indented, keys in their
 * order, reals with 15 significant digits, then a newline. */
void socm_cli_json_print(const json_t *j);
/* A program's `socm status --json` document (each campaign with its status document's
 * state and workflows); -1 with err if its journal cannot be read. */
int socm_cli_program_json_print(const char *dir, struct socm_error *err);
struct socm_sites_plan;
/* `socm plan --json`'s document (also `socm run --dry-run --json`). */
json_t *socm_cli_plan_json(const struct socm_campaign *c, const struct socm_sites_plan *sp);
void socm_cli_note_error(const char *msg);
int socm_cli_json_error_finish(int rc);

/* For stages not built yet: says so plainly; returns 2. */
int socm_cli_not_built(const char *cmd, const char *what);

#endif

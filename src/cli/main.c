/* main.c — the socm executable: dispatches to one file per subcommand, and maps the
 * original tool's command lines (`socm -t FILE`, `socm lat-mapmaking -t FILE
 * [--dry-run]`, `socm spectra -y FILE`) onto `socm run`. */
#include "cli/cli.h"
#include "util/str.h"

#include <stdarg.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

struct socm_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    bool json; /* parses --json itself (else main takes it: errors as JSON only) */
};

static const struct socm_command commands[] = {
    {"validate", socm_cmd_validate, "check campaign files and print what they expand to", true},
    {"plan", socm_cmd_plan, "plan a campaign: cores, QoS, walltime, schedule", true},
    {"run", socm_cmd_run, "plan and run a campaign (local, dry-run or Slurm)", false},
    {"resume", socm_cmd_resume, "resume a campaign from its state directory", false},
    {"status", socm_cmd_status, "show a campaign's state from its state directory", true},
    {"report", socm_cmd_report, "planned vs actual: Gantt chart, profile", true},
    {"events", socm_cmd_events, "a campaign's state changes as JSON Lines (--follow)", false},
    {"logs", socm_cmd_logs, "print a workflow's stdout or stderr (--follow)", false},
    {"retry", socm_cmd_retry, "run a campaign's failed and canceled workflows again", false},
    {"cancel", socm_cmd_cancel, "stop everything a campaign started", false},
    {"resources", socm_cmd_resources, "list known clusters and QoS; discover a live Slurm", true},
    {"history", socm_cmd_history, "past runs: list, show, export, import, prune, train, evaluate", true},
    {"predict", socm_cmd_predict, "predict a job's runtime and memory from history", true},
    {"render", socm_cmd_render, "render a Jinja-style campaign template", false},
    {"config", socm_cmd_config, "decode TOML/YAML to tagged JSON; show merged config", true},
    {"agent", socm_cmd_agent, "(internal) run workflows inside an allocation", false},
    {"supervise", socm_cmd_supervise, "(internal) supervise one workflow process", false},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("usage: socm <command> [options] FILE...\n"
          "\n"
          "socm plans and runs campaigns of scientific workflows: it reads a campaign\n"
          "file (TOML or YAML), builds the DAG, finds the smallest allocation and QoS that\n"
          "meet the deadline, runs the workflows and records what they used.\n"
          "\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (commands[i].summary[0] != '(')
            fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "The original tool's forms work too:\n"
          "  socm -t campaign.toml                     same as: socm run campaign.toml\n"
          "  socm lat-mapmaking -t campaign.toml [--dry-run]\n"
          "  socm spectra -y dag.yml [--dry-run]\n"
          "\n"
          "example:\n"
          "  socm validate examples/quickstart.toml\n"
          "  socm run examples/quickstart.toml\n"
          "\n"
          "`socm <command> --help` explains each command. Long options may be\n"
          "abbreviated while unambiguous (--dry for --dry-run) and take their value as\n"
          "--opt=value or --opt value, short ones as -tFILE or -t FILE; options may come\n"
          "before or after files and state directories. --json (every command): output\n"
          "as JSON (seconds, MB, epoch-second timestamps, null when unknown); run,\n"
          "resume, retry and cancel print the campaign's `socm status --json` when done;\n"
          "a failing command prints {\"error\": {\"message\", \"file\", \"line\",\n"
          "\"column\", \"exit_code\"}} on stdout.\n"
          "\n"
          "exit codes (every command):\n"
          "  0    success\n"
          "  1    the campaign failed (a workflow failed or was canceled)\n"
          "  2    bad input or usage (input errors are file:line:col: message)\n"
          "  3    the system refused: the state directory cannot be written (disk full,\n"
          "       read-only, not a directory), fork or I/O failed; what was recorded\n"
          "       before stays, and `socm resume` continues once the cause is fixed;\n"
          "       another manager runs it; the directory is not yours or others can write\n"
          "  130  stopped by SIGINT, 143 by SIGTERM (`socm resume` continues)\n",
          out);
}

int socm_cli_fail(const char *cmd, const struct socm_error *err)
{
    socm_cli_note_error(err->msg);
    fprintf(stderr, "socm %s: %s\n", cmd, err->msg[0] ? err->msg : "failed");
    return err->code ? (int)err->code : 2;
}

void socm_cli_outlive_terminal(void)
{
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

int socm_cli_usage(const char *cmd, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    socm_cli_note_error(msg);
    fprintf(stderr, "socm %s: %s", cmd, msg);
    fprintf(stderr, "\nTry 'socm %s --help'.\n", cmd);
    return 2;
}

int socm_cli_not_built(const char *cmd, const char *what)
{
    char *msg = socm_asprintf("%s is not built yet in this version of socm", what);
    socm_cli_note_error(msg);
    fprintf(stderr, "socm %s: %s\n", cmd, msg);
    free(msg);
    return 2;
}

/* --toml, --yaml or an unambiguous abbreviation (--to, --y), with or without =FILE. */
static bool is_file_option(const char *a)
{
    size_t n = strcspn(a, "=");
    return n > 2 && !strncmp(a, "--", 2) &&
           (!strncmp(a, "--toml", n) || !strncmp(a, "--yaml", n)) && n <= 6;
}

/* Every command accepts --json: it turns on JSON errors, and is left in argv for a
 * command that also prints its output as JSON (keep), else removed. Options end at
 * "--". Returns the new argc. */
static int take_json(int argc, char **argv, bool keep)
{
    int out = 0;
    bool found = false, ended = false;
    for (int i = 0; i < argc; i++) {
        ended = ended || (i >= 2 && !strcmp(argv[i], "--"));
        if (i >= 2 && !ended && !strcmp(argv[i], "--json")) {
            found = true;
            if (!keep)
                continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    socm_cli_json_errors(found);
    return out;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("socm %s\n", SOCM_VERSION);
        return 0;
    }
    /* The original's forms: `socm -t FILE`, `socm -y FILE`. */
    if (!strncmp(cmd, "-t", 2) || !strncmp(cmd, "-y", 2) || is_file_option(cmd)) {
        argv[0] = "run";
        return socm_cmd_run(argc, argv);
    }
    /* `socm lat-mapmaking -t FILE`, `socm spectra -y FILE`: the word named the
     * original's campaign kind; the file says everything we need. */
    if (!strcmp(cmd, "lat-mapmaking") || !strcmp(cmd, "spectra")) {
        argv[1] = "run";
        return socm_cmd_run(argc - 1, argv + 1);
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name)) {
            if (commands[i].summary[0] != '(') /* internal: argv may be a program's */
                argc = take_json(argc, argv, commands[i].json);
            return commands[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "socm: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int rc = socm_cli_json_error_finish(dispatch(argc, argv));
    socm_intern_free_all();
    return rc;
}

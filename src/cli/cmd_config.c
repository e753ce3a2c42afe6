/* cmd_config.c — `socm config`: look at what socm reads from config files.
 *   decode [--yaml] [FILE]  TOML (or YAML) → tagged JSON on stdout; this is the
 *                           decoder interface of the TOML conformance suite
 *                           (toml-test), so stdout carries only the JSON.
 *   show [--json] FILE...   the files deep-merged in order, as TOML or plain JSON. */
#include "cli/cli.h"
#include "config/config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void socm_config_help(FILE *out)
{
    fputs("usage: socm config decode [--yaml] [FILE]\n"
          "       socm config show [--json] FILE...\n"
          "\n"
          "decode  reads TOML (or YAML with --yaml) from FILE or standard input and writes\n"
          "        it as tagged JSON: every leaf as {\"type\": T, \"value\": \"text\"}, arrays\n"
          "        as arrays, tables as objects (the toml-test decoder format). Exit 0 if\n"
          "        the input is valid, 2 with a file:line:col message on stderr if not.\n"
          "show    loads each FILE (.yml/.yaml as YAML, anything else as TOML), merges\n"
          "        them in order (tables key by key, a later scalar or array replaces an\n"
          "        earlier one) and prints the result as TOML, or as JSON with --json.\n"
          "\n"
          "examples:\n"
          "  echo 'a = 1' | socm config decode\n"
          "  socm config decode --yaml < dag.yml\n"
          "  socm config show base.toml production.toml\n"
          "  socm config show --json dag.yml\n"
          "  toml-test test -decoder='socm config decode'\n",
          out);
}

static int socm_config_decode(int argc, char **argv)
{
    bool yaml = false;
    const char *path = "-";
    int files = 0;
    enum { O_YAML = 0x100, O_TOML };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"yaml", no_argument, NULL, O_YAML},
        {"toml", no_argument, NULL, O_TOML}, {"json", no_argument, NULL, 'j'}, /* its output */
        {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("config decode", argc, argv, "h", opts)) != -1) {
        if (ch == 'h') {
            socm_config_help(stdout);
            return 0;
        } else if (ch == O_YAML || ch == O_TOML)
            yaml = ch == O_YAML;
        else if (ch != 'j') /* --json: decode prints JSON anyway */
            return 2;
    }
    for (int i = optind; i < argc; i++) {
        if (files++)
            return socm_cli_usage("config decode", "decode reads one input");
        path = argv[i];
    }
    struct socm_error err = {0};
    size_t len = 0;
    char *data = socm_file_read(path, &len, &err);
    if (!data)
        return socm_cli_fail("config decode", &err);
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    struct socm_value *root = yaml ? socm_yaml_parse(data, len, name, &err)
                                   : socm_toml_parse(data, len, name, &err);
    free(data);
    if (!root)
        return socm_cli_fail("config decode", &err);
    char *json = socm_config_to_tagged_json(root);
    socm_value_free(root);
    fputs(json, stdout);
    if (!*json || json[strlen(json) - 1] != '\n')
        fputc('\n', stdout);
    free(json);
    return fflush(stdout) == 0 ? 0 : 3;
}

static int socm_config_show(int argc, char **argv)
{
    bool json = false;
    const char **paths = socm_xcalloc((size_t)argc, sizeof *paths);
    size_t n = 0;
    enum { O_JSON = 0x100, O_TOML };
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'}, {"json", no_argument, NULL, O_JSON},
        {"toml", no_argument, NULL, O_TOML}, {NULL, 0, NULL, 0},
    };
    socm_cli_getopt_start();
    int ch;
    while ((ch = socm_cli_getopt("config show", argc, argv, "h", opts)) != -1) {
        if (ch == 'h') {
            free(paths);
            socm_config_help(stdout);
            return 0;
        } else if (ch == O_JSON || ch == O_TOML)
            json = ch == O_JSON;
        else {
            free(paths);
            return 2;
        }
    }
    for (int i = optind; i < argc; i++)
        paths[n++] = argv[i];
    if (!n) {
        free(paths);
        return socm_cli_usage("config show", "no file given");
    }
    struct socm_error err = {0};
    struct socm_value *root = socm_config_load_files(paths, n, &err);
    free(paths);
    if (!root)
        return socm_cli_fail("config show", &err);
    char *text = json ? socm_config_to_json(root) : socm_config_to_toml(root);
    socm_value_free(root);
    fputs(text, stdout);
    if (*text && text[strlen(text) - 1] != '\n')
        fputc('\n', stdout);
    free(text);
    return fflush(stdout) == 0 ? 0 : 3;
}

int socm_cmd_config(int argc, char **argv)
{
    if (argc < 2)
        return socm_cli_usage("config", "missing subcommand (decode or show)");
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        socm_config_help(stdout);
        return 0;
    }
    if (!strcmp(sub, "decode"))
        return socm_config_decode(argc - 1, argv + 1);
    if (!strcmp(sub, "show"))
        return socm_config_show(argc - 1, argv + 1);
    return socm_cli_usage("config", "unknown subcommand '%s' (decode or show)", sub);
}

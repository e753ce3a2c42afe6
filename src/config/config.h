/* config.h — reading campaign input into the config tree: loading files by kind
 * (TOML, YAML, or a .j2 template rendered first), deep merge and units; with
 * formats.h (the parsers and writers), which it includes. */
#ifndef SOCM_CONFIG_H
#define SOCM_CONFIG_H

#include "config/formats.h"

/* Reads a whole file (bounded by SOCM_CONFIG_MAX_BYTES); "-" is stdin. */
char *socm_file_read(const char *path, size_t *len, struct socm_error *err);

/* Variables for templated (.j2) files, as `socm run X.j2 --values F -D k=v` gives
 * them: the table read from values_path (TOML or YAML; NULL: an empty table), then
 * the ndefs "key=value" strings of defs applied in order (socm_template_define, a
 * later one replacing an earlier). Borrowed: they must outlive the loads. */
struct socm_template_vars {
    const char *const *defs;
    size_t ndefs;
    const char *values_path;
};

/* Loads one file, choosing the parser by extension (.yml/.yaml → YAML, else TOML);
 * a .j2 file is a template rendered first with vars (NULL: none). A .j2 values file
 * is rendered with the definitions of vars but without itself as values. */
struct socm_value *socm_config_load_file_vars(const char *path,
                                             const struct socm_template_vars *vars,
                                             struct socm_error *err);
/* Loads several files with vars and deep-merges them in order (see merge). */
struct socm_value *socm_config_load_files_vars(const char *const *paths, size_t n,
                                              const struct socm_template_vars *vars,
                                              struct socm_error *err);
/* The same without template variables. */
struct socm_value *socm_config_load_file(const char *path, struct socm_error *err);
struct socm_value *socm_config_load_files(const char *const *paths, size_t n,
                                          struct socm_error *err);

/* Loads a templated campaign file as `socm run campaign.toml.j2 -D ...` does: the
 * variables come from values_path (TOML or YAML, may be NULL; a .j2 one rendered
 * with defs) and then the ndefs `key=value` strings of defs; the template at path
 * ("-" = stdin) is rendered and the result parsed as YAML if the name without ".j2"
 * ends in .yml/.yaml, else as TOML. Errors in the rendered text are reported
 * against "PATH (rendered)". */
struct socm_value *socm_template_load(const char *path, const char *const *defs, size_t ndefs,
                                      const char *values_path, struct socm_error *err);

/* Deep merge: tables merge key by key, a later scalar or array replaces an earlier
 * one. Takes ownership of src. */
void socm_config_merge(struct socm_value *dst, struct socm_value *src);

/* Units. A size becomes MB: "48G", "600G", "512M", "2.5T", "64000K" are decimal
 * (G = 1000 MB); "GiB", "MiB", "TiB", "KiB" binary; a bare number (or a numeric
 * string) is MB. A duration becomes minutes: "7h", "10m", "90s", "2d", "1h30m",
 * "HH:MM:SS", "D-HH:MM:SS", "MM:SS"; a bare number (or numeric string) is seconds.
 * `field` names the key in error messages, which carry the node's position. */
int socm_units_memory_mb(const struct socm_value *v, const char *field, double *mb,
                         struct socm_error *err);
int socm_units_duration_min(const struct socm_value *v, const char *field, double *minutes,
                            struct socm_error *err);
/* The same on plain text (for the command line), positions omitted. */
int socm_units_parse_memory_mb(const char *s, double *mb, struct socm_error *err);
int socm_units_parse_duration_min(const char *s, double *minutes, struct socm_error *err);

#endif

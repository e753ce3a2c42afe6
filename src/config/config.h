/* config.h — reading campaign input into the config tree: the parsers (TOML, YAML),
 * loading files by kind, deep merge, units, and writing a tree back out. */
#ifndef SOCM_CONFIG_H
#define SOCM_CONFIG_H

#include "config/value.h"

/* Limits that keep hostile input from exhausting the machine. */
#define SOCM_CONFIG_MAX_BYTES (64u * 1024u * 1024u) /* one input file */
#define SOCM_CONFIG_MAX_DEPTH 128                  /* nesting of arrays/tables */

/* Parsers. `filename` is used in positions (interned); returns NULL on error. */
struct socm_value *socm_toml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err);
struct socm_value *socm_yaml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err);

/* Reads a whole file (bounded by SOCM_CONFIG_MAX_BYTES); "-" is stdin. */
char *socm_file_read(const char *path, size_t *len, struct socm_error *err);

/* Loads one file, choosing the parser by extension (.yml/.yaml → YAML, else TOML);
 * a .j2 file is a template rendered first with the variables set below. */
struct socm_value *socm_config_load_file(const char *path, struct socm_error *err);
/* Variables for .j2 files loaded afterwards (`socm run X.j2 -D k=v --values F`):
 * defs (ndefs "key=value" strings, not copied: they must outlive the loads) and
 * values_path (may be NULL). Process-wide, set once by the command line. */
void socm_config_set_template_vars(const char *const *defs, size_t ndefs,
                                   const char *values_path);
/* Loads several files and deep-merges them in order (see merge). */
struct socm_value *socm_config_load_files(const char *const *paths, size_t n,
                                          struct socm_error *err);

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

/* Writers. Tagged JSON is the TOML conformance suite's decoder format. */
char *socm_config_to_tagged_json(const struct socm_value *root);
char *socm_config_to_json(const struct socm_value *root); /* plain JSON */
char *socm_config_to_toml(const struct socm_value *root);
/* The same plain JSON as a jansson value (json_decref it), and back: a JSON value
 * as a config tree whose nodes all carry `pos` (NULL on a JSON null inside an array
 * or table is kept as a null node). */
struct json_t *socm_value_to_json(const struct socm_value *v);
struct socm_value *socm_value_from_json(const struct json_t *j, const struct socm_pos *pos);

#endif

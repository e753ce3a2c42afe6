/* formats.h — the text formats of the config tree: the TOML and YAML parsers, the
 * JSON and TOML writers, and the bounds on input. The lowest layer of config/ after
 * the value tree itself: the template engine builds on it, and loading files by kind
 * (config.h) on both. */
#ifndef SOCM_FORMATS_H
#define SOCM_FORMATS_H

#include "config/value.h"

/* Limits that keep hostile input from exhausting the machine. */
#define SOCM_CONFIG_MAX_BYTES (64u * 1024u * 1024u) /* one input file */
#define SOCM_CONFIG_MAX_DEPTH 128                  /* nesting of arrays/tables */

/* Parsers. `filename` is used in positions (interned); returns NULL on error. */
struct socm_value *socm_toml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err);
struct socm_value *socm_yaml_parse(const char *data, size_t len, const char *filename,
                                   struct socm_error *err);

/* Writers. Tagged JSON is the TOML conformance suite's decoder format. */
char *socm_config_to_tagged_json(const struct socm_value *root);
char *socm_config_to_json(const struct socm_value *root); /* plain JSON */
char *socm_config_to_toml(const struct socm_value *root);
/* Appends v as compact JSON, every character past ASCII escaped (\uXXXX): the plain
 * JSON above as one line, written without building a jansson tree. */
void socm_config_write_json(const struct socm_value *v, struct socm_buf *b);
/* The same text piece by piece, for a tree whose text is not to be held whole:
 * each call appends about `piece` bytes or more (a scalar or an empty container is
 * never cut) of v's JSON to b and returns whether any is left. Start from a zeroed
 * stream and give the same v each time; free it with socm_json_stream_free (also
 * when stopping early). */
struct socm_json_stream {
    struct socm_json_frame *stack; /* the open arrays and tables, outermost first */
    size_t n, cap;
    bool started;
};
bool socm_config_write_json_piece(struct socm_json_stream *s, const struct socm_value *v,
                                  struct socm_buf *b, size_t piece);
void socm_json_stream_free(struct socm_json_stream *s);
/* The same plain JSON as a jansson value (json_decref it), and back: a JSON value
 * as a config tree whose nodes all carry `pos` (an external extension's reply). */
struct json_t *socm_value_to_json(const struct socm_value *v);
struct socm_value *socm_value_from_json(const struct json_t *j, const struct socm_pos *pos);

#endif

/* program.h — programs of campaigns: a file listing campaigns (`[[campaign_set]]` or
 * `[program.campaigns.NAME]`) with `file`/`files`, `after` and `on_failure`, run as
 * a DAG of campaigns, each in STATE/campaigns/NAME, journaled in STATE/program.jsonl
 * so that a resume skips the campaigns that finished. */
#ifndef SOCM_PROGRAM_H
#define SOCM_PROGRAM_H

#include "config/value.h"
#include "manager/bookkeeper.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Whether the loaded file is a program (has campaign_set or program.campaigns and no
 * [campaign] table). */
bool socm_program_detect(const struct socm_value *root);

/* Runs the program file at path; state_dir NULL = program.state_dir or
 * ./socm-<program>. Returns 0 when every campaign succeeded, 1 otherwise, -1 with err
 * on bad input (code SOCM_E_INPUT) or I/O errors. */
int socm_program_run(const char *path, const char *state_dir, const struct socm_run_opts *o,
                     bool resume, struct socm_error *err);
/* The state directory socm_program_run uses for path and state_dir (malloc'd), or
 * NULL with err. */
char *socm_program_state_dir(const char *path, const char *state_dir, struct socm_error *err);
/* Continues the program whose state directory is dir (socm resume DIR). */
int socm_program_resume(const char *dir, const struct socm_run_opts *o, struct socm_error *err);
/* Whether dir holds a program (its program.jsonl). */
bool socm_program_is_state_dir(const char *dir);
/* The program's state (socm status DIR --json): {"program", "state", "campaigns":
 * [{"campaign", "state", "state_dir"}]} in the program file's order, states named as a
 * campaign's (NEW: not started yet; CANCELED: never started because a campaign it
 * comes after failed), state_dir null until the campaign has one. NULL with err. */
json_t *socm_program_state_json(const char *dir, struct socm_error *err);
/* Prints the program's state and each campaign's (socm status DIR). */
int socm_program_status(const char *dir, FILE *out, struct socm_error *err);

#endif

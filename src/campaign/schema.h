/* schema.h — the keys socm reads in every table of its input (campaign files,
 * resources files, program files), so that an unknown key — a typo such as
 * `depend` for `depends` — is an error with its position and the nearest known
 * key, never silently ignored. Workflow types declare their own keys in their
 * struct (socm/workflow.h: `keys`, `flags`). docs/campaign-format.md documents
 * each schema below under a heading naming its label (a test keeps them in step). */
#ifndef SOCM_CAMPAIGN_SCHEMA_H
#define SOCM_CAMPAIGN_SCHEMA_H

#include "config/value.h"

#include <stdbool.h>

struct socm_workflow_type;

enum {
    SOCM_SCHEMA_FREE = 1u << 0,  /* any key (environment variables) */
    SOCM_SCHEMA_NAMED = 1u << 1, /* keys are names; each value is checked by `each` */
    /* In YAML only: extra top-level keys holding a plain value are allowed (the
     * original's files keep YAML anchors there: `paramfile: &paramfile ...`). */
    SOCM_SCHEMA_YAML_ANCHORS = 1u << 2,
};

struct socm_schema_sub;

struct socm_table_schema {
    const char *label;               /* "[campaign.hooks]"; NAME for a named key */
    const char *const *keys;         /* NULL-terminated */
    unsigned flags;
    const struct socm_schema_sub *subs; /* schemas of tables (or arrays of tables) under keys */
    const struct socm_table_schema *each;  /* SOCM_SCHEMA_NAMED: the schema of every value */
};

struct socm_schema_sub {
    const char *key; /* NULL ends the list */
    const struct socm_table_schema *schema;
};

/* The schemas (labels as in the docs). */
extern const struct socm_table_schema socm_schema_root;       /* a campaign file's top level */
extern const struct socm_table_schema socm_schema_campaign;   /* [campaign] settings */
extern const struct socm_table_schema socm_schema_cluster;    /* [resources.NAME], [campaign.resources] */
extern const struct socm_table_schema socm_schema_program;    /* a program file's top level */
extern const struct socm_table_schema socm_schema_wf_resources; /* a workflow's `resources` */
extern const struct socm_table_schema socm_schema_slurmise;     /* [slurmise] (prediction) */
/* Keys every workflow section may have, whatever its type. */
extern const char *const socm_schema_workflow_keys[];
/* Every schema, for the documentation test; NULL-terminated. */
extern const struct socm_table_schema *const socm_schema_all[];

/* Reports every key of table `t` that `s` does not know, recursively into the
 * subtables it describes. `path` names t in messages ("campaign", "resources.x").
 * Tables under [campaign] that are not settings are workflow sections, which the
 * campaign checks by their type: socm_schema_check skips table-valued unknown keys
 * of the `[campaign]` schema. */
void socm_schema_check(const struct socm_value *t, const struct socm_table_schema *s, const char *path,
                       struct socm_errlist *errs);
/* A workflow section of `type` at `path`: the common keys, the type's keys and, for a
 * type that passes unknown keys to its command, any other key that is not a near
 * miss of a common key. */
void socm_schema_check_section(const struct socm_value *section,
                               const struct socm_workflow_type *type, const char *path,
                               struct socm_errlist *errs);
/* "file:line:col: unknown key 'k' in [path]; did you mean 'x'?" (else the known
 * keys), from the candidates in `lists` (a NULL-terminated array of NULL-terminated
 * key lists). Not added when the same message is already in errs. */
void socm_schema_unknown(struct socm_errlist *errs, const struct socm_pos *pos, const char *what,
                         const char *key, const char *path, const char *const *const *lists);
/* The candidate closest to key, if close enough to be a likely typo; else NULL. */
const char *socm_schema_nearest(const char *key, const char *const *const *lists);
/* Adds msg unless errs already holds it among its last 256 messages (a key checked
 * twice, e.g. a subcampaign's common key merged into each member, is reported once). */
void socm_errlist_add_once(struct socm_errlist *errs, const char *msg);

#endif

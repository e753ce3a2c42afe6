/* jobspec.h — job specifications the slurmise way, for commands socm did not build:
 * `[predict.job.NAME] job_spec = "run -T {threads:numeric} -C {mode:category}
 * {input:file}"` turns a command line into numeric and categorical features, with
 * file parsers (file_size, file_lines, file_basename, file_md5, and awk scripts from
 * `[predict.file_parsers.NAME]`, run as an argv `awk` child with a timeout). */
#ifndef SOCM_PREDICT_JOBSPEC_H
#define SOCM_PREDICT_JOBSPEC_H

#include "config/value.h"

struct socm_jobspecs;
struct socm_jobspec;

/* Reads the `[predict]` table (NULL = none defined): `job.NAME` tables with
 * job_spec (required), job_prefix (default NAME), default_mem, default_time,
 * file_parsers (a table: variable = "file_size,file_md5" or an array; default
 * file_size); `file_parsers.NAME` tables with awk_script, return_type
 * ("numeric" | "category"), script_is_file, timeout (seconds, default 10); and the
 * global minimum_mem, minimum_time, default_mem, default_time. */
struct socm_jobspecs *socm_jobspecs_from_config(const struct socm_value *predict,
                                                struct socm_error *err);
void socm_jobspecs_free(struct socm_jobspecs *s);

const struct socm_jobspec *socm_jobspecs_find(const struct socm_jobspecs *s, const char *name);
/* The job whose prefix the command starts with (the longest such prefix), or NULL. */
const struct socm_jobspec *socm_jobspecs_match(const struct socm_jobspecs *s, const char *cmd);

const char *socm_jobspec_name(const struct socm_jobspec *j);
/* Fallbacks when the history cannot predict: the job's default_mem/default_time,
 * else the global ones, else 1000 MB / 60 min. */
double socm_jobspec_default_mem_mb(const struct socm_jobspecs *s, const struct socm_jobspec *j);
double socm_jobspec_default_time_min(const struct socm_jobspecs *s, const struct socm_jobspec *j);

/* Matches `cmd` (with the job's prefix, which is stripped first when present)
 * against the job's spec and computes the features as canonical JSON objects. File
 * parser outputs are named "<variable>_<parser>". */
int socm_jobspec_parse(const struct socm_jobspecs *s, const struct socm_jobspec *j, const char *cmd,
                       char **categorical_json, char **numeric_json, struct socm_error *err);

#endif

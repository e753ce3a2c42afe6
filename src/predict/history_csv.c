/* history_csv.c — runs from a CSV file, for `socm history import --csv` and the
 * [slurmise] training_data_path: the columns `socm history export --csv` writes, or a
 * minimal set (job_name, elapsed, max_rss and one column per feature). Every row is
 * checked; a bad one is reported with the line it starts on, and the caller decides
 * whether the good rows are kept (nothing is written here). */
#include "predict/history_csv.h"

#include "slurm/slurm.h"
#include "util/str.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

/* ---- RFC 4180 records ---- */

struct csv_reader {
    const char *p, *end;
    size_t line; /* of the next character */
};

/* One record's fields into `fields`; *start_line gets the line it starts on. Returns
 * 1 for a record, 0 at the end, -1 for an unterminated quote or a NUL byte. */
static int csv_record(struct csv_reader *r, struct socm_strv *fields, size_t *start_line)
{
    socm_strv_free(fields);
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) { /* blank lines */
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return 0;
    *start_line = r->line;
    struct socm_buf f = SOCM_BUF_INIT;
    for (;;) {
        socm_buf_clear(&f);
        socm_buf_putn(&f, "", 0);
        if (r->p < r->end && *r->p == '"') {
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    socm_buf_free(&f);
                    return -1;
                }
                char c = *r->p++;
                if (c == '"' && r->p < r->end && *r->p == '"')
                    r->p++;
                else if (c == '"')
                    break;
                if (c == '\n')
                    r->line++;
                if (c == '\0') {
                    socm_buf_free(&f);
                    return -1;
                }
                socm_buf_putc(&f, c);
            }
        }
        /* unquoted text (or what follows a closing quote, kept as written) */
        while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
            if (*r->p == '\0') {
                socm_buf_free(&f);
                return -1;
            }
            socm_buf_putc(&f, *r->p++);
        }
        socm_strv_push(fields, f.data ? f.data : "");
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == '\r')
            r->p++;
        if (r->p < r->end && *r->p == '\n') {
            r->p++;
            r->line++;
        }
        break;
    }
    socm_buf_free(&f);
    return 1;
}

/* ---- columns ---- */

enum col {
    C_FEATURE, C_IGNORE, C_JOB, C_WORKFLOW, C_COMMAND, C_CATEGORICAL, C_NUMERIC, C_RANKS, C_THREADS,
    C_CORES, C_REQ_MEM, C_REQ_MIN, C_ELAPSED, C_MAXRSS, C_CPU, C_STATE, C_RESOURCE, C_WHERE,
    C_STARTED, C_FINISHED, C_RECORDED, C_CAMPAIGN,
};

static const struct {
    const char *name;
    enum col col;
} known_cols[] = {
    {"id", C_IGNORE}, {"job_name", C_JOB}, {"workflow", C_WORKFLOW}, {"command", C_COMMAND},
    {"categorical", C_CATEGORICAL}, {"numeric", C_NUMERIC}, {"ranks", C_RANKS}, {"threads", C_THREADS},
    {"cores", C_CORES}, {"req_memory_mb", C_REQ_MEM}, {"req_runtime_min", C_REQ_MIN},
    {"elapsed_s", C_ELAPSED}, {"elapsed", C_ELAPSED}, {"max_rss_mb", C_MAXRSS}, {"max_rss", C_MAXRSS},
    {"cpu_s", C_CPU}, {"cpu", C_CPU}, {"state", C_STATE}, {"resource", C_RESOURCE}, {"where", C_WHERE},
    {"started_at", C_STARTED}, {"finished_at", C_FINISHED}, {"recorded_at", C_RECORDED},
    {"campaign", C_CAMPAIGN},
};

static enum col column_kind(const char *name)
{
    for (size_t i = 0; i < sizeof known_cols / sizeof known_cols[0]; i++)
        if (strcmp(known_cols[i].name, name) == 0)
            return known_cols[i].col;
    return C_FEATURE;
}

/* A finite number taking the whole text. */
static bool parse_number(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Seconds, or Slurm's [D-]HH:MM:SS. */
static bool parse_seconds(const char *s, double *out)
{
    if (parse_number(s, out))
        return *out >= 0;
    int64_t v = socm_slurm_duration_parse(s);
    if (v < 0 || v == INT64_MAX)
        return false;
    *out = (double)v;
    return true;
}

/* MB, or a size with a unit ("2G", "512000K"). */
static bool parse_mb(const char *s, double *out)
{
    if (parse_number(s, out))
        return *out >= 0;
    int64_t kib = socm_slurm_size_kib_parse(s);
    if (kib < 0)
        return false;
    *out = (double)kib / 1024.0;
    return true;
}

void socm_history_csv_free(struct socm_history_csv *c)
{
    socm_history_runs_free(&c->runs);
    free(c->line);
    for (size_t i = 0; i < c->n_bad; i++)
        free(c->bad[i].msg);
    free(c->bad);
    memset(c, 0, sizeof *c);
}

static void add_bad(struct socm_history_csv *c, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add_bad(struct socm_history_csv *c, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = socm_vasprintf(fmt, ap);
    va_end(ap);
    c->bad = socm_xrealloc(c->bad, (c->n_bad + 1) * sizeof *c->bad);
    c->bad[c->n_bad++] = (struct socm_csv_problem){line, msg};
}

struct header {
    struct socm_strv names;
    enum col *kind;
    bool *numeric; /* feature columns: every non-empty value is a number */
};

/* A JSON object column, checked: numeric values must be numbers or lists of numbers. */
static json_t *object_field(const char *text, bool numeric, const char *col, char **why)
{
    if (!*text)
        return json_object();
    json_t *j = json_loads(text, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        *why = socm_asprintf("%s is not a JSON object", col);
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
        bool ok = numeric ? json_is_number(v) || json_is_array(v) : json_is_string(v);
        for (size_t i = 0; numeric && ok && json_is_array(v) && i < json_array_size(v); i++)
            ok = json_is_number(json_array_get(v, i));
        if (!ok) {
            *why = socm_asprintf("%s: \"%s\" is not a %s", col, k, numeric ? "number" : "string");
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

static char *dump_canonical(json_t *o)
{
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    char *c = socm_strdup(s ? s : "{}");
    free(s);
    return c;
}

/* Sets one measured or requested number of run from column `kind`; false with *why. */
static bool set_number(struct socm_history_run *run, enum col kind, const char *name, const char *v, char **why)
{
    double x = 0;
    bool ok = kind == C_ELAPSED || kind == C_CPU ? parse_seconds(v, &x)
            : kind == C_MAXRSS || kind == C_REQ_MEM ? parse_mb(v, &x)
            : parse_number(v, &x) && x >= 0;
    if (ok && (kind == C_RANKS || kind == C_THREADS || kind == C_CORES))
        ok = x >= 1 && x <= 1e9 && x == floor(x);
    if (!ok) {
        *why = socm_asprintf("%s \"%s\" is not a %s", name, v,
                             kind == C_RANKS || kind == C_THREADS || kind == C_CORES ? "positive whole number"
                             : kind == C_ELAPSED || kind == C_CPU ? "duration (seconds or [D-]HH:MM:SS)"
                             : kind == C_MAXRSS || kind == C_REQ_MEM ? "size (MB, or with a unit: 2G)"
                             : "non-negative number");
        return false;
    }
    switch (kind) {
    case C_RANKS: run->ranks = (int64_t)x; break;
    case C_THREADS: run->threads = (int64_t)x; break;
    case C_CORES: run->threads = (int64_t)x; break;
    case C_REQ_MEM: run->req_memory_mb = x; break;
    case C_REQ_MIN: run->req_runtime_min = x; break;
    case C_ELAPSED: run->elapsed_s = x; break;
    case C_MAXRSS: run->max_rss_mb = x; break;
    case C_CPU: run->cpu_s = x; break;
    case C_STARTED: run->started_at = x; break;
    case C_FINISHED: run->finished_at = x; break;
    case C_RECORDED: run->recorded_at = x; break;
    default: break;
    }
    return true;
}

static char **text_slot(struct socm_history_run *run, enum col kind)
{
    switch (kind) {
    case C_JOB: return &run->job_name;
    case C_WORKFLOW: return &run->workflow;
    case C_COMMAND: return &run->command;
    case C_STATE: return &run->state;
    case C_RESOURCE: return &run->resource;
    case C_WHERE: return &run->location;
    case C_CAMPAIGN: return &run->campaign;
    default: return NULL;
    }
}

/* Adds a feature column's value to the row's objects; false with *why. */
static bool add_feature(json_t *cat, json_t *num, const char *name, const char *v, bool numeric, char **why)
{
    if (json_object_get(cat, name) || json_object_get(num, name)) {
        *why = socm_asprintf("feature \"%s\" is given twice (its column and a JSON column)", name);
        return false;
    }
    double x;
    if (numeric && parse_number(v, &x)) {
        bool whole = x == floor(x) && fabs(x) < 9e15;
        json_object_set_new(num, name, whole ? json_integer((json_int_t)x) : json_real(x));
        return true;
    }
    json_t *s = json_string(v);
    if (!s) {
        *why = socm_asprintf("%s is not UTF-8 text", name);
        return false;
    }
    json_object_set_new(cat, name, s);
    return true;
}

/* One data row into run; NULL or the reason it is bad (malloc'd). */
static char *row_to_run(const struct header *hd, const struct socm_strv *f, struct socm_history_run *run)
{
    if (f->n != hd->names.n)
        return socm_asprintf("%zu fields, the header has %zu", f->n, hd->names.n);
    memset(run, 0, sizeof *run);
    char *why = NULL;
    json_t *cat = NULL, *num = NULL;
    for (size_t i = 0; i < f->n && !why; i++) /* the JSON objects first: columns add to them */
        if (hd->kind[i] == C_CATEGORICAL)
            cat = object_field(f->v[i], false, "categorical", &why);
        else if (hd->kind[i] == C_NUMERIC)
            num = object_field(f->v[i], true, "numeric", &why);
    if (!cat && !why)
        cat = json_object();
    if (!num && !why)
        num = json_object();
    for (size_t i = 0; i < f->n && !why; i++) {
        const char *v = f->v[i], *name = hd->names.v[i];
        enum col k = hd->kind[i];
        char **slot = text_slot(run, k);
        if (slot) {
            free(*slot);
            *slot = socm_strdup(v);
        } else if (k == C_FEATURE && *v) {
            add_feature(cat, num, name, v, hd->numeric[i], &why);
        } else if (k != C_FEATURE && k != C_IGNORE && k != C_CATEGORICAL && k != C_NUMERIC && *v) {
            set_number(run, k, name, v, &why);
        } else if (k == C_ELAPSED && !*v) {
            why = socm_strdup("no elapsed time");
        }
    }
    if (!why && (!run->job_name || !*run->job_name))
        why = socm_strdup("no job name");
    if (!why) {
        if (!run->state || !*run->state) {
            free(run->state);
            run->state = socm_strdup(SOCM_HISTORY_COMPLETED);
        }
        if (!run->workflow || !*run->workflow) {
            free(run->workflow);
            run->workflow = socm_strdup("imported");
        }
        run->categorical_json = dump_canonical(cat);
        run->numeric_json = dump_canonical(num);
    }
    json_decref(cat);
    json_decref(num);
    if (why)
        socm_history_run_clear(run);
    return why;
}

/* The header: known columns, feature columns, and the required ones present. */
static int read_header(const struct socm_strv *f, const char *name, struct header *hd, struct socm_error *err)
{
    memset(hd, 0, sizeof *hd);
    socm_strv_copy(&hd->names, f);
    hd->kind = socm_xcalloc(f->n ? f->n : 1, sizeof *hd->kind);
    hd->numeric = socm_xcalloc(f->n ? f->n : 1, sizeof *hd->numeric);
    bool have[C_CAMPAIGN + 1] = {0};
    for (size_t i = 0; i < f->n; i++) {
        if (i == 0 && strncmp(f->v[0], "\xEF\xBB\xBF", 3) == 0) /* a spreadsheet's BOM */
            memmove(hd->names.v[0], hd->names.v[0] + 3, strlen(hd->names.v[0]) - 2);
        const char *c = hd->names.v[i];
        if (!*c)
            return socm_error_set(err, SOCM_E_INPUT, "%s:1: column %zu has no name", name, i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(hd->names.v[j], c) == 0)
                return socm_error_set(err, SOCM_E_INPUT, "%s:1: column \"%s\" appears twice", name, c);
        hd->kind[i] = column_kind(c);
        if (have[hd->kind[i]] && hd->kind[i] != C_FEATURE && hd->kind[i] != C_IGNORE)
            return socm_error_set(err, SOCM_E_INPUT, "%s:1: column \"%s\" repeats another column's meaning",
                                  name, c);
        have[hd->kind[i]] = true;
    }
    const char *missing = !have[C_JOB] ? "job_name" : !have[C_ELAPSED] ? "elapsed_s (or elapsed)"
                        : !have[C_MAXRSS] ? "max_rss_mb (or max_rss)" : NULL;
    if (missing)
        return socm_error_set(err, SOCM_E_INPUT,
                              "%s:1: no %s column (the least a history CSV has: job_name, elapsed_s, "
                              "max_rss_mb and the features)", name, missing);
    return 0;
}

static void header_free(struct header *hd)
{
    socm_strv_free(&hd->names);
    free(hd->kind);
    free(hd->numeric);
}

struct fp_ix {
    char *fp;
    size_t i;
};

static int cmp_fp(const void *a, const void *b)
{
    const struct fp_ix *x = a, *y = b;
    int c = strcmp(x->fp, y->fp);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Fingerprints of the rows: their content, and for the 2nd, 3rd... row of the same
 * content in the file "#2", "#3" — two runs of a coarse CSV may be alike (same
 * features, elapsed in whole minutes, no times) and both are kept, while importing
 * the file again still matches each row to itself. */
static void fingerprint_rows(struct socm_history_runs *runs)
{
    struct fp_ix *v = socm_xmalloc((runs->n ? runs->n : 1) * sizeof *v);
    for (size_t i = 0; i < runs->n; i++)
        v[i] = (struct fp_ix){socm_history_fingerprint(&runs->v[i]), i};
    qsort(v, runs->n, sizeof *v, cmp_fp);
    for (size_t i = 0, k = 1; i < runs->n; i++) {
        k = i > 0 && strcmp(v[i].fp, v[i - 1].fp) == 0 ? k + 1 : 1;
        runs->v[v[i].i].fingerprint = k == 1 ? socm_strdup(v[i].fp) : socm_asprintf("%s#%zu", v[i].fp, k);
    }
    for (size_t i = 0; i < runs->n; i++)
        free(v[i].fp);
    free(v);
}

int socm_history_csv_parse(const char *text, size_t len, const char *name, struct socm_history_csv *out,
                           struct socm_error *err)
{
    memset(out, 0, sizeof *out);
    struct csv_reader r = {text, text + len, 1};
    struct socm_strv f = SOCM_STRV_INIT;
    size_t line = 1;
    int got = csv_record(&r, &f, &line);
    if (got <= 0) {
        socm_strv_free(&f);
        return socm_error_set(err, SOCM_E_INPUT, "%s: %s", name,
                              got == 0 ? "empty: no header line" : "the header line is not CSV");
    }
    struct header hd;
    if (read_header(&f, name, &hd, err) != 0) {
        header_free(&hd);
        socm_strv_free(&f);
        return -1;
    }
    /* every record first: a feature column is numeric when all its values are numbers */
    struct socm_strv *rows = NULL;
    size_t *lines = NULL, nrows = 0;
    for (;;) {
        got = csv_record(&r, &f, &line);
        if (got == 0)
            break;
        if (got < 0) { /* nothing after an unterminated quote can be trusted */
            add_bad(out, line, "unterminated quoted field (or a NUL byte); the rest of the file is not read");
            break;
        }
        rows = socm_xrealloc(rows, (nrows + 1) * sizeof *rows);
        lines = socm_xrealloc(lines, (nrows + 1) * sizeof *lines);
        rows[nrows] = f;
        memset(&f, 0, sizeof f);
        lines[nrows++] = line;
    }
    for (size_t c = 0; c < hd.names.n; c++) {
        hd.numeric[c] = hd.kind[c] == C_FEATURE;
        double x;
        for (size_t i = 0; i < nrows && hd.numeric[c]; i++)
            if (c < rows[i].n && *rows[i].v[c] && !parse_number(rows[i].v[c], &x))
                hd.numeric[c] = false;
    }
    out->line = socm_xmalloc((nrows ? nrows : 1) * sizeof *out->line);
    for (size_t i = 0; i < nrows; i++) {
        struct socm_history_run run;
        char *why = row_to_run(&hd, &rows[i], &run);
        if (why) {
            add_bad(out, lines[i], "%s", why);
            free(why);
        } else {
            if (out->runs.n == out->runs.cap) {
                out->runs.cap = out->runs.cap ? 2 * out->runs.cap : 64;
                out->runs.v = socm_xrealloc(out->runs.v, out->runs.cap * sizeof *out->runs.v);
            }
            out->line[out->runs.n] = lines[i];
            out->runs.v[out->runs.n++] = run;
        }
        socm_strv_free(&rows[i]);
    }
    fingerprint_rows(&out->runs);
    /* problems in the order of the file */
    for (size_t i = 1; i < out->n_bad; i++)
        for (size_t j = i; j > 0 && out->bad[j - 1].line > out->bad[j].line; j--) {
            struct socm_csv_problem t = out->bad[j];
            out->bad[j] = out->bad[j - 1];
            out->bad[j - 1] = t;
        }
    free(rows);
    free(lines);
    socm_strv_free(&f);
    header_free(&hd);
    return 0;
}

/* jobspec.c — slurmise-style job specifications: parsing `job_spec` templates into
 * literal and token segments, matching a command line against them (files match
 * the shortest text, categories the longest, numbers only numerals), and computing
 * features with the file parsers, awk ones run as an argv child with a timeout. */
#include "predict/jobspec.h"

#include "predict/history.h"
#include "predict/predict.h"
#include "util/child.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum tok_kind { TOK_NUMERIC, TOK_CATEGORY, TOK_FILE, TOK_IGNORE };

struct parser {
    char *name;
    bool numeric;
    char *awk_script; /* NULL for the built-ins */
    bool script_is_file;
    double timeout_s;
};

struct segment {
    char *literal;      /* NULL for a token */
    char *name;         /* token name (NULL for ignore) */
    enum tok_kind kind;
    struct socm_strv parsers; /* file tokens: parser names */
};

struct socm_jobspec {
    char *name, *prefix, *spec;
    struct segment *seg;
    size_t nseg;
    double default_mem_mb, default_time_min; /* 0 = not given */
};

struct socm_jobspecs {
    struct socm_jobspec *jobs;
    size_t njobs;
    struct parser *parsers;
    size_t nparsers;
    double default_mem_mb, default_time_min;
};

static const char *const builtin_parsers[] = {"file_size", "file_lines", "file_basename", "file_md5"};

static void job_free(struct socm_jobspec *j)
{
    for (size_t i = 0; i < j->nseg; i++) {
        free(j->seg[i].literal);
        free(j->seg[i].name);
        socm_strv_free(&j->seg[i].parsers);
    }
    free(j->seg);
    free(j->name);
    free(j->prefix);
    free(j->spec);
}

void socm_jobspecs_free(struct socm_jobspecs *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->njobs; i++)
        job_free(&s->jobs[i]);
    for (size_t i = 0; i < s->nparsers; i++) {
        free(s->parsers[i].name);
        free(s->parsers[i].awk_script);
    }
    free(s->jobs);
    free(s->parsers);
    free(s);
}

static const struct parser *find_parser(const struct socm_jobspecs *s, const char *name)
{
    for (size_t i = 0; i < s->nparsers; i++)
        if (strcmp(s->parsers[i].name, name) == 0)
            return &s->parsers[i];
    return NULL;
}

static bool is_builtin_parser(const char *name)
{
    for (size_t i = 0; i < sizeof builtin_parsers / sizeof *builtin_parsers; i++)
        if (strcmp(builtin_parsers[i], name) == 0)
            return true;
    return false;
}

static int kind_of(const char *k, enum tok_kind *out)
{
    static const struct { const char *name; enum tok_kind kind; } kinds[] = {
        {"numeric", TOK_NUMERIC}, {"category", TOK_CATEGORY}, {"file", TOK_FILE}, {"ignore", TOK_IGNORE}};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        if (strcmp(kinds[i].name, k) == 0) {
            *out = kinds[i].kind;
            return 0;
        }
    return -1;
}

static void push_seg(struct socm_jobspec *j, struct segment sg)
{
    j->seg = socm_xrealloc(j->seg, (j->nseg + 1) * sizeof *j->seg);
    j->seg[j->nseg++] = sg;
}

/* Splits the spec into literal and token segments ("{{" and "}}" are braces). */
static int parse_spec(struct socm_jobspec *j, const struct socm_value *where, struct socm_error *err)
{
    struct socm_buf lit = SOCM_BUF_INIT;
    const char *s = j->spec;
    while (*s) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            socm_buf_putc(&lit, s[0]);
            s += 2;
            continue;
        }
        if (*s == '}') {
            socm_buf_free(&lit);
            return socm_error_at(err, &where->pos, "job %s: unmatched '}' in job_spec (write '}}')", j->name);
        }
        if (*s != '{') {
            socm_buf_putc(&lit, *s++);
            continue;
        }
        const char *close = strchr(s, '}');
        if (!close) {
            socm_buf_free(&lit);
            return socm_error_at(err, &where->pos, "job %s: unclosed '{' in job_spec", j->name);
        }
        if (lit.len)
            push_seg(j, (struct segment){.literal = socm_buf_steal(&lit)});
        char *inner = socm_strndup(s + 1, (size_t)(close - s - 1));
        char *colon = strchr(inner, ':');
        const char *kind = colon ? colon + 1 : inner;
        struct segment sg = {0};
        if (kind_of(kind, &sg.kind) != 0) {
            socm_error_at(err, &where->pos,
                          "job %s: unknown kind \"%s\" in {%s} (numeric, category, file, ignore)",
                          j->name, kind, inner);
            free(inner);
            socm_buf_free(&lit);
            return -1;
        }
        if (colon) {
            *colon = '\0';
            if (!*inner) {
                socm_error_at(err, &where->pos, "job %s: empty variable name in job_spec", j->name);
                free(inner);
                socm_buf_free(&lit);
                return -1;
            }
            sg.name = socm_strdup(inner);
        } else if (sg.kind != TOK_IGNORE) {
            socm_error_at(err, &where->pos, "job %s: {%s} needs a name: {NAME:%s}", j->name, inner, inner);
            free(inner);
            socm_buf_free(&lit);
            return -1;
        }
        free(inner);
        push_seg(j, sg);
        s = close + 1;
    }
    if (lit.len)
        push_seg(j, (struct segment){.literal = socm_buf_steal(&lit)});
    socm_buf_free(&lit);
    return 0;
}

/* file_parsers.VAR = "a,b" or ["a", "b"]; default file_size. */
static int file_parsers_of(const struct socm_jobspecs *s, struct socm_jobspec *j,
                           const struct socm_value *fp, struct socm_error *err)
{
    for (size_t i = 0; i < j->nseg; i++) {
        struct segment *sg = &j->seg[i];
        if (sg->literal || sg->kind != TOK_FILE)
            continue;
        const struct socm_value *v = fp && fp->type == SOCM_V_TABLE ? socm_table_get(fp, sg->name) : NULL;
        if (!v) {
            socm_strv_push(&sg->parsers, "file_size");
            continue;
        }
        if (v->type == SOCM_V_STRING) {
            char *copy = socm_strdup(v->u.str.s), *save = NULL;
            for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
                socm_strv_push(&sg->parsers, t);
            free(copy);
        } else if (v->type == SOCM_V_ARRAY) {
            for (size_t k = 0; k < v->u.arr.n; k++) {
                if (v->u.arr.items[k]->type != SOCM_V_STRING)
                    return socm_error_at(err, &v->u.arr.items[k]->pos, "parser names are strings");
                socm_strv_push(&sg->parsers, v->u.arr.items[k]->u.str.s);
            }
        } else {
            return socm_error_at(err, &v->pos, "file_parsers.%s: a string or an array of names", sg->name);
        }
        for (size_t k = 0; k < sg->parsers.n; k++)
            if (!is_builtin_parser(sg->parsers.v[k]) && !find_parser(s, sg->parsers.v[k]))
                return socm_error_at(err, &v->pos,
                                     "job %s: unknown file parser \"%s\" (file_size, file_lines, "
                                     "file_basename, file_md5 or a [predict.file_parsers.NAME])",
                                     j->name, sg->parsers.v[k]);
    }
    return 0;
}

static int read_parsers(struct socm_jobspecs *s, const struct socm_value *t, struct socm_error *err)
{
    if (!t)
        return 0;
    if (t->type != SOCM_V_TABLE)
        return socm_error_at(err, &t->pos, "[predict.file_parsers] must be a table of tables");
    s->parsers = socm_xcalloc(t->u.tbl.n ? t->u.tbl.n : 1, sizeof *s->parsers);
    for (size_t i = 0; i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        struct parser *p = &s->parsers[s->nparsers++];
        p->name = socm_strdup(kv->key);
        p->timeout_s = 10;
        if (kv->value->type != SOCM_V_TABLE)
            return socm_error_at(err, &kv->value->pos, "[predict.file_parsers.%s] must be a table", kv->key);
        const char *script = NULL, *rt = "numeric";
        double timeout = 10;
        if (socm_table_get_string(kv->value, "awk_script", &script, err) != 0 ||
            socm_table_get_string(kv->value, "return_type", &rt, err) != 0 ||
            socm_table_get_bool(kv->value, "script_is_file", &p->script_is_file, err) != 0 ||
            socm_table_get_number(kv->value, "timeout", &timeout, err) != 0)
            return -1;
        if (!script)
            return socm_error_at(err, &kv->value->pos, "[predict.file_parsers.%s] needs awk_script", kv->key);
        if (strcasecmp(rt, "numeric") == 0 || strcasecmp(rt, "numerical") == 0)
            p->numeric = true;
        else if (strcasecmp(rt, "category") == 0 || strcasecmp(rt, "categorical") == 0)
            p->numeric = false;
        else
            return socm_error_at(err, &socm_table_get(kv->value, "return_type")->pos,
                                 "return_type must be \"numeric\" or \"category\"");
        if (!(timeout > 0))
            return socm_error_at(err, &socm_table_get(kv->value, "timeout")->pos, "timeout must be positive");
        p->awk_script = socm_strdup(script);
        p->timeout_s = timeout;
    }
    return 0;
}

static int read_job(struct socm_jobspecs *s, const struct socm_kv *kv, struct socm_jobspec *j,
                    struct socm_error *err)
{
    j->name = socm_strdup(kv->key);
    const struct socm_value *t = kv->value;
    if (t->type != SOCM_V_TABLE)
        return socm_error_at(err, &t->pos, "[predict.job.%s] must be a table", kv->key);
    const char *spec = NULL, *prefix = NULL;
    if (socm_table_get_string(t, "job_spec", &spec, err) != 0 ||
        socm_table_get_string(t, "job_prefix", &prefix, err) != 0)
        return -1;
    if (!spec)
        return socm_error_at(err, &t->pos, "[predict.job.%s] needs job_spec", kv->key);
    j->spec = socm_strdup(spec);
    j->prefix = socm_strdup(prefix ? prefix : kv->key);
    const struct socm_value *v;
    if ((v = socm_table_get(t, "default_mem")) && socm_predict_memory_value(v, &j->default_mem_mb, err) != 0)
        return -1;
    if ((v = socm_table_get(t, "default_time")) && socm_predict_duration_value(v, &j->default_time_min, err) != 0)
        return -1;
    if (parse_spec(j, socm_table_get(t, "job_spec"), err) != 0)
        return -1;
    return file_parsers_of(s, j, socm_table_get(t, "file_parsers"), err);
}

struct socm_jobspecs *socm_jobspecs_from_config(const struct socm_value *predict,
                                                struct socm_error *err)
{
    struct socm_jobspecs *s = socm_xcalloc(1, sizeof *s);
    if (!predict)
        return s;
    if (predict->type != SOCM_V_TABLE) {
        socm_error_at(err, &predict->pos, "[predict] must be a table");
        socm_jobspecs_free(s);
        return NULL;
    }
    const struct socm_value *v;
    if (read_parsers(s, socm_table_get(predict, "file_parsers"), err) != 0 ||
        ((v = socm_table_get(predict, "default_mem")) && socm_predict_memory_value(v, &s->default_mem_mb, err) != 0) ||
        ((v = socm_table_get(predict, "default_time")) && socm_predict_duration_value(v, &s->default_time_min, err) != 0)) {
        socm_jobspecs_free(s);
        return NULL;
    }
    const struct socm_value *jobs = socm_table_get(predict, "job");
    if (jobs && jobs->type != SOCM_V_TABLE) {
        socm_error_at(err, &jobs->pos, "[predict.job] must be a table of tables");
        socm_jobspecs_free(s);
        return NULL;
    }
    if (jobs) {
        s->jobs = socm_xcalloc(jobs->u.tbl.n ? jobs->u.tbl.n : 1, sizeof *s->jobs);
        for (size_t i = 0; i < jobs->u.tbl.n; i++)
            if (read_job(s, &jobs->u.tbl.items[i], &s->jobs[s->njobs++], err) != 0) {
                socm_jobspecs_free(s);
                return NULL;
            }
    }
    return s;
}

const struct socm_jobspec *socm_jobspecs_find(const struct socm_jobspecs *s, const char *name)
{
    for (size_t i = 0; s && i < s->njobs; i++)
        if (strcmp(s->jobs[i].name, name) == 0)
            return &s->jobs[i];
    return NULL;
}

/* Length of prefix in cmd when cmd starts with it as whole words, else 0. */
static size_t prefix_len(const char *cmd, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 0 || strncmp(cmd, prefix, n) != 0 || (cmd[n] && !isspace((unsigned char)cmd[n])))
        return 0;
    return n;
}

const struct socm_jobspec *socm_jobspecs_match(const struct socm_jobspecs *s, const char *cmd)
{
    while (isspace((unsigned char)*cmd))
        cmd++;
    const struct socm_jobspec *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; s && i < s->njobs; i++) {
        size_t n = prefix_len(cmd, s->jobs[i].prefix);
        if (n > best_len) {
            best = &s->jobs[i];
            best_len = n;
        }
    }
    return best;
}

const char *socm_jobspec_name(const struct socm_jobspec *j) { return j->name; }

double socm_jobspec_default_mem_mb(const struct socm_jobspecs *s, const struct socm_jobspec *j)
{
    return j && j->default_mem_mb > 0 ? j->default_mem_mb : s->default_mem_mb > 0 ? s->default_mem_mb : 1000;
}

double socm_jobspec_default_time_min(const struct socm_jobspecs *s, const struct socm_jobspec *j)
{
    return j && j->default_time_min > 0 ? j->default_time_min : s->default_time_min > 0 ? s->default_time_min : 60;
}

/* ---- Matching ---- */

struct matcher {
    const struct socm_jobspec *j;
    const char *cmd;
    size_t len;
    size_t *cap_start, *cap_end; /* per segment */
    long budget;                 /* backtracking steps left */
    bool files_exist;            /* first pass: a file token must name an existing file */
    unsigned char *failed;       /* (segment, position) known not to match: keeps it polynomial */
};

static bool numeral_char(char c)
{
    return isdigit((unsigned char)c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static bool match_from(struct matcher *m, size_t si, size_t pos);

/* Where literal `l` ends when it matches at pos, or -1. Its whitespace runs match one
 * or more whitespace characters. */
static long literal_at(const struct matcher *m, const char *l, size_t pos)
{
    while (*l) {
        if (isspace((unsigned char)*l)) {
            while (isspace((unsigned char)*l))
                l++;
            if (pos >= m->len || !isspace((unsigned char)m->cmd[pos]))
                return -1;
            while (pos < m->len && isspace((unsigned char)m->cmd[pos]))
                pos++;
            continue;
        }
        if (pos >= m->len || m->cmd[pos] != *l)
            return -1;
        pos++;
        l++;
    }
    return (long)pos;
}

static bool match_literal(struct matcher *m, size_t si, size_t pos)
{
    long end = literal_at(m, m->j->seg[si].literal, pos);
    return end >= 0 && match_from(m, si + 1, (size_t)end);
}

/* Whether the segment after a token can start at `end` (cheap pruning). */
static bool next_can_start(const struct matcher *m, size_t si, size_t end)
{
    if (si + 1 == m->j->nseg)
        return end == m->len;
    const char *l = m->j->seg[si + 1].literal;
    return !l || literal_at(m, l, end) >= 0;
}

static bool try_end(struct matcher *m, size_t si, size_t pos, size_t end)
{
    const struct segment *sg = &m->j->seg[si];
    if (!next_can_start(m, si, end))
        return false;
    if (sg->kind == TOK_NUMERIC) {
        char buf[64];
        if (end - pos >= sizeof buf)
            return false;
        memcpy(buf, m->cmd + pos, end - pos);
        buf[end - pos] = '\0';
        char *e;
        strtod(buf, &e);
        if (*e != '\0')
            return false;
    }
    if (sg->kind == TOK_FILE && m->files_exist) {
        char *path = socm_strndup(m->cmd + pos, end - pos);
        bool exists = access(path, F_OK) == 0;
        free(path);
        if (!exists)
            return false;
    }
    m->cap_start[si] = pos;
    m->cap_end[si] = end;
    return match_from(m, si + 1, end);
}

static bool match_tokens(struct matcher *m, size_t si, size_t pos);

static bool match_from(struct matcher *m, size_t si, size_t pos)
{
    if (--m->budget < 0)
        return false;
    if (si == m->j->nseg)
        return pos == m->len;
    size_t key = si * (m->len + 1) + pos;
    if (m->failed[key])
        return false;
    bool ok = match_tokens(m, si, pos);
    if (!ok)
        m->failed[key] = 1;
    return ok;
}

static bool match_tokens(struct matcher *m, size_t si, size_t pos)
{
    const struct segment *sg = &m->j->seg[si];
    if (sg->literal)
        return match_literal(m, si, pos);
    size_t max = pos;
    if (sg->kind == TOK_NUMERIC)
        while (max < m->len && numeral_char(m->cmd[max]))
            max++;
    else
        max = m->len;
    if (sg->kind == TOK_FILE) { /* shortest first, as slurmise's lazy ".+?" */
        for (size_t end = pos + 1; end <= max; end++)
            if (try_end(m, si, pos, end))
                return true;
    } else {
        for (size_t end = max; end > pos; end--)
            if (try_end(m, si, pos, end))
                return true;
    }
    return false;
}

/* ---- File parsers ---- */

static int count_lines(const char *path, double *out, struct socm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return socm_error_errno(err, "cannot open %s", path);
    char buf[65536];
    double lines = 0;
    char last = '\n';
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
        if (n > 0)
            last = buf[n - 1];
    }
    close(fd);
    if (n < 0)
        return socm_error_errno(err, "cannot read %s", path);
    *out = lines + (last != '\n'); /* a last line without newline counts */
    return 0;
}

/* Runs `awk SCRIPT FILE` (or `awk -f SCRIPT FILE`) without a shell; stdout into out.
 * Killed after the parser's timeout. */
static int run_awk(const struct parser *p, const char *path, struct socm_buf *out, struct socm_error *err)
{
    const char *argv[5];
    int a = 0;
    argv[a++] = "awk";
    if (p->script_is_file)
        argv[a++] = "-f";
    argv[a++] = p->awk_script;
    argv[a++] = path;
    argv[a] = NULL;
    struct socm_error e = {0};
    if (socm_child_capture(argv, p->timeout_s, 1024 * 1024, out, &e) != 0)
        return socm_error_set(err, e.code, "parser %s on %s: %s", p->name, path, e.msg);
    return 0;
}

static int awk_feature(const struct parser *p, const char *path, const char *key, json_t *cat,
                       json_t *num, struct socm_error *err)
{
    struct socm_buf out = SOCM_BUF_INIT;
    if (run_awk(p, path, &out, err) != 0) {
        socm_buf_free(&out);
        return -1;
    }
    char *text = socm_buf_steal(&out);
    int rc = 0;
    if (p->numeric) {
        json_t *list = json_array();
        char *save = NULL;
        for (char *t = strtok_r(text, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
            char *e;
            double d = strtod(t, &e);
            if (*e || !isfinite(d)) {
                rc = socm_error_set(err, SOCM_E_INPUT, "parser %s: \"%s\" is not a number", p->name, t);
                break;
            }
            json_array_append_new(list, json_real(d));
        }
        if (rc == 0 && json_array_size(list) == 0)
            rc = socm_error_set(err, SOCM_E_INPUT, "parser %s printed no number for %s", p->name, path);
        if (rc == 0)
            json_object_set(num, key, json_array_size(list) == 1 ? json_array_get(list, 0) : list);
        json_decref(list);
    } else {
        size_t a = 0, b = strlen(text);
        while (a < b && isspace((unsigned char)text[a]))
            a++;
        while (b > a && isspace((unsigned char)text[b - 1]))
            b--;
        text[b] = '\0';
        json_t *s = json_string(text + a);
        json_object_set_new(cat, key, s ? s : json_string("?"));
    }
    free(text);
    return rc;
}

static int file_feature(const struct socm_jobspecs *s, const char *parser, const char *var,
                        const char *path, json_t *cat, json_t *num, struct socm_error *err)
{
    char *key = socm_asprintf("%s_%s", var, parser);
    int rc = 0;
    const struct parser *p = find_parser(s, parser); /* user parsers may replace built-ins */
    if (p) {
        rc = awk_feature(p, path, key, cat, num, err);
    } else if (strcmp(parser, "file_size") == 0) {
        struct stat st;
        if (stat(path, &st) != 0)
            rc = socm_error_errno(err, "file_size: %s", path);
        else
            json_object_set_new(num, key, json_integer((json_int_t)st.st_size));
    } else if (strcmp(parser, "file_lines") == 0) {
        double lines;
        if ((rc = count_lines(path, &lines, err)) == 0)
            json_object_set_new(num, key, json_integer((json_int_t)lines));
    } else if (strcmp(parser, "file_basename") == 0) {
        const char *slash = strrchr(path, '/');
        json_t *b = json_string(slash ? slash + 1 : path);
        json_object_set_new(cat, key, b ? b : json_string("?"));
    } else if (strcmp(parser, "file_md5") == 0) {
        char hex[33];
        if ((rc = socm_file_md5(path, hex, err)) == 0)
            json_object_set_new(cat, key, json_string(hex));
    }
    free(key);
    return rc;
}

static char *dump(json_t *o)
{
    char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    char *c = socm_strdup(s ? s : "{}");
    free(s);
    return c;
}

int socm_jobspec_parse(const struct socm_jobspecs *s, const struct socm_jobspec *j, const char *cmd,
                       char **categorical_json, char **numeric_json, struct socm_error *err)
{
    while (isspace((unsigned char)*cmd))
        cmd++;
    size_t pl = prefix_len(cmd, j->prefix);
    cmd += pl;
    while (pl && isspace((unsigned char)*cmd))
        cmd++;
    size_t len = strlen(cmd);
    while (len && isspace((unsigned char)cmd[len - 1]))
        len--;
    /* Paths with spaces make a spec ambiguous: prefer the reading whose file tokens
     * name existing files, else take the plain one (the parser then says what is
     * missing). */
    struct matcher m = {j, cmd, len, socm_xcalloc(j->nseg + 1, sizeof(size_t)),
                        socm_xcalloc(j->nseg + 1, sizeof(size_t)), 1000000, true,
                        socm_xcalloc((j->nseg + 1) * (len + 1), 1)};
    bool ok = match_from(&m, 0, 0);
    if (!ok) {
        m.files_exist = false;
        m.budget = 1000000;
        memset(m.failed, 0, (j->nseg + 1) * (len + 1));
        ok = match_from(&m, 0, 0);
    }
    free(m.failed);
    if (!ok) {
        free(m.cap_start);
        free(m.cap_end);
        return socm_error_set(err, SOCM_E_INPUT, "job %s: the command does not match job_spec \"%s\"%s",
                              j->name, j->spec, m.budget < 0 ? " (gave up: too ambiguous)" : "");
    }
    json_t *cat = json_object(), *num = json_object();
    int rc = 0;
    for (size_t i = 0; i < j->nseg && rc == 0; i++) {
        const struct segment *sg = &j->seg[i];
        if (sg->literal || sg->kind == TOK_IGNORE)
            continue;
        char *text = socm_strndup(cmd + m.cap_start[i], m.cap_end[i] - m.cap_start[i]);
        if (sg->kind == TOK_NUMERIC) {
            json_object_set_new(num, sg->name, json_real(strtod(text, NULL)));
        } else if (sg->kind == TOK_CATEGORY) {
            json_t *v = json_string(text);
            json_object_set_new(cat, sg->name, v ? v : json_string("?"));
        } else {
            for (size_t k = 0; k < sg->parsers.n && rc == 0; k++)
                rc = file_feature(s, sg->parsers.v[k], sg->name, text, cat, num, err);
        }
        free(text);
    }
    if (rc == 0) {
        *categorical_json = dump(cat);
        *numeric_json = dump(num);
    }
    json_decref(cat);
    json_decref(num);
    free(m.cap_start);
    free(m.cap_end);
    return rc;
}

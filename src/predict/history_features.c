/* history_features.c — what a workflow run is described by in the history: its job
 * name (the grouping key), its numeric and categorical fields, and the MD5 that
 * stands for a file:// input so that the same file is the same category. */
#include "predict/history.h"

#include "socm/workflow.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <nettle/md5.h>
#include <string.h>
#include <unistd.h>

int socm_file_md5(const char *path, char hex[33], struct socm_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return socm_error_errno(err, "cannot open %s", path);
    struct md5_ctx ctx;
    md5_init(&ctx);
    unsigned char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            socm_error_errno(err, "cannot read %s", path);
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        md5_update(&ctx, (size_t)n, buf);
    }
    close(fd);
    uint8_t digest[MD5_DIGEST_SIZE];
    md5_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < MD5_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

void socm_md5_hex(const void *data, size_t len, char hex[33])
{
    struct md5_ctx ctx;
    md5_init(&ctx);
    md5_update(&ctx, len, data);
    uint8_t digest[MD5_DIGEST_SIZE];
    md5_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < MD5_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* "name_split_3_split_1" → "name". */
char *socm_history_job_name(const struct socm_workflow *wf)
{
    if (wf->job_name && *wf->job_name)
        return socm_strdup(wf->job_name);
    char *s = socm_strdup(wf->name ? wf->name : "");
    for (;;) {
        char *u = strrchr(s, '_');
        if (!u || u - s < 6 || strncmp(u - 6, "_split", 6) != 0 || !u[1])
            break;
        bool digits = true;
        for (const char *p = u + 1; *p; p++)
            digits = digits && *p >= '0' && *p <= '9';
        if (!digits)
            break;
        u[-6] = '\0';
    }
    return s;
}

/* Keys that identify a run or where it reads/writes, not what it computes. */
static const char *const common_exclude[] = {
    "name", "executable", "context", "output_dir", "query", "depends", "id",
    "job_name", "environment", "resources", "max_retries", "grow_walltime_on_timeout", "workdir",
    NULL};

static bool in_list(const char *const *list, const char *key)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], key) == 0)
            return true;
    return false;
}

static bool all_numbers(const struct socm_value *arr)
{
    for (size_t i = 0; i < arr->u.arr.n; i++)
        if (!socm_value_is_number(arr->u.arr.items[i]))
            return false;
    return arr->u.arr.n > 0;
}

static json_t *number_json(const struct socm_value *v)
{
    return v->type == SOCM_V_INTEGER ? json_integer(v->u.i) : json_real(v->u.f);
}

/* A string value as a category: file:// URLs become the MD5 of their content. */
static json_t *category_json(const struct socm_value *v)
{
    if (v->type == SOCM_V_STRING && socm_str_startswith(v->u.str.s, "file://")) {
        char hex[33];
        struct socm_error e = {0};
        if (socm_file_md5(v->u.str.s + 7, hex, &e) == 0) {
            char tagged[40];
            snprintf(tagged, sizeof tagged, "md5:%s", hex);
            return json_string(tagged);
        }
    }
    char *text = socm_value_to_text(v);
    json_t *j = json_string(text);
    free(text);
    return j ? j : json_string("?"); /* not UTF-8: still one category */
}

static char *dump_sorted(json_t *obj)
{
    char *s = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
    char *copy = socm_strdup(s ? s : "{}");
    free(s);
    return copy;
}

/* One value as a numeric or categorical feature. */
static void add_feature(json_t *cat, json_t *num, const char *key, const struct socm_value *v)
{
    if (socm_value_is_number(v)) {
        json_object_set_new(num, key, number_json(v));
    } else if (v->type == SOCM_V_ARRAY && all_numbers(v)) {
        json_t *a = json_array();
        for (size_t k = 0; k < v->u.arr.n; k++)
            json_array_append_new(a, number_json(v->u.arr.items[k]));
        json_object_set_new(num, key, a);
    } else if (v->type == SOCM_V_STRING || v->type == SOCM_V_BOOL ||
               (v->type == SOCM_V_ARRAY && v->u.arr.n > 0)) {
        json_object_set_new(cat, key, category_json(v));
    }
    /* tables, dates and nulls describe neither size nor kind of work */
}

int socm_history_features(const struct socm_workflow *wf, char **categorical_json,
                          char **numeric_json, struct socm_error *err)
{
    json_t *cat = json_object();
    json_t *num = json_object();
    const char *const *type_exclude = wf->wtype ? wf->wtype->feature_exclude : NULL;
    const struct socm_value *t = wf->fields;
    for (size_t i = 0; t && t->type == SOCM_V_TABLE && i < t->u.tbl.n; i++) {
        const struct socm_kv *kv = &t->u.tbl.items[i];
        const struct socm_value *v = kv->value;
        if (in_list(common_exclude, kv->key) || in_list(type_exclude, kv->key))
            continue;
        if (!strcmp(kv->key, "features") && v->type == SOCM_V_TABLE) {
            /* `features = {...}`: values that only describe the work (any type). */
            for (size_t k = 0; k < v->u.tbl.n; k++)
                add_feature(cat, num, v->u.tbl.items[k].key, v->u.tbl.items[k].value);
            continue;
        }
        add_feature(cat, num, kv->key, v);
    }
    json_object_set_new(num, "ranks", json_integer(wf->res.ranks > 0 ? wf->res.ranks : 1));
    json_object_set_new(num, "threads", json_integer(wf->res.threads > 0 ? wf->res.threads : 1));
    *categorical_json = dump_sorted(cat);
    *numeric_json = dump_sorted(num);
    json_decref(cat);
    json_decref(num);
    (void)err;
    return 0;
}

int socm_history_run_from_workflow(const struct socm_workflow *wf, struct socm_history_run *run,
                                   struct socm_error *err)
{
    memset(run, 0, sizeof *run);
    if (socm_history_features(wf, &run->categorical_json, &run->numeric_json, err) != 0)
        return -1;
    run->job_name = socm_history_job_name(wf);
    run->workflow = socm_strdup(wf->type ? wf->type : "");
    run->command = wf->argv.n ? socm_strv_join(&wf->argv, " ") : socm_strdup("");
    run->ranks = wf->res.ranks > 0 ? wf->res.ranks : 1;
    run->threads = wf->res.threads > 0 ? wf->res.threads : 1;
    run->req_memory_mb = wf->res.memory_mb;
    run->req_runtime_min = wf->res.runtime_min;
    return 0;
}

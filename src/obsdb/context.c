/* context.c — reading a sotodlib context (context.yaml) far enough to find its
 * observation database: the `obsdb:` path with `{tag}` substitutions, relative to
 * the context's directory, decompressed to a private temporary file when gzipped. */
#include "obsdb/obsdb.h"

#include "config/config.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

const char *socm_uri_strip_file(const char *s)
{
    const char *last = s;
    for (const char *p = strstr(s, "file://"); p; p = strstr(p + 1, "file://"))
        last = p + strlen("file://");
    return last;
}

/* pathlib's normalisation: no empty or "." components, no trailing slash, and a
 * leading "//" (exactly two) is kept as POSIX allows. */
static char *socm_path_normalize(const char *p)
{
    struct socm_buf b = SOCM_BUF_INIT;
    if (p[0] == '/') {
        socm_buf_putc(&b, '/');
        if (p[1] == '/' && p[2] != '/')
            socm_buf_putc(&b, '/');
    }
    bool first = true;
    for (const char *s = p; *s;) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n > 0 && !(n == 1 && s[0] == '.')) {
            if (!first)
                socm_buf_putc(&b, '/');
            socm_buf_putn(&b, s, n);
            first = false;
        }
        s = e;
    }
    if (b.len == 0)
        socm_buf_putc(&b, '.');
    return socm_buf_steal(&b);
}

char *socm_path_absolute(const char *p, const char *base_dir)
{
    if (p[0] == '/')
        return socm_path_normalize(p);
    char *base;
    if (base_dir && base_dir[0] == '/') {
        base = socm_strdup(base_dir);
    } else {
        char *cwd = getcwd(NULL, 0);
        base = base_dir && *base_dir ? socm_asprintf("%s/%s", cwd ? cwd : ".", base_dir)
                                     : socm_strdup(cwd ? cwd : ".");
        free(cwd);
    }
    /* base "/" (started in the root directory) must not make a "//" root of the join */
    size_t bl = strlen(base);
    const char *sep = bl && base[bl - 1] == '/' ? "" : "/";
    char *joined = p[0] ? socm_asprintf("%s%s%s", base, sep, p) : socm_strdup(base);
    char *out = socm_path_normalize(joined);
    free(joined);
    free(base);
    return out;
}

static char *socm_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return socm_strdup(".");
    if (slash == path)
        return socm_strdup("/");
    return socm_strndup(path, (size_t)(slash - path));
}

/* Merges the `tags:` map of a YAML file into tags (later files win). A file that
 * was named explicitly must exist; a default location may be absent. */
static int socm_tags_merge_file(struct socm_value *tags, const char *path, bool required,
                                struct socm_error *err)
{
    if (access(path, F_OK) != 0) {
        if (!required)
            return 0;
        return socm_error_set(err, SOCM_E_INPUT, "%s: configuration file not found", path);
    }
    size_t len;
    char *text = socm_file_read(path, &len, err);
    if (!text)
        return -1;
    struct socm_value *doc = socm_yaml_parse(text, len, path, err);
    free(text);
    if (!doc)
        return -1;
    struct socm_value *t = doc->type == SOCM_V_TABLE ? socm_table_get(doc, "tags") : NULL;
    if (t && t->type == SOCM_V_TABLE) {
        for (size_t i = 0; i < t->u.tbl.n; i++)
            socm_table_set(tags, t->u.tbl.items[i].key, socm_value_clone(t->u.tbl.items[i].value));
    } else if (t && t->type != SOCM_V_NULL) {
        char where[1100];
        socm_error_set(err, SOCM_E_INPUT, "%s: `tags` must be a mapping",
                       socm_pos_format(&t->pos, where, sizeof where));
        socm_value_free(doc);
        return -1;
    }
    socm_value_free(doc);
    return 0;
}

static int socm_site_user_tags(struct socm_value *tags, struct socm_error *err)
{
    const char *site = getenv("SOTODLIB_SITECONFIG");
    if (socm_tags_merge_file(tags, site && *site ? site : "site.yaml", site && *site, err) < 0)
        return -1;
    const char *user = getenv("SOTODLIB_USERCONFIG");
    if (user && *user)
        return socm_tags_merge_file(tags, user, true, err);
    const char *home = getenv("HOME");
    if (!home || !*home)
        return 0;
    char *path = socm_asprintf("%s/.sotodlib.yaml", home);
    int rc = socm_tags_merge_file(tags, path, false, err);
    free(path);
    return rc;
}

/* Replaces every {tag} in s by the tag's text; an unknown tag is an error. */
static char *socm_tags_substitute(const char *s, const struct socm_value *tags,
                                  const struct socm_value *where, struct socm_error *err)
{
    struct socm_buf b = SOCM_BUF_INIT;
    for (const char *p = s; *p;) {
        const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            socm_buf_putc(&b, *p++);
            continue;
        }
        char *name = socm_strndup(p + 1, (size_t)(close - p - 1));
        struct socm_value *v = socm_table_get(tags, name);
        if (!v || !socm_value_is_scalar(v)) {
            char pos[1100];
            socm_error_set(err, SOCM_E_INPUT, "%s: obsdb path uses unknown tag {%s}",
                           socm_pos_format(&where->pos, pos, sizeof pos), name);
            free(name);
            socm_buf_free(&b);
            return NULL;
        }
        char *text = socm_value_to_text(v);
        socm_buf_puts(&b, text);
        free(text);
        free(name);
        p = close + 1;
    }
    return socm_buf_steal(&b);
}

/* gunzips src into a private (0600) temporary file; returns its path. */
static char *socm_gunzip_private(const char *src, struct socm_error *err)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmpl = socm_asprintf("%s/socm-obsdb-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        socm_error_errno(err, "cannot create a temporary file for %s", src);
        free(tmpl);
        return NULL;
    }
    gzFile gz = gzopen(src, "rb");
    if (!gz) {
        socm_error_errno(err, "%s: cannot open", src);
        goto fail;
    }
    char buf[65536];
    int n;
    while ((n = gzread(gz, buf, sizeof buf)) > 0) {
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(fd, buf + off, (size_t)(n - off));
            if (w < 0) {
                socm_error_errno(err, "%s: writing", tmpl);
                gzclose(gz);
                goto fail;
            }
            off += w;
        }
    }
    if (n < 0) {
        int zerr;
        socm_error_set(err, SOCM_E_INPUT, "%s: not a valid gzip file (%s)", src, gzerror(gz, &zerr));
        gzclose(gz);
        goto fail;
    }
    gzclose(gz);
    close(fd);
    return tmpl;
fail:
    close(fd);
    unlink(tmpl);
    free(tmpl);
    return NULL;
}

static int socm_context_obsdb(struct socm_context *ctx, const struct socm_value *doc,
                              struct socm_error *err)
{
    char where[1100];
    struct socm_value *obsdb = doc->type == SOCM_V_TABLE ? socm_table_get(doc, "obsdb") : NULL;
    if (!obsdb || obsdb->type != SOCM_V_STRING)
        return socm_error_set(err, SOCM_E_INPUT, "%s: the context has no `obsdb:` path",
                              obsdb ? socm_pos_format(&obsdb->pos, where, sizeof where) : ctx->path);
    struct socm_value *tags = socm_value_table(NULL);
    if (socm_site_user_tags(tags, err) < 0 ||
        socm_tags_merge_file(tags, ctx->path, true, err) < 0) {
        socm_value_free(tags);
        return -1;
    }
    char *sub = socm_tags_substitute(obsdb->u.str.s, tags, obsdb, err);
    socm_value_free(tags);
    if (!sub)
        return -1;
    char *dir = socm_dirname(ctx->path);
    char *path = socm_path_absolute(sub, dir);
    free(dir);
    free(sub);
    if (access(path, R_OK) != 0) {
        socm_error_set(err, SOCM_E_INPUT, "%s: obsdb %s: %s",
                       socm_pos_format(&obsdb->pos, where, sizeof where), path, strerror(errno));
        free(path);
        return -1;
    }
    if (socm_str_endswith(path, ".gz")) {
        ctx->tmp_path = socm_gunzip_private(path, err);
        free(path);
        if (!ctx->tmp_path)
            return -1;
        ctx->obsdb_path = socm_strdup(ctx->tmp_path);
        return 0;
    }
    ctx->obsdb_path = path;
    return 0;
}

int socm_context_load(const char *uri, const char *base_dir, struct socm_context *ctx,
                      struct socm_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->path = socm_path_absolute(socm_uri_strip_file(uri), base_dir);
    if (access(ctx->path, R_OK) != 0) {
        socm_error_set(err, SOCM_E_INPUT, "context file %s: %s", ctx->path, strerror(errno));
        socm_context_free(ctx);
        return -1;
    }
    size_t len;
    char *text = socm_file_read(ctx->path, &len, err);
    if (!text) {
        socm_context_free(ctx);
        return -1;
    }
    struct socm_value *doc = socm_yaml_parse(text, len, ctx->path, err);
    free(text);
    if (!doc) {
        socm_context_free(ctx);
        return -1;
    }
    int rc = socm_context_obsdb(ctx, doc, err);
    socm_value_free(doc);
    if (rc < 0)
        socm_context_free(ctx);
    return rc;
}

void socm_context_free(struct socm_context *ctx)
{
    if (ctx->tmp_path)
        unlink(ctx->tmp_path);
    free(ctx->tmp_path);
    free(ctx->obsdb_path);
    free(ctx->path);
    memset(ctx, 0, sizeof *ctx);
}

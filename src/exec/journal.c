/* journal.c — the append-only JSON-lines event log (see journal.h). */
#include "exec/journal.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *socm_journal_path(const char *state_dir)
{
    return socm_asprintf("%s/%s", state_dir, SOCM_JOURNAL_FILE);
}

int socm_journal_open(struct socm_journal *j, const char *state_dir, bool exclusive,
                      long long valid_len, struct socm_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    if (socm_mkdir_p(state_dir, 0700, err) != 0)
        return -1;
    j->path = socm_journal_path(state_dir);
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (exclusive ? O_EXCL : 0);
    j->fd = open(j->path, flags, 0600);
    if (j->fd < 0) {
        if (errno == EEXIST)
            socm_error_set(err, SOCM_E_INPUT,
                           "%s already holds a campaign journal; use `socm resume %s` to "
                           "continue it, or remove the directory to start afresh",
                           state_dir, state_dir);
        else
            socm_error_errno(err, "cannot open journal %s", j->path);
        free(j->path);
        j->path = NULL;
        return -1;
    }
    /* A torn tail must go before the next event, or that event would glue onto it. */
    if (valid_len >= 0) {
        struct stat st;
        if (fstat(j->fd, &st) == 0 && st.st_size > valid_len && ftruncate(j->fd, valid_len) != 0) {
            socm_error_errno(err, "cannot truncate torn journal tail %s", j->path);
            socm_journal_close(j);
            return -1;
        }
    }
    if (exclusive)
        socm_fsync_dir_of(j->path);
    return 0;
}

int socm_journal_create(struct socm_journal *j, const char *state_dir, const char *first,
                        struct socm_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    if (socm_mkdir_p(state_dir, 0700, err) != 0)
        return -1;
    char *path = socm_journal_path(state_dir);
    if (access(path, F_OK) == 0) {
        free(path);
        return socm_error_set(err, SOCM_E_INPUT,
                              "%s already holds a campaign journal; use `socm resume %s` to "
                              "continue it, or remove the directory to start afresh",
                              state_dir, state_dir);
    }
    char *text = socm_asprintf("%s\n", first);
    char *tmp = socm_asprintf("%s.new", path);
    unlink(tmp);
    int rc = socm_write_atomic(tmp, text, strlen(text), 0600, err);
    free(text);
    if (rc == 0 && link(tmp, path) != 0) {
        rc = errno == EEXIST
                 ? socm_error_set(err, SOCM_E_INPUT, "%s already holds a campaign journal", state_dir)
                 : socm_error_errno(err, "cannot create %s", path);
    }
    unlink(tmp);
    free(tmp);
    free(path);
    if (rc != 0)
        return -1;
    socm_fsync_dir_of(path = socm_journal_path(state_dir));
    free(path);
    return socm_journal_open(j, state_dir, false, -1, err);
}

int socm_journal_append(struct socm_journal *j, json_t *ev, struct socm_error *err)
{
    if (!json_object_get(ev, "t"))
        json_object_set_new(ev, "t", json_real(socm_now()));
    char *line = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!line)
        return socm_error_set(err, SOCM_E_SYSTEM, "cannot encode journal event");
    socm_buf_puts(&j->pending, line);
    socm_buf_putc(&j->pending, '\n');
    free(line);
    j->unsynced++;
    /* A simulation may decide a whole campaign in one iteration: keep memory bounded. */
    if (j->no_sync && j->pending.len >= 1 << 20)
        return socm_journal_flush(j, err);
    return 0;
}

int socm_journal_flush(struct socm_journal *j, struct socm_error *err)
{
    /* One write for the whole group: O_APPEND keeps it in one piece with respect to
     * other writers, and a crash leaves at most the last line torn (the lines before
     * it were never synced, so never acted upon). */
    size_t off = 0;
    while (off < j->pending.len) {
        ssize_t w = write(j->fd, j->pending.data + off, j->pending.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            /* keep only what is not written, so nothing is written twice */
            memmove(j->pending.data, j->pending.data + off, j->pending.len - off);
            j->pending.len -= off;
            return socm_error_errno(err, "cannot write journal %s", j->path);
        }
        off += (size_t)w;
    }
    j->pending.len = 0;
    return 0;
}

int socm_journal_sync(struct socm_journal *j, struct socm_error *err)
{
    if (socm_journal_flush(j, err) != 0)
        return -1;
    if (j->unsynced == 0 || j->no_sync)
        return 0;
    if (fdatasync(j->fd) != 0)
        return socm_error_errno(err, "cannot sync journal %s", j->path);
    j->unsynced = 0;
    return 0;
}

int socm_journal_write(struct socm_journal *j, json_t *ev, struct socm_error *err)
{
    int rc = socm_journal_append(j, ev, err);
    json_decref(ev);
    if (rc == 0)
        rc = socm_journal_sync(j, err);
    return rc;
}

void socm_journal_close(struct socm_journal *j)
{
    struct socm_error err = {0};
    if (j->fd >= 0) {
        socm_journal_flush(j, &err); /* best effort: not synced, so not acted upon */
        close(j->fd);
    }
    socm_buf_free(&j->pending);
    j->fd = -1;
    free(j->path);
    j->path = NULL;
}

int socm_journal_replay(const char *state_dir, socm_journal_fn fn, void *ctx,
                        long long *valid_len, struct socm_error *err)
{
    char *path = socm_journal_path(state_dir);
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT)
            socm_error_set(err, SOCM_E_INPUT, "%s: no campaign journal here (%s missing)",
                           state_dir, SOCM_JOURNAL_FILE);
        else
            socm_error_errno(err, "cannot read %s", path);
        free(path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t lineno = 0;
    long long good = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        bool complete = line[n - 1] == '\n';
        json_error_t jerr;
        json_t *ev = json_loadb(line, (size_t)n, 0, &jerr);
        if (!complete) {
            /* The last line without its newline: never synced, so never acted upon. */
            json_decref(ev);
            break;
        }
        if (!ev || !json_is_object(ev) || !json_is_string(json_object_get(ev, "ev"))) {
            socm_error_set(err, SOCM_E_INPUT,
                           "%s:%zu: corrupt journal event (%s); the journal is damaged before "
                           "its end, so socm will not guess the campaign's state",
                           path, lineno, ev ? "not an event object" : jerr.text);
            json_decref(ev);
            rc = -1;
            break;
        }
        if (fn && fn(ctx, ev, lineno, err) != 0) {
            json_decref(ev);
            rc = -1;
            break;
        }
        json_decref(ev);
        good += n;
    }
    free(line);
    fclose(f);
    free(path);
    if (valid_len)
        *valid_len = good;
    return rc;
}

json_t *socm_journal_read_spec(const char *dir)
{
    char *p = socm_journal_path(dir);
    FILE *f = fopen(p, "re");
    free(p);
    if (!f)
        return NULL;
    char *line = NULL;
    size_t cap = 0;
    json_t *spec = NULL;
    if (getline(&line, &cap, f) > 0) {
        json_t *ev = json_loads(line, 0, NULL);
        spec = json_incref(json_object_get(ev, "spec"));
        json_decref(ev);
    }
    free(line);
    fclose(f);
    return spec;
}

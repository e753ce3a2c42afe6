/* journal.c — the append-only JSON-lines event log (see journal.h). */
#include "state/journal.h"
#include "state/statedir.h"
#include "util/crc32c.h"
#include "util/dirfd.h"
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

static int exists_error(const char *dir, struct socm_error *err)
{
    /* Exit 2, a usage error: the campaign is there to be resumed. (Two runs into one
     * new directory at once never get here: the second meets the first's lock.) */
    return socm_error_set(err, SOCM_E_INPUT,
                          "%s already holds a campaign journal; use `socm resume %s` to "
                          "continue it, or remove the directory to start afresh",
                          dir, dir);
}

int socm_journal_open_at(struct socm_journal *j, int dfd, const char *dir, bool exclusive,
                         long long valid_len, struct socm_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    int flags = O_WRONLY | O_CREAT | O_APPEND | (exclusive ? O_EXCL : 0);
    j->fd = socm_dirfd_open(dfd, dir, SOCM_JOURNAL_FILE, flags, 0600, err);
    if (j->fd < 0) {
        if (errno == EEXIST && exclusive)
            exists_error(dir, err);
        return -1;
    }
    j->path = socm_journal_path(dir);
    /* A torn tail must go before the next event, or that event would glue onto it. */
    if (valid_len >= 0) {
        struct stat st;
        if (fstat(j->fd, &st) == 0 && st.st_size > valid_len && ftruncate(j->fd, valid_len) != 0) {
            socm_error_errno(err, "cannot truncate torn journal tail %s", j->path);
            socm_journal_close(j);
            return -1;
        }
    }
    /* A new journal's name is durable only once its directory is. */
    if (exclusive && fsync(dfd) != 0) {
        socm_error_errno(err, "cannot sync %s", dir);
        socm_journal_close(j);
        return -1;
    }
    return 0;
}

int socm_journal_open(struct socm_journal *j, const char *state_dir, bool exclusive,
                      long long valid_len, struct socm_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    struct socm_statedir sd;
    if (socm_statedir_open(&sd, state_dir, SOCM_SD_CREATE, err) != 0)
        return -1;
    int rc = socm_journal_open_at(j, sd.fd, sd.path, exclusive, valid_len, err);
    socm_statedir_close(&sd);
    return rc;
}

/* "{...}" → "{...,"crc":"xxxxxxxx"}\n": the checksum covers every byte before it. */
static void seal_line(struct socm_buf *b, const char *line)
{
    size_t n = strlen(line);
    size_t start = b->len;
    socm_buf_putn(b, line, n - 1); /* without the closing brace */
    uint32_t c = socm_crc32c(b->data + start, b->len - start);
    socm_buf_printf(b, SOCM_JOURNAL_CRC "%08x\"}\n", c);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Writes the line the pieces make into fd, sealed, without ever holding all of it:
 * each piece is written but for its last byte, which may be the line's closing brace. */
static int write_sealed(int fd, socm_journal_piece_fn piece, void *ctx, const char *path,
                        struct socm_error *err)
{
    struct socm_buf b = SOCM_BUF_INIT;
    uint32_t crc = 0;
    int more = 1, rc = 0;
    while (rc == 0 && more) {
        more = piece(ctx, &b);
        if (b.len > 1 && more) {
            size_t n = b.len - 1;
            crc = socm_crc32c_update(crc, b.data, n);
            if (write_all(fd, b.data, n) != 0)
                rc = socm_error_errno(err, "cannot write %s", path);
            b.data[0] = b.data[n];
            b.len = 1;
        }
    }
    if (rc == 0 && (b.len == 0 || b.data[b.len - 1] != '}'))
        rc = socm_error_set(err, SOCM_E_SYSTEM, "internal error: a journal line must be an object");
    if (rc == 0) {
        size_t n = b.len - 1;
        crc = socm_crc32c_update(crc, b.data, n);
        b.len = n;
        socm_buf_printf(&b, SOCM_JOURNAL_CRC "%08x\"}\n", crc);
        if (write_all(fd, b.data, b.len) != 0)
            rc = socm_error_errno(err, "cannot write %s", path);
    }
    socm_buf_free(&b);
    return rc;
}

int socm_journal_create_stream_at(struct socm_journal *j, int dfd, const char *dir,
                                  socm_journal_piece_fn piece, void *ctx, struct socm_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    struct stat st;
    if (fstatat(dfd, SOCM_JOURNAL_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return exists_error(dir, err);
    /* A name of our own (the caller holds the manager lock, but a name shared by all
     * creators is what let two runs swap each other's first line), written and made
     * durable in full before it is linked as the journal. */
    char *tmp = socm_asprintf("%s.new.%ld", SOCM_JOURNAL_FILE, (long)getpid());
    char *tmp_path = socm_asprintf("%s/%s", dir, tmp);
    unlinkat(dfd, tmp, 0);
    int rc = 0;
    int fd = socm_dirfd_open(dfd, dir, tmp, O_WRONLY | O_CREAT | O_EXCL, 0600, err);
    if (fd < 0)
        rc = -1;
    else {
        rc = write_sealed(fd, piece, ctx, tmp_path, err);
        if (rc == 0 && fsync(fd) != 0)
            rc = socm_error_errno(err, "cannot sync %s", tmp_path);
        if (close(fd) != 0 && rc == 0)
            rc = socm_error_errno(err, "cannot write %s", tmp_path);
    }
    if (rc == 0 && linkat(dfd, tmp, dfd, SOCM_JOURNAL_FILE, 0) != 0)
        rc = errno == EEXIST ? exists_error(dir, err)
                             : socm_error_errno(err, "cannot create %s/%s", dir, SOCM_JOURNAL_FILE);
    if (fd >= 0)
        unlinkat(dfd, tmp, 0);
    free(tmp);
    free(tmp_path);
    if (rc != 0)
        return -1;
    if (fsync(dfd) != 0) { /* the link that names the journal: undone, so a run can start again */
        socm_error_errno(err, "cannot sync %s", dir);
        unlinkat(dfd, SOCM_JOURNAL_FILE, 0);
        return -1;
    }
    return socm_journal_open_at(j, dfd, dir, false, -1, err);
}

/* The one piece of a line given whole. */
static int whole_line(void *ctx, struct socm_buf *b)
{
    socm_buf_puts(b, ctx);
    return 0;
}

int socm_journal_create_at(struct socm_journal *j, int dfd, const char *dir, const char *first,
                           struct socm_error *err)
{
    return socm_journal_create_stream_at(j, dfd, dir, whole_line, (void *)first, err);
}

int socm_journal_create(struct socm_journal *j, const char *state_dir, const char *first,
                        struct socm_error *err)
{
    memset(j, 0, sizeof *j);
    j->fd = -1;
    struct socm_statedir sd;
    if (socm_statedir_open(&sd, state_dir, SOCM_SD_CREATE, err) != 0)
        return -1;
    int rc = socm_journal_create_at(j, sd.fd, sd.path, first, err);
    socm_statedir_close(&sd);
    return rc;
}

int socm_journal_append(struct socm_journal *j, json_t *ev, struct socm_error *err)
{
    if (!json_object_get(ev, "t"))
        json_object_set_new(ev, "t", json_real(socm_now()));
    char *line = json_dumps(ev, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!line)
        return socm_error_set(err, SOCM_E_SYSTEM, "cannot encode journal event");
    seal_line(&j->pending, line);
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

/* Checks a complete line's checksum. A line without one is accepted only before the
 * first line that has one (a journal written by a socm from before checksums, perhaps
 * continued by this one); after it, a line without is as damaged as a wrong one. */
static const char *check_line(const char *line, size_t n, bool *sealed)
{
    size_t tail = strlen(SOCM_JOURNAL_CRC) + 8 + 3; /* ,"crc":"  xxxxxxxx  "}\n */
    const char *mark = n >= tail + 1 ? line + n - tail : NULL;
    if (!mark || strncmp(mark, SOCM_JOURNAL_CRC, strlen(SOCM_JOURNAL_CRC)) != 0)
        return *sealed ? "no checksum in a journal whose lines carry one" : NULL;
    *sealed = true;
    const char *hex = mark + strlen(SOCM_JOURNAL_CRC);
    char want[9];
    uint32_t c = socm_crc32c(line, (size_t)(mark - line));
    snprintf(want, sizeof want, "%08x", c);
    if (strncmp(hex, want, 8) != 0 || strcmp(hex + 8, "\"}\n") != 0)
        return "checksum mismatch: the line was changed after socm wrote it";
    return NULL;
}

int socm_journal_reader_open(struct socm_journal_reader *r, int dfd, const char *state_dir,
                             struct socm_error *err)
{
    memset(r, 0, sizeof *r);
    struct socm_error oerr = {0};
    r->f = socm_dirfd_fopen(dfd, state_dir, SOCM_JOURNAL_FILE, "r", &oerr);
    if (!r->f) {
        if (errno == ENOENT)
            socm_error_set(err, SOCM_E_INPUT, "%s: no campaign journal here (%s missing)",
                           state_dir, SOCM_JOURNAL_FILE);
        else
            *err = oerr;
        return -1;
    }
    r->path = socm_journal_path(state_dir);
    return 0;
}

int socm_journal_reader_next(struct socm_journal_reader *r, json_t **out, size_t *lineno,
                             struct socm_error *err)
{
    *out = NULL;
    clearerr(r->f); /* read on past an earlier end: the journal may have grown */
    ssize_t n = getline(&r->line, &r->cap, r->f);
    if (n <= 0)
        return 0;
    if (r->line[n - 1] != '\n') {
        /* Not complete (yet): never synced, so never acted upon. Read again later. */
        fseeko(r->f, r->good, SEEK_SET);
        return 0;
    }
    const char *line = r->line;
    const char *bad = memchr(line, '\0', (size_t)n) ? "a NUL byte in the line"
                                                    : check_line(line, (size_t)n, &r->sealed);
    json_error_t jerr;
    json_t *ev = bad ? NULL : json_loadb(line, (size_t)n, 0, &jerr);
    if (!bad && (!ev || !json_is_object(ev) || !json_is_string(json_object_get(ev, "ev"))))
        bad = ev ? "not an event object" : jerr.text;
    if (bad) {
        json_decref(ev);
        return socm_error_set(err, SOCM_E_INPUT,
                              "%s:%zu: corrupt journal event (%s); the journal is damaged before "
                              "its end, so socm will not guess the campaign's state",
                              r->path, r->lineno + 1, bad);
    }
    r->lineno++;
    r->good += n;
    *lineno = r->lineno;
    *out = ev;
    return 1;
}

void socm_journal_reader_close(struct socm_journal_reader *r)
{
    if (r->f)
        fclose(r->f);
    free(r->line);
    free(r->path);
    memset(r, 0, sizeof *r);
}

int socm_journal_replay_at(int dfd, const char *state_dir, socm_journal_fn fn, void *ctx,
                           long long *valid_len, struct socm_error *err)
{
    struct socm_journal_reader r;
    if (socm_journal_reader_open(&r, dfd, state_dir, err) != 0)
        return -1;
    json_t *ev;
    size_t lineno;
    int rc;
    while ((rc = socm_journal_reader_next(&r, &ev, &lineno, err)) > 0) {
        rc = fn ? fn(ctx, ev, lineno, err) : 0;
        json_decref(ev);
        if (rc != 0) {
            rc = -1;
            break;
        }
    }
    if (valid_len)
        *valid_len = r.good;
    socm_journal_reader_close(&r);
    return rc < 0 ? -1 : 0;
}

int socm_journal_replay(const char *state_dir, socm_journal_fn fn, void *ctx,
                        long long *valid_len, struct socm_error *err)
{
    struct socm_statedir sd;
    if (socm_statedir_open(&sd, state_dir, SOCM_SD_READ, err) != 0)
        return -1;
    int rc = socm_journal_replay_at(sd.fd, sd.path, fn, ctx, valid_len, err);
    socm_statedir_close(&sd);
    return rc;
}

json_t *socm_journal_read_spec(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return NULL;
    struct socm_error err = {0};
    FILE *f = socm_dirfd_fopen(dfd, dir, SOCM_JOURNAL_FILE, "r", &err);
    close(dfd);
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

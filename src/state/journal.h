/* journal.h — the campaign's append-only event log: one JSON object per line in
 * STATE_DIR/journal.jsonl (directory 0700, file 0600). An event is written and
 * fsync'd before the change it records is acted upon; replay tolerates a torn last
 * line (a write the crash cut short, never synced, never acted upon) and reports any
 * other damage as an error with the line number, never a guess. Each line ends with a
 * CRC-32C of the bytes before it ({...,"crc":"xxxxxxxx"}), so a line damaged by the
 * disk or edited by hand is refused; lines without one are read only before the first
 * line that has one (journals from before checksums).
 *
 * The manager opens and creates its journal relative to the state directory's
 * descriptor (state/statedir.h) while it holds the manager lock; the path-taking forms
 * open the directory themselves (for tests and for readers).
 *
 * Group commit: appended events wait in memory; socm_journal_sync writes all of them
 * with one write() and makes them durable with one fdatasync(), so a loop iteration
 * that decides many changes pays for one disk flush before acting on any of them. */
#ifndef SOCM_JOURNAL_H
#define SOCM_JOURNAL_H

#include "util/error.h"
#include "util/str.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SOCM_JOURNAL_FILE "journal.jsonl"
#define SOCM_JOURNAL_CRC ",\"crc\":\"" /* what precedes a line's checksum */

struct socm_journal {
    int fd;
    char *path;
    struct socm_buf pending; /* appended lines not yet written */
    size_t unsynced; /* events appended since the last fsync */
    bool no_sync;    /* a simulation: nothing is acted upon, so nothing needs fsync */
};

/* Opens STATE_DIR/journal.jsonl for appending, creating the directory (0700, see
 * socm_statedir_open: refused if unsafe) and the file (0600). `exclusive` refuses an existing journal (a fresh run must not mix with
 * an old one). `valid_len` (from replay) truncates a torn tail first; pass -1 to keep. */
int socm_journal_open(struct socm_journal *j, const char *state_dir, bool exclusive,
                      long long valid_len, struct socm_error *err);
int socm_journal_open_at(struct socm_journal *j, int dfd, const char *dir, bool exclusive,
                         long long valid_len, struct socm_error *err);
/* Creates a new journal whose first line is `first` (an event, no newline), atomically: the
 * journal either does not exist or starts with that event (tmp file, fsync, link,
 * fsync of the directory). Refuses an existing journal (exit 2: resume it). Then open for appending. */
int socm_journal_create(struct socm_journal *j, const char *state_dir, const char *first,
                        struct socm_error *err);
int socm_journal_create_at(struct socm_journal *j, int dfd, const char *dir, const char *first,
                           struct socm_error *err);
/* The same with a first line too long to hold (a campaign's whole specification):
 * piece() appends the next piece of the line to b and returns 1 while more follow, 0
 * with the last; the pieces joined are one JSON object, no newline. They are written
 * as they come, checksummed on the way; b keeps at most one piece. */
typedef int (*socm_journal_piece_fn)(void *ctx, struct socm_buf *b);
int socm_journal_create_stream_at(struct socm_journal *j, int dfd, const char *dir,
                                  socm_journal_piece_fn piece, void *ctx, struct socm_error *err);
/* Appends one event (borrowed); adds "t" (now) unless present. Held in memory: not
 * yet written, not yet durable. */
int socm_journal_append(struct socm_journal *j, json_t *ev, struct socm_error *err);
/* Writes the held events (one write()), without waiting for the disk: readers such as
 * `socm status` see them. For events nothing will be acted upon before the next sync. */
int socm_journal_flush(struct socm_journal *j, struct socm_error *err);
/* Writes the held events and makes every appended event durable (one fdatasync). */
int socm_journal_sync(struct socm_journal *j, struct socm_error *err);
/* append + sync, for single events. Steals ev. */
int socm_journal_write(struct socm_journal *j, json_t *ev, struct socm_error *err);
/* Writes what is held (not synced) and closes. */
void socm_journal_close(struct socm_journal *j);

/* Calls fn for each event in order (ev borrowed for the call). A torn last line is
 * skipped; *valid_len (may be NULL) gets the length of the intact prefix. fn may stop
 * the replay by returning -1 with err filled. */
typedef int (*socm_journal_fn)(void *ctx, json_t *ev, size_t line, struct socm_error *err);
int socm_journal_replay(const char *state_dir, socm_journal_fn fn, void *ctx,
                        long long *valid_len, struct socm_error *err);
int socm_journal_replay_at(int dfd, const char *state_dir, socm_journal_fn fn, void *ctx,
                           long long *valid_len, struct socm_error *err);

/* Reading a journal event by event, also while it grows (`socm events --follow`):
 * each complete line is checked as replay checks it. */
struct socm_journal_reader {
    FILE *f;
    char *path;
    size_t lineno;   /* events read so far */
    long long good;  /* bytes of those events */
    bool sealed;
    char *line;
    size_t cap;
};
int socm_journal_reader_open(struct socm_journal_reader *r, int dfd, const char *state_dir,
                             struct socm_error *err);
/* 1: *ev (new reference) is event number *lineno (1 = the campaign record); 0: no
 * complete line now (call again later: a torn or growing last line is re-read);
 * -1: a damaged line (err). */
int socm_journal_reader_next(struct socm_journal_reader *r, json_t **ev, size_t *lineno,
                             struct socm_error *err);
void socm_journal_reader_close(struct socm_journal_reader *r);

/* The journal path of a state directory (malloc'd). */
char *socm_journal_path(const char *state_dir);
/* The campaign record of the journal's first line ({"ev":"begin","spec":...}): the
 * spec as JSON (new reference), or NULL if there is none. Enactors read their
 * settings (plan, [campaign.slurm]) from it, so a resumed run needs nothing else. */
json_t *socm_journal_read_spec(const char *state_dir);

#endif

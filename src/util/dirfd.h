/* dirfd.h — files inside a directory that another user must not be able to turn
 * against us: everything is opened relative to a directory descriptor, no symbolic
 * link is ever followed (not in the last component, not in the ones before it), and
 * only regular files and directories are accepted where they are expected (a FIFO
 * planted where a file should be cannot hang us).
 *
 * `dir` is the directory's path as the user knows it, for messages only; `rel` is a
 * path relative to the directory ("socm.log", "workflows/w1/lock"), never absolute,
 * never with "..". Every error names the full path (dir/rel). */
#ifndef SOCM_DIRFD_H
#define SOCM_DIRFD_H

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Opens dir/rel with `flags` (O_RDONLY, O_WRONLY|O_CREAT|O_APPEND, ... ; O_NOFOLLOW and
 * O_CLOEXEC are always added). Intermediate components must be real directories. A
 * symbolic link anywhere is an error ("... is a symbolic link; socm does not follow
 * links in a state directory"); so is anything but a regular file (or a directory
 * when O_DIRECTORY is asked). Returns the descriptor or -1 with err filled (errno kept:
 * ENOENT for a missing file, ELOOP for a link, EEXIST with O_EXCL). */
int socm_dirfd_open(int dfd, const char *dir, const char *rel, int flags, int mode,
                    struct socm_error *err);

/* A stdio stream on dir/rel: mode "r", "a" (append, created 0600), "w" (truncated,
 * created 0600) or "wx" (must be new, O_EXCL). NULL with err filled. */
FILE *socm_dirfd_fopen(int dfd, const char *dir, const char *rel, const char *mode,
                       struct socm_error *err);

/* Creates dir/rel and any missing directory before it with `mode`; existing components
 * must be real directories (not links). Returns 0 or -1. */
int socm_dirfd_mkdirs(int dfd, const char *dir, const char *rel, int mode, struct socm_error *err);

/* Replaces dir/rel with data in one piece: a new temporary file beside it (O_EXCL,
 * never following a link), written, fsync'd if `durable`, renamed over rel, and the
 * directory fsync'd if `durable`. mode applies to the new file. */
int socm_dirfd_write_replace(int dfd, const char *dir, const char *rel, const void *data,
                             size_t len, int mode, bool durable, struct socm_error *err);

/* Checks that an open directory is safe to keep state in for this user: owned by the
 * effective uid and not writable by group or others. Otherwise exit-3 error with the
 * reason and the fix ("chmod go-w DIR", or use a directory of your own). */
int socm_dirfd_check_owner(int dfd, const char *dir, struct socm_error *err);

#endif

/* statedir.h — a campaign's state directory: created atomically and private (0700),
 * refused when another user owns it or others can write to it, held open as a
 * directory descriptor (files inside are opened through util/dirfd.h, never following
 * a link), and the one lock that makes exactly one manager run it.
 *
 * The manager lock is a POSIX record lock (fcntl F_SETLK) on STATE_DIR/manager.lock,
 * taken before the journal is created or replayed and held for the manager's life.
 * Record locks, unlike flock or OFD locks, belong to the process: a forked child or
 * an exec'd supervisor never holds them, the kernel drops them when the manager dies
 * (even by kill -9, before it is a zombie), and F_GETLK names the pid that holds one —
 * so liveness and the pid to signal come from the kernel, not from a pid in a file
 * that may since have been reused. The file also carries {"pid","host","since",
 * "campaign","role"} for messages and for a holder on another host of a shared file
 * system (whose pid means nothing here). One caveat of record locks: closing ANY
 * descriptor of manager.lock in the holding process drops the lock, so only this
 * module opens that file. */
#ifndef SOCM_STATEDIR_H
#define SOCM_STATEDIR_H

#include "util/dirfd.h"
#include "util/error.h"

#include <stdbool.h>
#include <sys/types.h>

#define SOCM_STATEDIR_LOCK "manager.lock"

struct socm_statedir {
    int fd;        /* the directory (O_DIRECTORY, O_CLOEXEC); -1 when closed */
    char *path;    /* as given, for messages and for paths handed to children */
    int lock_fd;   /* manager.lock while this process holds the lock, else -1 */
};

enum {
    SOCM_SD_CREATE = 1, /* create it (0700, and missing parents 0700) if missing */
    SOCM_SD_READ = 2,   /* only reading (status, report): no ownership check */
};

/* Opens (with SOCM_SD_CREATE: creates) the state directory and, unless SOCM_SD_READ,
 * checks it is the user's own and not writable by group/others (exit 3 otherwise).
 * A missing directory without SOCM_SD_CREATE is SOCM_E_INPUT. */
int socm_statedir_open(struct socm_statedir *sd, const char *path, int flags,
                       struct socm_error *err);
/* Releases the lock (if held) and closes. Safe on a zeroed or closed one. */
void socm_statedir_close(struct socm_statedir *sd);

/* Who holds a state directory's manager lock. */
struct socm_manager {
    bool held;            /* some process holds the lock */
    long pid;             /* its pid as the kernel reports it (0: outside our pid
                             namespace or on another host) */
    bool local;           /* the holder runs on this host */
    char host[256];
    double since;         /* when it took the lock (epoch s; 0 unknown) */
    char campaign[256];   /* "" until known */
    char role[32];        /* "run", "resume", "cancel", ... */
};

/* Takes the manager lock without waiting and records who we are (role: "run",
 * "resume", "cancel"; campaign may be NULL, see socm_statedir_lock_note). If another
 * process holds it: SOCM_E_SYSTEM "campaign C in DIR is managed by pid N (since T)". */
int socm_statedir_lock(struct socm_statedir *sd, const char *role, const char *campaign,
                       struct socm_error *err);
/* Updates the campaign name recorded in the lock file (a resume learns it from the
 * journal after taking the lock). Best effort. */
void socm_statedir_lock_note(struct socm_statedir *sd, const char *campaign);
/* Drops the lock (the file stays: removing it would race with the next taker). */
void socm_statedir_unlock(struct socm_statedir *sd);

/* Reads who holds the lock of the state directory at `path` (read-only: needs no
 * write access, creates nothing). A missing lock file means nobody holds it. */
int socm_statedir_manager(const char *path, struct socm_manager *m, struct socm_error *err);
/* True when a manager (run or resume, not a passing `socm cancel`) holds the lock of
 * the state directory at `path`: the kernel's answer, never a pid that may be reused. */
bool socm_statedir_manager_alive(const char *path);
/* "campaign C in DIR is managed by pid N (since T)" (or "... on host H") into buf. */
void socm_manager_describe(const struct socm_manager *m, const char *path, char *buf, size_t n);

/* A pidfd for the manager holding the lock of the state directory at `path`, verified:
 * the pidfd is taken, then the lock is read again and must still be held by that pid,
 * and the process must not have exited meanwhile — so the pidfd is the lock holder,
 * never a process that reused its pid. Returns the pidfd (m filled); -1 with m->held
 * false when no manager holds the lock; -1 with err filled (m->held true) when one
 * does but cannot be signalled from here (another host or pid namespace). */
int socm_statedir_manager_pidfd(const char *path, struct socm_manager *m, struct socm_error *err);

#endif

/* proc.h — processes without a shell: spawning argv vectors (vfork + exec) in a new
 * session or process group, pidfds to wait on them in poll(), a signalfd for the
 * signals a manager handles, and an atomic file write for results and state. */
#ifndef SOCM_PROC_H
#define SOCM_PROC_H

#include "util/error.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct socm_spawn_opts {
    const char *const *envp; /* NULL = inherit environ */
    const char *cwd;         /* NULL = inherit; applied by the child before its exec */
    int stdin_fd, stdout_fd, stderr_fd; /* -1 = inherit (stdin: /dev/null if -2) */
    bool new_session;        /* setsid(): survives the manager, own process group */
    bool new_pgroup;         /* setpgid(0,0) (ignored with new_session) */
    int keep_fd;             /* -1 or a descriptor made available as fd 3 in the child */
    bool block_stop;         /* start with SIGTERM/SIGINT/SIGHUP blocked (a supervisor
                                picks them up from its signalfd, none is lost early) */
};
void socm_spawn_opts_init(struct socm_spawn_opts *o);

/* Starts argv[0] (searched in PATH) with argv; never a shell. Returns the pid or -1. */
pid_t socm_spawn(const char *const *argv, const struct socm_spawn_opts *o, struct socm_error *err);

/* pidfd_open(2): a descriptor that becomes readable when pid exits (any process). */
int socm_pidfd_open(pid_t pid);
/* Signal a process via its pidfd (race-free against pid reuse). */
int socm_pidfd_signal(int pidfd, int sig);
/* The same signal with a tag the receiver reads in its siginfo (si_code SI_QUEUE,
 * si_value.sival_int = tag): who sent it and why, not just that it came. */
int socm_pidfd_signal_tagged(int pidfd, int sig, int tag);

/* Blocks `sigs` (NULL-less list ending in 0) and returns a CLOEXEC non-blocking
 * signalfd for them; the previous mask goes to *old if non-NULL. */
int socm_signalfd_open(const int *sigs, sigset_t *old, struct socm_error *err);

/* Writes data to path atomically: path.tmp.PID (created new, O_EXCL, never through a
 * link), fsync, rename, fsync of the directory. mode applies to a new file. */
/* The same, durable only if `durable`: without it the file is still replaced in one
 * piece (readers never see half of it) but may be lost in a machine crash. */
int socm_write_replace(const char *path, const void *data, size_t len, int mode, bool durable,
                       struct socm_error *err);
int socm_write_atomic(const char *path, const void *data, size_t len, int mode,
                      struct socm_error *err);
/* fsync of the directory holding `path` (after a create or rename). */
int socm_fsync_dir_of(const char *path);
/* mkdir -p with mode for each created component. */
int socm_mkdir_p(const char *path, int mode, struct socm_error *err);

/* SIGKILLs every process in process group pgid whose environment holds the entry
 * `mark` ("NAME=VALUE"), through pidfds, and scans again until none is left or
 * timeout_s has passed. A group id that strangers reused after the group died is
 * never hit: their processes lack the mark. Returns how many were signalled. */
int socm_kill_marked_group(pid_t pgid, const char *mark, double timeout_s);

/* This boot of this machine (/proc/sys/kernel/random/boot_id) into buf: a pid
 * recorded under another boot id names nothing here. "" if unknown. */
void socm_boot_id(char buf[64]);

/* Wall clock, seconds since the epoch, and a monotonic clock in seconds. */
double socm_now(void);
double socm_mono(void);

/* The running executable's absolute path (/proc/self/exe), cached. */
const char *socm_self_exe(void);

#endif

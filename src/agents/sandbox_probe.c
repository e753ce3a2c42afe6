/* sandbox_probe.c — what a workflow's sandbox says after the fact: whether a
 * supervisor still holds it (and which one, proven by a pidfd), whether the attempt
 * ended (its result.json) or was cut short (its start record), and the killing of
 * what a cut-short attempt left running. The manager asks this on resume and when a
 * supervisor it did not start, or lost, must be accounted for (see agent.h). */
#include "agents/agent.h"
#include "agents/supervise.h"
#include "state/outcome.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The first line of a small file of the sandbox ("" if absent), never through a link. */
static void read_small(int dfd, const char *name, char *buf, size_t n)
{
    buf[0] = '\0';
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return;
    struct stat st;
    ssize_t r = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, buf, n - 1) : -1;
    close(fd);
    buf[r > 0 ? r : 0] = '\0';
}

static pid_t read_pid_in(int dfd, const char *file, int attempt)
{
    char text[64];
    read_small(dfd, file, text, sizeof text);
    long pid = -1;
    int att = -1;
    if (sscanf(text, "%ld %d", &pid, &att) != 2)
        pid = -1;
    return att == attempt && pid > 0 ? (pid_t)pid : -1;
}

/* The supervisor writes "PID ATTEMPT" into the lock file it holds; one started by
 * an older socm wrote supervisor.pid. */
static pid_t read_pidfile(int dfd, int attempt)
{
    pid_t pid = read_pid_in(dfd, "lock", attempt);
    return pid > 0 ? pid : read_pid_in(dfd, "supervisor.pid", attempt);
}

/* Whether a supervisor holds the sandbox's lock. */
static bool lock_held(int dfd)
{
    int fd = openat(dfd, "lock", O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

/* The start record of `attempt`: its process group, the mark in its processes'
 * environment (SOCM_RUN_ID=...) and whether it names a group on this machine in this
 * boot. Returns whether the record is there. It is the lock file's second line; a
 * supervisor of an older socm wrote it to `started` instead. */
static bool read_started(int dfd, int attempt, pid_t *pgid, char mark[96], bool *here)
{
    char text[320], boot[64], id[64], mine[64];
    read_small(dfd, "lock", text, sizeof text);
    const char *rec = strchr(text, '\n');
    rec = rec && rec[1] ? rec + 1 : NULL;
    if (!rec) {
        read_small(dfd, SOCM_SUPERVISE_STARTED, text, sizeof text);
        rec = text;
    }
    long g = -1;
    int att = -1;
    if (sscanf(rec, "%ld %d %63s %63s", &g, &att, boot, id) != 4 || att != attempt || g <= 1)
        return false;
    socm_boot_id(mine);
    *pgid = (pid_t)g;
    snprintf(mark, 96, "%s=%s", SOCM_SUPERVISE_RUN_ID, id);
    *here = mine[0] && !strcmp(mine, boot);
    return true;
}

bool socm_agent_kill_leftovers(const char *sandbox, int attempt)
{
    int dfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return false;
    pid_t g;
    char mark[96];
    bool here, started = read_started(dfd, attempt, &g, mark, &here);
    close(dfd);
    /* Only processes of that group that carry the attempt's mark: a group id reused
     * by others after the command's group died is never hit. */
    if (started && here)
        socm_kill_marked_group(g, mark, 10);
    return started;
}

enum socm_sandbox_state socm_agent_probe(const char *sandbox, int attempt, pid_t *pid,
                                         int *pidfd)
{
    *pid = -1;
    if (pidfd)
        *pidfd = -1;
    int dfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return SOCM_SB_GONE;
    /* A live supervisor writes its pid first thing, but on a loaded machine that may
     * take a while: wait as long as it holds the lock (up to a minute), never guess. */
    double until = socm_mono() + 60;
    enum socm_sandbox_state st = SOCM_SB_GONE;
    while (lock_held(dfd)) {
        pid_t p = read_pidfile(dfd, attempt);
        if (p > 0) {
            /* The pidfd first, then the proof: the lock still held and still naming p
             * means p has been the supervisor all along, not a process that reused
             * its pid. */
            int fd = socm_pidfd_open(p);
            if (fd >= 0 && lock_held(dfd) && read_pidfile(dfd, attempt) == p) {
                *pid = p;
                if (pidfd)
                    *pidfd = fd;
                else
                    close(fd);
                close(dfd);
                return SOCM_SB_LIVE;
            }
            if (fd >= 0)
                close(fd);
        }
        if (socm_mono() > until) {
            close(dfd);
            return SOCM_SB_UNKNOWN;
        }
        usleep(10000);
    }
    struct socm_result r;
    char *reason = NULL;
    pid_t g;
    char mark[96];
    bool here;
    if (socm_result_read(sandbox, attempt, &r, &reason) == 0) {
        free(reason);
        st = SOCM_SB_ENDED;
    } else if (read_started(dfd, attempt, &g, mark, &here))
        st = SOCM_SB_INTERRUPTED;
    close(dfd);
    return st;
}

int socm_result_read(const char *sandbox, int attempt, struct socm_result *r, char **reason)
{
    int dfd = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
        return -1;
    int fd = openat(dfd, "result.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    close(dfd);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* One read of the whole file: jansson's json_loadfd reads a byte per system call
     * (~200 per result, a tenth of the manager's system calls per workflow). A result
     * is a few hundred bytes; anything past 64 KiB is not one of ours. */
    char buf[65536];
    ssize_t n = st.st_size < (off_t)sizeof buf ? read(fd, buf, sizeof buf) : -1;
    close(fd);
    json_t *j = n > 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
    if (!j)
        return -1;
    memset(r, 0, sizeof *r);
    const char *out = "failed", *why = NULL;
    int att = -1;
    if (json_unpack(j, "{s:i,s:s,s:i,s:i,s:F,s:F,s:F,s:F,s:F,s?s}", "attempt", &att, "outcome",
                    &out, "exit_code", &r->exit_code, "signal", &r->signal, "start", &r->start,
                    "end", &r->end, "elapsed_s", &r->elapsed_s, "max_rss_mb", &r->max_rss_mb,
                    "cpu_s", &r->cpu_s, "reason", &why) != 0 ||
        att != attempt) {
        json_decref(j);
        return -1;
    }
    r->attempt = att;
    r->outcome = socm_outcome_parse(out);
    *reason = why ? socm_strdup(why) : NULL;
    json_decref(j);
    return 0;
}

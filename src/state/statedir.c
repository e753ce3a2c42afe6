/* statedir.c — the state directory: private creation, ownership checks and the
 * manager lock (see statedir.h). */
#include "state/statedir.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The lock files this process holds a lock on. Closing any descriptor of such a file
 * would drop the lock, so a query about one of them is answered from here. */
static struct {
    dev_t dev;
    ino_t ino;
    int fd;
    pid_t pid; /* a forked child has the table but not the lock */
} held[16];

static void held_set(int fd, bool on)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return;
    for (size_t k = 0; k < sizeof held / sizeof *held; k++) {
        if (on && held[k].fd == 0) {
            held[k].dev = st.st_dev;
            held[k].ino = st.st_ino;
            held[k].fd = fd + 1; /* 0 = free slot */
            held[k].pid = getpid();
            return;
        }
        if (!on && held[k].fd == fd + 1)
            held[k].fd = 0;
    }
}

static int held_fd(dev_t dev, ino_t ino)
{
    for (size_t k = 0; k < sizeof held / sizeof *held; k++)
        if (held[k].fd && held[k].dev == dev && held[k].ino == ino && held[k].pid == getpid())
            return held[k].fd - 1;
    return -1;
}

int socm_statedir_open(struct socm_statedir *sd, const char *path, int flags,
                       struct socm_error *err)
{
    memset(sd, 0, sizeof *sd);
    sd->fd = sd->lock_fd = -1;
    if (flags & SOCM_SD_CREATE) {
        /* The parents as `mkdir -p` would, then the directory itself by one mkdir():
         * of two runs creating it at once exactly one creates it; the other finds it
         * and meets the lock. */
        char *parent = socm_strdup(path);
        char *slash = strrchr(parent, '/');
        while (slash && slash > parent && slash[1] == '\0') { /* "dir/" */
            *slash = '\0';
            slash = strrchr(parent, '/');
        }
        int rc = 0;
        if (slash && slash != parent) {
            *slash = '\0';
            rc = socm_mkdir_p(parent, 0700, err);
        }
        free(parent);
        if (rc != 0)
            return -1;
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return socm_error_errno(err, "cannot create state directory %s", path);
    }
    sd->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sd->fd < 0) {
        if (errno == ENOENT)
            return socm_error_set(err, SOCM_E_INPUT, "%s: no such state directory", path);
        return socm_error_errno(err, "cannot open state directory %s", path);
    }
    if (!(flags & SOCM_SD_READ) && socm_dirfd_check_owner(sd->fd, path, err) != 0) {
        close(sd->fd);
        sd->fd = -1;
        return -1;
    }
    sd->path = socm_strdup(path);
    return 0;
}

void socm_statedir_close(struct socm_statedir *sd)
{
    socm_statedir_unlock(sd);
    if (sd->fd >= 0)
        close(sd->fd);
    sd->fd = -1;
    free(sd->path);
    sd->path = NULL;
}

static void host_name(char *buf, size_t n)
{
    if (gethostname(buf, n) != 0)
        snprintf(buf, n, "?");
    buf[n - 1] = '\0';
}

static void write_note(struct socm_statedir *sd, const char *role, const char *campaign,
                       double since)
{
    char host[256];
    host_name(host, sizeof host);
    json_t *o = json_pack("{s:I,s:s,s:f,s:s}", "pid", (json_int_t)getpid(), "host", host, "since",
                          since, "role", role);
    if (campaign)
        json_object_set_new(o, "campaign", json_string(campaign));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text)
        return;
    /* For messages only: the lock itself is the truth, so a short write is harmless. */
    if (ftruncate(sd->lock_fd, 0) == 0 && pwrite(sd->lock_fd, text, strlen(text), 0) < 0) {
    }
    free(text);
}

/* Fills m from a descriptor of manager.lock: the kernel's answer, then the note. */
static int query_fd(int fd, const char *path, struct socm_manager *m, struct socm_error *err)
{
    memset(m, 0, sizeof *m);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(fd, F_GETLK, &fl) != 0)
        return socm_error_errno(err, "cannot query the lock %s/%s", path, SOCM_STATEDIR_LOCK);
    if (fl.l_type == F_UNLCK)
        return 0;
    m->held = true;
    m->pid = fl.l_pid > 0 ? (long)fl.l_pid : 0;
    char buf[2048];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    json_t *o = n > 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
    char me[256];
    host_name(me, sizeof me);
    const char *h = json_string_value(json_object_get(o, "host"));
    snprintf(m->host, sizeof m->host, "%s", h ? h : me);
    m->local = !strcmp(m->host, me);
    long note_pid = (long)json_integer_value(json_object_get(o, "pid"));
    /* The note is the holder's own only if it names the pid the kernel reports. */
    if (o && (!m->local || note_pid == m->pid)) {
        m->since = json_number_value(json_object_get(o, "since"));
        const char *c = json_string_value(json_object_get(o, "campaign"));
        const char *r = json_string_value(json_object_get(o, "role"));
        snprintf(m->campaign, sizeof m->campaign, "%s", c ? c : "");
        snprintf(m->role, sizeof m->role, "%s", r ? r : "");
        if (!m->local)
            m->pid = note_pid; /* a pid on its own host, for the message */
    }
    json_decref(o);
    return 0;
}

void socm_manager_describe(const struct socm_manager *m, const char *path, char *buf, size_t n)
{
    char since[64] = "";
    if (m->since > 0) {
        time_t t = (time_t)m->since;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(since, sizeof since, " (since %Y-%m-%dT%H:%M:%SZ)", &tm);
    }
    char who[300];
    if (m->pid > 0)
        snprintf(who, sizeof who, "pid %ld%s%s", m->pid, m->local ? "" : " on host ",
                 m->local ? "" : m->host);
    else
        snprintf(who, sizeof who, "a process outside this pid namespace");
    if (!strcmp(m->role, "program"))
        snprintf(buf, n, "program %s in %s is run by %s%s", m->campaign, path, who, since);
    else if (!strcmp(m->role, "cancel"))
        snprintf(buf, n, "%s is being canceled by `socm cancel` (%s)%s", path, who, since);
    else if (m->campaign[0])
        snprintf(buf, n, "campaign %s in %s is managed by %s%s", m->campaign, path, who, since);
    else
        snprintf(buf, n, "%s is managed by %s%s", path, who, since);
}

/* One try: 0 locked, 1 held by another (m filled), -1 error. */
static int try_lock(struct socm_statedir *sd, const char *role, const char *campaign,
                    struct socm_manager *m, struct socm_error *err)
{
    int fd = socm_dirfd_open(sd->fd, sd->path, SOCM_STATEDIR_LOCK, O_RDWR | O_CREAT, 0600, err);
    if (fd < 0)
        return -1;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    if (fcntl(fd, F_SETLK, &fl) == 0) {
        sd->lock_fd = fd;
        held_set(fd, true);
        write_note(sd, role, campaign, socm_now());
        return 0;
    }
    int e = errno;
    if (e != EAGAIN && e != EACCES) {
        close(fd);
        errno = e;
        return socm_error_errno(err,
                                "cannot lock %s/%s (socm needs a file system with POSIX locks "
                                "to keep a second manager out)",
                                sd->path, SOCM_STATEDIR_LOCK);
    }
    int rc = query_fd(fd, sd->path, m, err);
    close(fd); /* we hold nothing on it: closing drops nothing */
    return rc != 0 ? -1 : 1;
}

int socm_statedir_lock(struct socm_statedir *sd, const char *role, const char *campaign,
                       struct socm_error *err)
{
    if (sd->lock_fd >= 0)
        return 0;
    struct socm_manager m = {0};
    for (int tries = 0; tries < 3; tries++) {
        int rc = try_lock(sd, role, campaign, &m, err);
        if (rc <= 0)
            return rc;
        if (m.held)
            break;
        /* released between our two calls: as if we had come a moment later */
    }
    char msg[1024];
    socm_manager_describe(&m, sd->path, msg, sizeof msg);
    return socm_error_set(err, SOCM_E_SYSTEM, "%s", msg);
}

void socm_statedir_lock_note(struct socm_statedir *sd, const char *campaign)
{
    if (sd->lock_fd < 0)
        return;
    char buf[2048];
    ssize_t n = pread(sd->lock_fd, buf, sizeof buf - 1, 0);
    json_t *o = n > 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
    const char *role = json_string_value(json_object_get(o, "role"));
    double since = json_number_value(json_object_get(o, "since"));
    write_note(sd, role ? role : "run", campaign, since > 0 ? since : socm_now());
    json_decref(o);
}

void socm_statedir_unlock(struct socm_statedir *sd)
{
    if (sd->lock_fd >= 0) {
        held_set(sd->lock_fd, false);
        close(sd->lock_fd); /* the last descriptor: the kernel drops the lock */
    }
    sd->lock_fd = -1;
}

/* What query_fd says of a lock this process holds (F_GETLK would say "free"). */
static void query_self(int fd, struct socm_manager *m)
{
    memset(m, 0, sizeof *m);
    m->held = m->local = true;
    m->pid = (long)getpid();
    host_name(m->host, sizeof m->host);
    char buf[2048];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    json_t *o = n > 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
    m->since = json_number_value(json_object_get(o, "since"));
    const char *c = json_string_value(json_object_get(o, "campaign"));
    const char *r = json_string_value(json_object_get(o, "role"));
    snprintf(m->campaign, sizeof m->campaign, "%s", c ? c : "");
    snprintf(m->role, sizeof m->role, "%s", r ? r : "");
    json_decref(o);
}

int socm_statedir_manager(const char *path, struct socm_manager *m, struct socm_error *err)
{
    memset(m, 0, sizeof *m);
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return socm_error_errno(err, "cannot open state directory %s", path);
    struct stat st;
    int own = fstatat(dfd, SOCM_STATEDIR_LOCK, &st, AT_SYMLINK_NOFOLLOW) == 0
                  ? held_fd(st.st_dev, st.st_ino)
                  : -1;
    if (own >= 0) {
        close(dfd);
        query_self(own, m);
        return 0;
    }
    struct socm_error oerr = {0};
    int fd = socm_dirfd_open(dfd, path, SOCM_STATEDIR_LOCK, O_RDONLY, 0, &oerr);
    int e = errno;
    close(dfd);
    if (fd < 0) {
        if (e == ENOENT) /* never locked (or by a socm from before the lock) */
            return 0;
        *err = oerr;
        return -1;
    }
    int rc = query_fd(fd, path, m, err);
    close(fd);
    return rc;
}

int socm_statedir_manager_pidfd(const char *path, struct socm_manager *m, struct socm_error *err)
{
    for (int tries = 0; tries < 5; tries++) {
        if (socm_statedir_manager(path, m, err) != 0)
            return -1;
        if (!m->held)
            return -1;
        if (!m->local || m->pid <= 0) {
            char msg[1024];
            socm_manager_describe(m, path, msg, sizeof msg);
            return socm_error_set(err, SOCM_E_SYSTEM, "%s, which socm cannot signal from here%s",
                                  msg, m->local ? "" : ": run the command on that host");
        }
        int fd = socm_pidfd_open((pid_t)m->pid);
        if (fd < 0)
            continue; /* it is gone: ask the lock again */
        struct socm_manager again;
        if (socm_statedir_manager(path, &again, err) != 0) {
            close(fd);
            return -1;
        }
        /* The pidfd was taken while pid N held the lock and N holds it still; if the
         * process behind the pidfd has not exited by now, it held the pid (and so the
         * lock) all along. */
        struct pollfd p = {fd, POLLIN, 0};
        if (again.held && again.pid == m->pid && poll(&p, 1, 0) == 0)
            return fd;
        close(fd);
        *m = again;
        if (!again.held)
            return -1;
    }
    return socm_error_set(err, SOCM_E_SYSTEM,
                          "the manager of %s keeps changing; try again", path);
}

bool socm_statedir_manager_alive(const char *path)
{
    struct socm_manager m;
    struct socm_error err = {0};
    return socm_statedir_manager(path, &m, &err) == 0 && m.held && strcmp(m.role, "cancel");
}

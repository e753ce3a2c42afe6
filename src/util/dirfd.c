/* dirfd.c — opening files under a directory descriptor without following links (see
 * dirfd.h). */
#include "util/dirfd.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The error for a component that could not be opened: a link is named as such. */
static int open_error(int at, const char *name, const char *dir, const char *shown, int e,
                      struct socm_error *err)
{
    struct stat st;
    if (e == ENXIO) /* O_NONBLOCK open of a FIFO for writing: nobody reads it */
        socm_error_set(err, SOCM_E_SYSTEM, "%s/%s is not a regular file; socm will not use it",
                       dir, shown);
    else if ((e == ELOOP || e == ENOTDIR || e == EEXIST) &&
        fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
        socm_error_set(err, SOCM_E_SYSTEM,
                       "%s/%s is a symbolic link; socm does not follow links inside a state "
                       "directory (someone else may have planted it: remove it and look at "
                       "who can write to %s)",
                       dir, shown, dir);
    else {
        errno = e;
        socm_error_errno(err, "cannot open %s/%s", dir, shown);
    }
    errno = e == ENOTDIR ? ELOOP : e;
    return -1;
}

/* Opens the directory holding the last component of rel (a copy of rel goes to *path,
 * split there: *base points at the last component). Returns a descriptor (maybe dfd
 * itself, then *own is false) or -1. With `create`, missing directories are made. */
static int open_parent(int dfd, const char *dir, char *path, char **base, bool create, int mode,
                       bool *own, struct socm_error *err)
{
    /* Nothing outside the directory: no "..", no absolute path. */
    for (const char *c = path; *c;) {
        size_t n = strcspn(c, "/");
        if ((n == 2 && c[0] == '.' && c[1] == '.') || (c == path && n == 0)) {
            *own = false;
            errno = EINVAL;
            return socm_error_set(err, SOCM_E_SYSTEM, "internal: %s/%s leaves the directory",
                                  dir, path);
        }
        c += n + (c[n] == '/');
    }
    int cur = dfd;
    *own = false;
    char *p = path;
    for (;;) {
        char *slash = strchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
        if (*p && strcmp(p, ".") != 0) {
            if (create && mkdirat(cur, p, (mode_t)mode) != 0 && errno != EEXIST) {
                int e = errno;
                *slash = '/';
                socm_error_errno(err, "cannot create directory %s/%.*s", dir, (int)(slash - path),
                                 path);
                errno = e;
                goto fail;
            }
            int nfd = openat(cur, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (nfd < 0) {
                int e = errno;
                *slash = '\0';
                open_error(cur, p, dir, path, e, err);
                *slash = '/';
                goto fail;
            }
            if (*own)
                close(cur);
            cur = nfd;
            *own = true;
        }
        *slash = '/';
        p = slash + 1;
    }
    *base = p;
    return cur;
fail: {
    int e = errno;
    if (*own)
        close(cur);
    *own = false;
    errno = e;
    return -1;
}
}

int socm_dirfd_open(int dfd, const char *dir, const char *rel, int flags, int mode,
                    struct socm_error *err)
{
    char *path = socm_strdup(rel);
    char *base;
    bool own;
    int at = open_parent(dfd, dir, path, &base, false, 0, &own, err);
    if (at < 0) {
        int e = errno;
        free(path);
        errno = e;
        return -1;
    }
    /* O_NONBLOCK: a FIFO planted where a file belongs must not hang the open. */
    int fd = openat(at, base, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, (mode_t)mode);
    int e = errno;
    if (fd < 0)
        open_error(at, base, dir, rel, e, err);
    else {
        struct stat st;
        bool want_dir = (flags & O_DIRECTORY) != 0;
        if (fstat(fd, &st) != 0 || (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
            socm_error_set(err, SOCM_E_SYSTEM, "%s/%s is not a %s; socm will not use it", dir,
                           rel, want_dir ? "directory" : "regular file");
            close(fd);
            fd = -1;
            e = EINVAL;
        } else if (!(flags & O_NONBLOCK))
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    if (own)
        close(at);
    free(path);
    errno = e;
    return fd;
}

FILE *socm_dirfd_fopen(int dfd, const char *dir, const char *rel, const char *mode,
                       struct socm_error *err)
{
    int flags;
    const char *fmode = mode;
    if (!strcmp(mode, "r"))
        flags = O_RDONLY;
    else if (!strcmp(mode, "a"))
        flags = O_WRONLY | O_CREAT | O_APPEND;
    else if (!strcmp(mode, "w"))
        flags = O_WRONLY | O_CREAT | O_TRUNC;
    else if (!strcmp(mode, "wx")) {
        flags = O_WRONLY | O_CREAT | O_EXCL;
        fmode = "w";
    } else {
        socm_error_set(err, SOCM_E_SYSTEM, "internal: fopen mode %s", mode);
        return NULL;
    }
    int fd = socm_dirfd_open(dfd, dir, rel, flags, 0600, err);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, fmode);
    if (!f) {
        socm_error_errno(err, "cannot open %s/%s", dir, rel);
        close(fd);
    }
    return f;
}

int socm_dirfd_mkdirs(int dfd, const char *dir, const char *rel, int mode, struct socm_error *err)
{
    char *path = socm_asprintf("%s/", rel); /* every component is a directory */
    char *base;
    bool own;
    int at = open_parent(dfd, dir, path, &base, true, mode, &own, err);
    free(path);
    if (at < 0)
        return -1;
    if (own)
        close(at);
    return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int socm_dirfd_write_replace(int dfd, const char *dir, const char *rel, const void *data,
                             size_t len, int mode, bool durable, struct socm_error *err)
{
    /* A name directly in the directory needs no copy to split: no memory is allocated
     * then (the supervisor writes its result this way once per workflow). */
    bool plain = !strchr(rel, '/') && strcmp(rel, "..") != 0 && rel[0];
    char *path = plain ? NULL : socm_strdup(rel);
    char *base = (char *)rel;
    bool own = false;
    int at = plain ? dfd : open_parent(dfd, dir, path, &base, false, 0, &own, err);
    if (at < 0) {
        free(path);
        return -1;
    }
    char tmp[strlen(base) + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", base, (long)getpid());
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(at, tmp, flags, (mode_t)mode);
    if (fd < 0 && errno == EEXIST) { /* left by a crashed process that had our pid */
        unlinkat(at, tmp, 0);
        fd = openat(at, tmp, flags, (mode_t)mode);
    }
    int rc = 0;
    if (fd < 0)
        rc = socm_error_errno(err, "cannot create %s/%s.tmp.%ld", dir, rel, (long)getpid());
    else {
        if (write_all(fd, data, len) != 0)
            rc = socm_error_errno(err, "cannot write %s/%s", dir, rel);
        else if (durable && fsync(fd) != 0)
            rc = socm_error_errno(err, "cannot sync %s/%s", dir, rel);
        if (close(fd) != 0 && rc == 0)
            rc = socm_error_errno(err, "cannot write %s/%s", dir, rel);
        if (rc == 0 && renameat(at, tmp, at, base) != 0)
            rc = socm_error_errno(err, "cannot replace %s/%s", dir, rel);
        if (rc != 0)
            unlinkat(at, tmp, 0);
        else if (durable && fsync(at) != 0)
            rc = socm_error_errno(err, "cannot sync directory of %s/%s", dir, rel);
    }
    if (own)
        close(at);
    free(path);
    return rc;
}

int socm_dirfd_check_owner(int dfd, const char *dir, struct socm_error *err)
{
    struct stat st;
    if (fstat(dfd, &st) != 0)
        return socm_error_errno(err, "cannot stat %s", dir);
    if (!S_ISDIR(st.st_mode))
        return socm_error_set(err, SOCM_E_SYSTEM, "%s is not a directory", dir);
    if (st.st_uid != geteuid()) {
#ifdef SOCM_NO_NSS /* the static supervisor: no user database */
        const char *who = "another user";
#else
        struct passwd *pw = getpwuid(st.st_uid);
        const char *who = pw ? pw->pw_name : "another user";
#endif
        return socm_error_set(err, SOCM_E_SYSTEM,
                              "%s belongs to %s (uid %ld), not to you: socm keeps a campaign's "
                              "state only in a directory of your own, where nobody else can "
                              "plant files; use another --state-dir",
                              dir, who, (long)st.st_uid);
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return socm_error_set(err, SOCM_E_SYSTEM,
                              "%s is writable by %s (mode %04o): anyone who can write there "
                              "could plant links or files that socm would act on; make it "
                              "private (`chmod go-w %s`) if nobody else has written to it, or "
                              "use a new --state-dir",
                              dir, (st.st_mode & S_IWOTH) ? "others" : "its group",
                              (unsigned)(st.st_mode & 07777), dir);
    return 0;
}

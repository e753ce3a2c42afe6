/* error.c — formatting of error values (see error.h). */
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct socm_pos socm_pos_at(const char *file, int line, int col)
{
    return (struct socm_pos){socm_intern_id(file), line, col};
}

const char *socm_pos_file(const struct socm_pos *pos)
{
    return pos ? socm_intern_name(pos->file_id) : NULL;
}

const char *socm_pos_format(const struct socm_pos *pos, char *buf, size_t n)
{
    const char *file = socm_pos_file(pos);
    if (!file)
        file = "<input>";
    if (!pos || pos->line <= 0)
        snprintf(buf, n, "%s", file);
    else if (pos->col <= 0)
        snprintf(buf, n, "%s:%d", file, pos->line);
    else
        snprintf(buf, n, "%s:%d:%d", file, pos->line, pos->col);
    return buf;
}

int socm_error_set(struct socm_error *err, enum socm_errcode code, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return -1;
}

int socm_error_at(struct socm_error *err, const struct socm_pos *pos, const char *fmt, ...)
{
    if (!err)
        return -1;
    char where[1024];
    socm_pos_format(pos, where, sizeof where);
    int off = snprintf(err->msg, sizeof err->msg, "%s: ", where);
    if (off < 0 || (size_t)off >= sizeof err->msg)
        off = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg + off, sizeof err->msg - (size_t)off, fmt, ap);
    va_end(ap);
    err->code = SOCM_E_INPUT;
    return -1;
}

int socm_error_errno(struct socm_error *err, const char *fmt, ...)
{
    int saved = errno;
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int off = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    if (off >= 0 && (size_t)off < sizeof err->msg)
        snprintf(err->msg + off, sizeof err->msg - (size_t)off, ": %s", strerror(saved));
    err->code = SOCM_E_SYSTEM;
    errno = saved;
    return -1;
}

void socm_error_clear(struct socm_error *err)
{
    err->code = SOCM_OK;
    err->msg[0] = '\0';
}

void socm_errlist_add(struct socm_errlist *l, const char *msg)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->msgs = socm_xrealloc(l->msgs, l->cap * sizeof *l->msgs);
    }
    l->msgs[l->n++] = socm_strdup(msg);
}

void socm_errlist_addf(struct socm_errlist *l, const struct socm_pos *pos, const char *fmt, ...)
{
    char msg[2048], where[1024];
    int off = 0;
    if (pos) {
        socm_pos_format(pos, where, sizeof where);
        off = snprintf(msg, sizeof msg, "%s: ", where);
        if (off < 0 || (size_t)off >= sizeof msg)
            off = 0;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + off, sizeof msg - (size_t)off, fmt, ap);
    va_end(ap);
    socm_errlist_add(l, msg);
}

void socm_errlist_free(struct socm_errlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->msgs[i]);
    free(l->msgs);
    l->msgs = NULL;
    l->n = l->cap = 0;
}

/* progress_line.c — the live progress line, fitted to the terminal (see
 * progress_line.h). */
#include "manager/progress_line.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void hms(double s, char *buf, size_t n)
{
    if (!(s >= 0))
        s = 0;
    snprintf(buf, n, "%02d:%02d:%02d", (int)fmin(s / 3600, 9999), (int)fmod(s / 60, 60), (int)fmod(s, 60));
}

/* Columns of a UTF-8 string: one per code point (campaign names are text). */
static size_t columns_of(const char *s)
{
    size_t c = 0;
    for (; *s; s++)
        c += ((unsigned char)*s & 0xC0) != 0x80;
    return c;
}

/* Cuts s to at most `cols` columns at a code point boundary. */
static void cut_columns(char *s, size_t cols)
{
    size_t c = 0;
    for (char *p = s; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80 && c++ == cols) {
            *p = 0;
            return;
        }
}

/* Drops an incomplete UTF-8 sequence at the end of s (left by cutting bytes). */
static void trim_partial(char *s)
{
    size_t len = strlen(s), i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0 || !((unsigned char)s[i - 1] & 0x80))
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < want)
        s[i - 1] = 0;
}

/* buf = a sep b, cut to n - 1 bytes (at a code point boundary: see below). */
static void join(char *buf, size_t n, const char *a, const char *sep, const char *b)
{
    size_t len = 0;
    for (const char *part[] = {a, sep, b}, **q = part; q < part + 3; q++)
        for (const char *c = *q; *c && len + 1 < n; c++)
            buf[len++] = *c;
    buf[len] = 0;
    trim_partial(buf);
}

size_t socm_progress_format(const struct socm_progress *p, int columns, char *buf, size_t n)
{
    if (n == 0)
        return 0;
    size_t max = columns > 1 ? (size_t)columns - 1 : 79;
    char el[24], eta[24] = "";
    hms(p->elapsed_s, el, sizeof el);
    if (p->eta_s > 0)
        hms(p->eta_s, eta, sizeof eta);
    /* From the longest wording to the shortest after the whole name; then the
     * name shortened; the bare counts last. */
    char rest[6][160];
    snprintf(rest[0], sizeof rest[0], "%zu/%zu done, %zu running, %zu failed, %zu canceled  elapsed %s%s%s%s",
             p->done, p->total, p->running, p->failed, p->canceled, el, *eta ? "  ETA " : "", eta,
             *eta ? " (plan)" : "");
    snprintf(rest[1], sizeof rest[1], "%zu/%zu done, %zu running, %zu failed, %zu canceled  %s%s%s", p->done,
             p->total, p->running, p->failed, p->canceled, el, *eta ? " ETA " : "", eta);
    snprintf(rest[2], sizeof rest[2], "%zu/%zu done, %zu run, %zu fail, %zu canc %s%s%s", p->done, p->total,
             p->running, p->failed, p->canceled, el, *eta ? " ETA " : "", eta);
    snprintf(rest[3], sizeof rest[3], "%zu/%zu done %zu run %zu fail %s%s%s", p->done, p->total, p->running,
             p->failed, el, *eta ? " ETA " : "", eta);
    snprintf(rest[4], sizeof rest[4], "%zu/%zu done %zu run %zu fail %s", p->done, p->total, p->running,
             p->failed, el);
    snprintf(rest[5], sizeof rest[5], "%zu/%zu %zuF", p->done, p->total, p->failed);
    const char *name = p->campaign ? p->campaign : "";
    size_t name_cols = columns_of(name);
    char line[512] = "";
    for (size_t k = 0; k < 5 && !*line; k++) /* the whole name, and enough to read */
        if (columns_of(rest[k]) + 2 + name_cols <= max)
            join(line, sizeof line, name, ": ", rest[k]);
    /* Still too wide: the name shortened (8 columns of it at least, and "~"). */
    for (size_t k = 0; k < 6 && !*line; k++) {
        size_t need = columns_of(rest[k]);
        if (need + 3 + 8 <= max) {
            char nm[256];
            join(nm, sizeof nm, name, "", "");
            cut_columns(nm, max - need - 3);
            join(line, sizeof line, nm, "~: ", rest[k]);
        }
    }
    if (!*line) /* a very narrow terminal: the counts, cut */
        join(line, sizeof line, rest[5], "", "");
    for (char *c = line; *c; c++) /* a newline or escape in a name must not move the cursor */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    cut_columns(line, max);
    snprintf(buf, n, "%s", line);
    trim_partial(buf);
    return strlen(buf);
}

int socm_progress_columns(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *c = getenv("COLUMNS");
    long v = c ? strtol(c, NULL, 10) : 0;
    return v > 0 && v < 10000 ? (int)v : 80;
}

/* units.c — sizes and durations as people write them in campaign files ("48G",
 * "7h", "1-12:00:00") turned into the planner's units: MB and minutes. */
#include "config/config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Reads a non-negative decimal number (digits, optional fraction) at *p. */
static bool units_number(const char **p, double *out)
{
    const char *s = *p;
    if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
        return false;
    double v = 0;
    while (isdigit((unsigned char)*s))
        v = v * 10 + (*s++ - '0');
    if (*s == '.') {
        s++;
        double scale = 0.1;
        while (isdigit((unsigned char)*s)) {
            v += (*s++ - '0') * scale;
            scale /= 10;
        }
    }
    /* Exponents ("1e3") for numeric strings written by programs. */
    if ((*s == 'e' || *s == 'E') &&
        (isdigit((unsigned char)s[1]) ||
         ((s[1] == '+' || s[1] == '-') && isdigit((unsigned char)s[2])))) {
        char *end;
        double e = strtod(s + 1, &end);
        v *= pow(10, e);
        s = end;
    }
    *p = s;
    *out = v;
    return isfinite(v);
}

static const char *units_trim(const char *s, size_t *len)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    *len = n;
    return s;
}

/* Size suffixes → MB. Decimal units are powers of 1000 (G = 1000 MB), as Slurm and
 * the original's examples use them; the -iB ones are powers of 1024 bytes. */
static const struct {
    const char *suffix;
    double mb;
} size_units[] = {
    {"", 1},          {"b", 1e-6},           {"k", 1e-3},        {"kb", 1e-3},
    {"m", 1},         {"mb", 1},             {"g", 1e3},         {"gb", 1e3},
    {"t", 1e6},       {"tb", 1e6},           {"p", 1e9},         {"pb", 1e9},
    {"kib", 1.024e-3}, {"mib", 1.048576},    {"gib", 1073.741824}, {"tib", 1099511.627776},
};

int socm_units_parse_memory_mb(const char *str, double *mb, struct socm_error *err)
{
    size_t n;
    const char *s = units_trim(str, &n);
    const char *p = s;
    double v;
    if (n == 0 || !units_number(&p, &v))
        return socm_error_set(err, SOCM_E_INPUT,
                              "invalid size \"%s\" (expected e.g. 48G, 512M, 2GiB or a number of MB)",
                              str);
    while (p < s + n && *p == ' ')
        p++;
    size_t ulen = (size_t)(s + n - p);
    for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
        if (strlen(size_units[i].suffix) == ulen && strncasecmp(p, size_units[i].suffix, ulen) == 0) {
            *mb = v * size_units[i].mb;
            return 0;
        }
    }
    return socm_error_set(err, SOCM_E_INPUT,
                          "invalid size \"%s\": unknown unit \"%.*s\" (use K, M, G, T or KiB, MiB, GiB, TiB)",
                          str, (int)ulen, p);
}

/* "1-12:30:00", "12:30:00", "30:00": Slurm's clock forms. Returns seconds. */
static bool units_clock(const char *s, size_t n, double *secs)
{
    double days = 0, parts[3];
    int np = 0;
    const char *p = s, *end = s + n;
    const char *dash = memchr(s, '-', n);
    if (dash) {
        if (!units_number(&p, &days) || p != dash)
            return false;
        p = dash + 1;
    }
    for (;;) {
        if (np == 3 || !units_number(&p, &parts[np]))
            return false;
        np++;
        if (p == end)
            break;
        if (*p != ':')
            return false;
        p++;
    }
    double h = 0, m = 0, sec = 0;
    if (dash) { /* D-HH, D-HH:MM, D-HH:MM:SS */
        h = parts[0];
        m = np > 1 ? parts[1] : 0;
        sec = np > 2 ? parts[2] : 0;
    } else if (np == 3) {
        h = parts[0], m = parts[1], sec = parts[2];
    } else if (np == 2) {
        m = parts[0], sec = parts[1];
    } else {
        return false; /* a lone number is handled by the caller */
    }
    *secs = ((days * 24 + h) * 60 + m) * 60 + sec;
    return true;
}

/* "7h", "10m", "90s", "2d", "1h30m", "1.5h", "1h 30m". Returns seconds. */
static bool units_suffixed(const char *s, size_t n, double *secs)
{
    const char *p = s, *end = s + n;
    double total = 0;
    int terms = 0;
    while (p < end) {
        double v;
        if (!units_number(&p, &v))
            return false;
        while (p < end && *p == ' ')
            p++;
        const char *u = p;
        while (p < end && isalpha((unsigned char)*p))
            p++;
        size_t ul = (size_t)(p - u);
        double mult;
#define IS(word) (ul == strlen(word) && strncasecmp(u, word, ul) == 0)
        if (IS("d") || IS("day") || IS("days"))
            mult = 86400;
        else if (IS("h") || IS("hr") || IS("hrs") || IS("hour") || IS("hours"))
            mult = 3600;
        else if (IS("m") || IS("min") || IS("mins") || IS("minute") || IS("minutes"))
            mult = 60;
        else if (IS("s") || IS("sec") || IS("secs") || IS("second") || IS("seconds"))
            mult = 1;
        else
            return false;
#undef IS
        total += v * mult;
        terms++;
        while (p < end && *p == ' ')
            p++;
    }
    *secs = total;
    return terms > 0;
}

int socm_units_parse_duration_min(const char *str, double *minutes, struct socm_error *err)
{
    size_t n;
    const char *s = units_trim(str, &n);
    double secs, v;
    const char *p = s;
    if (n > 0 && units_number(&p, &v) && p == s + n) {
        *minutes = v / 60.0; /* a bare number is seconds */
        return 0;
    }
    if (n > 0 && (memchr(s, ':', n) || memchr(s, '-', n))) {
        if (units_clock(s, n, &secs)) {
            *minutes = secs / 60.0;
            return 0;
        }
    } else if (n > 0 && units_suffixed(s, n, &secs)) {
        *minutes = secs / 60.0;
        return 0;
    }
    return socm_error_set(err, SOCM_E_INPUT,
                          "invalid duration \"%s\" (expected e.g. 7h, 10m, 90s, 2d, 1h30m, "
                          "HH:MM:SS, D-HH:MM:SS or a number of seconds)",
                          str);
}

/* Shared by both: numbers pass straight through (times `scale`), strings go to the
 * text parser, and any error is re-issued at the node's position naming the field. */
static int units_value(const struct socm_value *v, const char *field, double scale, double *out,
                       int (*parse)(const char *, double *, struct socm_error *),
                       const char *what, struct socm_error *err)
{
    if (!v)
        return socm_error_set(err, SOCM_E_INPUT, "'%s': missing %s", field, what);
    if (socm_value_is_number(v)) {
        double d = socm_value_as_double(v);
        if (!isfinite(d) || d < 0)
            return socm_error_at(err, &v->pos, "'%s': %s must be a non-negative number", field, what);
        *out = d * scale;
        return 0;
    }
    if (v->type != SOCM_V_STRING)
        return socm_error_at(err, &v->pos, "'%s': %s must be a string or a number, not %s", field,
                             what, socm_vtype_name(v->type));
    if (strlen(v->u.str.s) != v->u.str.len)
        return socm_error_at(err, &v->pos, "'%s': %s contains a NUL byte", field, what);
    struct socm_error e;
    if (parse(v->u.str.s, out, &e) < 0)
        return socm_error_at(err, &v->pos, "'%s': %s", field, e.msg);
    return 0;
}

int socm_units_memory_mb(const struct socm_value *v, const char *field, double *mb,
                         struct socm_error *err)
{
    return units_value(v, field, 1.0, mb, socm_units_parse_memory_mb, "size", err);
}

int socm_units_duration_min(const struct socm_value *v, const char *field, double *minutes,
                            struct socm_error *err)
{
    return units_value(v, field, 1.0 / 60.0, minutes, socm_units_parse_duration_min, "duration",
                       err);
}

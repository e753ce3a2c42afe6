/* toml_scalar.c — TOML numbers and dates: integers in four bases with underscores
 * and overflow checks, floats (inf, nan), and the four kinds of date-time, each
 * checked field by field as the specification requires. */
#include "config/toml_impl.h"

#include <errno.h>
#include <math.h>
#include <string.h>

/* ---- numbers ---- */

/* Digits with single underscores between digits; returns false on a bad layout.
 * Appends the digits (without underscores) to out. */
static bool toml_digits(const char *s, size_t n, int base, struct socm_buf *out)
{
    if (n == 0)
        return false;
    bool prev_digit = false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '_') {
            if (!prev_digit || i + 1 == n)
                return false;
            prev_digit = false;
            continue;
        }
        int v = toml_hexval(c);
        if (v < 0 || v >= base)
            return false;
        socm_buf_putc(out, (char)c);
        prev_digit = true;
    }
    return true;
}

/* Accumulates digits (already checked) in base; false on int64 overflow. */
static bool toml_accumulate(const char *d, int base, bool negative, int64_t *out)
{
    /* Work in the negative range, which holds INT64_MIN. */
    int64_t v = 0;
    for (; *d; d++) {
        int64_t digit = toml_hexval((unsigned char)*d);
        if (v < (INT64_MIN + digit) / base)
            return false;
        v = v * base - digit;
    }
    if (!negative) {
        if (v == INT64_MIN)
            return false;
        v = -v;
    }
    *out = v;
    return true;
}

/* A number token (integer or float), already cut out of the input as [tok, tok+n). */
struct socm_value *socm_toml_number(struct toml_parser *ps, const char *tok, size_t n,
                                      const struct socm_pos *pos)
{
    struct socm_buf d = SOCM_BUF_INIT;
    const char *s = tok;
    size_t len = n;
    bool negative = false, sign = false;
    if (len && (*s == '+' || *s == '-')) {
        negative = *s == '-';
        sign = true;
        s++;
        len--;
    }
    /* inf and nan */
    if (len == 3 && (memcmp(s, "inf", 3) == 0 || memcmp(s, "nan", 3) == 0)) {
        double f = s[0] == 'i' ? INFINITY : NAN;
        return socm_value_float(negative ? -f : f, pos);
    }
    if (!sign && len && !toml_is_digit((unsigned char)s[0])) {
        socm_toml_fail_pos(ps, pos, "invalid value '%.*s' (strings must be quoted)", (int)n, tok);
        return NULL;
    }
    /* Prefixed integers: no sign allowed. */
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        int base = s[1] == 'x' ? 16 : s[1] == 'o' ? 8 : 2;
        if (sign) {
            socm_toml_fail_pos(ps, pos, "a sign is not allowed on a 0%c integer", s[1]);
            return NULL;
        }
        if (!toml_digits(s + 2, len - 2, base, &d)) {
            socm_buf_free(&d);
            socm_toml_fail_pos(ps, pos, "invalid %s integer '%.*s'",
                          base == 16 ? "hexadecimal" : base == 8 ? "octal" : "binary", (int)n, tok);
            return NULL;
        }
        int64_t v;
        bool ok = toml_accumulate(d.data, base, false, &v);
        socm_buf_free(&d);
        if (!ok) {
            socm_toml_fail_pos(ps, pos, "integer '%.*s' does not fit in 64 bits", (int)n, tok);
            return NULL;
        }
        return socm_value_integer(v, pos);
    }
    /* Decimal: integer part, then optional fraction and exponent. */
    size_t ip = 0;
    while (ip < len && (toml_is_digit((unsigned char)s[ip]) || s[ip] == '_'))
        ip++;
    size_t fp = ip, fe = ip, ep = ip, ee = ip;
    if (fp < len && s[fp] == '.') {
        fe = fp + 1;
        while (fe < len && (toml_is_digit((unsigned char)s[fe]) || s[fe] == '_'))
            fe++;
        ep = ee = fe;
    }
    if (ep < len && (s[ep] == 'e' || s[ep] == 'E')) {
        ee = ep + 1;
        if (ee < len && (s[ee] == '+' || s[ee] == '-'))
            ee++;
        while (ee < len && (toml_is_digit((unsigned char)s[ee]) || s[ee] == '_'))
            ee++;
    }
    bool has_frac = fe > fp, has_exp = ee > ep;
    const char *bad = NULL;
    if (ee != len)
        bad = "invalid number";
    else if (!toml_digits(s, ip, 10, &d))
        bad = "invalid number";
    else if (ip > 1 && s[0] == '0')
        bad = "leading zeros are not allowed";
    if (!bad && has_frac) {
        socm_buf_putc(&d, '.');
        if (!toml_digits(s + fp + 1, fe - fp - 1, 10, &d))
            bad = "a decimal point must be followed by digits";
    }
    if (!bad && has_exp) {
        socm_buf_putc(&d, 'e');
        size_t x = ep + 1;
        if (x < ee && (s[x] == '+' || s[x] == '-'))
            socm_buf_putc(&d, s[x++]);
        if (!toml_digits(s + x, ee - x, 10, &d))
            bad = "invalid exponent";
    }
    if (bad) {
        socm_buf_free(&d);
        socm_toml_fail_pos(ps, pos, "%s '%.*s'", bad, (int)n, tok);
        return NULL;
    }
    if (!has_frac && !has_exp) {
        int64_t v;
        bool ok = toml_accumulate(d.data, 10, negative, &v);
        socm_buf_free(&d);
        if (!ok) {
            socm_toml_fail_pos(ps, pos, "integer '%.*s' does not fit in 64 bits", (int)n, tok);
            return NULL;
        }
        return socm_value_integer(v, pos);
    }
    errno = 0;
    double f = strtod(d.data, NULL);
    int e = errno;
    socm_buf_free(&d);
    if (e == ERANGE && isinf(f)) {
        socm_toml_fail_pos(ps, pos, "float '%.*s' is out of range", (int)n, tok);
        return NULL;
    }
    return socm_value_float(negative ? -f : f, pos);
}

/* ---- dates and times ---- */

static bool toml_ndigits(const char *p, const char *end, int n, int *out)
{
    if (end - p < n)
        return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!toml_is_digit((unsigned char)p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static int toml_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}

/* partial-time: HH:MM:SS[.frac]; p at the first digit. */
static int toml_time(struct toml_parser *ps, struct socm_datetime *dt)
{
    const char *s = ps->p;
    int hour, minute, second;
    if (!toml_ndigits(s, ps->end, 2, &hour) || s + 2 >= ps->end || s[2] != ':' ||
        !toml_ndigits(s + 3, ps->end, 2, &minute))
        return socm_toml_fail_at(ps, s, "invalid time (expected HH:MM:SS)");
    if (s + 5 >= ps->end || s[5] != ':' || !toml_ndigits(s + 6, ps->end, 2, &second))
        return socm_toml_fail_at(ps, s, "invalid time: seconds are required (HH:MM:SS)");
    if (hour > 23)
        return socm_toml_fail_at(ps, s, "hour %02d out of range", hour);
    if (minute > 59)
        return socm_toml_fail_at(ps, s + 3, "minute %02d out of range", minute);
    if (second > 60) /* 60 is a leap second (RFC 3339) */
        return socm_toml_fail_at(ps, s + 6, "second %02d out of range", second);
    dt->hour = (int8_t)hour, dt->minute = (int8_t)minute, dt->second = (int8_t)second;
    ps->p = s + 8;
    if (toml_peek(ps, 0) == '.') {
        const char *f = ps->p + 1;
        int digits = 0, ns = 0;
        while (f < ps->end && toml_is_digit((unsigned char)*f)) {
            if (digits < 9)
                ns = ns * 10 + (*f - '0');
            digits++;
            f++;
        }
        if (digits == 0)
            return socm_toml_fail_at(ps, ps->p,
                                     "a decimal point in a time must be followed by digits");
        for (int i = digits; i < 9; i++)
            ns *= 10;
        dt->nanosecond = ns;
        dt->frac_digits = (int8_t)(digits > 9 ? 9 : digits);
        ps->p = f;
    }
    return 0;
}

/* A date-time value of any of the four kinds; p at the first digit. */
struct socm_value *socm_toml_datetime(struct toml_parser *ps, const struct socm_pos *pos)
{
    struct socm_datetime dt = {0};
    const char *s = ps->p;
    enum socm_vtype type;
    if (s + 2 < ps->end && s[2] == ':') {
        if (toml_time(ps, &dt) < 0)
            return NULL;
        type = SOCM_V_TIME_LOCAL;
    } else {
        int year, month, day;
        if (!toml_ndigits(s, ps->end, 4, &year) || s + 4 >= ps->end || s[4] != '-' ||
            !toml_ndigits(s + 5, ps->end, 2, &month) || s + 7 >= ps->end || s[7] != '-' ||
            !toml_ndigits(s + 8, ps->end, 2, &day)) {
            socm_toml_fail_at(ps, s, "invalid date (expected YYYY-MM-DD)");
            return NULL;
        }
        if (month < 1 || month > 12) {
            socm_toml_fail_at(ps, s + 5, "month %02d out of range", month);
            return NULL;
        }
        if (day < 1 || day > toml_days_in_month(year, month)) {
            socm_toml_fail_at(ps, s + 8, "day %02d out of range for %04d-%02d", day, year,
                         month);
            return NULL;
        }
        dt.year = (int16_t)year, dt.month = (int8_t)month, dt.day = (int8_t)day;
        ps->p = s + 10;
        type = SOCM_V_DATE_LOCAL;
        int c = toml_peek(ps, 0);
        /* The date/time separator: T, t, or a space followed by a time. */
        if ((c == 'T' || c == 't' || c == ' ') && toml_is_digit(toml_peek(ps, 1)) &&
            toml_is_digit(toml_peek(ps, 2)) && toml_peek(ps, 3) == ':') {
            ps->p++;
            if (toml_time(ps, &dt) < 0)
                return NULL;
            type = SOCM_V_DATETIME_LOCAL;
            c = toml_peek(ps, 0);
            if (c == 'Z' || c == 'z') {
                ps->p++;
                dt.offset_z = true;
                type = SOCM_V_DATETIME;
            } else if (c == '+' || c == '-') {
                const char *o = ps->p;
                int oh, om;
                if (!toml_ndigits(o + 1, ps->end, 2, &oh) || o + 3 >= ps->end || o[3] != ':' ||
                    !toml_ndigits(o + 4, ps->end, 2, &om)) {
                    socm_toml_fail_at(ps, o, "invalid time offset (expected +HH:MM or -HH:MM)");
                    return NULL;
                }
                if (oh > 23 || om > 59) {
                    socm_toml_fail_at(ps, o, "time offset %.6s out of range", o);
                    return NULL;
                }
                dt.offset_minutes = (int16_t)((oh * 60 + om) * (c == '-' ? -1 : 1));
                ps->p = o + 6;
                type = SOCM_V_DATETIME;
            }
        } else if (c == 'T' || c == 't') {
            socm_toml_fail_at(ps, ps->p, "invalid date-time: expected a time after '%c'", c);
            return NULL;
        }
    }
    struct socm_value *v = socm_value_new(type, pos);
    v->u.dt = dt;
    return v;
}

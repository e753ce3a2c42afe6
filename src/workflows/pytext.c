/* pytext.c — a config value as the original tool puts it into a command line:
 * Python's str() of the value its TOML/YAML reader produced. A string is itself;
 * a list is "[1, 'a']" and a table "{'k': 1}", their items in repr() form; a
 * date-time is str() of a Python datetime ("1979-05-27 07:32:00+00:00", the
 * fraction cut to microseconds), and inside a list its repr()
 * ("datetime.date(1979, 5, 27)"). */
#include "workflows/common.h"

#include "config/utf8.h"

#include <inttypes.h>
#include <string.h>

static void py_repr(const struct socm_value *v, struct socm_buf *out);

/* Code points Python's str.isprintable() refuses outside ASCII: the C1 controls,
 * the separators other than the space (Zs, Zl, Zp), the format characters (Cf),
 * private use (Co) and the noncharacters. Unassigned code points (Cn), which
 * Python also escapes, are not listed: they change with every Unicode version. */
static bool py_unprintable(uint32_t c)
{
    static const uint32_t ranges[][2] = {
        {0x80, 0xA0},       {0xAD, 0xAD},         {0x600, 0x605},       {0x61C, 0x61C},
        {0x6DD, 0x6DD},     {0x70F, 0x70F},       {0x890, 0x891},       {0x8E2, 0x8E2},
        {0x1680, 0x1680},   {0x180E, 0x180E},     {0x2000, 0x200F},     {0x2028, 0x202F},
        {0x205F, 0x2064},   {0x2066, 0x206F},     {0x3000, 0x3000},     {0xD800, 0xF8FF},
        {0xFDD0, 0xFDEF},   {0xFEFF, 0xFEFF},     {0xFFF9, 0xFFFB},     {0x110BD, 0x110BD},
        {0x110CD, 0x110CD}, {0x13430, 0x1343F},   {0x1BCA0, 0x1BCA3},   {0x1D173, 0x1D17A},
        {0xE0001, 0xE0001}, {0xE0020, 0xE007F},   {0xF0000, 0x10FFFF},
    };
    if ((c & 0xFFFE) == 0xFFFE) /* U+xFFFE, U+xFFFF */
        return true;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (c >= ranges[i][0] && c <= ranges[i][1])
            return true;
    return false;
}

/* repr() of a str: single quotes unless the text has ' and no ", backslash
 * escapes for the quote, \\, \t, \n, \r, and \xHH / \uHHHH / \UHHHHHHHH for what
 * is not printable. */
static void py_repr_str(const char *s, size_t len, struct socm_buf *out)
{
    bool sq = memchr(s, '\'', len) != NULL, dq = memchr(s, '"', len) != NULL;
    char quote = sq && !dq ? '"' : '\'';
    socm_buf_putc(out, quote);
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n = socm_utf8_decode((const unsigned char *)s + i, len - i, &c);
        if (n == 0) { /* not UTF-8 (the readers refuse it): the byte, escaped */
            socm_buf_printf(out, "\\x%02x", (unsigned char)s[i]);
            i++;
            continue;
        }
        if (c == (uint32_t)quote || c == '\\') {
            socm_buf_putc(out, '\\');
            socm_buf_putc(out, (char)c);
        } else if (c == '\t')
            socm_buf_puts(out, "\\t");
        else if (c == '\n')
            socm_buf_puts(out, "\\n");
        else if (c == '\r')
            socm_buf_puts(out, "\\r");
        else if (c < 0x20 || c == 0x7F || (c > 0x7F && c <= 0xFF && py_unprintable(c)))
            socm_buf_printf(out, "\\x%02" PRIx32, c);
        else if (c > 0xFF && py_unprintable(c))
            socm_buf_printf(out, c <= 0xFFFF ? "\\u%04" PRIx32 : "\\U%08" PRIx32, c);
        else
            socm_buf_putn(out, s + i, n);
        i += n;
    }
    socm_buf_putc(out, quote);
}

static int micros(const struct socm_datetime *d)
{
    return d->frac_digits > 0 ? d->nanosecond / 1000 : 0;
}

/* str() of a date, time or datetime: isoformat with a space between date and time. */
static void py_str_datetime(const struct socm_value *v, struct socm_buf *out)
{
    const struct socm_datetime *d = &v->u.dt;
    if (v->type != SOCM_V_TIME_LOCAL)
        socm_buf_printf(out, "%04d-%02d-%02d", d->year, d->month, d->day);
    if (v->type == SOCM_V_DATE_LOCAL)
        return;
    if (v->type != SOCM_V_TIME_LOCAL)
        socm_buf_putc(out, ' ');
    socm_buf_printf(out, "%02d:%02d:%02d", d->hour, d->minute, d->second);
    if (micros(d))
        socm_buf_printf(out, ".%06d", micros(d));
    if (v->type == SOCM_V_DATETIME) {
        int m = d->offset_minutes < 0 ? -d->offset_minutes : d->offset_minutes;
        socm_buf_printf(out, "%c%02d:%02d", d->offset_minutes < 0 ? '-' : '+', m / 60, m % 60);
    }
}

/* repr() of a date, time or datetime: the constructor call, trailing zero
 * seconds and microseconds left out as Python does. */
static void py_repr_datetime(const struct socm_value *v, struct socm_buf *out)
{
    const struct socm_datetime *d = &v->u.dt;
    if (v->type == SOCM_V_DATE_LOCAL) {
        socm_buf_printf(out, "datetime.date(%d, %d, %d)", d->year, d->month, d->day);
        return;
    }
    if (v->type == SOCM_V_TIME_LOCAL)
        socm_buf_printf(out, "datetime.time(%d, %d", d->hour, d->minute);
    else
        socm_buf_printf(out, "datetime.datetime(%d, %d, %d, %d, %d", d->year, d->month, d->day, d->hour,
                        d->minute);
    if (d->second || micros(d))
        socm_buf_printf(out, ", %d", d->second);
    if (micros(d))
        socm_buf_printf(out, ", %d", micros(d));
    if (v->type == SOCM_V_DATETIME) {
        if (d->offset_minutes == 0)
            socm_buf_puts(out, ", tzinfo=datetime.timezone.utc");
        else /* timedelta normalises a negative offset to days=-1 and positive seconds */
            socm_buf_printf(out, ", tzinfo=datetime.timezone(datetime.timedelta(%sseconds=%d))",
                            d->offset_minutes < 0 ? "days=-1, " : "",
                            d->offset_minutes < 0 ? 86400 + d->offset_minutes * 60 : d->offset_minutes * 60);
    }
    socm_buf_putc(out, ')');
}

/* str() of the scalars whose str() and repr() agree, and of lists and tables. */
static void py_common(const struct socm_value *v, struct socm_buf *out)
{
    switch (v->type) {
    case SOCM_V_NULL: socm_buf_puts(out, "None"); break;
    case SOCM_V_INTEGER: socm_buf_printf(out, "%" PRId64, v->u.i); break;
    case SOCM_V_FLOAT: socm_float_format(v->u.f, out); break;
    case SOCM_V_BOOL: socm_buf_puts(out, v->u.b ? "True" : "False"); break;
    case SOCM_V_ARRAY:
        socm_buf_putc(out, '[');
        for (size_t i = 0; i < v->u.arr.n; i++) {
            if (i)
                socm_buf_puts(out, ", ");
            py_repr(v->u.arr.items[i], out);
        }
        socm_buf_putc(out, ']');
        break;
    case SOCM_V_TABLE:
        socm_buf_putc(out, '{');
        for (size_t i = 0; i < v->u.tbl.n; i++) {
            const struct socm_kv *kv = &v->u.tbl.items[i];
            if (i)
                socm_buf_puts(out, ", ");
            py_repr_str(kv->key, kv->keylen, out);
            socm_buf_puts(out, ": ");
            py_repr(kv->value, out);
        }
        socm_buf_putc(out, '}');
        break;
    default: break;
    }
}

static void py_repr(const struct socm_value *v, struct socm_buf *out)
{
    if (v->type == SOCM_V_STRING)
        py_repr_str(v->u.str.s, v->u.str.len, out);
    else if (v->type >= SOCM_V_DATETIME && v->type <= SOCM_V_TIME_LOCAL)
        py_repr_datetime(v, out);
    else
        py_common(v, out);
}

char *socm_wfargv_pystr(const struct socm_value *v)
{
    struct socm_buf b = SOCM_BUF_INIT;
    if (v->type == SOCM_V_STRING)
        socm_buf_putn(&b, v->u.str.s, v->u.str.len);
    else if (v->type >= SOCM_V_DATETIME && v->type <= SOCM_V_TIME_LOCAL)
        py_str_datetime(v, &b);
    else
        py_common(v, &b);
    return socm_buf_steal(&b);
}

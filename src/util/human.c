/* human.c — numbers in human output (validate, plan, report) rounded for people: three
 * significant digits but whole numbers kept whole, no exponent, no trailing zeros
 * (0.333, 25.3, 1235); durations
 * in the unit that reads best (20 s, 2.2 min, 3 h, 2 d); memory in MB, GB or TB
 * (1 GB = 1000 MB, as the campaign format's "G" suffix). JSON keeps full precision. */
#include "util/human.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *socm_human_num(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "-" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    double a = fabs(v);
    int mag = a > 0 ? (int)floor(log10(a)) : 0;
    int decimals = mag >= 2 ? 0 : 2 - mag;
    if (decimals > 6)
        decimals = 6;
    snprintf(buf, n, "%.*f", decimals, v);
    if (strchr(buf, '.')) { /* 0.500 -> 0.5, 2.000 -> 2 */
        char *e = buf + strlen(buf) - 1;
        while (*e == '0')
            *e-- = '\0';
        if (*e == '.')
            *e = '\0';
    }
    if (!strcmp(buf, "-0"))
        snprintf(buf, n, "0");
    return buf;
}

const char *socm_human_minutes(double min, char *buf, size_t n)
{
    char num[32];
    if (isfinite(min) && min > 0 && min * 60 < 0.01)
        snprintf(buf, n, "<0.01 s"); /* more digits than a person can use */
    else if (!isfinite(min) || min < 1)
        snprintf(buf, n, "%s s", socm_human_num(round(min * 6000) / 100, num, sizeof num));
    else if (min < 120)
        snprintf(buf, n, "%s min", socm_human_num(min, num, sizeof num));
    else if (min < 48 * 60)
        snprintf(buf, n, "%s h", socm_human_num(min / 60, num, sizeof num));
    else
        snprintf(buf, n, "%s d", socm_human_num(min / 1440, num, sizeof num));
    return buf;
}

const char *socm_human_mb(double mb, char *buf, size_t n)
{
    char num[32];
    if (!isfinite(mb) || mb < 1000)
        snprintf(buf, n, "%s MB", socm_human_num(mb, num, sizeof num));
    else if (mb < 1e6)
        snprintf(buf, n, "%s GB", socm_human_num(mb / 1e3, num, sizeof num));
    else
        snprintf(buf, n, "%s TB", socm_human_num(mb / 1e6, num, sizeof num));
    return buf;
}

/* slurm_values.c — Slurm's states and the values inside its command output:
 * durations, sizes, exit codes, TRES strings, times, job ids, counts. Pure functions
 * of their text (fuzzed with the tables of slurm_parse.c): an odd value becomes -1
 * ("not known") or UNKNOWN. */
#include "slurm/slurm.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>


/* A whole-string non-negative decimal integer; -1 otherwise (or on overflow). */
int64_t socm_slurm_count_parse(const char *s)
{
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s))
        return -1;
    int64_t v = 0;
    for (; isdigit((unsigned char)*s); s++) {
        int d = *s - '0';
        if (v > (INT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    while (*s == ' ')
        s++;
    return *s ? -1 : v;
}

static bool is_unknown_word(const char *s)
{
    static const char *words[] = {"", "Unknown", "INVALID", "None", "N/A", "(null)"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcasecmp(s, words[i]))
            return true;
    return false;
}

/* ---- states ---- */

static const struct {
    const char *name, *code;
    enum socm_slurm_state st;
} states[] = {
    {"PENDING", "PD", SOCM_SLURM_PENDING},
    {"CONFIGURING", "CF", SOCM_SLURM_CONFIGURING},
    {"RUNNING", "R", SOCM_SLURM_RUNNING},
    {"COMPLETING", "CG", SOCM_SLURM_COMPLETING},
    {"SUSPENDED", "S", SOCM_SLURM_SUSPENDED},
    {"REQUEUED", "RQ", SOCM_SLURM_REQUEUED},
    {"REQUEUE_HOLD", "RH", SOCM_SLURM_REQUEUED},
    {"REQUEUE_FED", "RF", SOCM_SLURM_REQUEUED},
    {"RESIZING", "RS", SOCM_SLURM_RESIZING},
    {"COMPLETED", "CD", SOCM_SLURM_COMPLETED},
    {"FAILED", "F", SOCM_SLURM_FAILED},
    {"CANCELLED", "CA", SOCM_SLURM_CANCELLED},
    {"TIMEOUT", "TO", SOCM_SLURM_TIMEOUT},
    {"NODE_FAIL", "NF", SOCM_SLURM_NODE_FAIL},
    {"OUT_OF_MEMORY", "OOM", SOCM_SLURM_OUT_OF_MEMORY},
    {"PREEMPTED", "PR", SOCM_SLURM_PREEMPTED},
    {"BOOT_FAIL", "BF", SOCM_SLURM_BOOT_FAIL},
    {"DEADLINE", "DL", SOCM_SLURM_DEADLINE},
    {"SIGNALING", "SI", SOCM_SLURM_RUNNING},
    {"STAGE_OUT", "SO", SOCM_SLURM_COMPLETING},
    {"STOPPED", "ST", SOCM_SLURM_SUSPENDED},
    {"SPECIAL_EXIT", "SE", SOCM_SLURM_FAILED},
    {"REVOKED", "RV", SOCM_SLURM_CANCELLED},
};

enum socm_slurm_state socm_slurm_state_parse(const char *s)
{
    if (!s)
        return SOCM_SLURM_UNKNOWN;
    while (*s == ' ')
        s++;
    /* The state word ends at a space ("CANCELLED by 0") or '+' ("CANCELLED+"). */
    size_t n = strcspn(s, " +");
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        if ((strlen(states[i].name) == n && !strncasecmp(s, states[i].name, n)) ||
            (strlen(states[i].code) == n && !strncmp(s, states[i].code, n)))
            return states[i].st;
    }
    return SOCM_SLURM_UNKNOWN;
}

const char *socm_slurm_state_name(enum socm_slurm_state st)
{
    if (st == SOCM_SLURM_UNKNOWN)
        return "UNKNOWN";
    for (size_t i = 0; i < sizeof states / sizeof *states; i++)
        if (states[i].st == st)
            return states[i].name;
    return "UNKNOWN";
}

bool socm_slurm_state_is_final(enum socm_slurm_state st)
{
    return st >= SOCM_SLURM_COMPLETED;
}

enum socm_slurm_outcome socm_slurm_outcome(enum socm_slurm_state st, int exit_code)
{
    switch (st) {
    case SOCM_SLURM_COMPLETED:
        return exit_code == 0 ? SOCM_SLURM_OUT_DONE : SOCM_SLURM_OUT_FAILED;
    case SOCM_SLURM_FAILED:
    case SOCM_SLURM_OUT_OF_MEMORY:
        return SOCM_SLURM_OUT_FAILED;
    case SOCM_SLURM_TIMEOUT:
    case SOCM_SLURM_DEADLINE:
        return SOCM_SLURM_OUT_TIMEOUT;
    case SOCM_SLURM_CANCELLED:
        return SOCM_SLURM_OUT_CANCELLED;
    case SOCM_SLURM_NODE_FAIL:
    case SOCM_SLURM_BOOT_FAIL:
    case SOCM_SLURM_PREEMPTED:
        return SOCM_SLURM_OUT_LOST;
    default:
        return SOCM_SLURM_OUT_ACTIVE;
    }
}

bool socm_slurm_error_retryable(const char *text)
{
    /* Messages of refusals that go away by themselves: per-user submission and
     * job-count limits, a busy or briefly unreachable controller, step creation
     * held while nodes are being set up. */
    static const char *marks[] = {
        "QOSMaxSubmitJobPerUserLimit",
        "QOSMaxSubmitJobPerAccountLimit",
        "AssocMaxSubmitJobLimit",
        "MaxSubmitJobLimit",
        "Job step creation temporarily disabled",
        "Socket timed out",
        "Unable to contact slurm controller",
        "Slurm temporarily unable to accept job",
        "Resource temporarily unavailable",
        "Zero Bytes were transmitted or received",
        "Connection refused",
        "Requested nodes are busy",
    };
    if (!text)
        return false;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strstr(text, marks[i]))
            return true;
    return false;
}

/* ---- values ---- */

int64_t socm_slurm_duration_parse(const char *s)
{
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    if (!strcasecmp(s, "UNLIMITED") || !strcasecmp(s, "INFINITE") || !strcasecmp(s, "Partition_Limit"))
        return INT64_MAX;
    if (is_unknown_word(s))
        return -1;
    int64_t days = 0;
    const char *dash = strchr(s, '-');
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -1;
    if (dash) {
        memcpy(buf, s, (size_t)(dash - s));
        buf[dash - s] = '\0';
        days = socm_slurm_count_parse(buf);
        if (days < 0 || days > 1000000)
            return -1;
        s = dash + 1;
    }
    /* Up to three ':'-separated fields, the last with optional ".mmm" (dropped). */
    snprintf(buf, sizeof buf, "%s", s);
    char *dot = strchr(buf, '.');
    if (dot) {
        for (char *q = dot + 1; *q; q++)
            if (!isdigit((unsigned char)*q))
                return -1;
        *dot = '\0';
    }
    int64_t part[3];
    int np = 0;
    char *tok = buf;
    for (;;) {
        char *colon = strchr(tok, ':');
        if (colon)
            *colon = '\0';
        if (np == 3)
            return -1;
        part[np] = socm_slurm_count_parse(tok);
        if (part[np] < 0 || part[np] > 100000000)
            return -1;
        np++;
        if (!colon)
            break;
        tok = colon + 1;
    }
    int64_t h = 0, m = 0, sec = 0;
    if (np == 3)
        h = part[0], m = part[1], sec = part[2];
    else if (np == 2)
        m = part[0], sec = part[1];
    else
        sec = part[0];
    /* "1-02" means days-hours in Slurm's input syntax; sacct never prints it. */
    if (dash && np == 1)
        h = sec, sec = 0;
    return ((days * 24 + h) * 60 + m) * 60 + sec;
}

int64_t socm_slurm_size_kib_parse(const char *s)
{
    if (!s)
        return -1;
    while (*s == ' ')
        s++;
    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || end == s || !isfinite(v) || v < 0)
        return -1;
    double mult = 1;
    switch (*end) {
    case '\0': break;
    case 'K': case 'k': mult = 1; end++; break;
    case 'M': case 'm': mult = 1024; end++; break;
    case 'G': case 'g': mult = 1024.0 * 1024; end++; break;
    case 'T': case 't': mult = 1024.0 * 1024 * 1024; end++; break;
    case 'P': case 'p': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: return -1;
    }
    if (*end == 'i' || *end == 'B') /* tolerate "KiB", "MB" */
        end++;
    if (*end == 'B')
        end++;
    if (*end)
        return -1;
    double kib = v * mult;
    if (kib >= 9.2e18)
        return -1;
    return (int64_t)llround(kib);
}

int socm_slurm_exitcode_parse(const char *s, int *code, int *sig)
{
    *code = -1;
    *sig = -1;
    if (!s)
        return -1;
    const char *colon = strchr(s, ':');
    if (!colon)
        return -1;
    char a[32];
    size_t n = (size_t)(colon - s);
    if (n == 0 || n >= sizeof a)
        return -1;
    memcpy(a, s, n);
    a[n] = '\0';
    int64_t c = socm_slurm_count_parse(a), g = socm_slurm_count_parse(colon + 1);
    if (c < 0 || g < 0 || c > 255 || g > 255)
        return -1;
    *code = (int)c;
    *sig = (int)g;
    return 0;
}

int64_t socm_slurm_tres_get(const char *tres, const char *name)
{
    if (!tres || !name)
        return -1;
    size_t nl = strlen(name);
    const char *p = tres;
    while (*p) {
        size_t len = strcspn(p, ",");
        if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
            char buf[32];
            size_t vl = len - nl - 1;
            if (vl >= sizeof buf)
                return -1;
            memcpy(buf, p + nl + 1, vl);
            buf[vl] = '\0';
            return socm_slurm_count_parse(buf);
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return -1;
}

double socm_slurm_time_parse(const char *s)
{
    if (!s)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end)
        return -1;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    return t == (time_t)-1 ? -1 : (double)t;
}

int64_t socm_slurm_jobid_parse(const char *s)
{
    if (!s)
        return -1;
    char buf[32];
    size_t n = strcspn(s, ";\r\n");
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int64_t id = socm_slurm_count_parse(buf);
    return id > 0 ? id : -1;
}

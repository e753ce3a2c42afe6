/* bookkeeper_output.c — what a running manager says: socm.log always, stderr as
 * timestamped lines or one live progress line on a terminal, and what happens when
 * stderr goes away. */
#include "manager/bookkeeper_impl.h"
#include "manager/progress_line.h"
#include "enactors/enactor_sites.h"
#include "state/record.h"
#include "agents/supervise.h"
#include "predict/history.h"
#include "slurm/slurm.h"
#include "util/dirfd.h"
#include "util/proc.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
/* ---- output: socm.log always; stderr as timestamped lines or one live line ---- */

/* stderr is gone (a closed pipe: `socm run ... 2>&1 | head`; a hung-up terminal):
 * the campaign goes on, its progress only in socm.log and the journal. */
void socm_bk_output_lost(struct socm_bk *bk, const char *why)
{
    clearerr(stderr);
    if (bk->opts.quiet && !bk->opts.tty)
        return;
    bk->opts.quiet = true;
    bk->opts.tty = false;
    bk->progress_len = 0;
    if (bk->log) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        char ts[32];
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(bk->log, "%s %s: no more output to the terminal; the campaign goes on "
                         "(progress in socm.log, `socm status`)\n", ts, why);
    }
}

void socm_bk_check_stderr(struct socm_bk *bk)
{
    if (ferror(stderr))
        socm_bk_output_lost(bk, "stderr is gone (a write to it failed: closed pipe or terminal)");
}

void socm_bk_clear_progress(struct socm_bk *bk)
{
    if (bk->opts.tty && bk->progress_len) {
        fputs("\r\033[K", stderr);
        bk->progress_len = 0;
    }
}

void socm_bk_draw_progress(struct socm_bk *bk)
{
    if (!bk->opts.tty || bk->opts.quiet || !bk->e || bk->progress_off)
        return;
    double now = socm_bk_now(bk);
    size_t ended = bk->count[SOCM_W_DONE] + bk->count[SOCM_W_FAILED] + bk->count[SOCM_W_CANCELED];
    double eta = bk->t_begin + bk->spec.makespan_min * 60 - now;
    struct socm_progress p = {bk->spec.campaign, bk->count[SOCM_W_DONE], bk->spec.n,
                              bk->count[SOCM_W_RUNNING] + bk->count[SOCM_W_SUBMITTED],
                              bk->count[SOCM_W_FAILED], bk->count[SOCM_W_CANCELED], now - bk->t_begin,
                              ended < bk->spec.n ? eta : -1};
    char line[512];
    /* Fitted to the width at each redraw: the terminal may have been resized. */
    socm_progress_format(&p, socm_progress_columns(2), line, sizeof line);
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
    bk->progress_len = 1;
}

static void bk_logv(struct socm_bk *bk, const char *fmt, va_list ap)
{
    char raw[1024];
    vsnprintf(raw, sizeof raw, fmt, ap);
    /* One event, one line: a control character from a name or a message cannot
     * forge another line or move the terminal's cursor. */
    struct socm_buf esc = SOCM_BUF_INIT;
    socm_buf_put_escaped(&esc, raw, strlen(raw));
    const char *msg = esc.data ? esc.data : "";
    time_t t = (time_t)socm_bk_now(bk);
    struct tm tm;
    gmtime_r(&t, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (bk->log) /* flushed with the journal, once per loop iteration */
        fprintf(bk->log, "%s %s\n", ts, msg);
    if (!bk->opts.quiet && bk->opts.tty) {
        socm_bk_clear_progress(bk);
        fprintf(stderr, "%s\n", msg);
        socm_bk_draw_progress(bk);
    } else if (!bk->opts.quiet)
        fprintf(stderr, "%s %s\n", ts, msg);
    socm_buf_free(&esc);
}

void socm_bk_log(struct socm_bk *bk, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bk_logv(bk, fmt, ap);
    va_end(ap);
}

/* html_report.c — a run as one self-contained HTML page (see html_report.h). */
#include "report/html_report.h"
#include "report/gantt_svg.h"
#include "report/profile.h"
#include "report/run_rows.h"
#include "report/svg_chart.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char style[] =
    "body{font-family:sans-serif;margin:1.5em;color:#222;max-width:1300px}"
    "h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;text-align:left}"
    "table.kv th{color:#555;font-weight:normal}"
    "table.sortable th{cursor:pointer;background:#f0f0f0;position:sticky;top:0}"
    "table.sortable th[aria-sort=ascending]::after{content:' \\25B2'}"
    "table.sortable th[aria-sort=descending]::after{content:' \\25BC'}"
    "table.sortable tr:nth-child(even){background:#fafafa}td.num{text-align:right}"
    ".DONE{color:#2e7d32}.FAILED{color:#c62828;font-weight:bold}.CANCELED{color:#666}"
    "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px}"
    ".chart{overflow-x:auto}";

/* Sorting by a column: click its heading (again to reverse); #sort=COLUMN or
 * #sort=-COLUMN in the address sorts on load. data-socm-ready says the script ran. */
static const char script[] =
    "(function(){\n"
    "function key(td,num){var v=td.getAttribute('data-v');if(v===null)v=td.textContent;"
    "if(!num)return v.toLowerCase();var f=parseFloat(v);return isNaN(f)?-Infinity:f;}\n"
    "function sortBy(t,i,asc){var ths=t.tHead.rows[0].cells,num=ths[i].getAttribute('data-type')==='num';"
    "for(var k=0;k<ths.length;k++)ths[k].removeAttribute('aria-sort');"
    "ths[i].setAttribute('aria-sort',asc?'ascending':'descending');"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);"
    "rows.sort(function(x,y){var a=key(x.cells[i],num),c=key(y.cells[i],num);"
    "return (a<c?-1:a>c?1:0)*(asc?1:-1);});"
    "for(var r=0;r<rows.length;r++)b.appendChild(rows[r]);}\n"
    "var tables=document.querySelectorAll('table.sortable');\n"
    "for(var n=0;n<tables.length;n++)(function(t){var ths=t.tHead.rows[0].cells;"
    "for(var i=0;i<ths.length;i++)(function(i){ths[i].addEventListener('click',function(){"
    "sortBy(t,i,ths[i].getAttribute('aria-sort')!=='ascending');});})(i);"
    "var m=/^#sort=(-?)(\\w+)$/.exec(location.hash);"
    "if(m)for(var j=0;j<ths.length;j++)if(ths[j].getAttribute('data-key')===m[2])sortBy(t,j,m[1]!=='-');"
    "})(tables[n]);\n"
    "document.body.setAttribute('data-socm-ready','1');\n"
    "})();\n";

static void esc(FILE *out, const char *s)
{
    socm_svg_text(out, s);
}

static void kv(FILE *out, const char *k, const char *v)
{
    fprintf(out, "<tr><th>%s</th><td>", k);
    esc(out, v ? v : "-");
    fputs("</td></tr>\n", out);
}

static void kv_duration(FILE *out, const char *k, double minutes)
{
    char d[32];
    socm_chart_duration(minutes, d, sizeof d);
    kv(out, k, minutes >= 0 ? d : NULL);
}

static void summary(FILE *out, const struct socm_bk *bk, const struct socm_run_rows *rr)
{
    const struct socm_run_gantt_opts *o = &rr->o;
    char when[40] = "-", cores[32] = "-", counts[256] = "";
    time_t t = (time_t)bk->t_begin;
    struct tm tm;
    if (bk->t_begin > 0 && gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (o->cores > 0)
        snprintf(cores, sizeof cores, "%lld", (long long)o->cores);
    size_t len = 0;
    for (int s = SOCM_W_NEW; s <= SOCM_W_CANCELED && len < sizeof counts; s++)
        if (bk->count[s])
            len += (size_t)snprintf(counts + len, sizeof counts - len, "%s%zu %s", len ? ", " : "",
                                    bk->count[s], socm_wstate_name((enum socm_wstate)s));
    fputs("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">\n", out);
    kv(out, "campaign", bk->spec.campaign);
    fprintf(out, "<tr><th>state</th><td class=\"%s\">%s</td></tr>\n", o->state, o->state);
    if (bk->creason)
        kv(out, "reason", bk->creason);
    kv(out, "workflows", counts[0] ? counts : "none");
    kv(out, "started (UTC)", when);
    kv_duration(out, "planned makespan", bk->spec.makespan_min);
    kv_duration(out, "actual", o->actual_min);
    kv_duration(out, "deadline", bk->spec.deadline_min > 0 ? bk->spec.deadline_min : -1);
    kv(out, "policy", o->policy);
    kv(out, "cores", cores);
    kv(out, "QoS", o->qos);
    kv(out, "enactor", bk->spec.enactor);
    kv(out, "state directory", bk->spec.state_dir);
    fputs("</table></section>\n", out);
}

/* The last SOCM_HTML_TAIL_BYTES of a sandbox's stderr, from its first whole line;
 * NULL when there is none. Read without following symbolic links. */
static char *stderr_tail(const char *sandbox)
{
    char *p = socm_asprintf("%s/stderr", sandbox);
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    free(p);
    if (fd < 0)
        return NULL;
    off_t size = lseek(fd, 0, SEEK_END);
    off_t from = size > SOCM_HTML_TAIL_BYTES ? size - SOCM_HTML_TAIL_BYTES : 0;
    char *buf = socm_xcalloc(SOCM_HTML_TAIL_BYTES + 1, 1);
    ssize_t n = size > 0 ? pread(fd, buf, SOCM_HTML_TAIL_BYTES, from) : 0;
    close(fd);
    if (n <= 0) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    char *start = buf;
    if (from > 0) { /* cut into a line: start at the next one */
        char *nl = strchr(buf, '\n');
        start = nl && nl[1] ? nl + 1 : buf;
    }
    char *r = socm_strdup(start);
    free(buf);
    return r;
}

static void failures(FILE *out, const char *dir, const struct socm_bk *bk)
{
    const struct socm_spec *s = &bk->spec;
    fprintf(out, "<section id=\"failures\"><h2>Failures (%zu)</h2>\n", bk->count[SOCM_W_FAILED]);
    if (!bk->count[SOCM_W_FAILED])
        fputs("<p>None.</p>\n", out);
    for (size_t i = 0; i < s->n; i++) {
        const struct socm_wfstate *w = &bk->w[i];
        if (w->state != SOCM_W_FAILED)
            continue;
        fputs("<div class=\"failure\"><h3>", out);
        esc(out, s->tasks[i].name);
        fputs("</h3><p>", out);
        fprintf(out, "%d attempt%s: ", w->attempts, w->attempts == 1 ? "" : "s");
        if (w->reason)
            esc(out, w->reason);
        else if (w->signal)
            fprintf(out, "killed by signal %d", w->signal);
        else
            fprintf(out, "exit code %d", w->exit_code);
        fputs("</p>\n", out);
        char *sb = socm_bk_sandbox(s, dir, (int)i);
        char *tail = stderr_tail(sb);
        fputs("<p>stderr (", out);
        esc(out, sb);
        fputs("/stderr):</p><pre class=\"stderr\">", out);
        esc(out, tail ? tail : "(empty)");
        fputs("</pre></div>\n", out);
        free(tail);
        free(sb);
    }
    fputs("</section>\n", out);
}

/* A numeric cell: the value for people, the exact one in data-v for sorting. */
static void num(FILE *out, double v, const char *fmt)
{
    if (v < 0 || !isfinite(v)) {
        fputs("<td class=\"num\" data-v=\"\">-</td>", out);
        return;
    }
    fprintf(out, "<td class=\"num\" data-v=\"%.17g\">", v);
    fprintf(out, fmt, v);
    fputs("</td>", out);
}

static void workflows(FILE *out, const struct socm_bk *bk, const struct socm_run_rows *rr)
{
    static const char *const cols[][3] = {
        {"id", "id", "num"},           {"name", "workflow", ""},       {"state", "state", ""},
        {"attempts", "attempts", "num"}, {"cores", "cores", "num"},    {"memory", "memory MB", "num"},
        {"plan_start", "plan start min", "num"}, {"plan_end", "plan end min", "num"},
        {"start", "start min", "num"}, {"end", "end min", "num"},      {"elapsed", "elapsed s", "num"},
        {"rss", "max RSS MB", "num"},  {"cpu", "CPU s", "num"},        {"exit", "exit", "num"},
    };
    fputs("<section id=\"workflows\"><h2>Workflows</h2>\n<table id=\"wf\" class=\"sortable\"><thead><tr>", out);
    for (size_t k = 0; k < sizeof cols / sizeof *cols; k++)
        fprintf(out, "<th data-key=\"%s\"%s>%s</th>", cols[k][0], cols[k][2][0] ? " data-type=\"num\"" : "",
                cols[k][1]);
    fputs("</tr></thead><tbody>\n", out);
    for (size_t i = 0; i < rr->n; i++) {
        const struct socm_gantt_row *r = &rr->v[i];
        const struct socm_wfstate *w = &bk->w[i];
        fprintf(out, "<tr><td class=\"num\" data-v=\"%d\">%d</td><td>", bk->spec.tasks[i].id, bk->spec.tasks[i].id);
        esc(out, r->name);
        fprintf(out, "</td><td class=\"%s\">%s</td>", r->state, r->state);
        num(out, w->attempts, "%.0f");
        num(out, (double)r->cores, "%.0f");
        num(out, r->memory_mb > 0 ? r->memory_mb : -1, "%.0f"); /* 0: none requested */
        num(out, r->plan_start, "%.2f");
        num(out, r->plan_end, "%.2f");
        num(out, r->start, "%.2f");
        num(out, r->end, "%.2f");
        num(out, w->start > 0 ? w->elapsed_s : -1, "%.1f");
        num(out, w->start > 0 ? w->max_rss_mb : -1, "%.0f");
        num(out, w->start > 0 ? w->cpu_s : -1, "%.1f");
        bool ended = w->state == SOCM_W_DONE || w->state == SOCM_W_FAILED;
        num(out, ended && !w->signal ? w->exit_code : -1, "%.0f");
        fputs("</tr>\n", out);
    }
    fputs("</tbody></table></section>\n", out);
}

/* The plan the run followed (the journal keeps it), as the plan chart: cores ×
 * time, coloured by workflow type. Nothing when the journal has no plan. */
static void plan_chart(FILE *out, const struct socm_bk *bk)
{
    const struct socm_spec *s = &bk->spec;
    const json_t *j = s->plan, *entries = json_object_get(j, "entries");
    if (!json_is_array(entries) || json_array_size(entries) != s->n)
        return;
    struct socm_plan p = {
        .policy = (char *)json_string_value(json_object_get(j, "policy")),
        .qos = (char *)json_string_value(json_object_get(j, "qos")),
        .cores = (int64_t)json_integer_value(json_object_get(j, "cores")),
        .makespan = json_number_value(json_object_get(j, "makespan")),
        .n = s->n,
        .entries = socm_xcalloc(s->n ? s->n : 1, sizeof *p.entries),
    };
    const char **names = socm_xcalloc(s->n ? s->n : 1, sizeof *names);
    const char **types = socm_xcalloc(s->n ? s->n : 1, sizeof *types);
    for (size_t i = 0; i < s->n; i++) {
        const json_t *e = json_array_get(entries, i);
        p.entries[i] = (struct socm_plan_entry){
            (int)json_integer_value(json_object_get(e, "id")),
            (int64_t)json_integer_value(json_object_get(e, "core_first")),
            (int64_t)json_integer_value(json_object_get(e, "core_last")),
            json_number_value(json_object_get(e, "memory_mb")),
            json_number_value(json_object_get(e, "start")),
            json_number_value(json_object_get(e, "end")),
        };
        names[i] = s->tasks[i].name;
        types[i] = json_string_value(json_object_get(s->tasks[i].history, "workflow"));
    }
    struct socm_gantt_opts o = {s->campaign, s->deadline_min, types, "workflow type"};
    fputs("<section id=\"plan\"><h2>Plan (cores × time)</h2><div class=\"chart\">\n", out);
    socm_gantt_svg(out, &p, names, &o);
    fputs("</div></section>\n", out);
    free(types);
    free(names);
    free(p.entries);
}

static void profile(FILE *out, const char *dir)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    struct socm_error err = {0};
    int rc = m ? socm_profile_report(dir, m, &err) : -1;
    if (m)
        fclose(m);
    fputs("<section id=\"profile\"><h2>Profile</h2><pre>", out);
    esc(out, rc == 0 ? text : err.msg[0] ? err.msg : "(no profile)");
    fputs("</pre></section>\n", out);
    free(text);
}

void socm_html_report(FILE *out, const char *dir, const struct socm_bk *bk)
{
    struct socm_run_rows rr;
    socm_run_rows_of(bk, &rr);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\"><title>socm report: ", out);
    esc(out, bk->spec.campaign);
    fprintf(out, "</title><style>%s</style></head>\n<body>\n<h1>", style);
    esc(out, bk->spec.campaign);
    fprintf(out, " <span class=\"%s\">%s</span></h1>\n", rr.o.state, rr.o.state);
    summary(out, bk, &rr);
    fputs("<section id=\"chart\"><h2>Planned vs actual</h2><div class=\"chart\">\n", out);
    socm_run_gantt_svg(out, &rr.o, rr.v, rr.n);
    fputs("</div></section>\n", out);
    plan_chart(out, bk);
    failures(out, dir, bk);
    workflows(out, bk, &rr);
    profile(out, dir);
    fprintf(out, "<script>\n%s</script>\n</body></html>\n", script);
    socm_run_rows_free(&rr);
}

int socm_html_report_write(const char *path, const char *dir, const struct socm_bk *bk, struct socm_error *err)
{
    FILE *f = fopen(path, "we");
    if (!f)
        return socm_error_errno(err, "cannot write %s", path);
    socm_html_report(f, dir, bk);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return socm_error_errno(err, "cannot write %s", path);
    return 0;
}

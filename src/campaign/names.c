/* names.c — the alphabet of names. A campaign's, workflow's, site's or resource's
 * name becomes a directory or file name in the state directory, a Slurm job name,
 * a word in batch scripts and a token in log lines; so it is restricted to ASCII
 * letters, digits, '-', '_', '.' and '+', may not start with '.' (no "..", no
 * hidden files) nor with '-' (never taken for a command's option) and has at most SOCM_NAME_MAX bytes (well under NAME_MAX with the
 * suffixes socm adds). Checked once, at validation, with the name's position. */
#include "campaign/names.h"
#include "config/config.h"

#include <stdio.h>
#include <string.h>

static bool name_char_ok(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.' || ch == '+';
}

const char *socm_name_problem(const char *name, size_t len, char *buf, size_t bufsize)
{
    if (len == 0)
        return "is empty";
    if (len > SOCM_NAME_MAX) {
        snprintf(buf, bufsize, "is %zu bytes long", len);
        return buf;
    }
    if (name[0] == '.')
        return "starts with '.'";
    if (name[0] == '-')
        return "starts with '-'";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (name_char_ok(ch))
            continue;
        if (ch >= 0x20 && ch < 0x7f)
            snprintf(buf, bufsize, "contains '%c'", ch);
        else
            snprintf(buf, bufsize, "contains the byte 0x%02x", ch);
        return buf;
    }
    return NULL;
}

/* The name as it may be shown in a message: its first 60 bytes, control
 * characters escaped, so the message itself stays one clean line. */
static void shown(const char *name, size_t len, char *out, size_t outsize)
{
    struct socm_buf b = SOCM_BUF_INIT;
    socm_buf_put_escaped(&b, name, len > 60 ? 60 : len);
    snprintf(out, outsize, "%s%s", b.data ? b.data : "", len > 60 ? "..." : "");
    socm_buf_free(&b);
}

static void check_one(const char *what, const char *name, const struct socm_pos *pos,
                      const char *hint, struct socm_errlist *errs)
{
    char why[64], show[300];
    size_t len = strlen(name);
    const char *problem = socm_name_problem(name, len, why, sizeof why);
    if (!problem)
        return;
    shown(name, len, show, sizeof show);
    socm_errlist_addf(errs, pos,
                      "%s name '%s' %s (a name is 1 to %d bytes of ASCII letters, digits, '-', "
                      "'_', '.' and '+', not starting with '.' or '-')%s",
                      what, show, problem, SOCM_NAME_MAX, hint);
}

void socm_name_check(const char *what, const char *name, const struct socm_pos *pos,
                     struct socm_errlist *errs)
{
    check_one(what, name, pos, "", errs);
}

/* The position of a string key's value in t, else `fallback`. */
static const struct socm_pos *pos_of(const struct socm_value *t, const char *key,
                                     const struct socm_pos *fallback)
{
    const struct socm_value *v = socm_table_get(t, key);
    return v && v->type == SOCM_V_STRING && v->pos.line > 0 ? &v->pos : fallback;
}

void socm_campaign_check_names(const struct socm_campaign *c, const struct socm_value *camp,
                               struct socm_errlist *errs)
{
    if (c->name) {
        bool from_file = !socm_table_get(camp, "name");
        check_one("campaign", c->name, pos_of(camp, "name", &c->pos),
                  from_file ? " (it comes from the file name; set name = \"...\" in [campaign])"
                            : "",
                  errs);
    }
    if (c->resource_name && !c->n_sites)
        check_one("resource", c->resource_name, pos_of(camp, "resource", &c->pos), "", errs);
    for (size_t i = 0; i < c->n_sites; i++)
        check_one("site", c->sites[i].name, &c->sites[i].pos, "", errs);
    for (size_t i = 0; i < c->n_wfs; i++) {
        const struct socm_workflow *wf = c->wfs[i];
        if (wf->name)
            check_one("workflow", wf->name, pos_of(wf->fields, "name", &wf->pos), "", errs);
    }
}

void socm_name_index_init(struct socm_name_index *ix, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    ix->slots = socm_xcalloc(cap, sizeof *ix->slots);
    ix->mask = cap - 1;
}

void socm_name_index_free(struct socm_name_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
}

static size_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (size_t)h;
}

uint32_t *socm_name_index_slot(const struct socm_name_index *ix, struct socm_workflow *const *wfs,
                               const char *name)
{
    size_t h = name_hash(name) & ix->mask;
    while (ix->slots[h] && strcmp(wfs[ix->slots[h] - 1]->name, name))
        h = (h + 1) & ix->mask;
    return &ix->slots[h];
}

char *socm_state_dir_default(const char *name)
{
    return socm_asprintf("./socm-%s", name);
}

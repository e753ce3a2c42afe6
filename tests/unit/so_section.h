/* so_section.h — building workflow sections in C for the SO workflow tests (the
 * TOML parser is another module's business), and running a type's expansion. */
#ifndef SOCM_TEST_SO_SECTION_H
#define SOCM_TEST_SO_SECTION_H

#include "util/str.h"
#include "workflows/so_types.h"

#include <string.h>

__attribute__((unused)) static struct socm_pos sec_pos(int line)
{
    struct socm_pos p = socm_pos_at("campaign.toml", line, 1);
    return p;
}

static struct socm_value *sec_new(void)
{
    struct socm_pos p = sec_pos(1);
    return socm_value_table(&p);
}

static int sec_line = 2;

__attribute__((unused)) static void sec_s(struct socm_value *t, const char *k, const char *v)
{
    struct socm_pos p = sec_pos(sec_line++);
    socm_table_set(t, k, socm_value_string(v, strlen(v), &p));
}

__attribute__((unused)) static void sec_i(struct socm_value *t, const char *k, int64_t v)
{
    struct socm_pos p = sec_pos(sec_line++);
    socm_table_set(t, k, socm_value_integer(v, &p));
}

__attribute__((unused)) static void sec_b(struct socm_value *t, const char *k, bool v)
{
    struct socm_pos p = sec_pos(sec_line++);
    socm_table_set(t, k, socm_value_bool(v, &p));
}

__attribute__((unused)) static void sec_res(struct socm_value *t, int64_t ranks, int64_t threads)
{
    struct socm_pos p = sec_pos(sec_line++);
    struct socm_value *r = socm_value_table(&p);
    sec_i(r, "ranks", ranks);
    sec_i(r, "threads", threads);
    socm_table_set(t, "resources", r);
}

__attribute__((unused)) static int sec_expand(const struct socm_workflow_type *type, const char *base_dir,
                      const struct socm_value *section, struct socm_wflist *out,
                      struct socm_error *err)
{
    struct socm_wf_ctx ctx = {NULL, type->name, base_dir};
    return type->expand(type, &ctx, section, out, err);
}

#endif

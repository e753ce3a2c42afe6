/* merge.c — deep merge of config trees (`-t base.toml -t production.toml`): tables
 * merge key by key, recursively; a later scalar or array replaces an earlier one
 * (arrays are not concatenated: a later file states the whole list). A key keeps its
 * place in the earlier file's order; new keys are appended. Positions follow the
 * value that is kept, so errors point into the file that supplied it. */
#include "config/config.h"

/* Moves src's content into dst (dst's old content is freed), then frees src. */
static void socm_value_replace(struct socm_value *dst, struct socm_value *src)
{
    socm_value_swap(dst, src);
    socm_value_free(src);
}

void socm_config_merge(struct socm_value *dst, struct socm_value *src)
{
    if (!src)
        return;
    if (dst->type != SOCM_V_TABLE || src->type != SOCM_V_TABLE) {
        socm_value_replace(dst, src);
        return;
    }
    for (size_t i = 0; i < src->u.tbl.n; i++) {
        struct socm_kv *kv = &src->u.tbl.items[i];
        struct socm_value *value = kv->value;
        kv->value = NULL; /* moved out; src is freed below */
        struct socm_value *have = socm_table_getn(dst, kv->key, kv->keylen);
        if (!have) {
            socm_table_add(dst, kv->key, kv->keylen, &kv->key_pos, value);
            continue;
        }
        bool replaced = have->type != SOCM_V_TABLE || value->type != SOCM_V_TABLE;
        socm_config_merge(have, value);
        /* The key now names the later file's value: point there too. */
        const struct socm_kv *dkv = socm_table_get_kv(dst, kv->key);
        if (replaced && dkv && dkv->value == have)
            ((struct socm_kv *)dkv)->key_pos = kv->key_pos;
    }
    socm_value_free(src);
}

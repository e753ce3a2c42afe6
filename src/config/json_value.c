/* json_value.c — a JSON value (an external extension's reply) as a config tree, so
 * that what an extension returns goes through the same readers (units, environment,
 * depends) as what a campaign file says. */
#include "config/formats.h"

#include <jansson.h>
#include <string.h>

struct socm_value *socm_value_from_json(const json_t *j, const struct socm_pos *pos)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        struct socm_value *t = socm_value_table(pos);
        const char *k;
        size_t klen;
        json_t *v;
        json_object_keylen_foreach((json_t *)j, k, klen, v)
        {
            struct socm_value *item = socm_value_from_json(v, pos);
            if (socm_table_add(t, k, klen, pos, item) < 0)
                socm_value_free(item);
        }
        return t;
    }
    case JSON_ARRAY: {
        struct socm_value *a = socm_value_array(pos);
        for (size_t i = 0; i < json_array_size(j); i++)
            socm_array_push(a, socm_value_from_json(json_array_get(j, i), pos));
        return a;
    }
    case JSON_STRING:
        return socm_value_string(json_string_value(j), json_string_length(j), pos);
    case JSON_INTEGER:
        return socm_value_integer((int64_t)json_integer_value(j), pos);
    case JSON_REAL:
        return socm_value_float(json_real_value(j), pos);
    case JSON_TRUE:
        return socm_value_bool(true, pos);
    case JSON_FALSE:
        return socm_value_bool(false, pos);
    default:
        return socm_value_new(SOCM_V_NULL, pos);
    }
}

/* fuzz_toml.c — libFuzzer target: the TOML parser and the writers must accept or
 * reject any bytes without crashing, leaking or hanging; what parses must write
 * back as TOML that parses again. */
#include "config/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct socm_error err;
    struct socm_value *v = socm_toml_parse((const char *)data, size, "fuzz.toml", &err);
    if (v) {
        char *json = socm_config_to_tagged_json(v);
        char *toml = socm_config_to_toml(v);
        struct socm_value *again = socm_toml_parse(toml, strlen(toml), "again.toml", &err);
        if (!again)
            abort(); /* the writer produced TOML its own parser refuses */
        socm_value_free(again);
        free(toml);
        free(json);
        socm_value_free(v);
    }
    socm_intern_free_all();
    return 0;
}

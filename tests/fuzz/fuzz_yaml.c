/* fuzz_yaml.c — libFuzzer target: the YAML loader (libyaml into the config tree)
 * must refuse hostile input (alias bombs, deep nesting) cleanly. */
#include "config/config.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct socm_error err;
    struct socm_value *v = socm_yaml_parse((const char *)data, size, "fuzz.yaml", &err);
    if (v) {
        char *json = socm_config_to_tagged_json(v);
        free(json);
        socm_value_free(v);
    }
    socm_intern_free_all();
    return 0;
}

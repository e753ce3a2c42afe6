/* fuzz_units.c — libFuzzer target: size and duration parsing of arbitrary text. */
#include "config/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    struct socm_error err;
    double out;
    socm_units_parse_memory_mb(s, &out, &err);
    socm_units_parse_duration_min(s, &out, &err);
    free(s);
    return 0;
}

/* fuzz_template.c — libFuzzer target: the template renderer. The input is split at
 * the first NUL byte into a template and TOML variables (if any); rendering must
 * produce output or an error, never crash, leak or hang (output and loops are bounded). */
#include "config/config.h"
#include "config/template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, 0, size);
    size_t tlen = nul ? (size_t)(nul - text) : size;
    struct socm_error err;
    struct socm_value *vars = NULL;
    if (nul) {
        vars = socm_toml_parse(nul + 1, size - tlen - 1, "vars.toml", &err);
    }
    size_t out_len = 0;
    char *out = socm_template_render(text, tlen, "fuzz.j2", vars, &out_len, &err);
    if (out && strlen(out) > out_len)
        abort(); /* the reported length must cover the text */
    free(out);
    socm_value_free(vars);
    socm_intern_free_all();
    return 0;
}

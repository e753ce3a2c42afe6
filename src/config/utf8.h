/* utf8.h — decoding one UTF-8 character: shared by the TOML reader, which refuses
 * invalid input, and the writers, which replace it with U+FFFD. */
#ifndef SOCM_CONFIG_UTF8_H
#define SOCM_CONFIG_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1..4) of the valid UTF-8 character at p, which has avail bytes, and
 * its code point in *cp; 0 if invalid (overlong, surrogate, above U+10FFFF,
 * truncated, or avail == 0). */
size_t socm_utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp);

#endif

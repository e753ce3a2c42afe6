/* crc32c.c — table-driven CRC-32C (see crc32c.h). */
#include "util/crc32c.h"

#include <pthread.h>

static uint32_t table[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void make_table(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1; /* reflected Castagnoli */
        table[i] = c;
    }
}

uint32_t socm_crc32c(const void *data, size_t len)
{
    return socm_crc32c_update(0, data, len);
}

uint32_t socm_crc32c_update(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&once, make_table);
    const unsigned char *p = data;
    uint32_t c = crc ^ 0xffffffffu;
    while (len--)
        c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

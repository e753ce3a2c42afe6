/* crc32c.h — CRC-32C (Castagnoli), the checksum each journal line carries so that
 * replay tells a damaged or hand-edited line from an intact one. */
#ifndef SOCM_CRC32C_H
#define SOCM_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of len bytes (the standard one: "123456789" gives 0xe3069283). */
uint32_t socm_crc32c(const void *data, size_t len);
/* The CRC of the bytes before data and data together, given `crc` of those before
 * (0 for none): a long text checksummed piece by piece. */
uint32_t socm_crc32c_update(uint32_t crc, const void *data, size_t len);

#endif

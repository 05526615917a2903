/*
 * endian.h - the machine's byte order (x86-64: little-endian) by the names
 * programs test (__BYTE_ORDER, BYTE_ORDER), and the conversions to and
 * from big- and little-endian integers (htobe32, le16toh ...).
 */
#ifndef LIBC_ENDIAN_H
#define LIBC_ENDIAN_H

/* Host builds of code that includes this directory (the console's host
 * tests) take the host's own. */
#if !__has_include(<machine/endian.h>)
#include_next <endian.h>
#else

#include <machine/endian.h>
#include <byteswap.h>

#define __LITTLE_ENDIAN _LITTLE_ENDIAN
#define __BIG_ENDIAN _BIG_ENDIAN
#define __PDP_ENDIAN _PDP_ENDIAN
#define __BYTE_ORDER _BYTE_ORDER

#define htobe16(x) bswap_16(x)
#define htobe32(x) bswap_32(x)
#define htobe64(x) bswap_64(x)
#define be16toh(x) bswap_16(x)
#define be32toh(x) bswap_32(x)
#define be64toh(x) bswap_64(x)
#define htole16(x) ((uint16_t)(x))
#define htole32(x) ((uint32_t)(x))
#define htole64(x) ((uint64_t)(x))
#define le16toh(x) ((uint16_t)(x))
#define le32toh(x) ((uint32_t)(x))
#define le64toh(x) ((uint64_t)(x))

#endif
#endif

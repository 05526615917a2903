/*
 * byteswap.h - bswap_16/32/64, reversing the bytes of an integer (the
 * compiler's builtins: one instruction each on x86-64).
 */
#ifndef LIBC_BYTESWAP_H
#define LIBC_BYTESWAP_H

#define bswap_16(x) __builtin_bswap16(x)
#define bswap_32(x) __builtin_bswap32(x)
#define bswap_64(x) __builtin_bswap64(x)

#endif

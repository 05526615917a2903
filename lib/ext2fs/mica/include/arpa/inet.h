/*
 * <arpa/inet.h> for compiling e2fsprogs' lib/ext2fs for Mica (this
 * directory is on the include path of the Mica variant only).
 * mkjournal.c's jfs_compat.h wants it for htonl and ntohl: the journal
 * superblock is big-endian.  newlib for x86_64-elf has no networking
 * headers; x86-64 is little-endian, so each conversion is a byte swap.
 */
#ifndef MICA_E2FS_ARPA_INET_H
#define MICA_E2FS_ARPA_INET_H

#include <stdint.h>

static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint16_t htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint16_t ntohs(uint16_t x) { return __builtin_bswap16(x); }

#endif

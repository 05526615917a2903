/*
 * libsys/bootmem.h - memory for a boot program, the first pager: pages of
 * the user pool (the KIP memory map's USABLE RAM that no later entry
 * covers), reached through the physical window (mica/boot.h), handed out
 * one after the other.
 */
#ifndef LIBSYS_BOOTMEM_H
#define LIBSYS_BOOTMEM_H

#include <mica/types.h>

/* The window address of the next free user-pool page (the kernel maps it,
 * zeroed, on first touch), or 0 when the pool is used up.  Pages come in
 * rising order; a run of `align` pages (a power of two) starts aligned to
 * its size if align > 1. */
mica_addr_t mica_bootmem_pages(unsigned long count, unsigned long align);

#endif

/*
 * mappings.h - every mapping the file server may make, taken by a test
 * program: OpenFile.mmap on one of its sessions until the server refuses
 * (ENFILE), for the cases that look at what the system does without one.
 */
#ifndef TESTS_QEMU_MAPPINGS_H
#define TESTS_QEMU_MAPPINGS_H

#include <mica/types.h>

/* Read-only mappings of the session `gate` into maps[0..max) until the
 * server refuses one: how many were made, *err the refusal (0 if max
 * came first). */
unsigned mappings_take_all(mica_cap_t gate, mica_cap_t *maps, unsigned max, int *err);
/* Give back the n mappings mappings_take_all made. */
void mappings_give_back(mica_cap_t *maps, unsigned n);

#endif

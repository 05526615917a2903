/*
 * lookup.h - the registry's names for the test programs root's launcher
 * starts (runtime or C-library programs): a server's capability looked up
 * at its first use and kept, for the cases that call it again and again.
 */
#ifndef TESTS_QEMU_LOOKUP_H
#define TESTS_QEMU_LOOKUP_H

#include <mica/types.h>

#define LOOKUP_KEPT 4   /* names one program keeps: the file and pipe servers so far */

/* What the registry has under `name` (a string that lives as long as the
 * program: a literal), from Registry.lookup at the first call for it and
 * from then on the same capability; 0 when there is none, nothing kept
 * (the next call looks again), or LOOKUP_KEPT other names are kept. */
mica_cap_t lookup_once(const char *name);

#endif

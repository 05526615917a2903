/*
 * pages.h - a program's file mappings as the process server keeps them
 * for it (srv/proc/pages.c, docs/processes.md "Starting"): root never asks
 * the file server for a page, so the faults that would be root's in those
 * mappings (the program's start-up before its region mapper runs, the
 * region mapper thread's own) come here as exceptions, and the server maps
 * the page into the program.
 */
#ifndef SRV_PROC_PAGES_H
#define SRV_PROC_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include <common/elf_load_plan.h>
#include <mica/types.h>

/* A region of the program that shows one of its file mappings. */
struct pages_region {
	uint64_t start, size, offset;
	uint32_t rights;
	bool data;   /* the data mapping's, else the text mapping's */
};

struct pages {
	mica_cap_t text, data;   /* the server's capabilities to the mappings (0: none) */
	mica_cap_t task;         /* the program's task, to map into (0: not started) */
	unsigned n;
	struct pages_region regions[ELF_REGIONS_MAX];
};

/* The exception (vector, error, addr) of a thread of the program whose
 * mappings m are: 0 when the page it faulted on is mapped into the
 * program now (the thread goes on), else -MICA_EFAULT (the program's own
 * that nothing serves).  A fault on a page the program has already, with
 * the rights the access needs, is not its own (an exec'd program's
 * predecessor, which shares the record's gate): -MICA_EPERM. */
int pages_fault(const struct pages *m, uint64_t vector, uint64_t error, uint64_t addr);
/* The last page of each of m's data regions mapped writable into `task`
 * (a private copy, as a write fault's) before the program's first thread
 * runs: libsys's slot bitmap and librt's UTCB allocator are there (linked
 * last), the data its start-up writes before its region mapper serves
 * faults, which root would refuse (an exception each; docs/processes.md
 * "Starting").  0 or a Mica error. */
int pages_map_data(const struct pages *m, mica_cap_t task);
/* Copies beside m's mappings (Task.cap_sibling: they outlive m's), into
 * *text and *data (0 where m has none): what root keeps for the program.
 * 0 or a Mica error. */
int pages_siblings(const struct pages *m, mica_cap_t *text, mica_cap_t *data);
/* A forked child's: m's regions, a copy beside m's text mapping, `data`
 * (the server's copy of m's data mapping, Dataspace.duplicate) and `task`
 * (taken).  0 or a Mica error. */
int pages_fork(const struct pages *m, mica_cap_t data, mica_cap_t task, struct pages *child);
/* m's capabilities and regions (only the n used: a copy of the whole
 * array costs a spawn 1.3 KiB) into `to`; pages_move leaves m empty. */
void pages_copy(struct pages *to, const struct pages *from);
void pages_move(struct pages *to, struct pages *from);
/* Its capabilities go. */
void pages_drop(struct pages *m);

#endif

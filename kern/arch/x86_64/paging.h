/*
 * paging.h - x86-64 4-level page tables: the kernel half shared by every
 * address space, user mappings made and torn down page by page.
 */
#ifndef KERN_ARCH_PAGING_H
#define KERN_ARCH_PAGING_H

#include <stdint.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* The no-execute bit if the CPU has one, else 0. */
extern uint64_t pte_nx;

/* Build the kernel's own tables (direct map of all RAM, device area, image)
 * and switch to them.  Needs the page allocator. */
void paging_init(void);

/* A new address space: a PML4 whose kernel half is the kernel's.  0 or error. */
int paging_space_create(uint64_t *pml4_pa);
/* Free the user half's tables, then the PML4; returns the tables freed but the PML4. */
unsigned paging_space_destroy(uint64_t pml4_pa);
/* Map one 4 KiB page; flags are PTE_* bits of the leaf.  0 or MICA_ENOMEM. */
int paging_map(uint64_t pml4_pa, uint64_t va, uint64_t pa, uint64_t flags);
/* The leaf entry for va, or 0. */
uint64_t paging_lookup(uint64_t pml4_pa, uint64_t va);
/* Page-table pages in use by all address spaces. */
uint64_t paging_table_pages(void);

/* Map device memory uncached into the kernel's device area. */
void *paging_map_device(uint64_t pa, uint64_t size);

#endif

/*
 * kmem.h - the kernel's memory: the physical page allocator over all usable
 * RAM, pages through the direct map, and the page source of the object
 * caches.  Every caller handles MICA_ENOMEM.
 */
#ifndef KERN_KMEM_H
#define KERN_KMEM_H

#include <stdint.h>

#include "pmm.h"

extern struct pmm kmem_pmm;

/* Set up the allocator from bootinfo; reserves the kernel image and modules. */
void kmem_init(void);
int kmem_page_alloc_pa(uint64_t *pa);
void kmem_page_free_pa(uint64_t pa);
/* Contiguous, aligned runs (kernel stacks). */
int kmem_run_alloc_pa(unsigned pages, uint64_t *pa);
void kmem_run_free_pa(uint64_t pa, unsigned pages);

#endif

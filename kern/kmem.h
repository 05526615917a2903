/*
 * kmem.h - the kernel's memory: the physical page allocator over all usable
 * RAM, pages through the direct map, and the page source of the object
 * caches.  Every caller handles MICA_ENOMEM.
 */
#ifndef KERN_KMEM_H
#define KERN_KMEM_H

#include <stdint.h>

#include "pmm.h"

extern struct pmm kmem_pmm;       /* the kernel's pool */
extern struct pmm kmem_user_pmm;  /* the user pool: handed out by the first pager */

/* Set up the allocator from bootinfo; reserves the kernel image and modules. */
void kmem_init(void);
/* After paging is up: split the free memory, about half for the kernel
 * (objects, tables, stacks) and the rest for user tasks. */
void kmem_split_user_pool(void);
/* The user pool, page by page (the first pager's faults). */
int kmem_user_page_claim(uint64_t pa);
int kmem_user_page_is_free(uint64_t pa);
void kmem_user_page_free(uint64_t pa);
int kmem_page_alloc_pa(uint64_t *pa);
void kmem_page_free_pa(uint64_t pa);
/* Contiguous, aligned runs (kernel stacks). */
int kmem_run_alloc_pa(unsigned pages, uint64_t *pa);
void kmem_run_free_pa(uint64_t pa, unsigned pages);

#endif

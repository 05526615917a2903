/*
 * phys.h - memory for the memory figures: user-pool RAM through
 * mica-bench's physical window (mica/boot.h, docs/memory.md).  mica-bench
 * is a boot program, so the kernel resolves its own accesses to
 * MICA_BOOT_PHYS_WINDOW + pa for user-pool RAM; from there it maps the
 * pages on.  Unlike the pages of its image, which every child task made
 * by qtask_create holds too, these pages are mapped nowhere else until a
 * figure maps them, so unmapping what was derived from them touches only
 * that figure's tasks.
 */
#ifndef TESTS_BENCH_PHYS_H
#define TESTS_BENCH_PHYS_H

#include <stdint.h>

/* 2^order pages of user-pool RAM, naturally aligned, not handed out
 * before, already mapped (touched) in mica-bench's task: their address in
 * the window.  0 after bench_fail when the pool has no such range left. */
uint64_t bench_phys_pages(unsigned order);

#endif

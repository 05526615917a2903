/*
 * rt_memory.h - the memory server's figures for the runtime's test
 * programs (programs root starts): this program's session use and the
 * pool's free pages, from Memory.stats on rt_cap("mem").
 */
#ifndef TESTS_QEMU_RT_MEMORY_H
#define TESTS_QEMU_RT_MEMORY_H

#include <stdint.h>

uint64_t rt_session_used(void);
uint64_t rt_pool_free(void);

#endif

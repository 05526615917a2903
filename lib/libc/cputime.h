/*
 * cputime.h - the CPU-time clocks (cputime.c) as time.c's calls reach them.
 */
#ifndef LIBC_CPUTIME_H
#define LIBC_CPUTIME_H

#include <stdint.h>
#include <time.h>

#include <mica/types.h>

/* pthread_getcpuclockid's clocks: this bit and the thread's capability
 * slot in the program's table. */
#define LIBC_CPUCLOCK_THREAD ((clockid_t)1 << 30)
#define LIBC_CPUCLOCK_SLOT_MASK ((clockid_t)(MICA_CAP_SLOTS - 1))

/* Whether id names a CPU-time clock; its time in nanoseconds (0, or
 * EINVAL: a thread that is gone); the clocks' resolution. */
int libc_cpuclock_is(clockid_t id);
int libc_cpuclock_ns(clockid_t id, uint64_t *ns);
long libc_cpuclock_res_ns(void);

#endif

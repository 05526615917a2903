/*
 * spinner.h - what a figure that waits for the disk needs under -icount
 * sleep=off: an idle CPU would jump the clock to the next timer deadline,
 * so, as the Linux baseline does, a thread at the lowest priority runs a
 * loop of two instructions (`incq (mem); jmp`) while the batch waits, and
 * the batch takes its rounds' instructions off (spinner.c).
 */
#ifndef TESTS_BENCH_SPINNER_H
#define TESTS_BENCH_SPINNER_H

#include <stdint.h>

/* Start the spinner once (later calls do nothing); 0 or -1. */
int spinner_start(void);
/* The spinner's rounds so far. */
uint64_t spinner_rounds(void);
/* Instructions one round takes. */
#define SPINNER_ROUND 2

#endif

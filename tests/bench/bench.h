/*
 * bench.h - measuring in guest instructions.  `make bench` runs QEMU with
 * -icount shift=0, where the guest TSC advances one tick per guest
 * instruction: an rdtsc delta counts every instruction run in between, in
 * this program, the kernel and any other task (docs/benchmarks.md).
 *
 * A figure is a function that returns instructions per operation, normally
 * bench_measure(batch, n).  A batch runs n operations, checks what they
 * returned and gives the instructions it took; on a wrong result it calls
 * bench_fail, so that a broken path never reports a fast number.
 * Freestanding: no C library.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include <stdint.h>

typedef uint64_t bench_batch_fn(unsigned n);
typedef uint64_t bench_figure_fn(void);

/* The guest instruction counter (lfence: after all earlier work). */
static inline uint64_t bench_now(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* A benchmark program's arguments: "short" (few batches of at most a few
 * operations: proves the paths, measures nothing) and "only=FIGURE" (run
 * that figure alone, to trace it: docs/debugging.md; up to 8 of them run
 * those figures, in the table's order).  0, or -1 after printing
 * PROGRAM's usage for anything else. */
int bench_args(const char *program, int argc, char **argv);

/* Warm up, then time batches of n operations; the median of the batch means. */
uint64_t bench_measure(bench_batch_fn *batch, unsigned n);

/* For an operation that is a whole program's run (hundreds of millions of
 * instructions): one untimed run, then the median of 3 timed ones, as the
 * Linux baseline takes its speedtest1 figures ("short": one timed run). */
uint64_t bench_measure_whole(bench_batch_fn *batch);

/* The figure being measured got a wrong result: say what, and report no figure. */
void bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run one figure and print "mica <name> <instructions>"; 1 if it failed. */
int bench_run(const char *name, bench_figure_fn *figure);

/* A benchmark program's figures, in the order they run. */
struct bench_figure {
	const char *name;
	bench_figure_fn *run;
};

/* Run every figure of the table (or bench_args' only=), then print "PROGRAM:
 * done, N figure(s), F failed"; the program's exit status (0: none failed
 * and at least one ran). */
int bench_run_table(const char *program, const struct bench_figure *figures, unsigned n);
#define BENCH_RUN_TABLE(program, figures) bench_run_table(program, figures, sizeof(figures) / sizeof((figures)[0]))

#endif

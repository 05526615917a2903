/*
 * qtest.h - what the QEMU test programs share: TAP lines, and child tasks
 * that run code of the test program itself.
 *
 * A test program is a table of named cases, each a function whose name
 * says what it proves; qtest_run runs them in order.  Every check is one
 * TAP line, "NAME: ok N - CASE: what", where NAME is the program's: the
 * test runner checks each program's results against its own plan, also
 * when several programs share the console (tools/testrun).
 *
 * A child task gets the test program's whole image (text, data, bss)
 * mapped at the same addresses, so its threads run the program's
 * functions on stacks from the program's bss; globals are shared memory
 * between the two address spaces.  Its capability table starts empty.
 */
#ifndef QTEST_H
#define QTEST_H

#include <libsys/debug.h>
#include <libsys/ipc.h>
#include <mica/boot.h>
#include <mica/error.h>
#include <mica/ipc.h>
#include <stdint.h>

/* Print "ok N - what" or "not ok N - what (got .., want ..)". */
void expect(const char *what, long got, long want);
/* Print "ok N - what # SKIP why": a check that could not be made here. */
void qtest_skip(const char *what, const char *why);
/* Check the kernel's invariants, print the plan line; returns the exit
 * status (the number of failures). */
int qtest_done(void);

struct qtest_case {
	const char *name;   /* what the case proves, e.g. "grant_moves_the_page" */
	void (*run)(void);
};

/* The name printed before each TAP line: the base name of argv[0]. */
void qtest_name(const char *argv0);
/* Run every case of the table in order (each check names its case), then
 * qtest_done(). */
int qtest_run(const char *argv0, const struct qtest_case *cases, unsigned n);
#define QTEST_RUN(argv0, cases) qtest_run(argv0, cases, sizeof(cases) / sizeof((cases)[0]))

#define QTEST_STACK 16384

/* A thread of the test program: in the program's own task or a child's. */
struct qthread {
	mica_cap_t slot;                 /* in the test program's table */
	uint8_t stack[QTEST_STACK] __attribute__((aligned(16)));
};

/* Start fn(arg) in task `task` (slot) as a new thread whose capability
 * goes to t->slot; utcb_index picks a distinct UTCB address. */
int qthread_start(struct qthread *t, mica_cap_t task, unsigned utcb_index, void (*fn)(void *), void *arg);
/* The same, left stopped (to set its pager first); then thread_start. */
int qthread_create(struct qthread *t, mica_cap_t task, unsigned utcb_index, void (*fn)(void *), void *arg);
/* A new task in slot `slot` with the test program's image mapped. */
int qtask_create(mica_cap_t slot);

/* Wait until *flag is non-zero (in 1 ms steps, for at most 2 s: a bound
 * for a test that fails, not a measure); returns *flag. */
int qtest_wait(volatile int *flag);

/* Busy loop (so that a thread uses its time slice). */
void qtest_spin(unsigned long n);

#endif

/*
 * qtest.h - what the QEMU test programs share: TAP lines, and child tasks
 * that run code of the test program itself.
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
/* Print the plan line; returns the exit status (failures). */
int qtest_done(void);

#define QTEST_STACK 16384

/* A thread of the test program: in the program's own task or a child's. */
struct qthread {
	mica_cap_t slot;                 /* in the test program's table */
	uint8_t stack[QTEST_STACK] __attribute__((aligned(16)));
};

/* Start fn(arg) in task `task` (slot) as a new thread whose capability
 * goes to t->slot; utcb_index picks a distinct UTCB address. */
int qthread_start(struct qthread *t, mica_cap_t task, unsigned utcb_index, void (*fn)(void *), void *arg);
/* A new task in slot `slot` with the test program's image mapped. */
int qtask_create(mica_cap_t slot);

/* Busy loop (so that a thread uses its time slice). */
void qtest_spin(unsigned long n);

#endif

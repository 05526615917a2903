/*
 * mica/exception.h - what a thread's exception handler receives
 * (idl/kernel/exception.idl): the x86-64 exception vectors a user thread
 * can raise, and the error code's bits of a page fault, as the processor
 * gives them.  The C library turns them into signals (lib/libc/sigfault.c,
 * docs/processes.md "Signals from faults").
 */
#ifndef MICA_EXCEPTION_H
#define MICA_EXCEPTION_H

#define MICA_EXC_DIVIDE 0          /* div, idiv: divisor 0 or quotient too big */
#define MICA_EXC_DEBUG 1
#define MICA_EXC_BREAKPOINT 3      /* int3 */
#define MICA_EXC_OVERFLOW 4        /* into */
#define MICA_EXC_BOUND 5
#define MICA_EXC_INVALID_OPCODE 6  /* ud2, an instruction the CPU has not */
#define MICA_EXC_STACK_SEGMENT 12
#define MICA_EXC_GENERAL_PROTECTION 13   /* a privileged instruction, a non-canonical address */
#define MICA_EXC_PAGE_FAULT 14     /* only those the thread's pager refused */
#define MICA_EXC_X87 16
#define MICA_EXC_ALIGNMENT 17
#define MICA_EXC_SIMD 19

/* A page fault's error code. */
#define MICA_PF_PRESENT 0x1u   /* the page was there: a protection fault */
#define MICA_PF_WRITE 0x2u
#define MICA_PF_FETCH 0x10u    /* an instruction fetch */

#endif

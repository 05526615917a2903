/*
 * mica/proc.h - what the process server (srv/proc, idl/rt/proc.idl) and its
 * clients share beside the IDL.
 */
#ifndef MICA_PROC_H
#define MICA_PROC_H

#include <stdint.h>

/* Proc.list's states. */
#define MICA_PROC_RUNNING 1u
#define MICA_PROC_ZOMBIE  2u   /* ended, not yet reaped by its parent */

/* The first process: orphans become its children, and the process server
 * reaps them for it.  (Root's own pid: the launcher numbers programs from 2.) */
#define MICA_PROC_INIT 1u

/* Proc.wait's option beside <sys/wait.h>'s WUNTRACED, WCONTINUED and
 * WNOWAIT: ended children are not reported (waitid without WEXITED). */
#define MICA_PROC_WAIT_NO_EXITS 0x4000000u

/* The label of the irq Proc.lock_owner answers: the C library's wait
 * irq's too, so that a lock's release wakes a waiter as the wait irq does
 * (lib/libc/notifier.c). */
#define MICA_WAIT_IRQ_LABEL 0x77616974ull   /* "wait" */

/* Proc.sigstate's flags, SIGCHLD's sa_flags as the server keeps them:
 * no SIGCHLD when a child stops or continues (SA_NOCLDSTOP); children
 * leave no zombie (SA_NOCLDWAIT, and SIGCHLD ignored, as XSI says). */
#define MICA_PROC_NOCLDSTOP 1u
#define MICA_PROC_NOCLDWAIT 2u

/* What a program started from a file (root's Image.start, Proc.spawn) may
 * get: argv entries, and environment entries besides root's own two.  The
 * bytes of both together are bounded by the protocols' `args` buffers
 * (PROC_SPAWN_ARGS_MAX, IMAGE_START_ARGS_MAX: idl/rt), which is the C
 * library's ARG_MAX. */
#define MICA_SPAWN_ARGS_MAX 4096
#define MICA_SPAWN_ENV_MAX 1024

/* What a child inherits (Proc.give and Proc.take): the kinds of entry,
 * and how many a parent may give one child (one per descriptor, the
 * working directory, the signal state and the process group). */
#define MICA_INHERIT_CWD    1u   /* name: the working directory; arg: the umask */
#define MICA_INHERIT_STREAM 2u   /* arg: the child's own stdin (0), stdout (1) or stderr (2) */
#define MICA_INHERIT_PIPE   3u   /* item: a pipe ticket (PipeEnd.hand_off) */
#define MICA_INHERIT_FILE   4u   /* item: a file session sharing the offset (OpenFile.dup); name: path */
#define MICA_INHERIT_ROM    5u   /* name: the boot file (rom/NAME); arg: offset */
#define MICA_INHERIT_NULL   6u   /* /dev/null (the C library's own) */
/* exec's signal state (the C library's sigexec.c): fds the mask (bits
 * 0..31) and the ignored signals (bits 32..63), flags the pending
 * signals (bit n: signal n), arg the ITIMER_REAL timer's next expiry on
 * the monotonic clock (µs; 0: not armed), name its period in µs (decimal;
 * empty: none). */
#define MICA_INHERIT_SIGNALS 7u
/* posix_spawn's POSIX_SPAWN_SETPGROUP: arg the process group the child
 * joins before its main runs (0: a group of its own). */
#define MICA_INHERIT_PGROUP 8u
#define MICA_INHERIT_LAST   MICA_INHERIT_PGROUP
#define MICA_INHERIT_MAX    67u
/* fork (docs/processes.md, "fork"): how the child's threads start and
 * where its capabilities go, from the parent to root's Parent.fork through
 * the process server's Proc.fork.  The regions are the ones the parent
 * started with, in Parent.region's order: root forks them into the child
 * at the slots the parent's region mapper holds them in. */
#define MICA_FORK_REGIONS_MAX 40
struct mica_fork_plan {
	uint64_t ip, sp, utcb;            /* the child's thread, stopped: the caller starts it */
	uint64_t rm_ip, rm_sp, rm_utcb;   /* its region mapper thread, started at once */
	uint32_t rm_slot;                 /* its gate to the region mapper (its threads' pager) */
	uint32_t proc_slot;               /* its gate to the process server */
	uint32_t mem_slot;                /* the caller's slot where root puts a capability to the child's
					     memory session, which pays for the child's copies of the
					     caller's private attached regions (0: none) */
	uint32_t nregions;
	uint32_t region_slot[MICA_FORK_REGIONS_MAX];   /* 0: detached, none for the child */
};

#endif

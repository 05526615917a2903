/*
 * libsys/ipc.h - the transport under the stubs that tools/idlc generates.
 * A stub writes its message into the calling thread's UTCB (mica/ipc.h) and
 * calls one of these; they are the only functions generated client code
 * needs.  libsys implements them with the IPC system call; the host tests
 * implement them with a fake transport (tests/host/idlc/fake_transport.c).
 * Freestanding: no C library.
 */
#ifndef LIBSYS_IPC_H
#define LIBSYS_IPC_H

#include <mica/ipc.h>
#include <mica/types.h>

/* The calling thread's UTCB. */
struct mica_utcb *mica_utcb(void);

/*
 * Send the message in the UTCB (tag: label, words, items) to cap and wait
 * for the reply, which arrives in the same UTCB (its MRs, and items in the
 * buffers the BRs declare).  Returns a transport error (enum mica_error,
 * 0 on success) and stores the reply's tag in *reply_tag.
 */
int mica_ipc_call(mica_cap_t cap, mica_word_t tag, mica_word_t *reply_tag);

/* One-way send of the message in the UTCB (methods declared [oneway]). */
int mica_ipc_send(mica_cap_t cap, mica_word_t tag);

/*
 * The IPC system call itself (include/mica/syscall.h): op is
 * (slot << MICA_IPC_SLOT_SHIFT) | MICA_IPC_* flags.  Returns the error code;
 * *tag and *label (either may be NULL) get the received tag and the label
 * of the gate or irq the message came through.
 */
static inline int mica_ipc(mica_word_t op, mica_word_t tag, mica_word_t timeouts, mica_word_t *rtag,
			   mica_word_t *rlabel)
{
	long err;
	mica_word_t t, l;

	__asm__ volatile("syscall"
			 : "=a"(err), "=S"(t), "=D"(l), "+d"(timeouts)
			 : "a"(0ul), "D"(op), "S"(tag)
			 : "rcx", "r11", "r8", "r9", "r10", "memory");
	if (rtag)
		*rtag = t;
	if (rlabel)
		*rlabel = l;
	return (int)err;
}

/* Call with timeouts (mica_timeouts()). */
int mica_ipc_call_timeout(mica_cap_t cap, mica_word_t tag, mica_word_t timeouts, mica_word_t *reply_tag);
/* Wait for a message on anything bound to this thread. */
int mica_ipc_wait(mica_word_t timeouts, mica_word_t *tag, mica_word_t *label);
/* Reply to the last caller (the message in the UTCB), without waiting. */
int mica_ipc_reply(mica_word_t tag);
/* Reply, then wait for the next message: the server loop in one call.  An
 * error of the reply phase (no caller: MICA_EGONE) returns without waiting. */
int mica_ipc_reply_wait(mica_word_t tag, mica_word_t timeouts, mica_word_t *rtag, mica_word_t *label);

/*
 * The kernel copies string items only between pages that are mapped
 * (docs/ipc.md).  Touch each page of [p, p + len) first, so that a page not
 * there yet (fresh heap, stack or bss) faults in through the thread's pager
 * now; with `write` the pages are made writable too (a receive buffer),
 * their bytes left as they are.  Only bytes inside the range are touched.
 * Generated stubs and rx_setup functions call it for their strings.
 */
static inline void mica_ipc_touch(const void *p, mica_word_t len, int write)
{
	volatile char *c = (volatile char *)p, *end = c + len;

	while (c < end) {
		if (write)
			*c = *c;
		else
			(void)*c;
		c = (volatile char *)(((mica_word_t)c | 4095) + 1);
	}
}

/*
 * A flexpage parameter (IDL type fpage): the flexpage (mica_fpage()) and the
 * send base ("hot spot") that decides where in a larger or smaller receive
 * window it lands.  For an out parameter the caller sets fpage to its receive
 * window before the call and finds what arrived afterwards.
 */
struct mica_flexpage {
	mica_word_t fpage;
	mica_addr_t send_base;
};

#endif

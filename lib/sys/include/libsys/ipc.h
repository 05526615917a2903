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

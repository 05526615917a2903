/*
 * ipc_result.h - what an IPC system call returns to its thread (ipc.h):
 * kept in the thread while it waits (thread.h), so that whoever ends the
 * wait leaves it there.
 */
#ifndef KERN_IPC_RESULT_H
#define KERN_IPC_RESULT_H

#include <mica/types.h>

struct ipc_result {
	int err;               /* rax */
	mica_word_t tag;       /* rsi: the received message's tag */
	mica_word_t label;     /* rdi: the label of the gate or irq it came through */
};

#endif

/*
 * ipc.c - the IPC transport under the generated stubs (libsys/ipc.h).
 */
#include <libsys/ipc.h>
#include <mica/syscall.h>

struct mica_utcb *mica_utcb(void)
{
	struct mica_utcb *u;

	__asm__("mov %%gs:%c1, %0" : "=r"(u) : "i"(MICA_UTCB_SELF));
	return u;
}

static mica_word_t op(mica_cap_t cap, unsigned flags)
{
	return ((mica_word_t)cap << MICA_IPC_SLOT_SHIFT) | flags;
}

int mica_ipc_call_timeout(mica_cap_t cap, mica_word_t tag, mica_word_t timeouts, mica_word_t *reply_tag)
{
	return mica_ipc(op(cap, MICA_IPC_SEND | MICA_IPC_RECV), tag, timeouts, reply_tag, 0);
}

int mica_ipc_call(mica_cap_t cap, mica_word_t tag, mica_word_t *reply_tag)
{
	return mica_ipc_call_timeout(cap, tag, mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), reply_tag);
}

int mica_ipc_send(mica_cap_t cap, mica_word_t tag)
{
	return mica_ipc(op(cap, MICA_IPC_SEND), tag, mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_NEVER), 0, 0);
}

int mica_ipc_wait(mica_word_t timeouts, mica_word_t *tag, mica_word_t *label)
{
	return mica_ipc(op(0, MICA_IPC_OPEN), 0, timeouts, tag, label);
}

int mica_ipc_reply(mica_word_t tag)
{
	return mica_ipc(op(0, MICA_IPC_REPLY), tag, 0, 0, 0);
}

int mica_ipc_reply_wait(mica_word_t tag, mica_word_t timeouts, mica_word_t *rtag, mica_word_t *label)
{
	return mica_ipc(op(0, MICA_IPC_REPLY | MICA_IPC_OPEN), tag, timeouts, rtag, label);
}

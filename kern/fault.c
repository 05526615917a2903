/*
 * fault.c - user faults as messages to pagers and exception handlers (see
 * fault.h).
 *
 * The kernel calls the handler on the faulting thread's behalf with the
 * message in the thread's own UTCB; the message registers, the error word
 * and the buffer registers the call uses are saved before and restored
 * after, so the thread finds its UTCB as it left it.
 */
#include "fault.h"

#include "arch.h"
#include "arch_fault.h"
#include "console.h"
#include "ipc.h"
#include <common/string.h>
#include "sched.h"
#include "sigma0.h"
#include "task.h"
#include "thread.h"

#include <idl/kernel/exception.h>
#include <idl/kernel/pager.h>

#include <mica/error.h>
#include <mica/ipc.h>

#define FAULT_WORDS (5 + ARCH_USER_REGS)   /* the longest message: an exception */

/* Call g for self with the `words` words in msg; the reply's words go to
 * reply (room for `words`).  Returns the transport error or the result.
 * The reply may fill the message's registers and two more (one item: a
 * pager's mapping); a longer one is refused (E2BIG to the handler), so
 * saving those registers and the error word is enough for the thread to
 * find its UTCB as it left it.  (Inlined: words is a constant in each
 * caller, and the copies of a page fault's few registers become moves.) */
static inline __attribute__((always_inline)) int call_handler(struct thread *self, struct gate *g, mica_sword_t protocol,
							    const mica_word_t *msg, unsigned words, mica_word_t window,
							    mica_word_t *reply, unsigned *reply_words)
{
	struct mica_utcb *u = self->utcb;
	unsigned mrs = words + 2;
	mica_word_t saved[FAULT_WORDS + 2], saved_br[2] = { u->br[MICA_BR_WINDOW], u->br[MICA_BR_DESC] };
	mica_word_t saved_error = u->error;
	struct ipc_result r;

	__builtin_memcpy(saved, u->mr, mrs * sizeof saved[0]);
	__builtin_memcpy(u->mr, msg, words * sizeof msg[0]);
	u->br[MICA_BR_WINDOW] = window;
	u->br[MICA_BR_DESC] = 0;
	self->reply_mrs = (uint8_t)mrs;
	ipc_call_for(self, g, mica_tag(protocol, words, 0, 0), &r);
	self->reply_mrs = 0;
	/* The UTCB is gone if the thread was destroyed while it waited. */
	if (!self->utcb)
		return MICA_EGONE;
	*reply_words = r.err ? 0 : mica_tag_words(r.tag);
	for (unsigned i = 0; i < *reply_words && i < words; i++)
		reply[i] = u->mr[i];
	__builtin_memcpy(u->mr, saved, mrs * sizeof saved[0]);
	u->error = saved_error;
	u->br[MICA_BR_WINDOW] = saved_br[0];
	u->br[MICA_BR_DESC] = saved_br[1];
	if (r.err)
		return r.err;
	mica_sword_t label = mica_tag_label(r.tag);
	if (label >= 0)
		return MICA_OK;
	return label == -MICA_EFAULT ? MICA_EFAULT : MICA_EPERM;   /* the handler refused */
}

static int exception(struct thread *self, uint64_t vector, uint64_t error, uint64_t addr)
{
	mica_word_t msg[FAULT_WORDS], reply[FAULT_WORDS];
	unsigned n;

	if (!self->exc_handler)
		return MICA_EFAULT;   /* nobody to handle it */
	msg[0] = EXCEPTION_HANDLER_EXCEPTION_OPCODE;
	msg[1] = vector;
	msg[2] = error;
	msg[3] = addr;
	msg[4] = self->utcb_user;
	arch_thread_get_user_regs(&self->arch, &msg[5]);
	int err = call_handler(self, self->exc_handler, EXCEPTION_HANDLER_PROTOCOL, msg, FAULT_WORDS, 0, reply, &n);
	if (err == MICA_ECANCELED)
		return MICA_OK;   /* ex_regs decided where it goes on */
	if (err)
		return err;
	if (n != ARCH_USER_REGS || arch_thread_set_user_regs(&self->arch, reply))
		return MICA_EMSG;
	return MICA_OK;
}

static int page_fault(struct thread *self, uint64_t vector, uint64_t error, uint64_t addr, unsigned access,
		      uint64_t ip)
{
	mica_word_t msg[4] = { PAGER_FAULT_OPCODE, addr, ip, access }, reply[4];
	unsigned n;

	if (sigma0_resolve(self->task, addr, access) == MICA_OK)
		return MICA_OK;
	if (!self->pager)
		return MICA_EFAULT;
	/* The mapping in the reply has already landed (the whole space is the
	 * window); without one the thread faults again, as the protocol says,
	 * and so after an ex_regs it goes on where that sent it.  A pager that
	 * answers -MICA_EFAULT cannot resolve it: the fault goes to the
	 * exception handler as the exception it is (a program's C library
	 * makes it SIGSEGV or SIGBUS).  Only a pager that is gone stops the
	 * thread. */
	int err = call_handler(self, self->pager, PAGER_PROTOCOL, msg, 4, mica_fpage(0, 47, MICA_RWX), reply, &n);
	if (err == MICA_EFAULT)
		return exception(self, vector, error, addr);
	return err == MICA_EGONE ? err : MICA_OK;
}

static void report(struct thread *self, uint64_t vector, uint64_t error, uint64_t addr, uint64_t ip)
{
	unsigned access;
	int protection;

	kprintf("kernel: program %s stopped: %s (vector %lu) at ip %#lx", self->task->name, arch_trap_name(vector),
		vector, ip);
	if (arch_fault_page(vector, error, &access, &protection))
		kprintf(", address %#lx (%s, %s)", addr, access == MICA_W ? "write" : access == MICA_X ? "execute" : "read",
			protection ? "protection" : "not present");
	else if (error)
		kprintf(", error %#lx", error);
	kprintf("\n");
}

void fault_user(uint64_t vector, uint64_t error, uint64_t addr, uint64_t ip)
{
	struct thread *self = sched_current();
	unsigned access;
	int protection;
	int err = arch_fault_page(vector, error, &access, &protection)
			  ? page_fault(self, vector, error, addr, access, ip)
			  : exception(self, vector, error, 0);

	if (err == MICA_OK || self->state != THREAD_RUNNING || !self->task)
		return;   /* resumes, or was stopped or destroyed meanwhile */
	/* Stopped: by its handler's refusal, its pager's end, or for want of
	 * either; without any, a boot program ends with it. */
	report(self, vector, error, addr, ip);
	if (err == MICA_EFAULT && self->task->watch)
		task_end_current(-1);
	else
		thread_suspend(self);
}

/*
 * pthread_attr.c - thread attributes (docs/libc.md "Threads"): the detach
 * state and the stack (its size, or the caller's own stack) are used.  A
 * program's threads all run at the priority of the thread that made them:
 * the scheduling attributes (policy, priority, inheritance) are kept and
 * read back, as data, but pthread_create does not act on them.
 */
#include <errno.h>
#include <limits.h>

#include "pthread_impl.h"


int pthread_attr_init(pthread_attr_t *attr)
{
	*attr = (pthread_attr_t){ .is_initialized = 1, .detachstate = PTHREAD_CREATE_JOINABLE,
				  .contentionscope = PTHREAD_SCOPE_SYSTEM, .inheritsched = PTHREAD_INHERIT_SCHED,
				  .schedpolicy = SCHED_OTHER };
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *attr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->is_initialized = 0;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *attr, int state)
{
	if (!attr || !attr->is_initialized || (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED))
		return EINVAL;
	attr->detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*state = attr->detachstate;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size)
{
	if (!attr || !attr->is_initialized || size < PTHREAD_STACK_MIN)
		return EINVAL;
	attr->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*size = attr->stacksize ? attr->stacksize : 256u * 1024;
	return 0;
}

int pthread_attr_setstack(pthread_attr_t *attr, void *addr, size_t size)
{
	if (!attr || !attr->is_initialized || size < PTHREAD_STACK_MIN)
		return EINVAL;
	attr->stackaddr = addr;
	attr->stacksize = size;
	return 0;
}

int pthread_attr_getstack(const pthread_attr_t *attr, void **addr, size_t *size)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*addr = attr->stackaddr;
	*size = attr->stacksize;
	return 0;
}

int pthread_attr_setstackaddr(pthread_attr_t *attr, void *addr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->stackaddr = addr;
	return 0;
}

int pthread_attr_getstackaddr(const pthread_attr_t *attr, void **addr)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*addr = attr->stackaddr;
	return 0;
}

/* No guard page (a thread's stack is a piece of the heap): the size is
 * kept for the caller to read back. */
int pthread_attr_setguardsize(pthread_attr_t *attr, size_t size)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	attr->guardsize = size;
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *attr, size_t *size)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*size = attr->guardsize;
	return 0;
}

int pthread_attr_setscope(pthread_attr_t *attr, int scope)
{
	if (!attr || !attr->is_initialized || (scope != PTHREAD_SCOPE_SYSTEM && scope != PTHREAD_SCOPE_PROCESS))
		return EINVAL;
	if (scope == PTHREAD_SCOPE_PROCESS)
		return ENOTSUP;
	attr->contentionscope = scope;
	return 0;
}

int pthread_attr_getscope(const pthread_attr_t *attr, int *scope)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*scope = attr->contentionscope;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *attr, int inherit)
{
	if (!attr || !attr->is_initialized || (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED))
		return EINVAL;
	attr->inheritsched = inherit;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *attr, int *inherit)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*inherit = attr->inheritsched;
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *attr, int policy)
{
	if (!attr || !attr->is_initialized || (policy != SCHED_OTHER && policy != SCHED_FIFO && policy != SCHED_RR))
		return EINVAL;
	attr->schedpolicy = policy;
	return 0;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *attr, int *policy)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*policy = attr->schedpolicy;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *attr, const struct sched_param *param)
{
	if (!attr || !attr->is_initialized || !param)
		return EINVAL;
	attr->schedparam = *param;
	return 0;
}

int pthread_attr_getschedparam(const pthread_attr_t *attr, struct sched_param *param)
{
	if (!attr || !attr->is_initialized)
		return EINVAL;
	*param = attr->schedparam;
	return 0;
}

/*
 * ucontext.h - ucontext_t and mcontext_t (sys/ucontext.h): the context of
 * a signal handler.  getcontext and the like are not provided.
 */
#ifndef LIBC_UCONTEXT_H
#define LIBC_UCONTEXT_H

#include <sys/ucontext.h>

#endif

/*
 * setjmp.h - newlib's, plus POSIX's sigjmp_buf, sigsetjmp and siglongjmp,
 * which newlib gives only to Cygwin and RTEMS.  sigsetjmp saves the
 * program's signal mask (sigprocmask, lib/libc/signal.c) beside the jump
 * buffer when asked to, and siglongjmp restores it before jumping.  They
 * are macros, as setjmp must be called directly by the function that
 * jumps back to it.
 */
#ifndef LIBC_SETJMP_H
#define LIBC_SETJMP_H

#include_next <setjmp.h>
#include <signal.h>

typedef struct {
	jmp_buf __jb;
	int __savemask;
	sigset_t __mask;
} sigjmp_buf[1];

#define sigsetjmp(env, savemask) \
	__extension__({ \
		__typeof__((env)[0]) *__sj = &(env)[0]; \
		__sj->__savemask = (savemask); \
		if (__sj->__savemask) \
			sigprocmask(SIG_SETMASK, 0, &__sj->__mask); \
		setjmp(__sj->__jb); \
	})

#define siglongjmp(env, val) \
	__extension__({ \
		__typeof__((env)[0]) *__sj = &(env)[0]; \
		if (__sj->__savemask) \
			sigprocmask(SIG_SETMASK, &__sj->__mask, 0); \
		longjmp(__sj->__jb, (val)); \
	})

#endif

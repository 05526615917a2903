/*
 * flockfile.c - flockfile, ftrylockfile, funlockfile (<stdio.h>;
 * docs/libc.md "Threads"): the FILE's own recursive lock, the one newlib's
 * stdio takes around each call (newlib_lock.c), so a thread can make
 * several calls one unit.  newlib declares them but leaves them to the
 * system.  A string stream (sprintf's) has no lock.
 */
#include <stdio.h>
#include <sys/lock.h>

void flockfile(FILE *f)
{
	if (!(f->_flags & __SSTR))
		__lock_acquire_recursive(f->_lock);
}

int ftrylockfile(FILE *f)
{
	if (f->_flags & __SSTR)
		return 0;
	return __lock_try_acquire_recursive(f->_lock);
}

void funlockfile(FILE *f)
{
	if (!(f->_flags & __SSTR))
		__lock_release_recursive(f->_lock);
}

/*
 * sys/_pthreadtypes.h - Mica's thread types (lib/libc/pthread*.c,
 * docs/libc.md "Threads"), in place of newlib's, whose types are the
 * object numbers of RTEMS.  <sys/types.h> includes it.  Every waiting
 * object is a few words in the program's memory that threads wait on
 * through libc's wait/wake primitive (lib/libc/futex.c); all-zero is the
 * static initializer of each.
 */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h>

/* A thread: the address of its struct pthread (pthread.c). */
typedef unsigned long pthread_t;

typedef struct {
	int is_initialized;
	int detachstate;
	void *stackaddr;
	unsigned long stacksize;
	int contentionscope;
	int inheritsched;
	int schedpolicy;
	struct sched_param schedparam;
	unsigned long guardsize;
} pthread_attr_t;

typedef struct {
	int __lock;             /* 0 free, 1 held, 2 held and maybe waited for */
	int __type;             /* PTHREAD_MUTEX_* */
	pthread_t __owner;      /* recursive and error-checking: the holder */
	unsigned __count;       /* recursive: how often the holder took it */
	int __pshared;
} pthread_mutex_t;

typedef struct {
	int is_initialized;
	int type;
	int pshared;
	int protocol;
	int prio_ceiling;
} pthread_mutexattr_t;

typedef struct {
	unsigned __seq;         /* counts signals and broadcasts: what waiters wait on */
	int __clock;            /* the clock of timedwait's deadline */
	int __pshared;
} pthread_cond_t;

typedef struct {
	int is_initialized;
	int clock;
	int pshared;
} pthread_condattr_t;

typedef unsigned pthread_key_t;

typedef struct {
	int __state;            /* 0 not run, 1 running, 2 done */
} pthread_once_t;

typedef struct {
	pthread_mutex_t __lock;
	pthread_cond_t __readers, __writers;
	unsigned __nreaders;    /* holding it to read */
	pthread_t __writer;     /* holding it to write, or 0 */
	unsigned __writers_waiting;
	int __pshared;
} pthread_rwlock_t;

typedef struct {
	int is_initialized;
	int pshared;
} pthread_rwlockattr_t;

typedef struct {
	pthread_mutex_t __lock;
	pthread_cond_t __cond;
	unsigned __count;       /* threads that make up the barrier */
	unsigned __waiting;     /* arrived in this round */
	unsigned __round;
} pthread_barrier_t;

typedef struct {
	int is_initialized;
	int pshared;
} pthread_barrierattr_t;

typedef volatile int pthread_spinlock_t;

#endif

/*
 * mica/proc.h - what the process server (srv/proc, idl/rt/proc.idl) and its
 * clients share beside the IDL.
 */
#ifndef MICA_PROC_H
#define MICA_PROC_H

/* Proc.list's states. */
#define MICA_PROC_RUNNING 1u
#define MICA_PROC_ZOMBIE  2u   /* ended, not yet reaped by its parent */

/* The first process: orphans become its children, and the process server
 * reaps them for it.  (Root's own pid: the launcher numbers programs from 2.) */
#define MICA_PROC_INIT 1u

/* What a program started from a file (root's Image.start, Proc.spawn) may
 * get: argv entries, and environment entries besides root's own two. */
#define MICA_SPAWN_ARGS_MAX 32
#define MICA_SPAWN_ENV_MAX 20

/* What a child inherits (Proc.give and Proc.take): the kinds of entry,
 * and how many a parent may give one child (one per descriptor, and the
 * working directory). */
#define MICA_INHERIT_CWD    1u   /* name: the working directory; arg: the umask */
#define MICA_INHERIT_STREAM 2u   /* arg: the child's own stdin (0), stdout (1) or stderr (2) */
#define MICA_INHERIT_PIPE   3u   /* item: a pipe ticket (PipeEnd.hand_off) */
#define MICA_INHERIT_FILE   4u   /* item: a file session sharing the offset (OpenFile.dup); name: path */
#define MICA_INHERIT_ROM    5u   /* name: the boot file (rom/NAME); arg: offset */
#define MICA_INHERIT_MAX    65u

#endif

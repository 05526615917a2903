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

#endif

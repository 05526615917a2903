/*
 * sys/procsrv.h - the program's own gate to the process server (Mica's,
 * lib/libc/procsrv.c, docs/processes.md), for a program that speaks the
 * Proc protocol (idl/rt/proc.idl) itself: the console tells the server
 * its foreground group with it (docs/console.md).  A program boot.cfg
 * started joins the server on first use, as its kill() would.
 */
#ifndef _SYS_PROCSRV_H
#define _SYS_PROCSRV_H

#include <mica/types.h>

/* The gate, or 0 when there is no process server. */
mica_cap_t libc_proc(void);

#endif

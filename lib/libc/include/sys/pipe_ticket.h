/*
 * sys/pipe_ticket.h - handing a pipe end to another program (Mica's own,
 * lib/libc/pipe.c, docs/pipes.md).
 *
 * A capability passed on (to Launcher.spawn as a program's stdin or
 * stdout, or in any IPC) is derived from the sender's and goes when the
 * sender drops it.  A pipe end is passed on as a ticket instead: the
 * receiver adopts it (a program's stdin and stdout are adopted at their
 * first use) and then holds the end as the pipe server gave it, whatever
 * the sender does.  The ticket counts as a holder of the end until then.
 */
#ifndef _SYS_PIPE_TICKET_H
#define _SYS_PIPE_TICKET_H

#include <mica/types.h>

/* A ticket for fd's pipe end, in a new slot of *ticket.  Keep the slot
 * until the receiver has adopted it or has ended (dropping it earlier
 * takes the ticket from the receiver too); adoption leaves it empty.
 * -1 with errno: EBADF (no descriptor), EINVAL (not a pipe), ENOMEM. */
int pipe_hand_off(int fd, mica_cap_t *ticket);

/* Adopt a ticket: a new descriptor for its pipe end, with O_CLOEXEC and
 * O_NONBLOCK of `flags`.  -1 with errno: EINVAL (no ticket), EMFILE. */
int pipe_adopt(mica_cap_t ticket, int flags);

#endif

/*
 * tree.h - the process server's records (docs/processes.md): process ids,
 * the parent/child tree, states and wait statuses, and the rules of POSIX
 * for them, knowing nothing of messages (tests/host/proc tests them on the
 * host).
 *
 * A record is running, then a zombie when its process has ended, until its
 * parent reaps it (tree_wait).  When a process ends its children become
 * children of process 1 (MICA_PROC_INIT), whose zombies are reaped at
 * once: the process server reaps for it.
 *
 * A process group is orphaned (POSIX) when no running member has a parent
 * in another group of the same session: nobody of its session outside it
 * could continue it.  An end that orphans a group with a stopped member
 * calls t->orphaned for it, and the end of a session leader
 * t->session_ended: what to send is the server's.
 */
#ifndef SRV_PROC_TREE_H
#define SRV_PROC_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include <mica/types.h>

#define TREE_MAX 64              /* records at once */
#define TREE_PROGRAM_MAX 63      /* Proc.list's string<63> */
#define TREE_NSIG 32             /* newlib's NSIG: signals 1..31 */

/* What a stopped or continued child has to report to a waitpid with
 * WUNTRACED or WCONTINUED (tree_wait), once. */
#define TREE_REPORT_STOPPED 1
#define TREE_REPORT_CONTINUED 2

struct tree_rec {
	uint32_t state;          /* 0: free; MICA_PROC_RUNNING, MICA_PROC_ZOMBIE */
	uint64_t pid, ppid;
	uint64_t pgid, sid;      /* process group and session */
	bool stopped;            /* by a stop signal, until continued */
	int report, report_sig;  /* TREE_REPORT_* not yet waited for; the stop signal */
	int32_t wstatus;         /* a zombie's wait status */
	int killed_by;           /* the signal the server ended it with (0: none) */
	char program[TREE_PROGRAM_MAX + 1];
	/* The server's side of the process (srv/proc/proc.c). */
	mica_cap_t gate;         /* its own gate to the server */
	mica_cap_t watch;        /* joined: the irq saying its last capability to `gate` went */
	mica_cap_t process;      /* spawned: root's Process handle */
	mica_cap_t launcher;     /* joined: its own launcher gate of root's (0: none it gave) */
	mica_cap_t end_irq;      /* spawned: the irq root triggers when it ends */
	mica_cap_t notify;       /* its own irq, triggered when a child of it ends */
	mica_cap_t lock_irq;     /* the owner of its record locks (Proc.lock_owner), 0 until asked */
	/* spawned or exec'd from a file of the file server (and forked from
	 * such a program): the hold denying writes to it while it runs. */
	mica_cap_t text;
	/* Signals (docs/processes.md, "Signals between programs"): what the
	 * program told Proc.sigstate, what is queued for it and who sent it. */
	uint32_t sig_deliver, sig_ignore, sig_pending;
	uint32_t sig_flags;      /* MICA_PROC_NOCLDSTOP, MICA_PROC_NOCLDWAIT */
	uint64_t sig_from[TREE_NSIG];
	int32_t sig_code[TREE_NSIG], sig_status[TREE_NSIG];
	mica_cap_t sig_irq;      /* triggered when a signal is queued */
	/* A terminal's record (the console: Proc.set_foreground): the
	 * session it is the controlling terminal of and its foreground group
	 * (0: none, or hung up) and the irq that says it was hung up. */
	uint64_t tty_sid;
	int32_t tty_pgrp;
	mica_cap_t tty_irq;
};

struct tree {
	struct tree_rec recs[TREE_MAX];
	unsigned top;   /* recs[top] on are free: every walk stops there */
	/* A record ended (before it becomes a zombie): release what the
	 * server holds for it but the record (NULL: nothing). */
	void (*ended)(struct tree *t, struct tree_rec *r);
	/* `child` of `parent` became a zombie (NULL: nothing); true: the
	 * parent wants no zombies, and the record is freed at once. */
	bool (*child_ended)(struct tree *t, struct tree_rec *parent, struct tree_rec *child);
	/* The leader of session `sid` ended (NULL: nothing); called after
	 * child_ended, before orphaned. */
	void (*session_ended)(struct tree *t, uint64_t sid);
	/* An end made group `pgid` orphaned, and a member of it is stopped
	 * (NULL: nothing).  POSIX's _exit: each member gets SIGHUP, then
	 * SIGCONT. */
	void (*orphaned)(struct tree *t, uint64_t pgid);
};

/* The wait status of a process that exited with `status`, or that the
 * server ended with signal `sig` (not 0). */
int32_t tree_wstatus(int32_t status, int sig);

/* A new running record, or NULL when none is left.  It is in its parent's
 * process group and session, or leads its own if the parent has no record
 * (a program boot.cfg started). */
struct tree_rec *tree_new(struct tree *t, uint64_t pid, uint64_t ppid, const char *program);
/* The record of `pid` (running or zombie), or NULL. */
struct tree_rec *tree_find(struct tree *t, uint64_t pid);
/* The index-th record in use, or NULL past the last. */
struct tree_rec *tree_at(struct tree *t, unsigned index);
unsigned tree_used(const struct tree *t);
/* The process ended with wait status `wstatus`: t->ended, its children go
 * to process 1 (its zombies are freed), and it becomes a zombie, which is
 * freed at once if its parent is process 1 (else t->child_ended); then
 * t->session_ended if it led its session, and t->orphaned for each group
 * (its own, its children's) that the end orphaned and that has a stopped
 * member.  The callbacks may end other records (tree_end again). */
void tree_end(struct tree *t, struct tree_rec *r, int32_t wstatus);
/*
 * A zombie child of `parent`: `pid` -1 for any, below -1 any of group
 * -pid, else that one: 0 and *got (freed by the caller with tree_free once
 * it has read it), unless `exited` is false (waitid without WEXITED: ends
 * are not asked for); 2 and *got, a child stopped or continued whose report
 * `untraced` or `continued` asks for (*status filled, the report taken
 * unless `keep`: WNOWAIT);
 * -1 when `parent` has no such child (ECHILD); 1 when it has, but none has
 * ended (try again later).
 */
int tree_wait(struct tree *t, const struct tree_rec *parent, int64_t pid, bool exited, bool untraced,
	      bool continued, bool keep, struct tree_rec **got, int32_t *status);

/* POSIX's setpgid by `caller` for process `pid` (0: the caller) into
 * group `pgid` (0: the target's pid): 0 or an errno value (ESRCH, EPERM,
 * EINVAL). */
int tree_setpgid(struct tree *t, struct tree_rec *caller, int64_t pid, int64_t pgid);
/* POSIX's setsid: 0 or EPERM (the caller leads a group already). */
int tree_setsid(struct tree *t, struct tree_rec *caller);
/* Whether a live record is in group `pgid`. */
bool tree_group_exists(struct tree *t, uint64_t pgid);
/* Whether a record (running or zombie) of group `pgid` is in session `sid`. */
bool tree_group_in_session(struct tree *t, uint64_t pgid, uint64_t sid);
/* Whether group `pgid` is orphaned: 1 yes, 0 no, -1 no running member. */
int tree_orphaned(struct tree *t, uint64_t pgid);
void tree_free(struct tree *t, struct tree_rec *r);

#endif

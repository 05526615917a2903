/*
 * proc.c - the process server (idl/rt/proc.idl, docs/processes.md): the
 * records of tree.c served on the server loop of lib/server.
 *
 * Every process has its own gate to the server, labelled with its record
 * (label RECORD_LABEL(i)); the gate root made for the server (`serve`,
 * label 0) answers only join and list.  A label names a record only while
 * the record's gate lives, so a request always finds its caller's record:
 * no pid a client sends is trusted for who it is.
 *
 * Programs are started by root's launcher: a file of the file server
 * with Launcher.start_mapped, its segments mappings of the page cache that
 * the server asks for (load.c) and keeps (pages.c: it maps the pages root
 * refuses, on the exceptions that come through the record's gate); a boot
 * file with Image.start, read into a dataspace of the server's memory
 * session that root copies.  The program gets the record's gate as its
 * `proc`, and root triggers the record's end irq when the program ends;
 * Process.status says how.  A program that joined is
 * watched instead: its gate's last client capability going means it ended.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/exception_signal.h>
#include <sys/wait.h>

#include <common/string.h>
#include <libsys/cap.h>
#include <libsys/debug.h>
#include <libsys/error.h>
#include <libsys/slot.h>
#include <mica/error.h>
#include <mica/fs.h>
#include <mica/proc.h>
#include <rt/rt.h>
#include <server/server.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/gate.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/kernel/task.h>
#include <idl/kernel/thread.h>
#include <idl/rt/dataspace.h>
#include <idl/rt/fs.h>
#include <idl/rt/proc_server.h>
#include <idl/rt/process.h>

#include "inherit.h"
#include "load.h"
#include "pages.h"
#include "tree.h"

/* Labels: a record's gate, its watch (joined) and its end irq (spawned). */
#define KIND_GATE 0u
#define KIND_WATCH 1u
#define KIND_END 2u
#define LABEL(i, kind) ((((mica_word_t)(i) + 1) << 2) | (kind))
#define CHILD_QUOTA (8ull << 20)   /* memory of each program started, unless child-mem= says */
static uint64_t child_quota = CHILD_QUOTA;

static struct tree tree;
/* What each record has given its next child, and has yet to take from its parent. */
static struct inherit_list given[TREE_MAX], inherited[TREE_MAX];
/* The file mappings of each record's program (none for a boot file's). */
static struct pages maps[TREE_MAX];

static int fail(int e)
{
	return -(MICA_FS_ERRNO + e);
}

static unsigned index_of(const struct tree_rec *r)
{
	return (unsigned)(r - tree.recs);
}

/* The record a label names, if it is of that kind and the record lives. */
static struct tree_rec *rec_of(mica_word_t label, unsigned kind)
{
	if (!label || (label & 3) != kind || (label >> 2) > TREE_MAX)
		return 0;
	struct tree_rec *r = &tree.recs[(label >> 2) - 1];
	return r->state == MICA_PROC_RUNNING ? r : 0;
}

static void destroy(mica_cap_t *c)
{
	if (*c) {
		kobject_destroy(*c);
		mica_slot_drop(*c);
	}
	*c = 0;
}

static void drop(mica_cap_t *c)
{
	mica_slot_drop(*c);
	*c = 0;
}

#define BIT(sig) (1u << (sig))   /* a signal's bit in the records' sets */

/* The program's file may be written again: its hold ends now (the file
 * server would learn of the dropped capability later, after a waiting
 * parent might already open the file for writing). */
static void release_text(struct tree_rec *r)
{
	if (r->text)
		open_file_close(r->text);
	drop(&r->text);
}

/* tree.ended: what the server holds for the process goes. */
static void on_ended(struct tree *t, struct tree_rec *r)
{
	(void)t;
	destroy(&r->gate);   /* the process's own copies go with it */
	destroy(&r->watch);
	destroy(&r->end_irq);
	destroy(&r->lock_irq);   /* and with it the process's record locks */
	drop(&r->process);   /* root's record of it goes */
	drop(&r->launcher);
	drop(&r->notify);
	drop(&r->sig_irq);
	drop(&r->tty_irq);
	release_text(r);
	pages_drop(&maps[index_of(r)]);
	inherit_drop(&given[index_of(r)]);
	inherit_drop(&inherited[index_of(r)]);
}

static int send_signal(struct tree_rec *r, int sig, uint64_t from, int code, int32_t status);
static void set_summary(struct tree_rec *r, uint32_t deliver, uint32_t ignore, uint32_t flags);

/* The si_code of SIGCHLD for a child's wait status. */
static int child_code(int32_t wstatus)
{
	return (wstatus & 0x7f) ? CLD_KILLED : CLD_EXITED;
}

/* SIGCHLD (dropped when ignored), the parent's wait woken; no zombie for a
 * parent with SA_NOCLDWAIT or SIGCHLD ignored (its wait then finds the
 * child gone: ECHILD once the last one is). */
static bool on_child_ended(struct tree *t, struct tree_rec *parent, struct tree_rec *child)
{
	(void)t;
	if (parent->notify)
		irq_trigger(parent->notify);
	int32_t w = child->wstatus;
	send_signal(parent, SIGCHLD, child->pid, child_code(w), (w & 0x7f) ? (w & 0x7f) : (w >> 8) & 0xff);
	return (parent->sig_flags & MICA_PROC_NOCLDWAIT) || (parent->sig_ignore & BIT(SIGCHLD));
}

/* A spawned process ended (or was killed): a zombie with root's status. */
static void collect(struct tree_rec *r)
{
	bool ended = false;
	int32_t status = 0;
	uint64_t pid;

	if (r->state != MICA_PROC_RUNNING || !r->process || process_status(r->process, &ended, &status, &pid) != 0 ||
	    !ended)
		return;
	tree_end(&tree, r, tree_wstatus(status, r->killed_by));
}

static void on_irq(const struct srv *s, mica_word_t label)
{
	(void)s;
	struct tree_rec *r;

	if ((r = rec_of(label, KIND_END)) != 0)
		collect(r);
	else if ((r = rec_of(label, KIND_WATCH)) != 0)
		tree_end(&tree, r, tree_wstatus(0, SIGKILL));   /* gone, status unknown */
}

/* Keep a client's irq in *kept (replacing the one there): MICA_EINVAL for
 * a capability that is no irq, which the server's trigger would call
 * (libsys/cap.h). */
static int keep_irq(struct srv_request *req, mica_cap_t irq, mica_cap_t *kept)
{
	int err;

	if (!mica_cap_is_irq(irq))
		return -MICA_EINVAL;
	if ((err = srv_keep(req, irq)) != 0)
		return err;
	drop(kept);
	*kept = irq;
	return 0;
}

/* The caller's record: NULL on the server's own gate. */
static struct tree_rec *caller(struct srv_request *req)
{
	return rec_of(req->label, KIND_GATE);
}

/* An irq of the server's thread for record r. */
static int make_irq(struct tree_rec *r, mica_cap_t *irq, unsigned irq_kind)
{
	int err;

	if (!(*irq = mica_slot_alloc()))
		return -MICA_ENOMEM;
	if ((err = factory_create_irq(MICA_BOOT_FACTORY, *irq, LABEL(index_of(r), irq_kind))) != 0)
		return err;
	return irq_bind(*irq, MICA_BOOT_THREAD);
}

/* Record r's gate, the process's to call the server with. */
static int make_record_gate(struct tree_rec *r)
{
	if (!(r->gate = mica_slot_alloc()))
		return -MICA_ENOMEM;
	return factory_create_gate(MICA_BOOT_FACTORY, r->gate, MICA_BOOT_THREAD, LABEL(index_of(r), KIND_GATE));
}

/* A gate and an irq of the server's thread for record r. */
static int make_gate(struct tree_rec *r, mica_cap_t *irq, unsigned irq_kind)
{
	int err = make_record_gate(r);

	if (err)
		return err;
	return make_irq(r, irq, irq_kind);
}

static void unmake(struct tree_rec *r)
{
	on_ended(&tree, r);
	tree_free(&tree, r);
}

static void undo_join(void *made)
{
	struct tree_rec *r = made;

	if (r->state == MICA_PROC_RUNNING)
		unmake(r);
}

/* Whether `launcher` is root's launcher gate of the program whose pid is
 * `pid` (Launcher.identify): the server asks requests on it and hands
 * capabilities to it (launch), so a gate of anyone else's, which could
 * keep them or never answer, is refused (EINVAL). */
static int own_launcher(mica_cap_t launcher, uint64_t pid)
{
	uint64_t whose;

	return launcher_identify(rt_cap("launcher"), launcher, &whose) == 0 && whose == pid ? 0 : fail(EINVAL);
}

static int on_join(struct srv_request *req, uint64_t pid, const char *program, mica_cap_t launcher,
		   mica_cap_t *self)
{
	struct tree_rec *r;
	int err;

	if (caller(req))
		return -MICA_EPERM;   /* already a process */
	if (pid <= MICA_PROC_INIT || !launcher)
		return fail(EINVAL);   /* without its launcher a joiner could claim anyone's pid */
	if (tree_find(&tree, pid))
		return fail(EEXIST);
	if (!(r = tree_new(&tree, pid, MICA_PROC_INIT, program)))
		return fail(EAGAIN);
	if ((err = make_gate(r, &r->watch, KIND_WATCH)) != 0 || (err = gate_watch(r->gate, r->watch)) != 0 ||
	    (err = own_launcher(launcher, pid)) != 0 || (err = srv_keep(req, launcher)) != 0) {
		unmake(r);
		return err;
	}
	r->launcher = launcher;
	*self = r->gate;
	srv_made(req, undo_join, r);   /* its caller gone before the reply: nobody would ever end it */
	return 0;
}

/* Entries of a NUL-separated list, -1 if the last has no NUL. */
static int count(const char *p, uint32_t len)
{
	int n = 0;

	if (len && p[len - 1])
		return -1;
	for (uint32_t i = 0; i < len; i++)
		n += p[i] == 0;
	return n;
}

/* What spawn and exec refuse of their argv and environment, as errno
 * values: the two together are bounded as one (the C library's ARG_MAX is
 * the `args` buffer's bound), and root takes what this server takes. */
_Static_assert(IMAGE_START_ARGS_MAX >= PROC_SPAWN_ARGS_MAX && IMAGE_START_ENV_MAX >= PROC_SPAWN_ENV_MAX &&
		       PROC_EXEC_ARGS_MAX == PROC_SPAWN_ARGS_MAX && PROC_EXEC_ENV_MAX == PROC_SPAWN_ENV_MAX,
	       "root's Image.start must take what Proc.spawn and Proc.exec do");
static int refused(int argc, int nenv, uint32_t args_len, uint32_t env_len)
{
	if (argc < 0 || nenv < 0)
		return EINVAL;
	if (argc == 0 || argc > MICA_SPAWN_ARGS_MAX || nenv > MICA_SPAWN_ENV_MAX ||
	    (uint64_t)args_len + env_len > PROC_SPAWN_ARGS_MAX)
		return E2BIG;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* A capability granted to root with a request: its slot is empty once
 * the request succeeded, else the capability goes with it. */
static void given_to_root(int err, mica_cap_t slot)
{
	if (err)
		mica_slot_drop(slot);
	else
		mica_slot_free(slot);
}

/* Root's handle of a record's program, the server's own: the Process
 * handle of a program it started, or the launcher gate a program joined
 * with (root checked whose it is). */
static mica_cap_t root_handle(const struct tree_rec *r)
{
	return r->process ? r->process : r->launcher;
}

/* Who pays root for the program of a record whose parent is `parent`
 * (its memory session and kernel memory): the parent's program while it
 * runs (root_handle); else none (an orphan's exec), and then the server
 * pays for a file from the disk (asked on its own launcher), root's quota
 * for a boot file.  So does root when the parent ends meanwhile. */
static mica_cap_t payer_of(const struct tree_rec *parent)
{
	return parent && parent->state == MICA_PROC_RUNNING ? root_handle(parent) : 0;
}

/* Root starts l's program as *process, triggering `end_irq` when it
 * ends, with `gate` as its `proc`, paid for by `payer` (a Process handle
 * or a launcher gate; 0: the server):
 * from its file mappings, whose capabilities root gets beside the
 * server's (l->map keeps those and gets the program's task), its text
 * mapped before it starts, or from the file read into a dataspace. */
static int launch(const char *path, struct load *l, const void *args, uint32_t args_len, const void *env,
		  uint32_t env_len, mica_cap_t out, mica_cap_t in, mica_cap_t end_irq, mica_cap_t gate,
		  mica_cap_t payer, mica_cap_t *process)
{
	mica_cap_t text, data, task, thread;
	uint64_t file_size;
	uint32_t head_len;
	int err;

	if (!l->mapped)
		return image_start(l->ds, base_name(path), l->size, args, args_len, env, env_len, out, in, end_irq,
				   gate, payer, child_quota, process);
	static char strings[LAUNCHER_START_MAPPED_STRINGS_MAX];   /* argv, then the environment */
	const void *head = load_head(l, &head_len, &file_size);
	if ((uint64_t)args_len + env_len > sizeof strings)
		return -MICA_E2BIG;
	memcpy(strings, args, args_len);
	memcpy(strings + args_len, env, env_len);
	task = mica_slot_alloc();
	thread = mica_slot_alloc();
	if (!task || !thread)
		err = -MICA_ENOMEM;
	else if ((err = pages_siblings(&l->map, &text, &data)) == 0) {
		err = launcher_start_mapped(rt_cap("launcher"), base_name(path), head, head_len, file_size, strings,
					    args_len + env_len, (uint32_t)count(args, args_len), out, in, end_irq, gate,
					    text, data, payer, child_quota, process, &task, &thread);
		given_to_root(err, text);
		given_to_root(err, data);
	}
	if (err) {
		mica_slot_free(task);
		mica_slot_free(thread);
		return err;
	}
	load_map_text(l, task);
	/* Else start-up's first data write is an exception (pages.h). */
	pages_map_data(&l->map, task);
	thread_start(thread);
	mica_slot_drop(thread);
	l->map.task = task;
	return 0;
}

/* Start l's program as r's; r->pid is root's pid for it, maps[r] its
 * file mappings. */
static int start(struct tree_rec *r, struct tree_rec *parent, const char *path, struct load *l, const void *args,
		 uint32_t args_len, const void *env, uint32_t env_len, mica_cap_t out, mica_cap_t in)
{
	bool ended;
	int32_t status;
	int err = make_gate(r, &r->end_irq, KIND_END);

	if (!err && !(r->process = mica_slot_alloc()))
		err = -MICA_ENOMEM;
	if (!err)
		err = launch(path, l, args, args_len, env, env_len, out, in, r->end_irq, r->gate, payer_of(parent),
			     &r->process);
	if (err == -MICA_EINVAL)
		return fail(ENOEXEC);   /* what root's parser refused (the log says why) */
	if (err == -MICA_ENOMEM)
		return fail(EAGAIN);
	if (!err) {
		pages_move(&maps[index_of(r)], &l->map);
		err = process_status(r->process, &ended, &status, &r->pid);
	}
	return err;
}

static int on_spawn(struct srv_request *req, const char *path, const void *args, uint32_t args_len,
		    const void *env, uint32_t env_len, mica_cap_t out_stream, mica_cap_t in_stream, uint64_t *pid)
{
	struct tree_rec *parent = caller(req), *r;
	int argc = count(args, args_len), nenv = count(env, env_len), err;
	struct load image;

	if (!parent)
		return -MICA_EPERM;
	if ((err = refused(argc, nenv, args_len, env_len)) != 0)
		return fail(err);
	if (!(r = tree_new(&tree, 0, parent->pid, base_name(path)))) {
		inherit_drop(&given[index_of(parent)]);
		return fail(EAGAIN);
	}
	if ((err = load_file(path, &image)) != 0) {
		inherit_drop(&given[index_of(parent)]);
		tree_free(&tree, r);
		return fail(err);
	}
	inherit_move(&given[index_of(parent)], &inherited[index_of(r)]);   /* unmake drops it on failure */
	r->sig_ignore = parent->sig_ignore;   /* posix_spawn: what is ignored stays ignored */
	err = start(r, parent, path, &image, args, args_len, env, env_len, out_stream, in_stream);
	if (!err) {
		r->text = image.hold;   /* while it runs */
		image.hold = 0;
	}
	load_done(&image);   /* root has its copy, or the record the mappings */
	if (err) {
		if (r->process)
			process_kill(r->process);
		unmake(r);
		return err;
	}
	*pid = r->pid;
	return 0;
}

/* A fork whose caller went before the reply: nobody would start the
 * child, which ends (and its record, reparented, goes). */
static void undo_fork(void *made)
{
	struct tree_rec *r = made;

	if (r->state == MICA_PROC_RUNNING && r->process) {
		r->killed_by = SIGKILL;
		process_kill(r->process);
		collect(r);
	}
}

/* Root's Parent.fork of parent's program as r's; a program of mapped
 * segments (Parent.fork_mapped) gets its text mapping and its own copy of
 * the data mapping (Dataspace.duplicate of the parent's, while the parent
 * waits for the fork), which maps[r] keeps beside root's, with the
 * child's task. */
static int fork_start(struct tree_rec *parent, struct tree_rec *r, const void *plan, uint32_t plan_len,
		      mica_cap_t *task, mica_cap_t *thread)
{
	/* root's handle of the parent's program: never one the client names,
	 * which could hold the server for good (a gate it answers never) */
	mica_cap_t parent_gate = root_handle(parent);
	const struct pages *pm = &maps[index_of(parent)];
	struct pages *child = &maps[index_of(r)];   /* empty: a new record's */
	mica_cap_t text = 0, data = 0;
	int err = 0;

	if (!parent_gate)
		return fail(EINVAL);   /* none: never so since join takes a launcher */

	if (pm->text) {
		mica_cap_t dup = pm->data ? mica_slot_alloc() : 0, task_copy = mica_slot_alloc();
		if ((pm->data && !dup) || !task_copy)
			err = -MICA_ENOMEM;
		else if (pm->data && (err = dataspace_duplicate(pm->data, false, rt_cap("mem"), &dup)) != 0)
			err = err == -MICA_ENOMEM ? err : fail(EAGAIN);
		if (err) {
			mica_slot_free(dup);
			mica_slot_free(task_copy);
			return err;
		}
		if ((err = pages_fork(pm, dup, task_copy, child)) == 0)   /* the child's from now on */
			err = pages_siblings(child, &text, &data);
	}
	if (!err && !pm->text)
		err = parent_fork(parent_gate, r->end_irq, r->gate, plan, plan_len, &r->process, task, thread, &r->pid);
	else if (!err)
		err = parent_fork_mapped(parent_gate, r->end_irq, r->gate, plan, plan_len, text, data, &r->process,
					 task, thread, &r->pid);
	given_to_root(err, text);
	given_to_root(err, data);
	if (!err && child->task)
		err = task_cap_sibling(MICA_BOOT_TASK, *task, child->task, MICA_RWX);
	return err;   /* on failure unmake drops the child's */
}

/* A copy of the caller (fork): root makes it, asked on root's handle of
 * the caller's program (fork_start), with the new record's gate as its
 * `proc`; the caller gets its task and stopped thread to finish it. */
static int on_fork(struct srv_request *req, const void *plan, uint32_t plan_len, uint64_t *pid, mica_cap_t *task,
		   mica_cap_t *thread)
{
	struct tree_rec *parent = caller(req), *r;
	int err;

	if (!parent)
		return -MICA_EPERM;
	if (!(r = tree_new(&tree, 0, parent->pid, parent->program)))
		return fail(EAGAIN);
	r->sig_deliver = parent->sig_deliver;   /* the child has the parent's handlers and mask */
	r->sig_ignore = parent->sig_ignore;
	r->sig_flags = parent->sig_flags;
	*task = mica_slot_alloc();
	*thread = mica_slot_alloc();
	err = make_gate(r, &r->end_irq, KIND_END);
	if (!err && (!(r->process = mica_slot_alloc()) || !*task || !*thread))
		err = -MICA_ENOMEM;
	/* The child runs the parent's program: its file stays denied to
	 * writers while either runs. */
	if (!err && parent->text &&
	    (!(r->text = mica_slot_alloc()) || (err = open_file_deny_write(parent->text, &r->text)) != 0))
		err = err ? err : -MICA_ENOMEM;
	if (!err)
		err = fork_start(parent, r, plan, plan_len, task, thread);
	if (err) {
		if (r->process)
			process_kill(r->process);
		unmake(r);
		mica_slot_drop(*task);
		mica_slot_drop(*thread);
		return err == -MICA_ENOMEM ? fail(EAGAIN) : err == -MICA_EINVAL ? fail(EINVAL) : err;
	}
	srv_grant(req, *task);
	srv_grant(req, *thread);
	srv_made(req, undo_fork, r);
	*pid = r->pid;
	return 0;
}

/* A failed exec: what the caller gave for the new program (Proc.give) is
 * dropped, as a failed spawn's is.  The streams it passed go with the
 * request, or with root's, as a failed spawn's do (its own stay: it
 * passed copies). */
static int exec_failed(struct tree_rec *r, int err)
{
	inherit_drop(&given[index_of(r)]);
	return err;
}

static int on_exec(struct srv_request *req, const char *path, const void *args, uint32_t args_len, const void *env,
		   uint32_t env_len, mica_cap_t out_stream, mica_cap_t in_stream)
{
	struct tree_rec *r = caller(req);
	int argc = count(args, args_len), nenv = count(env, env_len), err = 0;
	mica_cap_t end_irq = 0, process = 0;
	struct load image;

	if (!r)
		return -MICA_EPERM;   /* the streams go with the request */
	if ((err = refused(argc, nenv, args_len, env_len)) != 0)
		return exec_failed(r, fail(err));
	if ((err = load_file(path, &image)) != 0)
		return exec_failed(r, fail(err));
	if (!r->end_irq && (err = make_irq(r, &end_irq, KIND_END)) != 0) {
		destroy(&end_irq);   /* its slot, and the irq if made */
		load_done(&image);
		return exec_failed(r, err);
	}
	/* A joined caller is not the server's to end, and would keep its
	 * capability to the record's gate, which is the new program's: the
	 * new program gets a gate of its own, and the old one goes. */
	mica_cap_t joined_gate = 0;
	if (!r->process) {
		joined_gate = r->gate;
		err = make_record_gate(r);
	}
	if (!err && !(process = mica_slot_alloc()))
		err = -MICA_ENOMEM;
	if (!err)
		err = launch(path, &image, args, args_len, env, env_len, out_stream, in_stream,
			     r->end_irq ? r->end_irq : end_irq, r->gate, payer_of(tree_find(&tree, r->ppid)), &process);
	if (!err) {
		release_text(r);   /* the old program's file, the new one's from now on */
		r->text = image.hold;
		image.hold = 0;
		pages_drop(&maps[index_of(r)]);
		pages_move(&maps[index_of(r)], &image.map);
	}
	load_done(&image);
	if (err) {
		mica_slot_drop(process);
		destroy(&end_irq);
		if (joined_gate) {   /* the old gate stays the record's */
			destroy(&r->gate);
			r->gate = joined_gate;
		}
		err = err == -MICA_EINVAL ? fail(ENOEXEC) : err == -MICA_ENOMEM ? fail(EAGAIN) : err;
		return exec_failed(r, err);
	}
	/* The record is the new program's now: a joined caller is no longer
	 * watched (the watch goes before its gate, whose end it would tell),
	 * a spawned one's end no longer collected. */
	if (r->watch) {
		gate_watch(joined_gate, 0);
		destroy(&r->watch);
	}
	destroy(&joined_gate);
	drop(&r->launcher);   /* the old program's: r->process names the new one */
	if (end_irq)
		r->end_irq = end_irq;
	/* The old program ends now, whatever it would do next (the C library
	 * ends it at once): one that went on would run as no process,
	 * listed nowhere and beyond every kill.  A joined one, whose end is
	 * not the server's to make, is trusted to end itself. */
	mica_cap_t old = r->process;
	r->process = process;
	if (old) {
		process_kill(old);
		mica_slot_drop(old);
	}
	/* What the caller gave is the new program's to take, as a spawned
	 * child's is (anything the old one left untaken goes). */
	inherit_drop(&inherited[index_of(r)]);
	inherit_move(&given[index_of(r)], &inherited[index_of(r)]);
	mica_strlcpy(r->program, base_name(path), sizeof r->program);
	/* POSIX: the new program's handlers are the defaults, what was ignored
	 * stays ignored, the mask and what is pending stay.  Its summary from
	 * what the caller gave of them (what it blocks queued, what it ignores
	 * dropped, the rest at its default), only now: a failed exec leaves
	 * the caller's.  The new program tells its irq when it starts its
	 * signal thread.  A signal queued for a handler of the old program
	 * and not yet taken meets the new program's disposition now: dropped
	 * if ignored, else its default action (which may end the new program
	 * at once, as a pending SIGUSR1 would on any Unix). */
	uint64_t masks = 0;
	for (const struct inherit_entry *e = inherited[index_of(r)].head; e; e = e->next)
		if (e->kind == MICA_INHERIT_SIGNALS)
			masks = e->fds;   /* the last, as the C library takes them in order */
	uint32_t blocked = (uint32_t)masks, ignore = (uint32_t)(masks >> 32), queued = r->sig_pending;
	set_summary(r, blocked & ~ignore, ignore, 0);
	drop(&r->sig_irq);
	for (uint32_t left = queued & ~r->sig_pending; left; left &= left - 1) {
		int sig = __builtin_ctz(left);
		send_signal(r, sig, r->sig_from[sig], r->sig_code[sig], r->sig_status[sig]);
	}
	return 0;
}

static int on_wait(struct srv_request *req, int64_t pid, uint32_t options, uint64_t *got, int32_t *status)
{
	struct tree_rec *parent = caller(req), *z;

	if (!parent)
		return -MICA_EPERM;
	if (pid == INT64_MIN)
		return fail(ECHILD);
	int found = tree_wait(&tree, parent, pid == 0 ? -(int64_t)parent->pgid : pid,
			      !(options & MICA_PROC_WAIT_NO_EXITS), options & WUNTRACED, options & WCONTINUED,
			      options & WNOWAIT, &z, status);
	if (found < 0)
		return fail(ECHILD);
	if (found == 1)
		return -MICA_EAGAIN;
	*got = z->pid;
	if (found == 0 && !(options & WNOWAIT))
		tree_free(&tree, z);
	return 0;
}

/* ---- signals between programs (docs/processes.md) ---------------------- */

/* Signals whose default action is to do nothing, and those whose default
 * stops the program. */
static bool ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool stops_by_default(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* Its parent learns of a stop or a continue: SIGCHLD, and its wait. */
static void tell_parent(struct tree_rec *r, int report, int sig)
{
	struct tree_rec *parent = tree_find(&tree, r->ppid);

	r->report = report;
	r->report_sig = sig;
	if (!parent || parent->state != MICA_PROC_RUNNING)
		return;
	if (parent->notify)
		irq_trigger(parent->notify);
	if (!(parent->sig_flags & MICA_PROC_NOCLDSTOP))
		send_signal(parent, SIGCHLD, r->pid, report == TREE_REPORT_STOPPED ? CLD_STOPPED : CLD_CONTINUED, sig);
}

/* Stop r's main thread through root (a joined program cannot be). */
static int stop(struct tree_rec *r, int sig)
{
	if (!r->process)
		return EPERM;
	if (r->stopped)
		return 0;
	if (process_stop(r->process, true) != 0)
		return 0;   /* ending already: its end irq comes */
	r->stopped = true;
	tell_parent(r, TREE_REPORT_STOPPED, sig);
	return 0;
}

/* SIGCONT: r runs again, and gets what was queued meanwhile. */
static void resume(struct tree_rec *r)
{
	if (!r->stopped)
		return;
	r->stopped = false;
	process_stop(r->process, false);
	if (r->sig_pending && r->sig_irq)
		irq_trigger(r->sig_irq);
	tell_parent(r, TREE_REPORT_CONTINUED, SIGCONT);
}

/* End r as if by sig: root kills it; a joined program the server cannot end. */
static int end_by(struct tree_rec *r, int sig)
{
	if (!r->process)
		return EPERM;
	r->killed_by = sig;
	process_kill(r->process);
	collect(r);
	return 0;
}

/* Send sig (not 0) to r as its dispositions say: queued for it (its irq
 * triggered unless it is stopped), dropped, or its default action.  0 or
 * an errno value. */
static int send_signal(struct tree_rec *r, int sig, uint64_t from, int code, int32_t status)
{
	if (r->state != MICA_PROC_RUNNING)
		return 0;   /* a zombie takes no signal */
	if (sig == SIGCONT)
		resume(r);   /* whatever its disposition */
	if (sig == SIGSTOP)
		return stop(r, sig);
	if (sig != SIGKILL && (r->sig_deliver & BIT(sig))) {
		r->sig_pending |= BIT(sig);
		r->sig_from[sig] = from;
		r->sig_code[sig] = code;
		r->sig_status[sig] = status;
		if (r->sig_irq && !r->stopped)
			irq_trigger(r->sig_irq);
		return 0;
	}
	if ((r->sig_ignore & BIT(sig)) || ignored_by_default(sig))
		return 0;
	if (stops_by_default(sig))
		return stop(r, sig);
	return end_by(r, sig);
}

/* Whether `r` is a target of kill(pid) by `from`: all of pid -1 but the
 * caller, the group -pid, or the process pid. */
static bool targeted(const struct tree_rec *r, const struct tree_rec *from, int64_t pid)
{
	if (r->state != MICA_PROC_RUNNING)
		return pid > 0 && r->pid == (uint64_t)pid;   /* a zombie is there, takes nothing */
	if (pid == -1)
		return r != from;
	if (pid < -1)
		return r->pgid == (uint64_t)-pid;
	if (pid == 0)
		return r->pgid == from->pgid;
	return r->pid == (uint64_t)pid;
}

static int on_kill(struct srv_request *req, int64_t pid, int32_t sig, bool *to_self)
{
	struct tree_rec *from = caller(req);
	int sent = 0, refused = 0;

	*to_self = false;
	if (!from)
		return -MICA_EPERM;
	if (sig < 0 || sig >= NSIG || pid == INT64_MIN)
		return fail(EINVAL);
	for (unsigned i = 0; i < tree.top; i++) {
		struct tree_rec *r = &tree.recs[i];
		if (!r->state || !targeted(r, from, pid))
			continue;
		if (r == from) {
			*to_self = true;   /* its C library raises it: delivered before kill returns */
			sent++;
			continue;
		}
		if (sig && send_signal(r, sig, from->pid, SI_USER, 0) != 0)
			refused++;
		else
			sent++;
	}
	if (sent)
		return 0;
	return fail(refused ? EPERM : ESRCH);
}

/* What the program's C library takes (`deliver`: queued for it) and what
 * it ignores (dropped); the rest meets its default action here. */
static void set_summary(struct tree_rec *r, uint32_t deliver, uint32_t ignore, uint32_t flags)
{
	uint32_t never = BIT(0) | BIT(SIGKILL) | BIT(SIGSTOP);

	r->sig_deliver = deliver & ~never;
	r->sig_ignore = ignore & ~never & ~r->sig_deliver;
	r->sig_pending &= r->sig_deliver;   /* what is no longer delivered is dropped (POSIX: set to ignore) */
	r->sig_flags = flags & (MICA_PROC_NOCLDSTOP | MICA_PROC_NOCLDWAIT);
}

static int on_sigstate(struct srv_request *req, uint32_t deliver, uint32_t ignore, uint32_t flags, mica_cap_t irq)
{
	struct tree_rec *r = caller(req);
	int err;

	if (!r)
		return -MICA_EPERM;
	if (irq && (err = keep_irq(req, irq, &r->sig_irq)) != 0)
		return err;
	set_summary(r, deliver, ignore, flags);
	if (r->sig_pending && r->sig_irq && !r->stopped)
		irq_trigger(r->sig_irq);
	return 0;
}

static int on_sigtake(struct srv_request *req, int32_t *sig, uint64_t *from, int32_t *code, int32_t *status)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	if (!r->sig_pending)
		return -MICA_ENOENT;
	int s = __builtin_ctz(r->sig_pending);
	r->sig_pending &= ~BIT(s);
	*sig = s;
	*from = r->sig_from[s];
	*code = r->sig_code[s];
	*status = r->sig_status[s];
	return 0;
}

static int on_sigdefault(struct srv_request *req, int32_t sig)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	if (sig <= 0 || sig >= NSIG || ignored_by_default(sig))
		return fail(EINVAL);
	int e = stops_by_default(sig) ? stop(r, sig) : end_by(r, sig);
	return e ? fail(e) : 0;
}

/* ---- process groups and sessions ---------------------------------------- */

/* sig to every running program of group pgid, from the system. */
static void signal_group(uint64_t pgid, int sig)
{
	for (unsigned i = 0; i < tree.top; i++)
		if (tree.recs[i].state == MICA_PROC_RUNNING && tree.recs[i].pgid == pgid)
			send_signal(&tree.recs[i], sig, 0, SI_USER, 0);
}

/* A group hung up: SIGHUP, then SIGCONT, to each program (a stopped one
 * takes a caught SIGHUP when continued). */
static void hang_up(uint64_t pgid)
{
	signal_group(pgid, SIGHUP);
	signal_group(pgid, SIGCONT);
}

/* tree.orphaned: POSIX's _exit, for a newly orphaned group with a
 * stopped program. */
static void on_orphaned(struct tree *t, uint64_t pgid)
{
	(void)t;
	hang_up(pgid);
}

/* tree.session_ended: a terminal that is that session's controlling
 * terminal has its foreground group hung up and is no session's any more
 * (docs/processes.md, "The controlling terminal"). */
static void on_session_ended(struct tree *t, uint64_t sid)
{
	for (unsigned i = 0; i < t->top; i++) {
		struct tree_rec *tty = &t->recs[i];
		if (tty->state != MICA_PROC_RUNNING || tty->tty_sid != sid)
			continue;
		uint64_t pgrp = (uint64_t)tty->tty_pgrp;
		tty->tty_pgrp = 0;
		tty->tty_sid = 0;
		/* The group's id may name another session's group by now (its
		 * programs ended, its leader's pid made a session of its own). */
		if (pgrp && tree_group_in_session(t, pgrp, sid))
			hang_up(pgrp);
		if (tty->tty_irq)
			irq_trigger(tty->tty_irq);
	}
}

static int on_orphaned_query(struct srv_request *req, int64_t pgid, bool *orphaned)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	if (pgid < 0)
		return fail(EINVAL);
	int o = tree_orphaned(&tree, pgid ? (uint64_t)pgid : r->pgid);
	if (o < 0)
		return fail(ESRCH);
	*orphaned = o;
	return 0;
}

/* Whether session sid's leader still runs: a session whose leader ended
 * is never freed again (tree.session_ended came), so it cannot take a
 * terminal.  Pids are never used twice. */
static bool leader_runs(uint64_t sid)
{
	struct tree_rec *l = tree_find(&tree, sid);

	return l && l->state == MICA_PROC_RUNNING;
}

/* The running process whose gate to the server `who` is (a capability
 * a process handed a terminal, read, never called: Task.cap_label). */
static struct tree_rec *process_named(mica_cap_t who)
{
	uint64_t label;

	if (!who || task_cap_label(MICA_BOOT_TASK, who, &label) != 0)
		return 0;
	return rec_of(label, KIND_GATE);
}

static int on_set_foreground(struct srv_request *req, int32_t pgrp, mica_cap_t irq, mica_cap_t who,
			     uint64_t *sid)
{
	struct tree_rec *r = caller(req), *w = 0;
	int err;

	if (!r)
		return -MICA_EPERM;
	if (pgrp < 0 || (pgrp && !(w = process_named(who))))
		return fail(EINVAL);
	if (w && (r->tty_sid ? r->tty_sid != w->sid : !leader_runs(w->sid)))
		return fail(ENOTTY);   /* another session's, or a free one for a session whose leader ended */
	if (w && !tree_group_in_session(&tree, (uint64_t)pgrp, w->sid))
		return fail(EPERM);
	if (irq && (err = keep_irq(req, irq, &r->tty_irq)) != 0)
		return err;
	r->tty_pgrp = pgrp;
	r->tty_sid = *sid = w ? w->sid : 0;
	return 0;
}

static int on_foreground(struct srv_request *req, int32_t *pgrp, uint64_t *sid)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	*pgrp = r->tty_pgrp;
	*sid = r->tty_sid;
	return 0;
}

static int on_setpgid(struct srv_request *req, int64_t pid, int64_t pgid)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	int e = tree_setpgid(&tree, r, pid, pgid);
	return e ? fail(e) : 0;
}

static int on_getpgid(struct srv_request *req, int64_t pid, uint64_t *pgid, uint64_t *sid)
{
	struct tree_rec *r = caller(req), *t;

	if (!r)
		return -MICA_EPERM;
	if (!(t = pid ? (pid > 0 ? tree_find(&tree, (uint64_t)pid) : 0) : r))
		return fail(ESRCH);
	*pgid = t->pgid;
	*sid = t->sid;
	return 0;
}

static int on_setsid(struct srv_request *req, uint64_t *sid)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	int e = tree_setsid(&tree, r);
	if (e)
		return fail(e);
	*sid = r->sid;
	return 0;
}

static int on_self(struct srv_request *req, uint64_t *pid, uint64_t *ppid)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	*pid = r->pid;
	*ppid = r->ppid;
	return 0;
}

static int on_list(struct srv_request *req, uint32_t index, uint64_t *pid, uint64_t *ppid, uint32_t *state,
		   int32_t *status, char *program)
{
	(void)req;
	struct tree_rec *r = tree_at(&tree, index);

	if (!r)
		return -MICA_ENOENT;
	*pid = r->pid;
	*ppid = r->ppid;
	*state = r->state;
	*status = r->state == MICA_PROC_ZOMBIE ? r->wstatus : 0;
	mica_strlcpy(program, r->program, TREE_PROGRAM_MAX + 1);
	return 0;
}

static int on_list_group(struct srv_request *req, uint32_t index, uint64_t *pid, uint64_t *pgid, uint64_t *sid)
{
	(void)req;
	struct tree_rec *r = tree_at(&tree, index);

	if (!r)
		return -MICA_ENOENT;
	*pid = r->pid;
	*pgid = r->pgid;
	*sid = r->sid;
	return 0;
}

static int on_notify(struct srv_request *req, mica_cap_t irq)
{
	struct tree_rec *r = caller(req);

	if (!r)
		return -MICA_EPERM;
	if (irq)
		return keep_irq(req, irq, &r->notify);
	drop(&r->notify);
	return 0;
}

static int on_give(struct srv_request *req, bool first, uint64_t fds, uint32_t kind, uint32_t flags, uint64_t arg,
		   const char *name, mica_cap_t item)
{
	struct tree_rec *r = caller(req);
	int err;

	if (!r)
		return -MICA_EPERM;
	if (first)
		inherit_drop(&given[index_of(r)]);
	if (first && !kind)
		return 0;   /* only forget */
	if (kind < MICA_INHERIT_CWD || kind > MICA_INHERIT_LAST)
		return fail(EINVAL);
	if (item && (err = srv_keep(req, item)) != 0)
		return err;
	if ((err = inherit_add(&given[index_of(r)], fds, kind, flags, arg, name, item)) != 0) {
		if (item)
			mica_slot_drop(item);
		return fail(err);
	}
	return 0;
}

static int on_take(struct srv_request *req, uint64_t *fds, uint32_t *kind, uint32_t *flags, uint64_t *arg,
		   char *name, mica_cap_t *item)
{
	struct tree_rec *r = caller(req);
	struct inherit_entry *e;

	if (!r)
		return -MICA_EPERM;
	if (!(e = inherit_pop(&inherited[index_of(r)])))
		return -MICA_ENOENT;
	*fds = e->fds, *kind = e->kind, *flags = e->flags, *arg = e->arg;
	mica_strlcpy(name, e->name, PROC_TAKE_NAME_MAX + 1);
	*item = e->item;
	if (e->item)
		srv_grant(req, e->item);   /* freed after the reply, with the capability if it is not delivered */
	inherit_free(e);
	return 0;
}

/* An exception of a program's thread whose pager refused a fault in one
 * of its file mappings (pages.c); anything else is nobody's.  One of the
 * program's own that the server cannot serve ends it by the exception's
 * signal (SIGSEGV for a page fault, SIGFPE for a division by zero, ...:
 * <sys/exception_signal.h>): it comes before the program has a handler
 * of its own, and a refusal would leave the thread stopped for good (its
 * parent waiting for ever).  One that is not the program's (pages.c) is
 * only refused. */
static int on_exception(struct srv_request *req, uint64_t vector, uint64_t error, uint64_t addr, uint64_t utcb,
			struct user_regs *regs)
{
	struct tree_rec *r = caller(req);

	(void)utcb;
	(void)regs;   /* resumed as it was */
	if (!r)
		return -MICA_EFAULT;
	int err = pages_fault(&maps[index_of(r)], vector, error, addr);
	int code;
	if (err == -MICA_EFAULT && r->state == MICA_PROC_RUNNING)
		end_by(r, libc_exception_signal(vector, &code));
	return err ? -MICA_EFAULT : 0;
}

/* The owner of the caller's record locks: an irq of the server's, made
 * at the first ask and kept for the process, whatever program it runs. */
static int on_lock_owner(struct srv_request *req, mica_cap_t *irq)
{
	struct tree_rec *r = caller(req);
	mica_cap_t made;

	if (!r)
		return -MICA_EPERM;
	if (!r->lock_irq) {
		if (!(made = mica_slot_alloc()))
			return -MICA_ENOMEM;
		if (factory_create_irq(MICA_BOOT_FACTORY, made, MICA_WAIT_IRQ_LABEL) != 0) {
			mica_slot_free(made);
			return -MICA_ENOMEM;
		}
		r->lock_irq = made;
	}
	*irq = r->lock_irq;
	return 0;
}

static const struct proc_ops ops = {
	.join = on_join, .spawn = on_spawn, .fork = on_fork, .exec = on_exec, .wait = on_wait, .kill = on_kill,
	.self = on_self, .list = on_list, .notify = on_notify,
	.give = on_give, .take = on_take, .sigstate = on_sigstate, .sigtake = on_sigtake,
	.sigdefault = on_sigdefault, .setpgid = on_setpgid, .getpgid = on_getpgid, .setsid = on_setsid,
	.list_group = on_list_group, .orphaned = on_orphaned_query, .set_foreground = on_set_foreground,
	.foreground = on_foreground, .lock_owner = on_lock_owner,
};
static const struct exception_handler_ops exception_ops = { .exception = on_exception };
static const struct proc_gate_ops gate_ops = { .proc = &ops, .exception_handler = &exception_ops };

/* A program's memory from an argument `child-mem=SIZE` (bytes, or with K
 * or M; at least 1M); false for anything else. */
static bool child_mem_arg(const char *arg, uint64_t *bytes)
{
	char *end;

	if (strncmp(arg, "child-mem=", 10) != 0 || arg[10] < '0' || arg[10] > '9')
		return false;
	uint64_t v = strtoull(arg + 10, &end, 10);
	unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 0;
	if (shift)
		end++;
	if (*end || v > (1ull << 32) >> shift || v << shift < (1ull << 20))
		return false;
	*bytes = v << shift & ~0xfffull;
	return true;
}

int main(int argc, char **argv)
{
	static struct proc_gate_buffers buffers;
	const struct srv s = { .protocol = &proc_gate_server, .ops = &gate_ops, .state = &tree, .irq = on_irq };

	for (int i = 1; i < argc; i++)
		if (!child_mem_arg(argv[i], &child_quota)) {
			mica_printf("proc: unknown argument %s (child-mem=SIZE, SIZE in bytes, K or M, at least 1M)\n",
				    argv[i]);
			return 1;
		}

	tree.ended = on_ended;
	tree.child_ended = on_child_ended;
	tree.session_ended = on_session_ended;
	tree.orphaned = on_orphaned;
	if (!rt_cap("serve")) {
		mica_printf("proc: no gate to serve (boot.cfg: provide NAME)\n");
		return 1;
	}
	int err = srv_serve(&s, &buffers);
	mica_printf("proc: %s\n", mica_strerror(-err));
	return 1;
}

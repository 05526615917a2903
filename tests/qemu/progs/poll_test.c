/*
 * poll_test.c - notifiers, poll and select (lib/libc/notifier.c,
 * lib/libc/poll.c, docs/poll.md), TAP.
 *
 * The console's input (poll.scenario types "\rpoll\rpartial") is ready
 * a line at a time in canonical mode, a byte at a time in raw mode; 64 descriptors of every kind (the console, pipes'
 * both ends, a file of the file server, a rom file) in one poll; a pipe
 * made readable by another program while the notifier waits, with few
 * turns of its loop; hang-ups and errors when the other program ends or is
 * killed; timeouts; select; bad descriptors and arguments; a wake that
 * reaches only its own pipe's side; hostile and dying subscribers of the pipe server and the console, whose counts
 * (Subscribers.count) come back; idlc's fuzz drivers on Pollable and
 * Subscribers.  A file of the file server: its own events (written,
 * resized, closed) wake a notifier that sleeps, one step of another
 * program at a time, the program's own writes too, a shared mapping's
 * once written back (msync, fsync), while poll still finds
 * the file readable and writable; a killed subscriber and a destroyed irq
 * forgotten; hostile OpenFile.notify calls and the bound on
 * subscriptions.  Children are this program started again with an
 * argument.
 */
#define _GNU_SOURCE   /* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <sys/notifier.h>
#include <sys/pipe_ticket.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <libsys/ipc.h>
#include <libsys/slot.h>
#include <mica/boot.h>
#include <mica/fs.h>
#include <mica/pipe.h>
#include <rt/rt.h>

#include <idl/kernel/factory.h>
#include <idl/kernel/irq.h>
#include <idl/kernel/kobject.h>
#include <idl/rt/fs.h>
#include <idl/rt/notify.h>
#include <idl/rt/pipe.h>
#include <idl/rt/process.h>

#include "../lib/lookup.h"
#include "../lib/qtest.h"

#define END_IRQ_LABEL 0x656e64ull
#define PIPES 29             /* with 0..2, a file, a rom file and a dup: 64 descriptors */
#define TURNS_MAX 4          /* a wait woken once looks twice; a spinning one thousands of times */
#define NOTE_FILE "/notify"  /* the file whose events the cases wait for */
#define FILE_EVENTS (NOTIFIER_WRITTEN | NOTIFIER_RESIZED | NOTIFIER_CLOSED)

static uint8_t block[MICA_PIPE_CAPACITY];

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Subscribers.count of the pipe server and of the console (stdin's). */
static long pipe_subscribers(void)
{
	uint32_t n;

	return subscribers_count(lookup_once("pipe"), &n) ? -1 : (long)n;
}

static long console_subscribers(void)
{
	uint32_t n;

	return subscribers_count(rt_cap("stdin"), &n) ? -1 : (long)n;
}

/* Subscribers.count of the file server: its OpenFile.notify subscriptions. */
static long fs_subscribers(void)
{
	uint32_t n;

	return subscribers_count(lookup_once("fs"), &n) ? -1 : (long)n;
}

/* ---- children -------------------------------------------------------- */

static mica_cap_t end_irq;

/* Start this program with `arg`, its stdin and stdout the capabilities
 * given (tickets, or the console's); its Process capability. */
static mica_cap_t spawn(const char *arg, mica_cap_t in, mica_cap_t out)
{
	mica_cap_t proc = mica_slot_alloc();

	if (!end_irq) {
		end_irq = mica_slot_alloc();
		factory_create_irq(MICA_BOOT_FACTORY, end_irq, END_IRQ_LABEL);
		irq_bind(end_irq, MICA_BOOT_THREAD);
	}
	int err = launcher_spawn(rt_cap("launcher"), "poll_test", arg, (uint32_t)strlen(arg) + 1, out, in, end_irq,
				 4u << 20, &proc);
	return err ? 0 : proc;
}

static int32_t wait_end(mica_cap_t proc)
{
	bool ended = false;
	int32_t status = -1;
	uint64_t pid;

	while (process_status(proc, &ended, &status, &pid) == 0 && !ended)
		mica_ipc_wait(0, 0, 0);
	mica_slot_drop(proc);
	return status;
}

/* "late": wait for a byte on stdin, let the parent sleep, write one to
 * stdout, end (closing it). */
static int late(void)
{
	char c;

	if (read(0, &c, 1) != 1)
		return 1;
	usleep(20000);
	return write(1, "x", 1) == 1 ? 0 : 2;
}

/* "hold": adopt both ends, say so, then wait in poll on stdin for what
 * never comes, until killed. */
static int hold(void)
{
	struct pollfd p = { 0, POLLIN, 0 };
	struct stat st;

	fstat(0, &st);   /* the first uses adopt the ends */
	write(1, "r", 1);
	poll(&p, 1, -1);
	return 3;
}

/* "console": wait in poll on the console's input, which never has a
 * whole line again, until killed. */
static int console_waiter(void)
{
	struct pollfd p = { 0, POLLIN, 0 };

	poll(&p, 1, -1);
	return 3;
}

/* "changer": open NOTE_FILE, and for each byte on stdin change it one
 * way -- w: write inside it, e: write past its end, t: truncate it, c:
 * close it -- until stdin ends. */
static int changer(void)
{
	int fd = open(NOTE_FILE, O_RDWR);
	char c;

	if (fd < 0)
		return 1;
	while (read(0, &c, 1) == 1)
		if ((c == 'w' && pwrite(fd, "in", 2, 10) != 2) || (c == 'e' && pwrite(fd, "end", 3, 1000) != 3) ||
		    (c == 't' && ftruncate(fd, 50) != 0) || (c == 'c' && close(fd) != 0))
			return 2;
	return 0;
}

/* "filewait": subscribe to NOTE_FILE's writes, say so, then wait for
 * them until killed. */
static int file_waiter(void)
{
	int fd = open(NOTE_FILE, O_RDONLY);
	struct notifier *n = notifier_new();
	struct pollfd ready[1];

	if (fd < 0 || !n || notifier_add(n, fd, NOTIFIER_WRITTEN) != 0 || notifier_wait(n, ready, 1, 0) != 0)
		return 1;
	write(1, "r", 1);
	for (;;)
		notifier_wait(n, ready, 1, -1);
}

/* ---- cases ------------------------------------------------------------ */

/* Canonical mode: readable once a line is there, not for a part of one. */
static void the_console_is_readable_a_line_or_a_byte_at_a_time(void)
{
	struct pollfd in = { 0, POLLIN, 0 }, out = { 1, POLLIN | POLLOUT, 0 };
	struct termios t;
	char line[64];
	int found = 0;

	/* No echo: "partial" would show in the middle of a result line. */
	expect("echo off", tcgetattr(0, &t) == 0 && (t.c_lflag &= ~(tcflag_t)ECHO, tcsetattr(0, TCSANOW, &t)) == 0, 1);

	for (int i = 0; i < 3 && !found; i++) {   /* the first \r may be lost at boot */
		if (poll(&in, 1, -1) != 1 || in.revents != POLLIN)
			break;
		ssize_t n = read(0, line, sizeof line - 1);
		line[n > 0 ? n : 0] = 0;
		found = !strcmp(line, "poll\n");
	}
	expect("poll says the line is there, read gets it", found, 1);
	expect("\"partial\" is no line: not readable (timeout 0)", poll(&in, 1, 0), 0);
	expect("... revents 0", in.revents, 0);
	uint64_t t0 = now_ms();
	expect("... nor within 100 ms", poll(&in, 1, 100), 0);
	expect("... and the wait lasted them", now_ms() - t0 >= 100, 1);
	expect("stdout: writable at once", poll(&out, 1, -1) == 1 && out.revents == POLLOUT, 1);
	struct pollfd rd = { 0, POLLRDNORM, 0 };
	expect("POLLRDNORM asked: none of POLLIN's bits", poll(&rd, 1, 0), 0);

	/* Raw mode: the bytes being edited are input, readable a byte at a time. */
	struct termios raw = t;
	raw.c_lflag &= ~(tcflag_t)ICANON;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	expect("raw mode", tcsetattr(0, TCSANOW, &raw), 0);
	size_t got = 0;
	while (got < 7 && poll(&in, 1, 0) == 1 && in.revents == POLLIN) {
		ssize_t n = read(0, line + got, 1);
		got += n > 0 ? (size_t)n : 7;
	}
	line[got < sizeof line ? got : 0] = 0;
	expect("... \"partial\" readable byte by byte", !strcmp(line, "partial"), 1);
	expect("... then nothing (timeout 0)", poll(&in, 1, 0), 0);
	expect("canonical mode again", tcsetattr(0, TCSANOW, &t), 0);
}

static void sixty_four_descriptors_of_every_kind(void)
{
	struct pollfd pf[FD_SETSIZE + 1];
	int p[PIPES][2], ok = 1;

	int file = open("/poll.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int rom = open("rom/poll_test", O_RDONLY);
	expect("a file of the file server: descriptor 3", file, 3);
	expect("a rom file: descriptor 4", rom, 4);
	for (int i = 0; i < PIPES; i++)
		ok &= pipe(p[i]) == 0;
	expect("29 pipes", ok, 1);
	int dup_ = dup(file);
	expect("a dup of the file: descriptor 63", dup_, 63);
	for (int fd = 0; fd < 64; fd++)
		pf[fd] = (struct pollfd){ fd, POLLIN | POLLOUT, 0 };
	pf[0].events = POLLIN;
	for (int i = 0; i < PIPES; i++)
		pf[p[i][0]].events = POLLIN, pf[p[i][1]].events = POLLOUT;

	/* Idle: the console's output, the files and every write end. */
	expect("64 descriptors, timeout 0: 34 ready", poll(pf, 64, 0), 3 + 2 + PIPES);
	ok = pf[0].revents == 0 && pf[1].revents == POLLOUT && pf[2].revents == POLLOUT &&
	     pf[file].revents == (POLLIN | POLLOUT) && pf[rom].revents == (POLLIN | POLLOUT) &&
	     pf[dup_].revents == (POLLIN | POLLOUT);
	for (int i = 0; i < PIPES; i++)
		ok &= pf[p[i][0]].revents == 0 && pf[p[i][1]].revents == POLLOUT;
	expect("... each as it should be", ok, 1);

	/* Data in three pipes, a write end gone, a read end gone, a full pipe. */
	write(p[0][1], "a", 1), write(p[7][1], "b", 1), write(p[28][1], "c", 1);
	close(p[3][1]);
	close(p[5][0]);
	for (int i = 0; i < (int)(MICA_PIPE_CAPACITY / 4096); i++)
		write(p[9][1], block, 4096);
	pf[p[3][1]].fd = -1;   /* closed: ignored */
	pf[p[5][0]].fd = -1;
	struct pollfd hup = { p[3][0], POLLIN, 0 }, err = { p[5][1], 0, 0 };
	expect("the write end's close: POLLHUP (waited for)", poll(&hup, 1, -1) == 1 && hup.revents == POLLHUP, 1);
	expect("the read end's close: POLLERR (waited for)", poll(&err, 1, -1) == 1 && err.revents == POLLERR, 1);
	int n = poll(pf, 64, -1);
	ok = pf[p[0][0]].revents == POLLIN && pf[p[7][0]].revents == POLLIN && pf[p[28][0]].revents == POLLIN &&
	     pf[p[3][0]].revents == POLLHUP && pf[p[5][1]].revents == (POLLOUT | POLLERR) &&
	     pf[p[9][1]].revents == 0 && pf[p[9][0]].revents == POLLIN && pf[p[3][1]].revents == 0;
	expect("then: data, hang-up, error, a full pipe, each as it should be", ok, 1);
	expect("... 34 - 1 closed - 1 full + 4 readable + 1 hung up = 37", n, 37);
	read(p[9][0], block, 4096);
	struct pollfd room = { p[9][1], POLLOUT, 0 };
	expect("a PIPE_BUF of room again: POLLOUT", poll(&room, 1, 0), 1);

	/* Bad descriptors and arguments. */
	struct pollfd bad[3] = { { 64, POLLIN, 0 }, { p[3][1], POLLOUT, 0 }, { -5, POLLIN, 7 } };
	expect("no such descriptors: POLLNVAL, the negative one ignored", poll(bad, 3, 0), 2);
	expect("... revents", bad[0].revents == POLLNVAL && bad[1].revents == POLLNVAL && bad[2].revents == 0, 1);
	for (int i = 0; i <= FD_SETSIZE; i++)
		pf[i] = (struct pollfd){ 1, POLLOUT, 0 };
	expect("65 entries: EINVAL", poll(pf, FD_SETSIZE + 1, 0) == -1 && errno == EINVAL, 1);
	expect("64 entries of one descriptor: 64", poll(pf, FD_SETSIZE, 0), FD_SETSIZE);
	struct timespec neg = { -1, 0 }, tenth = { 0, 100000000 };
	expect("ppoll with a negative timeout: EINVAL", ppoll(pf, 1, &neg, 0) == -1 && errno == EINVAL, 1);
	struct pollfd idle = { p[1][0], POLLIN, 0 };
	uint64_t t0 = now_ms();
	expect("ppoll of an empty pipe for 0.1 s: 0", ppoll(&idle, 1, &tenth, 0), 0);
	expect("... after them", now_ms() - t0 >= 100, 1);

	for (int fd = 3; fd < 64; fd++)
		close(fd);
}

static void select_as_poll(void)
{
	int a[2], b[2];
	fd_set rd, wr, ex;
	struct timeval zero = { 0, 0 }, tenth = { 0, 100000 }, neg = { 0, -1 };

	expect("two pipes", pipe(a) == 0 && pipe(b) == 0, 1);
	FD_ZERO(&rd), FD_ZERO(&wr), FD_ZERO(&ex);
	FD_SET(a[0], &rd), FD_SET(b[0], &rd), FD_SET(a[1], &wr), FD_SET(a[0], &ex);
	expect("timeout 0: the write end only", select(b[1] + 1, &rd, &wr, &ex, &zero), 1);
	expect("... the sets rewritten", !FD_ISSET(a[0], &rd) && !FD_ISSET(b[0], &rd) && FD_ISSET(a[1], &wr) &&
					   !FD_ISSET(a[0], &ex), 1);
	write(b[1], "x", 1);
	close(a[1]);
	FD_ZERO(&rd), FD_ZERO(&wr);
	FD_SET(a[0], &rd), FD_SET(b[0], &rd);
	expect("data in one, the other hung up: both readable (NULL: no limit)", select(b[1] + 1, &rd, 0, 0, 0), 2);
	char c;
	read(b[0], &c, 1);
	FD_ZERO(&rd);
	FD_SET(b[0], &rd);
	uint64_t t0 = now_ms();
	expect("an empty pipe for 0.1 s: 0", select(b[0] + 1, &rd, 0, 0, &tenth), 0);
	expect("... after them, the set emptied", now_ms() - t0 >= 100 && !FD_ISSET(b[0], &rd), 1);
	struct timespec ts = { 0, 0 };
	FD_SET(b[1], &wr);
	expect("pselect, timeout 0: writable", pselect(b[1] + 1, 0, &wr, 0, &ts, 0), 1);
	FD_ZERO(&rd);
	FD_SET(a[1], &rd);   /* closed */
	expect("a closed descriptor in a set: EBADF", select(a[1] + 1, &rd, 0, 0, &zero) == -1 && errno == EBADF, 1);
	expect("nfds over FD_SETSIZE: EINVAL", select(FD_SETSIZE + 1, 0, 0, 0, &zero) == -1 && errno == EINVAL, 1);
	expect("nfds negative: EINVAL", select(-1, 0, 0, 0, &zero) == -1 && errno == EINVAL, 1);
	expect("a malformed timeout: EINVAL", select(1, 0, 0, 0, &neg) == -1 && errno == EINVAL, 1);
	expect("no descriptor, timeout 0: 0", select(0, 0, 0, 0, &zero), 0);
	close(a[0]), close(b[0]), close(b[1]);
}

/* Another program writes while the notifier sleeps: it wakes, says
 * which and what, and has looked only a few times; then that program's
 * end (its write end with it) is a hang-up. */
static void a_write_wakes_the_notifier(void)
{
	int go[2], data[2], idle[2];
	mica_cap_t tin, tout;
	struct pollfd ready[4];
	char c;

	expect("pipes", pipe(go) == 0 && pipe(data) == 0 && pipe(idle) == 0, 1);
	expect("tickets", pipe_hand_off(go[0], &tin) == 0 && pipe_hand_off(data[1], &tout) == 0, 1);
	mica_cap_t proc = spawn("late", tin, tout);
	expect("start the late writer", proc != 0, 1);
	close(go[0]), close(data[1]);

	struct notifier *n = notifier_new();
	expect("a notifier", n != 0, 1);
	expect("subscribe: the data pipe, an idle pipe, the console", notifier_add(n, data[0], POLLIN) == 0 &&
		notifier_add(n, idle[0], POLLIN) == 0 && notifier_add(n, 0, POLLIN) == 0, 1);
	expect("subscribing again changes the events", notifier_add(n, idle[0], POLLIN | POLLOUT), 0);
	expect("a closed descriptor: EBADF", notifier_add(n, 60, POLLIN) == -1 && errno == EBADF, 1);
	expect("nothing yet (timeout 0)", notifier_wait(n, ready, 4, 0), 0);
	unsigned long before = notifier_turns(n);
	write(go[1], "g", 1);
	expect("woken: one source ready", notifier_wait(n, ready, 4, -1), 1);
	expect("... the data pipe, readable (hung up too if the writer has ended)",
	       ready[0].fd == data[0] && (ready[0].revents & ~POLLHUP) == POLLIN, 1);
	unsigned long turns = notifier_turns(n) - before;
	expect("... after a few looks, not a spin", turns >= 1 && turns <= TURNS_MAX, 1);
	expect("read the byte", read(data[0], &c, 1) == 1 && c == 'x', 1);
	expect("the writer ended: its status", wait_end(proc), 0);
	expect("its end went with it: POLLHUP", notifier_wait(n, ready, 4, -1) == 1 && ready[0].revents == POLLHUP, 1);
	expect("unsubscribe", notifier_remove(n, data[0]), 0);
	expect("... again: ENOENT", notifier_remove(n, data[0]) == -1 && errno == ENOENT, 1);
	expect("the idle pipe and the console: nothing", notifier_wait(n, ready, 4, 0), 0);
	notifier_free(n);
	close(go[1]), close(data[0]), close(idle[0]), close(idle[1]);
	mica_slot_drop(tin), mica_slot_drop(tout);
}

/* A program waiting in poll, killed: a hang-up and an error for the
 * ends it held, and the pipe server forgets its irq. */
static void a_killed_subscriber_costs_nothing(void)
{
	int a[2], b[2];
	mica_cap_t tin, tout;
	char c;
	long base = pipe_subscribers();

	expect("the pipe server's count", base >= 0, 1);
	expect("pipes and tickets", pipe(a) == 0 && pipe(b) == 0 && pipe_hand_off(a[0], &tin) == 0 &&
		pipe_hand_off(b[1], &tout) == 0, 1);
	mica_cap_t proc = spawn("hold", tin, tout);
	expect("start the holder", proc != 0, 1);
	close(a[0]), close(b[1]);
	expect("it holds its ends", read(b[0], &c, 1), 1);
	expect("its irq on two ends, ours on two", pipe_subscribers(), base + 4);
	expect("kill it while it waits in poll", process_kill(proc), 0);
	struct pollfd hup = { b[0], POLLIN, 0 }, err = { a[1], POLLOUT, 0 };
	expect("its write end: POLLHUP", poll(&hup, 1, -1) == 1 && hup.revents == POLLHUP, 1);
	expect("its read end: POLLERR", poll(&err, 1, -1) == 1 && (err.revents & POLLERR), 1);
	expect("its status: killed", wait_end(proc), 137);
	expect("its irq forgotten", pipe_subscribers(), base + 2);
	close(a[1]), close(b[0]);
	expect("ours too once closed: the count is back", pipe_subscribers(), base);
	mica_slot_drop(tin), mica_slot_drop(tout);
}

static mica_cap_t new_irq(void)
{
	mica_cap_t irq = mica_slot_alloc();

	factory_create_irq(MICA_BOOT_FACTORY, irq, 0x686f7374ull);
	irq_bind(irq, MICA_BOOT_THREAD);
	return irq;
}

/* PipeEnd.attach of `irq` to `end`, the ring it answers dropped. */
static int attach(mica_cap_t end, mica_cap_t irq)
{
	mica_cap_t ring = mica_slot_alloc();
	uint32_t size, kind;
	int err = pipe_end_attach(end, irq, &ring, &size, &kind);

	if (err)
		mica_slot_free(ring);
	else
		mica_slot_drop(ring);
	return err;
}

static void forget(mica_cap_t irq)
{
	kobject_destroy(irq);
	mica_slot_free(irq);
}

/* PipeEnd.attach as a hostile client uses it. */
static void hostile_pipe_subscribers(void)
{
	static mica_cap_t irqs[MICA_PIPE_WAITERS_MAX + 1];
	mica_cap_t r = mica_slot_alloc(), w = mica_slot_alloc();
	long base = pipe_subscribers();
	int ok = 1;

	expect("a pipe by hand", pipe_factory_create(lookup_once("pipe"), &r, &w), 0);
	expect("attach a void capability: EINVAL", attach(r, MICA_CAP_NULL), -MICA_EINVAL);
	mica_cap_t empty = mica_slot_alloc();
	expect("attach an empty slot: EINVAL", attach(r, empty), -MICA_EINVAL);
	expect("attach a gate: EINVAL", attach(r, w), -MICA_EINVAL);
	mica_cap_t dead = new_irq();
	kobject_destroy(dead);
	expect("attach a destroyed irq: EINVAL", attach(r, dead), -MICA_EINVAL);
	mica_slot_free(dead);
	expect("nothing kept", pipe_subscribers(), base);

	irqs[0] = new_irq();
	for (int i = 0; i < 20; i++) {
		ok &= attach(r, irqs[0]) == 0;
	}
	expect("one irq attached 20 times", ok, 1);
	expect("... is kept once", pipe_subscribers(), base + 1);
	/* The server's pool is for every end of every pipe: fill it. */
	int n = 1, err = 0;
	while (n <= (int)MICA_PIPE_WAITERS_MAX && (irqs[n] = new_irq()) && (err = attach(r, irqs[n])) == 0)
		n++;
	expect("irqs on one end until the pool is used up: ENOMEM", err, -MICA_ENOMEM);
	expect("... the whole pool", (long)(base + n), (long)MICA_PIPE_WAITERS_MAX);
	expect("the other end neither: ENOMEM", attach(w, irqs[n]), -MICA_ENOMEM);
	expect("detach one", pipe_end_detach(r, irqs[1]), 0);
	expect("detach it again: ENOENT", pipe_end_detach(r, irqs[1]), -MICA_ENOENT);
	expect("its entry goes to the other end", attach(w, irqs[n]), 0);
	expect("... and detached there", pipe_end_detach(w, irqs[n]), 0);
	forget(irqs[3]);
	expect("one destroyed: forgotten", pipe_subscribers(), (long)MICA_PIPE_WAITERS_MAX - 2);
	expect("... and two entries free again", attach(r, irqs[n]) == 0 && attach(r, irqs[1]) == 0, 1);
	expect("wake the readers: served", pipe_end_wake(w, MICA_PIPE_READERS), 0);
	for (int i = 0; i <= n; i++)
		if (i != 3)
			forget(irqs[i]);
	expect("all destroyed: the count is back", pipe_subscribers(), base);
	mica_slot_drop(r), mica_slot_drop(w);
	mica_slot_free(empty);
}

/* Whether an irq message labelled `label` is waiting for this thread
 * (every message waiting is taken). */
static int arrived(mica_word_t label)
{
	mica_word_t tag, got;
	int seen = 0;

	while (mica_ipc_wait(mica_timeouts(MICA_TIMEOUT_NEVER, MICA_TIMEOUT_ZERO), &tag, &got) == 0)
		seen |= got == label;
	return seen;
}

/* A holder of one pipe's end makes the server trigger the irqs attached
 * to that pipe, never another pipe's. */
static void a_wake_reaches_only_its_pipe(void)
{
	mica_cap_t r1 = mica_slot_alloc(), w1 = mica_slot_alloc(), r2 = mica_slot_alloc(), w2 = mica_slot_alloc();
	mica_cap_t irq = mica_slot_alloc();
	const mica_word_t label = 0x6f6e6c79ull;

	expect("two pipes by hand", pipe_factory_create(lookup_once("pipe"), &r1, &w1) == 0 &&
		pipe_factory_create(lookup_once("pipe"), &r2, &w2) == 0, 1);
	expect("an irq of ours", factory_create_irq(MICA_BOOT_FACTORY, irq, label) == 0 &&
		irq_bind(irq, MICA_BOOT_THREAD) == 0, 1);
	expect("attached to the first pipe's read end", attach(r1, irq), 0);
	arrived(label);   /* nothing of it before */
	expect("wake both sides of the second pipe", pipe_end_wake(w2, MICA_PIPE_READERS | MICA_PIPE_WRITERS) == 0 &&
		pipe_end_wake(r2, MICA_PIPE_READERS | MICA_PIPE_WRITERS) == 0, 1);
	expect("... the irq is not triggered", arrived(label), 0);
	expect("wake the first pipe's writers", pipe_end_wake(r1, MICA_PIPE_WRITERS), 0);
	expect("... nor then (it waits with the readers)", arrived(label), 0);
	expect("wake the first pipe's readers", pipe_end_wake(w1, MICA_PIPE_READERS), 0);
	expect("... now it is", arrived(label), 1);
	forget(irq);
	mica_slot_drop(r1), mica_slot_drop(w1), mica_slot_drop(r2), mica_slot_drop(w2);
}

/* Pollable.poll on the console as a hostile client uses it, and a
 * program killed while it waits in poll on the console. */
static void hostile_and_dying_console_subscribers(void)
{
	mica_cap_t con = rt_cap("stdin"), empty = mica_slot_alloc(), irqs[10], tmp = new_irq();
	uint32_t ready = 0;
	long base = console_subscribers();
	int ok = 1, made = 0;

	expect("the console's count", base >= 0, 1);
	expect("a void irq: EINVAL", pollable_poll(con, MICA_CAP_NULL, POLLIN, &ready), -MICA_EINVAL);
	expect("an empty slot: EINVAL", pollable_poll(con, empty, POLLIN, &ready), -MICA_EINVAL);
	expect("a gate (the console's own): EINVAL", pollable_poll(con, con, POLLIN, &ready), -MICA_EINVAL);
	expect("POLLOUT: ready, nothing armed", pollable_poll(con, tmp, POLLOUT, &ready) == 0 &&
		ready == POLLOUT && console_subscribers() == base, 1);
	forget(tmp);
	irqs[0] = new_irq();
	for (int i = 0; i < 20; i++)
		ok &= pollable_poll(con, irqs[0], POLLIN, &ready) == 0 && ready == 0;
	expect("one irq armed 20 times (no line typed)", ok, 1);
	expect("... is kept once", console_subscribers(), base + 1);
	/* The table holds 8: fill it, one more is refused, a destroyed one
	 * makes room. */
	for (made = 1; made < 9; made++) {
		irqs[made] = new_irq();
		if (pollable_poll(con, irqs[made], POLLIN, &ready) != 0)
			break;
	}
	expect("the table fills up", made < 9, 1);
	if (made == 9)
		made = 8;   /* not full: the checks below fail, within bounds */
	expect("a full table: ENOMEM", pollable_poll(con, irqs[made], POLLIN, &ready), -MICA_ENOMEM);
	forget(irqs[0]);
	expect("one destroyed makes room", pollable_poll(con, irqs[made], POLLIN, &ready), 0);
	for (int i = 1; i <= made; i++)
		forget(irqs[i]);
	expect("all destroyed: the count is back", console_subscribers(), base);

	mica_cap_t proc = spawn("console", rt_cap("stdin"), rt_cap("stdout"));
	expect("start a program polling the console", proc != 0, 1);
	for (int i = 0; i < 2000 && console_subscribers() != base + 1; i++)
		usleep(1000);   /* a bound for a test that fails, not a measure */
	expect("its irq armed", console_subscribers(), base + 1);
	expect("kill it", process_kill(proc), 0);
	expect("its status: killed", wait_end(proc), 137);
	expect("its irq forgotten", console_subscribers(), base);
	mica_slot_free(empty);
}

/* idlc's fuzz drivers on the new protocols (PipeEnd's and PipeFactory's
 * in pipe.scenario): every answer of the right shape. */
static void the_servers_survive_the_fuzzer(void)
{
	mica_cap_t r = mica_slot_alloc(), w = mica_slot_alloc();
	struct pollfd out = { 1, POLLOUT, 0 };

	expect("Pollable on the console", pollable_fuzz(rt_cap("stdin"), 31, 200), 0);
	expect("Subscribers on the console", subscribers_fuzz(rt_cap("stdin"), 32, 200), 0);
	expect("Subscribers on the pipe server", subscribers_fuzz(lookup_once("pipe"), 33, 200), 0);
	expect("Subscribers on the file server", subscribers_fuzz(lookup_once("fs"), 36, 200), 0);
	expect("a pipe by hand", pipe_factory_create(lookup_once("pipe"), &r, &w), 0);
	expect("Subscribers on an end", subscribers_fuzz(r, 34, 200), 0);
	expect("Pollable on an end: refused, answered", pollable_fuzz(w, 35, 50), 0);
	mica_slot_drop(r), mica_slot_drop(w);
	expect("the console still answers", poll(&out, 1, 0), 1);
}

/* Another program changes a file one step at a time, each while the
 * notifier sleeps: it wakes with that step's event after a few looks.
 * The program's own write counts too; poll asks the server only for the
 * file's own events (readable and writable it always is). */
static void a_file_change_wakes_the_notifier(void)
{
	static const struct { char step; short want; const char *what; } steps[] = {
		{ 'w', NOTIFIER_WRITTEN, "a write inside the file: NOTIFIER_WRITTEN" },
		{ 'e', NOTIFIER_WRITTEN | NOTIFIER_RESIZED, "a write past the end: written and resized" },
		{ 't', NOTIFIER_RESIZED, "a truncation: NOTIFIER_RESIZED" },
		{ 'c', NOTIFIER_CLOSED, "its close: NOTIFIER_CLOSED" },
	};
	int go[2], fd = open(NOTE_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	char data[100];
	mica_cap_t tin;
	struct pollfd ready[2];

	memset(data, 'd', sizeof data);
	expect("make the file", fd >= 0 && write(fd, data, sizeof data) == (ssize_t)sizeof data, 1);
	struct pollfd p = { fd, POLLIN | POLLOUT | NOTIFIER_WRITTEN, 0 };
	expect("poll: readable and writable, nothing written since the first look", poll(&p, 1, 0) == 1 &&
		p.revents == (POLLIN | POLLOUT), 1);
	expect("a write of our own", pwrite(fd, "me", 2, 0), 2);
	expect("poll: ... and written (inotify counts the writer's own writes too)", poll(&p, 1, 0) == 1 &&
		p.revents == (POLLIN | POLLOUT | NOTIFIER_WRITTEN), 1);
	expect("poll: reported once", poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT), 1);
	int dir = open("/", O_RDONLY);
	struct pollfd d = { dir, NOTIFIER_WRITTEN, 0 };
	expect("a directory's events: the server refuses, POLLERR", poll(&d, 1, 0) == 1 && d.revents == POLLERR, 1);
	close(dir);

	expect("a pipe and its ticket", pipe(go) == 0 && pipe_hand_off(go[0], &tin) == 0, 1);
	mica_cap_t proc = spawn("changer", tin, rt_cap("stdout"));
	expect("start the changer", proc != 0, 1);
	close(go[0]);
	struct notifier *n = notifier_new();
	expect("subscribe to the file's events", n && notifier_add(n, fd, FILE_EVENTS) == 0, 1);
	expect("nothing yet (timeout 0)", notifier_wait(n, ready, 2, 0), 0);
	for (unsigned i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		unsigned long before = notifier_turns(n);
		write(go[1], &steps[i].step, 1);
		expect(steps[i].what, notifier_wait(n, ready, 2, -1) == 1 && ready[0].fd == fd &&
			ready[0].revents == steps[i].want, 1);
		unsigned long turns = notifier_turns(n) - before;
		expect("... after a few looks, not a spin", turns >= 1 && turns <= TURNS_MAX, 1);
	}
	close(go[1]);
	expect("the changer ended: its status", wait_end(proc), 0);
	expect("nothing more (timeout 0)", notifier_wait(n, ready, 2, 0), 0);
	expect("the size it left", lseek(fd, 0, SEEK_END), 50);

	char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect("a shared mapping of the file", m != MAP_FAILED, 1);
	if (m != MAP_FAILED) {
		m[0] = 'M';
		expect("its write: nothing while the server has not written it back", notifier_wait(n, ready, 2, 0), 0);
		expect("msync", msync(m, 4096, MS_SYNC), 0);
		expect("... written back: NOTIFIER_WRITTEN", notifier_wait(n, ready, 2, 0) == 1 &&
			ready[0].revents == NOTIFIER_WRITTEN, 1);
		m[1] = 'N';
		expect("another write, then fsync", fsync(fd), 0);
		expect("... NOTIFIER_WRITTEN",
		       notifier_wait(n, ready, 2, 0) == 1 && ready[0].revents == NOTIFIER_WRITTEN, 1);
		expect("fsync with nothing written: nothing", fsync(fd) == 0 && notifier_wait(n, ready, 2, 0) == 0, 1);
		munmap(m, 4096);
	}
	notifier_free(n);
	close(fd);
	mica_slot_drop(tin);
}

/* A subscriber killed while it waits: its session goes with it, and so
 * does its subscription.  An irq destroyed under a subscription fails its
 * next trigger and is forgotten. */
static void a_killed_file_subscriber_is_forgotten(void)
{
	int b[2], fd = open(NOTE_FILE, O_RDWR);
	mica_cap_t tout;
	char c;
	long base = fs_subscribers();

	expect("the file server's count", base >= 0 && fd >= 0, 1);
	expect("a pipe and its ticket", pipe(b) == 0 && pipe_hand_off(b[1], &tout) == 0, 1);
	mica_cap_t proc = spawn("filewait", rt_cap("stdin"), tout);
	expect("start the waiter", proc != 0, 1);
	close(b[1]);
	expect("it subscribed", read(b[0], &c, 1), 1);
	expect("its subscription counted", fs_subscribers(), base + 1);
	expect("kill it while it waits", process_kill(proc), 0);
	expect("its status: killed", wait_end(proc), 137);
	expect("its subscription forgotten", fs_subscribers(), base);

	mica_cap_t gate = mica_slot_alloc(), buffer = mica_slot_alloc(), irq = mica_slot_alloc();
	uint32_t size, type, happened;
	expect("a session of the file",
	       file_system_open(lookup_once("fs"), NOTE_FILE, MICA_FS_O_READ, 0, &gate, &buffer, &size, &type), 0);
	factory_create_irq(MICA_BOOT_FACTORY, irq, 0x6e6f7465ull);
	irq_bind(irq, MICA_BOOT_THREAD);
	expect("subscribed with an irq of ours", open_file_notify(gate, irq, MICA_FS_EV_WRITTEN, &happened), 0);
	expect("... counted", fs_subscribers(), base + 1);
	kobject_destroy(irq);
	expect("a write triggers the destroyed irq", pwrite(fd, "x", 1, 0), 1);
	expect("its subscription forgotten", fs_subscribers(), base);
	expect("the session still answers", open_file_notify(gate, rt_cap("stdin"), MICA_FS_EV_WRITTEN, &happened),
	       -MICA_EINVAL);
	open_file_close(gate);
	mica_slot_drop(gate), mica_slot_free(buffer), mica_slot_free(irq);
	close(b[0]), close(fd);
	mica_slot_drop(tout);
}

/* OpenFile.notify as a hostile client calls it: what is no irq, events
 * that are no file's, the wrong gates and kinds of file, one irq given
 * again and again, and more subscriptions than the server keeps. */
static void hostile_file_subscribers(void)
{
	static mica_cap_t gates[MICA_FS_SUBSCRIPTIONS_MAX + 1];
	mica_cap_t fs = lookup_once("fs"), gate = mica_slot_alloc(), dir = mica_slot_alloc(), buffer = mica_slot_alloc();
	mica_cap_t irq = new_irq(), empty = mica_slot_alloc(), dead = new_irq(), ds = mica_slot_alloc();
	uint32_t size, type, h;
	long base = fs_subscribers();
	int ok = 1;

	kobject_destroy(dead);
	expect("a session of the file", file_system_open(fs, NOTE_FILE, MICA_FS_O_READ, 0, &gate, &buffer, &size,
							 &type), 0);
	expect("a void capability: EINVAL", open_file_notify(gate, MICA_CAP_NULL, MICA_FS_EV_WRITTEN, &h),
	       -MICA_EINVAL);
	expect("an empty slot: EINVAL", open_file_notify(gate, empty, MICA_FS_EV_WRITTEN, &h), -MICA_EINVAL);
	expect("a gate: EINVAL", open_file_notify(gate, fs, MICA_FS_EV_WRITTEN, &h), -MICA_EINVAL);
	expect("a destroyed irq: EINVAL", open_file_notify(gate, dead, MICA_FS_EV_WRITTEN, &h), -MICA_EINVAL);
	expect("no event: EINVAL", open_file_notify(gate, irq, 0, &h), -MICA_EINVAL);
	expect("POLLIN, no file's event: EINVAL", open_file_notify(gate, irq, POLLIN | MICA_FS_EV_WRITTEN, &h),
	       -MICA_EINVAL);
	expect("on the server's gate: ENOSYS", open_file_notify(fs, irq, MICA_FS_EV_WRITTEN, &h), -MICA_ENOSYS);
	expect("a mapping", open_file_mmap(gate, MICA_R, false, &ds), 0);
	expect("on a mapping's gate: ENOSYS", open_file_notify(ds, irq, MICA_FS_EV_WRITTEN, &h), -MICA_ENOSYS);
	expect("a directory", file_system_open(fs, "/", MICA_FS_O_READ, 0, &dir, &buffer, &size, &type), 0);
	expect("on a directory: ENODEV", open_file_notify(dir, irq, MICA_FS_EV_WRITTEN, &h),
	       -(MICA_FS_ERRNO + ENODEV));
	expect("none of those subscribed", fs_subscribers(), base);
	for (int i = 0; i < 20; i++)
		ok &= open_file_notify(gate, irq, MICA_FS_EV_WRITTEN, &h) == 0;
	expect("one irq 20 times on one session", ok, 1);
	expect("... one subscription", fs_subscribers(), base + 1);

	int made = 1;   /* the session above */
	ok = 1;
	for (long i = base + 1; i < MICA_FS_SUBSCRIPTIONS_MAX; i++, made++) {
		gates[made] = mica_slot_alloc();
		ok &= file_system_open(fs, NOTE_FILE, MICA_FS_O_READ, 0, &gates[made], &buffer, &size, &type) == 0 &&
		      open_file_notify(gates[made], irq, MICA_FS_EV_WRITTEN, &h) == 0;
	}
	expect("sessions subscribed up to the bound", ok && fs_subscribers() == MICA_FS_SUBSCRIPTIONS_MAX, 1);
	gates[made] = mica_slot_alloc();
	expect("one more session", file_system_open(fs, NOTE_FILE, MICA_FS_O_READ, 0, &gates[made], &buffer, &size,
						    &type), 0);
	expect("its subscription: ENOMEM", open_file_notify(gates[made], irq, MICA_FS_EV_WRITTEN, &h), -MICA_ENOMEM);
	expect("a subscribed session may still change its events",
	       open_file_notify(gate, irq, MICA_FS_EV_WRITTEN | MICA_FS_EV_CLOSED, &h), 0);
	kobject_destroy(irq);
	mica_slot_free(irq);
	irq = new_irq();
	expect("the irq destroyed: room again", open_file_notify(gates[made], irq, MICA_FS_EV_WRITTEN, &h), 0);
	expect("... the others forgotten", fs_subscribers(), base + 1);
	for (int i = 1; i <= made; i++)
		open_file_close(gates[i]), mica_slot_drop(gates[i]);
	expect("their sessions closed: the count is back", fs_subscribers(), base);
	open_file_close(gate), open_file_close(dir);
	mica_slot_drop(gate), mica_slot_drop(dir), mica_slot_drop(ds);
	forget(irq), mica_slot_free(dead), mica_slot_free(empty), mica_slot_free(buffer);
}

static const struct qtest_case cases[] = {
	{ "the_console_is_readable_a_line_or_a_byte_at_a_time", the_console_is_readable_a_line_or_a_byte_at_a_time },
	{ "sixty_four_descriptors_of_every_kind", sixty_four_descriptors_of_every_kind },
	{ "select_as_poll", select_as_poll },
	{ "a_write_wakes_the_notifier", a_write_wakes_the_notifier },
	{ "a_killed_subscriber_costs_nothing", a_killed_subscriber_costs_nothing },
	{ "hostile_pipe_subscribers", hostile_pipe_subscribers },
	{ "a_wake_reaches_only_its_pipe", a_wake_reaches_only_its_pipe },
	{ "hostile_and_dying_console_subscribers", hostile_and_dying_console_subscribers },
	{ "a_file_change_wakes_the_notifier", a_file_change_wakes_the_notifier },
	{ "a_killed_file_subscriber_is_forgotten", a_killed_file_subscriber_is_forgotten },
	{ "hostile_file_subscribers", hostile_file_subscribers },
	{ "the_servers_survive_the_fuzzer", the_servers_survive_the_fuzzer },
};

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "late"))
		return late();
	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold();
	if (argc > 1 && !strcmp(argv[1], "console"))
		return console_waiter();
	if (argc > 1 && !strcmp(argv[1], "changer"))
		return changer();
	if (argc > 1 && !strcmp(argv[1], "filewait"))
		return file_waiter();
	return QTEST_RUN(argv[0], cases);
}

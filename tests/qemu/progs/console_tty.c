/*
 * console_tty.c - the console as a terminal through the C library
 * (console_tty.scenario, docs/console.md): the input the scenario types is
 * read in canonical mode (erase, kill, end of input, a signal character,
 * echo off) and in raw mode (VMIN, VTIME, ICRNL on and off); then the
 * window size, the foreground process group, and the requests that are
 * refused, through libc (tcsetattr, ioctl...) and straight on the Stream
 * protocol; last, idlc's fuzz driver on Stream.
 *
 * The typed input waits in the console until a read wants it, so each
 * setting made before a read applies to the bytes that read takes; only a
 * signal character acts when it arrives, so the scenario types Ctrl-C
 * once the line it discards has been echoed.  TAP lines go to stdout,
 * which is the console too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <rt/rt.h>
#include <idl/rt/stream.h>

static int failed, count;

static void check(const char *what, int ok)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++count, what);
	failed |= !ok;
}

static void check_eq(const char *what, long got, long want)
{
	if (got != want)
		printf("# %s: got %ld, want %ld\n", what, got, want);
	check(what, got == want);
}

/* read() on stdin with `room`; true when it returned exactly want[0..n). */
static int reads(size_t room, const char *want, size_t n)
{
	char buf[64];
	ssize_t got = read(0, buf, room);

	if (got == (ssize_t)n && !memcmp(buf, want, n))
		return 1;
	printf("# read(%zu) returned %zd (errno %d):", room, got, got < 0 ? errno : 0);
	for (ssize_t i = 0; i < got; i++)
		printf(" %02x", (unsigned char)buf[i]);
	printf("\n");
	return 0;
}

static int fails_with(int ret, int err)
{
	if (ret == -1 && errno == err)
		return 1;
	printf("# returned %d, errno %d; want -1, errno %d\n", ret, errno, err);
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static struct termios saved;

static void set(const char *what, struct termios *t)
{
	check_eq(what, tcsetattr(0, TCSANOW, t), 0);
}

static void canonical_mode(void)
{
	struct termios t;

	char c[64];

	/* The first byte typed may be lost at boot, or make an empty line. */
	ssize_t n = read(0, c, sizeof c);
	check("erase takes one character back",
	      (n == 4 && !memcmp(c, "abc\n", 4)) || (n == 1 && c[0] == '\n' && reads(sizeof c, "abc\n", 4)));
	check("kill takes the line back", reads(sizeof c, "ok\n", 3));
	check("Ctrl-D on an empty line: end of input", reads(sizeof c, "", 0));
	check("tcgetpgrp with no foreground group yet: ENOTTY", fails_with(tcgetpgrp(0), ENOTTY));
	check_eq("tcsetpgrp 7", tcsetpgrp(0, 7), 0);
	check_eq("tcgetpgrp", tcgetpgrp(0), 7);
	check("Ctrl-C discards the line typed so far", reads(sizeof c, "def\n", 4));
	t = saved;
	t.c_lflag &= ~(tcflag_t)ECHO;
	set("echo off", &t);
	check("a line typed without echo", reads(sizeof c, "hidden\n", 7));
}

static void raw_mode(void)
{
	struct termios t = saved;
	uint64_t start;

	cfmakeraw(&t);   /* no echo: raw bytes would land in the TAP lines */
	t.c_iflag |= ICRNL;
	t.c_cc[VMIN] = 3;
	set("raw mode, VMIN 3", &t);
	check("erase and Ctrl-D are data", reads(3, "\177\004q", 3));
	t.c_cc[VMIN] = 1;
	set("VMIN 1", &t);
	check("ICRNL: CR reads as LF", reads(1, "\n", 1));
	t.c_iflag &= ~(tcflag_t)ICRNL;
	set("ICRNL off", &t);
	check("without ICRNL: CR", reads(1, "\r", 1));
	t.c_cc[VMIN] = 2;
	t.c_cc[VTIME] = 1;
	set("VMIN 2, VTIME 1", &t);
	check("VTIME ends the read after the one byte left", reads(8, "w", 1));
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	set("VMIN 0, VTIME 0", &t);
	check("nothing typed: 0 at once", reads(8, "", 0));
	t.c_cc[VTIME] = 3;
	set("VMIN 0, VTIME 3", &t);
	start = now_us();
	check("nothing typed: 0 ...", reads(8, "", 0));
	check("... after VTIME's 0.3 s", now_us() - start >= 300000);
	check_eq("tcflush(TCIFLUSH)", tcflush(0, TCIFLUSH), 0);
	check_eq("tcdrain", tcdrain(1), 0);
	check_eq("back to the saved settings (TCSAFLUSH)", tcsetattr(0, TCSAFLUSH, &saved), 0);
	check_eq("tcgetattr", tcgetattr(0, &t), 0);
	check("... gives them back", !memcmp(&t, &saved, sizeof t));
}

static void settings_and_sizes(void)
{
	struct winsize w;
	struct termios t;

	check_eq("tcgetattr on stdin", tcgetattr(0, &saved), 0);
	check("canonical, echoing, signals, ICRNL, OPOST|ONLCR",
	      (saved.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG) && (saved.c_iflag & ICRNL) &&
		      (saved.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
	check("VERASE DEL, VKILL ^U, VEOF ^D, VINTR ^C", saved.c_cc[VERASE] == 0x7f && saved.c_cc[VKILL] == 0x15 &&
								  saved.c_cc[VEOF] == 4 && saved.c_cc[VINTR] == 3);
	check_eq("the line's speed", cfgetospeed(&saved), B115200);
	check_eq("tcgetattr on stdout (the same console)", tcgetattr(1, &t), 0);
	check_eq("TIOCGWINSZ", ioctl(1, TIOCGWINSZ, &w), 0);
	check("... 24 rows of 80 columns", w.ws_row == 24 && w.ws_col == 80);
	w = (struct winsize){ .ws_row = 50, .ws_col = 132 };
	check_eq("TIOCSWINSZ 50x132", ioctl(1, TIOCSWINSZ, &w), 0);
	w = (struct winsize){ 0 };
	check("TIOCGWINSZ gives it back", ioctl(0, TIOCGWINSZ, &w) == 0 && w.ws_row == 50 && w.ws_col == 132);
}

static void refused_requests(void)
{
	struct termios t = saved;
	struct tty_attr a;
	int fd = open("rom/console_tty", O_RDONLY);
	mica_cap_t in = rt_cap("stdin");

	check("ioctl on a closed descriptor: EBADF", fails_with(ioctl(40, TIOCGWINSZ, &t), EBADF));
	check("ioctl with an unknown request: EINVAL", fails_with(ioctl(0, 0x7777, &t), EINVAL));
	check("ioctl on a rom file: ENOTTY", fd >= 0 && fails_with(ioctl(fd, TIOCGWINSZ, &t), ENOTTY));
	check("tcgetattr on a rom file: ENOTTY", fails_with(tcgetattr(fd, &t), ENOTTY));
	close(fd);
	check("tcsetattr with an unknown action: EINVAL", fails_with(tcsetattr(0, 9, &saved), EINVAL));
	cfsetspeed(&t, B9600);
	check("a speed the line does not run at: EINVAL", fails_with(tcsetattr(0, TCSANOW, &t), EINVAL));
	t = saved;
	t.c_cflag |= PARENB;
	check("parity the line does not have: EINVAL", fails_with(tcsetattr(0, TCSANOW, &t), EINVAL));
	check("cfsetspeed of a speed without a name: EINVAL", fails_with(cfsetspeed(&t, 12345), EINVAL));
	check("tcflush of an unknown queue: EINVAL", fails_with(tcflush(0, 7), EINVAL));
	check("tcsetpgrp(-1): EINVAL", fails_with(tcsetpgrp(0, -1), EINVAL));
	check_eq("Stream.setattr with an unknown `when`", stream_getattr(in, &a) ? -1 : stream_setattr(in, 3, a),
		 -MICA_EINVAL);
	check_eq("Stream.flush of queue 3", stream_flush(in, 3), -MICA_EINVAL);
	check_eq("Stream.set_pgrp(0)", stream_set_pgrp(in, 0, 0), -MICA_EINVAL);
	check_eq("the settings are unchanged", tcgetattr(0, &t) == 0 && !memcmp(&t, &saved, sizeof t), 1);
}

/* idlc's fuzz driver on Stream: random well-formed and malformed requests
 * (its writes put noise on the serial log), then the console still
 * answers, its settings unchanged (a random speed is never the line's). */
static void fuzzed_requests_are_answered(void)
{
	extern char __bss_start[], _end[];
	struct termios t;

	/* The kernel copies strings only between mapped pages (docs/ipc.md):
	 * fault in the driver's buffers, which live in bss, first. */
	for (volatile char *p = (char *)((uintptr_t)__bss_start & ~0xfffull); p < _end; p += 4096)
		*p = *p;
	check_eq("every fuzzed request answered", stream_fuzz(rt_cap("stdin"), 18, 16), 0);
	printf("\n");
	check_eq("the console still answers", tcgetattr(0, &t), 0);
	check("... its settings unchanged", !memcmp(&t, &saved, sizeof t));
}

int main(void)
{
	settings_and_sizes();
	canonical_mode();
	raw_mode();
	refused_requests();
	fuzzed_requests_are_answered();
	printf("1..%d\n", count);
	return failed;
}

/*
 * libc_test.c - an ordinary C program that root's launcher starts: stdio
 * formats, a 64 MiB heap, qsort and strtod, a boot file read through
 * stdio, argv and the environment, the pid, the clock, errno values, and
 * the exit status.  Only the C library: what it proves is lib/libc's glue
 * under newlib.
 *
 *   libc_test CRC SIZE alpha beta [STATUS]
 *
 * CRC and SIZE are what `cksum` says of rom/libc_data.bin; alpha and beta
 * are those two words; the program returns STATUS from main (default 0)
 * when every case passed, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DATA "rom/libc_data.bin"

static int argc_;
static char **argv_, **envp_;
static unsigned long want_crc, want_size;

/* ---- helpers -------------------------------------------------------------- */

/* POSIX cksum: CRC-32 (polynomial 0x04c11db7, most significant bit first)
 * of the bytes and then of the length, least significant byte first. */
static uint32_t crc_byte(uint32_t crc, unsigned char b)
{
	crc ^= (uint32_t)b << 24;
	for (int k = 0; k < 8; k++)
		crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	return crc;
}

static uint32_t cksum(const unsigned char *p, size_t n)
{
	uint32_t crc = 0;

	for (size_t i = 0; i < n; i++)
		crc = crc_byte(crc, p[i]);
	for (size_t len = n; len; len >>= 8)
		crc = crc_byte(crc, len & 0xff);
	return ~crc;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- the cases: each returns whether it passed ---------------------------- */

static int fmt_ok(const char *got, const char *want, const char *fmt)
{
	if (!strcmp(got, want))
		return 1;
	printf("# %s: got \"%s\", want \"%s\"\n", fmt, got, want);
	return 0;
}

#define FMT(want, ...) (snprintf(buf, sizeof buf, __VA_ARGS__), ok &= fmt_ok(buf, want, #__VA_ARGS__))

static int printf_formats(void)
{
	char buf[128];
	int ok = 1;

	FMT("-42", "%d", -42);
	FMT("17", "%i", 17);
	FMT("4294967295", "%u", 4294967295u);
	FMT("deadbeef", "%x", 0xdeadbeefu);
	FMT("DEADBEEF", "%X", 0xdeadbeefu);
	FMT("755", "%o", 0755);
	FMT("Z", "%c", 'Z');
	FMT("mica", "%s", "mica");
	FMT("0x1234", "%p", (void *)0x1234);
	FMT("1.250000e+03", "%e", 1250.0);
	FMT("3.141593", "%f", 3.14159265);
	FMT("0.0001", "%g", 0.0001);
	FMT("1e+10", "%g", 1e10);
	FMT("123456", "%zu", (size_t)123456);
	FMT("-9223372036854775807", "%lld", -9223372036854775807ll);
	FMT(" 3.14", "%5.2f", 3.14159);
	FMT("ab      |", "%-8s|", "ab");
	FMT("100%", "%d%%", 100);
	FMT("[  -7|0x00ff|+3]", "[%4d|%#06x|%+d]", -7, 255, 3);
	return ok;
}

static int printf_to_stdout(void)
{
	int n = printf("# printf reaches stdout: %d %s %.1f\n", 42, "words", 2.5);

	return n == (int)strlen("# printf reaches stdout: 42 words 2.5\n") && fflush(stdout) == 0;
}

enum { PIECES = 64, PIECE = 1 << 20 };

/* 64 pieces of 1 MiB, each written with its own byte and checked. */
static int fill_pieces(char **p)
{
	for (int i = 0; i < PIECES; i++) {
		p[i] = malloc(PIECE);
		if (!p[i]) {
			printf("# malloc of piece %d returned NULL (errno %d)\n", i, errno);
			while (i--)
				free(p[i]);
			return 0;
		}
		memset(p[i], i + 1, PIECE);
	}
	for (int i = 0; i < PIECES; i++)
		for (size_t off = 0; off < PIECE; off += 4093)
			if (p[i][off] != (char)(i + 1) || p[i][PIECE - 1] != (char)(i + 1)) {
				printf("# piece %d at %zu holds %d\n", i, off, p[i][off]);
				return 0;
			}
	return 1;
}

static int malloc_64mib(void)
{
	static char *p[PIECES];
	int ok = fill_pieces(p);
	char *peak = sbrk(0);

	if (!ok)
		return 0;
	for (int i = 0; i < PIECES; i++)
		free(p[i]);
	/* Freed memory serves the second round: the heap hardly grows. */
	ok = fill_pieces(p);
	if (ok && (char *)sbrk(0) > peak + PIECE) {
		printf("# the heap grew from %p to %p for the same pieces\n", (void *)peak, sbrk(0));
		ok = 0;
	}
	for (int i = 0; ok && i < PIECES; i++)
		free(p[i]);
	return ok;
}

static int malloc_impossible_enomem(void)
{
	errno = 0;
	return malloc((size_t)1 << 40) == 0 && errno == ENOMEM;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int qsort_1000(void)
{
	static int v[1000];
	unsigned seed = 12345;

	for (int i = 0; i < 1000; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (int)(seed >> 8) - (1 << 22);
	}
	qsort(v, 1000, sizeof v[0], cmp_int);
	for (int i = 1; i < 1000; i++)
		if (v[i - 1] > v[i])
			return 0;
	return 1;
}

static int strtod_values(void)
{
	char *end;
	double a = strtod("3.25e2xyz", &end);

	return a == 325.0 && !strcmp(end, "xyz") && strtod("-0.5", 0) == -0.5 && strtod("1e-3", 0) == 0.001 &&
	       strtod("0x1p4", 0) == 16.0;
}

/* The whole file through fread matches the cksum from the command line;
 * fseek and ftell agree with it. */
static int fopen_rom_file(void)
{
	FILE *f = fopen(DATA, "r");
	unsigned char *all;
	size_t n;
	int ok;

	if (!f) {
		printf("# fopen %s: %s\n", DATA, strerror(errno));
		return 0;
	}
	all = malloc(want_size + 1);
	n = all ? fread(all, 1, want_size + 1, f) : 0;
	ok = n == want_size && feof(f) && cksum(all, n) == want_crc;
	if (!ok)
		printf("# read %zu bytes, cksum %u; want %lu bytes, cksum %lu\n", n, all ? cksum(all, n) : 0, want_size,
		       want_crc);
	if (ok && n > 2) {
		ok = fseek(f, (long)(n / 2), SEEK_SET) == 0 && fgetc(f) == all[n / 2] && ftell(f) == (long)(n / 2 + 1);
		ok = ok && fseek(f, -1, SEEK_END) == 0 && fgetc(f) == all[n - 1] && fgetc(f) == EOF;
		ok = ok && fseek(f, 0, SEEK_END) == 0 && ftell(f) == (long)n;
	}
	free(all);
	return fclose(f) == 0 && ok;
}

static int stat_rom_file(void)
{
	struct stat st;
	int fd = open("/" DATA, O_RDONLY);
	int ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long)st.st_size == want_size;

	ok = ok && !isatty(fd) && close(fd) == 0;
	return ok && stat(DATA, &st) == 0 && (unsigned long)st.st_size == want_size && stat("rom", &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Every open file takes capability slots and a region: close gives them back. */
static int open_close_300_times(void)
{
	for (int i = 0; i < 300; i++) {
		int fd = open(DATA, O_RDONLY);
		if (fd != 3) {
			printf("# open %d gave %d (%s)\n", i, fd, strerror(errno));
			return 0;
		}
		close(fd);
	}
	return 1;
}

static int errno_values(void)
{
	char c;
	struct stat st;

	errno = 0;
	int ok = open("rom/no-such-file", O_RDONLY) == -1 && errno == ENOENT;
	ok = ok && open(DATA, O_WRONLY) == -1 && errno == EROFS;
	ok = ok && open("/etc/motd", O_RDONLY) == -1 && errno == ENOENT;
	ok = ok && stat("/etc/motd", &st) == -1 && errno == ENOENT;
	ok = ok && read(42, &c, 1) == -1 && errno == EBADF;
	ok = ok && unlink(DATA) == -1 && errno == EROFS;
	ok = ok && lseek(1, 0, SEEK_SET) == -1 && errno == ESPIPE;
	ok = ok && fopen("rom/no-such-file", "r") == 0 && errno == ENOENT;
	return ok;
}

static int streams_are_ttys(void)
{
	struct stat st;

	return isatty(0) && isatty(1) && isatty(2) && fstat(1, &st) == 0 && S_ISCHR(st.st_mode);
}

static int argv_words(void)
{
	const char *base = strrchr(argv_[0], '/');

	base = base ? base + 1 : argv_[0];
	return argc_ >= 5 && !strcmp(base, "libc_test") && !strcmp(argv_[3], "alpha") && !strcmp(argv_[4], "beta") &&
	       argv_[argc_] == 0;
}

static int environment(void)
{
	int has_caps = 0, has_pid = 0;

	for (char **e = envp_; *e; e++) {
		has_caps |= !strncmp(*e, "MICA_CAPS=", 10);
		has_pid |= !strncmp(*e, "MICA_PID=", 9);
	}
	return has_caps && has_pid && getenv("MICA_CAPS") && setenv("LIBC_TEST", "set", 1) == 0 &&
	       !strcmp(getenv("LIBC_TEST"), "set");
}

static int pid_from_environment(void)
{
	return getpid() > 0 && getpid() == atoi(getenv("MICA_PID"));
}

static int clock_advances_across_usleep(void)
{
	struct timeval tv0, tv1;
	uint64_t t0 = now_us(), t1;

	gettimeofday(&tv0, 0);
	if (usleep(20000))
		return 0;
	t1 = now_us();
	gettimeofday(&tv1, 0);
	uint64_t us = (uint64_t)(tv1.tv_sec - tv0.tv_sec) * 1000000 + (uint64_t)tv1.tv_usec - (uint64_t)tv0.tv_usec;
	if (t1 - t0 < 20000 || us < 20000) {
		printf("# slept %llu us (monotonic), %llu us (gettimeofday)\n", (unsigned long long)(t1 - t0),
		       (unsigned long long)us);
		return 0;
	}
	struct timespec req = { 0, 5000000 };
	t0 = now_us();
	return nanosleep(&req, 0) == 0 && now_us() - t0 >= 5000 && time(0) >= 0;
}

static int constructed;

__attribute__((constructor)) static void construct(void)
{
	constructed = 42;
}

__attribute__((destructor)) static void destruct(void)
{
	printf("libc_test: destructor ran\n");
}

static int constructor_ran(void)
{
	return constructed == 42;
}

static const struct {
	const char *name;
	int (*fn)(void);
} cases[] = {
	{ "snprintf of every common format", printf_formats },
	{ "printf reaches stdout and fflush succeeds", printf_to_stdout },
	{ "64 MiB in 1 MiB pieces, written and checked, freed, and again", malloc_64mib },
	{ "an impossible malloc returns NULL with ENOMEM", malloc_impossible_enomem },
	{ "qsort of 1000 numbers", qsort_1000 },
	{ "strtod", strtod_values },
	{ "fopen/fread of " DATA " matches its cksum; fseek, ftell", fopen_rom_file },
	{ "fstat and stat of a rom file; rom is a directory", stat_rom_file },
	{ "open and close 300 times reuse descriptor 3", open_close_300_times },
	{ "errno: ENOENT, EROFS, EBADF, ESPIPE", errno_values },
	{ "descriptors 0..2 are ttys", streams_are_ttys },
	{ "argv: program name and words", argv_words },
	{ "environment: MICA_CAPS, MICA_PID, setenv", environment },
	{ "getpid is MICA_PID", pid_from_environment },
	{ "the clock advances across usleep(20000) and nanosleep", clock_advances_across_usleep },
	{ "a constructor ran before main", constructor_ran },
};

static void bye(void)
{
	printf("libc_test: atexit handler ran\n");
}

int main(int argc, char **argv, char **envp)
{
	int n = (int)(sizeof cases / sizeof cases[0]), failures = 0;

	argc_ = argc;
	argv_ = argv;
	envp_ = envp;
	want_crc = argc > 1 ? strtoul(argv[1], 0, 10) : 0;
	want_size = argc > 2 ? strtoul(argv[2], 0, 10) : 0;
	printf("1..%d\n", n);
	for (int i = 0; i < n; i++) {
		int ok = cases[i].fn();
		failures += !ok;
		printf("%s %d - %s\n", ok ? "ok" : "not ok", i + 1, cases[i].name);
	}
	atexit(bye);
	return failures ? 1 : argc > 5 ? atoi(argv[5]) : 0;
}

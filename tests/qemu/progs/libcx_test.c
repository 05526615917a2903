/*
 * libcx_test.c - the C library's calls added for toybox (docs/libc.md):
 * the *at calls from a directory descriptor and their bad input,
 * fdopendir, sigsetjmp/siglongjmp with the mask, getpwnam_r's ERANGE,
 * uname, readv/writev, statfs, the mount table, IPv4 text addresses and
 * the calls that fail cleanly (sockets, getaddrinfo, pty, xattr, inotify,
 * mount, settimeofday).  toybox.scenario spawns it from the disk of
 * build/tests/qemu/ports.img; it prints TAP lines.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <netdb.h>
#include <pty.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#define DIR_PATH "/tmp/libcx"

static int n, failed;

static void ok(int cond, const char *what)
{
	n++;
	failed |= !cond;
	printf("libcx_test: %s %d - %s\n", cond ? "ok" : "not ok", n, what);
}

static sigjmp_buf env;

static void at_calls(void)
{
	struct stat st;
	char buf[64];
	int dfd, fd;
	ssize_t len;

	mkdir(DIR_PATH, 0755);
	dfd = open(DIR_PATH, O_RDONLY | O_DIRECTORY);
	ok(dfd >= 0, "open a directory");
	fd = openat(dfd, "f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok(fd >= 0 && write(fd, "abc", 3) == 3 && close(fd) == 0, "openat creates in the directory");
	ok(stat(DIR_PATH "/f", &st) == 0 && st.st_size == 3, "the file is where the directory is");
	ok(fstatat(dfd, "f", &st, 0) == 0 && st.st_size == 3 && st.st_dev != 0, "fstatat (a device number)");
	ok(mkdirat(dfd, "d", 0755) == 0 && fstatat(dfd, "d", &st, 0) == 0 && S_ISDIR(st.st_mode), "mkdirat");
	ok(symlinkat("f", dfd, "l") == 0 && (len = readlinkat(dfd, "l", buf, sizeof buf)) == 1 && buf[0] == 'f',
	   "symlinkat, readlinkat");
	ok(fstatat(dfd, "l", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode), "fstatat AT_SYMLINK_NOFOLLOW");
	ok(linkat(dfd, "f", dfd, "h", 0) == 0 && fstatat(dfd, "f", &st, 0) == 0 && st.st_nlink == 2, "linkat");
	ok(renameat(dfd, "h", AT_FDCWD, DIR_PATH "/h2") == 0 && faccessat(dfd, "h2", R_OK, 0) == 0,
	   "renameat across AT_FDCWD, faccessat");
	ok(fchmodat(dfd, "f", 0600, 0) == 0 && fstatat(dfd, "f", &st, 0) == 0 && (st.st_mode & 0777) == 0600,
	   "fchmodat");
	ok(fchmodat(dfd, "l", 0600, AT_SYMLINK_NOFOLLOW) == -1 && errno == ENOTSUP, "fchmodat of a link itself: ENOTSUP");
	ok(unlinkat(dfd, "d", 0) == -1 && unlinkat(dfd, "d", AT_REMOVEDIR) == 0, "unlinkat AT_REMOVEDIR");
	ok(unlinkat(dfd, "l", 0) == 0 && unlinkat(dfd, "h2", 0) == 0, "unlinkat");
	ok(fstatat(dfd, "f", &st, 0x4000) == -1 && errno == EINVAL, "an unknown flag: EINVAL");
	ok(fstatat(dfd, "", &st, 0) == -1 && errno == ENOENT, "an empty path: ENOENT");
	ok(fstatat(99, "f", &st, 0) == -1 && errno == EBADF, "a closed descriptor: EBADF");
	fd = open(DIR_PATH "/f", O_RDONLY);
	ok(fstatat(fd, "x", &st, 0) == -1 && errno == ENOTDIR, "a file's descriptor: ENOTDIR");
	ok(fstatat(fd, DIR_PATH "/f", &st, 0) == 0, "an absolute path ignores the descriptor");
	ok(fdopendir(fd) == NULL && errno == ENOTDIR, "fdopendir of a file: ENOTDIR");
	close(fd);

	DIR *d = fdopendir(dfd);
	struct dirent *e;
	int names = 0;
	ok(d != NULL && dirfd(d) == dfd, "fdopendir takes the descriptor");
	while (d && (e = readdir(d)) != NULL)
		names += strcmp(e->d_name, "f") == 0;
	ok(names == 1, "fdopendir lists the directory");
	ok(d && closedir(d) == 0 && close(dfd) == -1, "closedir closes the descriptor");
	unlink(DIR_PATH "/f");
	ok(rmdir(DIR_PATH) == 0, "all of it removed");
}

static void jumps(void)
{
	volatile int rounds = 0;
	sigset_t set, now;

	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, 0);
	if (sigsetjmp(env, 1) == 0) {
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, 0);
		rounds++;
		siglongjmp(env, 5);
	}
	sigprocmask(SIG_SETMASK, 0, &now);
	ok(rounds == 1 && !sigismember(&now, SIGUSR1), "siglongjmp restores the mask sigsetjmp saved");
}

static void lookups(void)
{
	struct passwd pw, *res = (struct passwd *)1;
	char small[4], big[1024];
	struct utsname u;

	ok(getpwnam_r("root", &pw, small, sizeof small, &res) == ERANGE, "getpwnam_r: a small buffer is ERANGE");
	ok(getpwnam_r("root", &pw, big, sizeof big, &res) == 0 && res == &pw && !strcmp(pw.pw_name, "root"),
	   "getpwnam_r");
	ok(getpwnam_r("no-such-user", &pw, big, sizeof big, &res) == 0 && res == NULL, "getpwnam_r: not found");
	ok(uname(&u) == 0 && !strcmp(u.sysname, "Mica") && !strcmp(u.machine, "x86_64"), "uname");
}

static void io(void)
{
	struct iovec v[2] = { { "ab", 2 }, { "cde", 3 } };
	char a[2], b[8];
	struct iovec r[2] = { { a, 2 }, { b, sizeof b } };
	struct statfs sf;
	struct mntent *m;
	FILE *f;
	int fd = open("/tmp/libcx.v", O_RDWR | O_CREAT | O_TRUNC, 0644);

	ok(writev(fd, v, 2) == 5 && lseek(fd, 0, SEEK_SET) == 0 && readv(fd, r, 2) == 5 &&
	   !memcmp(a, "ab", 2) && !memcmp(b, "cde", 3), "writev, readv");
	ok(writev(fd, v, -1) == -1 && errno == EINVAL, "writev: a negative count is EINVAL");
	close(fd);
	unlink("/tmp/libcx.v");
	ok(statfs("/", &sf) == 0 && sf.f_type == 0xEF53 && sf.f_blocks > 0, "statfs: ext2");
	f = setmntent("/proc/mounts", "r");
	m = f ? getmntent(f) : NULL;
	ok(m && !strcmp(m->mnt_dir, "/") && !strcmp(m->mnt_type, "ext2") && hasmntopt(m, "rw"), "the mount table");
	ok(f && getmntent(f) == NULL, "one mount");
	if (f)
		endmntent(f);
}

static void net_and_friends(void)
{
	struct in_addr in;
	char text[INET_ADDRSTRLEN];
	struct addrinfo *res = (struct addrinfo *)1;
	int m, s;

	ok(inet_pton(AF_INET, "192.0.2.33", &in) == 1 && in.s_addr == htonl(0xC0000221), "inet_pton");
	ok(inet_ntop(AF_INET, &in, text, sizeof text) && !strcmp(text, "192.0.2.33"), "inet_ntop");
	ok(inet_pton(AF_INET, "1.2.3.256", &in) == 0 && inet_pton(AF_INET, "1.2.3", &in) == 0 &&
	   inet_addr("1.2.3.4.5") == INADDR_NONE, "bad addresses refused");
	ok(inet_ntop(AF_INET, &in, text, 4) == NULL && errno == ENOSPC, "inet_ntop: a short buffer is ENOSPC");
	ok(socket(AF_INET, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT, "socket: EAFNOSUPPORT");
	ok(connect(0, 0, 0) == -1 && errno == ENOTSOCK, "connect on a descriptor: ENOTSOCK");
	ok(getaddrinfo("localhost", "80", 0, &res) == EAI_FAIL && res == NULL, "getaddrinfo: EAI_FAIL");
	ok(openpty(&m, &s, 0, 0, 0) == -1 && errno == ENOSYS, "openpty: ENOSYS");
	ok(getxattr("/", "user.x", 0, 0) == -1 && errno == ENOTSUP, "getxattr: ENOTSUP");
	ok(inotify_init() == -1 && errno == ENOSYS, "inotify_init: ENOSYS");
	ok(mount("a", "/b", "ext2", 0, 0) == -1 && errno == ENOSYS, "mount: ENOSYS");
	ok(settimeofday(&(struct timeval){ 0, 0 }, 0) == -1 && errno == EPERM, "settimeofday: EPERM");
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	at_calls();
	jumps();
	lookups();
	io();
	net_and_friends();
	printf("libcx_test: 1..%d\n", n);
	return failed;
}

/*
 * posix_test.c - the parts of newlib's libc/posix and libc/unix that Mica
 * builds itself (lib/newlib/build.mk's libposix.a, docs/libc.md) and the
 * glue around them, on a copy of build/disk.img: regular expressions,
 * fnmatch, glob over the disk, basename and dirname, the passwd and group
 * files, getlogin, getline and getdelim, killpg, creat, the exec
 * family's refusal without a process server; sysconf and pathconf;
 * signals within the program (sigaction, signal, raise, sigprocmask,
 * sigpending, sigsuspend; the C library's signal.c), /dev/null, wait3 and
 * getgroups.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qtest.h"

static void regular_expressions(void)
{
	regex_t re;
	regmatch_t m[3];
	char msg[64];

	expect("regcomp of an extended expression", regcomp(&re, "([a-z]+)=([0-9]+)", REG_EXTENDED), 0);
	expect("regexec matches", regexec(&re, "  key=42;", 3, m, 0), 0);
	expect("the whole match", m[0].rm_so == 2 && m[0].rm_eo == 8, 1);
	expect("the first group", m[1].rm_so == 2 && m[1].rm_eo == 5, 1);
	expect("the second group", m[2].rm_so == 6 && m[2].rm_eo == 8, 1);
	expect("no match: REG_NOMATCH", regexec(&re, "key:42", 0, 0, 0), REG_NOMATCH);
	regfree(&re);
	expect("REG_ICASE", regcomp(&re, "^mica$", REG_ICASE | REG_NOSUB) == 0 && regexec(&re, "MiCa", 0, 0, 0) == 0, 1);
	regfree(&re);
	int err = regcomp(&re, "a[b", REG_EXTENDED);
	expect("an unbalanced bracket: REG_EBRACK", err, REG_EBRACK);
	expect("regerror says so", regerror(err, &re, msg, sizeof msg) > 0 && strstr(msg, "bracket") != 0, 1);
}

static void file_name_patterns(void)
{
	expect("fnmatch *.c", fnmatch("*.c", "posix.c", 0), 0);
	expect("fnmatch [a-c]?", fnmatch("[a-c]?", "bz", 0), 0);
	expect("no match: FNM_NOMATCH", fnmatch("*.h", "posix.c", 0), FNM_NOMATCH);
	expect("FNM_PATHNAME: * stops at /", fnmatch("*", "a/b", FNM_PATHNAME), FNM_NOMATCH);
	expect("FNM_PERIOD: * skips a leading dot", fnmatch("*", ".hidden", FNM_PERIOD), FNM_NOMATCH);
}

static void glob_on_the_disk(void)
{
	glob_t g;

	expect("glob /bin/*", glob("/bin/*", 0, 0, &g), 0);
	int hello = 0, monitor = 0;
	for (int i = 0; i < g.gl_pathc; i++) {
		hello += strcmp(g.gl_pathv[i], "/bin/hello") == 0;
		monitor += strcmp(g.gl_pathv[i], "/bin/monitor") == 0;
	}
	expect("finds /bin/hello and /bin/monitor", hello + monitor, 2);
	expect("sorted", g.gl_pathc >= 2 && strcmp(g.gl_pathv[0], g.gl_pathv[1]) < 0, 1);
	globfree(&g);
	expect("glob /etc/p*wd", glob("/etc/p*wd", 0, 0, &g) == 0 && g.gl_pathc == 1 &&
	       strcmp(g.gl_pathv[0], "/etc/passwd") == 0, 1);
	globfree(&g);
	expect("no match: GLOB_NOMATCH", glob("/nothing/*.x", 0, 0, &g), GLOB_NOMATCH);
	expect("GLOB_NOCHECK gives the pattern back", glob("/nothing/*.x", GLOB_NOCHECK, 0, &g) == 0 &&
	       g.gl_pathc == 1 && strcmp(g.gl_pathv[0], "/nothing/*.x") == 0, 1);
	globfree(&g);
}

static void path_pieces(void)
{
	char a[] = "/usr/lib/libc.a", b[] = "/usr/lib/libc.a", c[] = "name", d[] = "/";

	expect("basename", strcmp(basename(a), "libc.a"), 0);
	expect("dirname", strcmp(dirname(b), "/usr/lib"), 0);
	expect("dirname of a bare name is .", strcmp(dirname(c), "."), 0);
	expect("basename of / is /", strcmp(basename(d), "/"), 0);
}

static void users_and_groups(void)
{
	struct passwd *pw = getpwnam("root");

	expect("getpwnam(root) from /etc/passwd", pw != 0, 1);
	expect("its uid and home", pw && pw->pw_uid == 0 && strcmp(pw->pw_dir, "/") == 0, 1);
	pw = getpwuid(getuid());
	expect("getpwuid(getuid()) is root", pw && strcmp(pw->pw_name, "root") == 0, 1);
	expect("an unknown name: NULL", getpwnam("nobody-here") == 0, 1);
	struct group *gr = getgrgid(0);
	expect("getgrgid(0) from /etc/group", gr && strcmp(gr->gr_name, "root") == 0, 1);
	expect("no members listed", gr && gr->gr_mem[0] == 0, 1);
	gr = getgrnam("root");
	expect("getgrnam(root)", gr && gr->gr_gid == 0, 1);
	expect("an unknown group: NULL", getgrnam("wheel") == 0 && getgrgid(4242) == 0, 1);
	char *login = getlogin();
	expect("getlogin", login && strcmp(login, "root") == 0, 1);
}

/* path's whole content into buf (at most size - 1 bytes, NUL after): its length, or -1. */
static ssize_t read_whole(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	close(fd);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static int write_whole(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	close(fd);
	return n == (ssize_t)strlen(text);
}

/* The passwd and group files as other Unixes read them (lib/libc/passwd.c,
 * group.c), on files written for the case and put back after: empty
 * fields, a long name, lines that are no entries skipped, getpwent from
 * the first line without a setpwent and again after endpwent, a lookup
 * inside an enumeration leaving its place, the _r calls' ERANGE; and
 * gethostname. */
static void users_and_groups_as_other_unixes_read_them(void)
{
	static char saved_passwd[2048], saved_group[2048];
	static const char passwd[] = "root:x:0:0:root:/:/bin/sh\n"
				     "# no entry\n"
				     "a-rather-long-user-name:x:5:6::/home/a:\n"
				     "bad:x:notanumber:1::/:/bin/sh\n"
				     "short:x:7\n"
				     "last:*:8:8:The Last:/:/bin/sh\n";
	static const char group[] = "root:x:0:\nstaff:x:50:a,b,c\nbad:x:z:\nlast:x:51:only\n";
	struct passwd *pw, pwd, *res;
	struct group *gr, grp, *gres;
	char small[16], big[512], host[64];
	int n;

	expect("the files saved", read_whole("/etc/passwd", saved_passwd, sizeof saved_passwd) > 0 &&
	       read_whole("/etc/group", saved_group, sizeof saved_group) > 0, 1);
	expect("ours written", write_whole("/etc/passwd", passwd) && write_whole("/etc/group", group), 1);
	pw = getpwent();
	expect("getpwent without setpwent: the first line", pw && strcmp(pw->pw_name, "root") == 0, 1);
	pw = getpwnam("a-rather-long-user-name");
	expect("a long name, an empty gecos and shell", pw && pw->pw_uid == 5 && pw->pw_gid == 6 &&
	       strcmp(pw->pw_gecos, "") == 0 && strcmp(pw->pw_dir, "/home/a") == 0 && strcmp(pw->pw_shell, "") == 0, 1);
	expect("lines that are no entries are skipped", getpwnam("bad") == 0 && getpwnam("short") == 0 &&
	       getpwnam("# no entry") == 0, 1);
	pw = getpwent();
	expect("getpwent goes on after lookups: the second entry",
	       pw && strcmp(pw->pw_name, "a-rather-long-user-name") == 0, 1);
	pw = getpwent();
	expect("... then the last", pw && strcmp(pw->pw_name, "last") == 0 && strcmp(pw->pw_gecos, "The Last") == 0, 1);
	expect("... then the end", getpwent() == 0, 1);
	endpwent();
	pw = getpwent();
	expect("after endpwent, the first again", pw && strcmp(pw->pw_name, "root") == 0, 1);
	endpwent();
	expect("getpwnam_r: a small buffer is ERANGE", getpwnam_r("last", &pwd, small, sizeof small, &res), ERANGE);
	expect("getpwuid_r", getpwuid_r(8, &pwd, big, sizeof big, &res) == 0 && res == &pwd &&
	       strcmp(pwd.pw_name, "last") == 0 && (char *)pwd.pw_name >= big && (char *)pwd.pw_name < big + sizeof big, 1);
	expect("getpwuid_r of no one: 0, NULL", getpwuid_r(4242, &pwd, big, sizeof big, &res) == 0 && res == 0, 1);
	n = 0;
	while ((gr = getgrent()) != 0 && n < 10) {
		getgrgid(gr->gr_gid);   /* a lookup inside the enumeration */
		n++;
	}
	expect("getgrent with a lookup at each entry: three entries, then the end", n, 3);
	endgrent();
	gr = getgrnam("staff");
	expect("a group's members", gr && gr->gr_gid == 50 && gr->gr_mem[0] && strcmp(gr->gr_mem[0], "a") == 0 &&
	       gr->gr_mem[1] && strcmp(gr->gr_mem[1], "b") == 0 && gr->gr_mem[2] && strcmp(gr->gr_mem[2], "c") == 0 &&
	       gr->gr_mem[3] == 0, 1);
	expect("a gid that is no number: skipped", getgrnam("bad") == 0, 1);
	expect("getgrnam_r: a small buffer is ERANGE", getgrnam_r("staff", &grp, small, sizeof small, &gres), ERANGE);
	expect("getgrgid_r", getgrgid_r(51, &grp, big + 1, sizeof big - 1, &gres) == 0 && gres == &grp &&
	       strcmp(grp.gr_name, "last") == 0 && grp.gr_mem[0] && strcmp(grp.gr_mem[0], "only") == 0 &&
	       grp.gr_mem[1] == 0, 1);
	expect("the files put back", write_whole("/etc/passwd", saved_passwd) && write_whole("/etc/group", saved_group),
	       1);
	expect("gethostname", gethostname(host, sizeof host) == 0 && strcmp(host, "mica") == 0, 1);
	expect("gethostname into too little: ENAMETOOLONG", gethostname(host, 4) == -1 && errno == ENAMETOOLONG, 1);
}

static void lines(void)
{
	FILE *f = fopen("/lines.txt", "w+");
	char *line = 0;
	size_t cap = 0;

	expect("fopen on the disk", f != 0, 1);
	if (!f)
		return;
	fputs("first\nsecond;third", f);
	rewind(f);
	expect("getline", getline(&line, &cap, f), 6);
	expect("keeps the newline", strcmp(line, "first\n"), 0);
	expect("getdelim to ;", getdelim(&line, &cap, ';', f), 7);
	expect("the piece", strcmp(line, "second;"), 0);
	expect("the last line without a newline", getline(&line, &cap, f), 5);
	expect("then the end: -1", getline(&line, &cap, f), -1);
	free(line);
	expect("fclose", fclose(f), 0);
	sync();   /* the file server writes back at sync, not at halt (docs/fsserver.md) */
}

static void processes(void)
{
	int fd = creat("/created", 0640);
	struct stat st;

	expect("creat", fd >= 0, 1);
	expect("opened write-only", fd >= 0 && read(fd, &st, 1) == -1 && errno == EBADF, 1);
	expect("with the mode", stat("/created", &st) == 0 && (st.st_mode & 0777) == 0640, 1);
	close(fd);
	expect("killpg of a negative group: EINVAL", killpg(-1, SIGTERM) == -1 && errno == EINVAL, 1);
	expect("killpg with signal 0 to our own group", killpg(0, 0), 0);
	errno = 0;
	expect("execvp refuses while programs cannot exec", execlp("true", "true", (char *)0), -1);
	expect("with ENOSYS", errno, ENOSYS);
}

static void limits(void)
{
	expect("sysconf(_SC_PAGESIZE) is the page", sysconf(_SC_PAGESIZE), 4096);
	expect("getpagesize agrees", getpagesize(), 4096);
	expect("sysconf(_SC_OPEN_MAX): as many descriptors as open gives",
	       sysconf(_SC_OPEN_MAX) > 3 && sysconf(_SC_OPEN_MAX) <= 1024, 1);
	expect("sysconf(_SC_ARG_MAX)", sysconf(_SC_ARG_MAX) >= 1024, 1);
	expect("sysconf(_SC_CLK_TCK) is what times() counts in, CLOCKS_PER_SEC", sysconf(_SC_CLK_TCK), CLOCKS_PER_SEC);
	expect("which is XSI's 1,000,000", CLOCKS_PER_SEC, 1000000);
	errno = 0;
	expect("a name without a figure: -1", sysconf(-1), -1);
	expect("with EINVAL", errno, EINVAL);
	expect("pathconf(/, _PC_NAME_MAX): ext2's names", pathconf("/", _PC_NAME_MAX), 255);
	expect("pathconf(_PC_PATH_MAX) is PATH_MAX", pathconf("/README", _PC_PATH_MAX), PATH_MAX);
	errno = 0;
	expect("pathconf of nothing: -1", pathconf("/no/such/file", _PC_NAME_MAX), -1);
	expect("with ENOENT", errno, ENOENT);
	int fd = open("/README", O_RDONLY);
	expect("fpathconf(_PC_NAME_MAX) of an open file", fpathconf(fd, _PC_NAME_MAX), 255);
	expect("fpathconf(_PC_PIPE_BUF): what a pipe never tears", fpathconf(fd, _PC_PIPE_BUF), 4096);
	close(fd);
	errno = 0;
	expect("fpathconf of a closed descriptor: EBADF", fpathconf(fd, _PC_NAME_MAX) == -1 && errno == EBADF, 1);
	errno = 0;
	expect("pathconf of a name without a figure: EINVAL", pathconf("/", _PC_LINK_MAX) == -1 && errno == EINVAL, 1);
	int fds[1100], n = 0;
	while (n < 1100 && (fds[n] = open("/README", O_RDONLY)) >= 0)
		n++;
	expect("open stops where _SC_OPEN_MAX says (less the standard streams)",
	       n <= sysconf(_SC_OPEN_MAX) && n >= sysconf(_SC_OPEN_MAX) - 3 && errno == EMFILE, 1);
	while (n > 0)
		close(fds[--n]);
}

static volatile int usr1_seen, usr1_was_blocked, usr2_blocked_inside;

static void on_usr1(int sig)
{
	sigset_t now;

	usr1_seen++;
	sigprocmask(SIG_BLOCK, 0, &now);
	usr1_was_blocked = sig == SIGUSR1 && sigismember(&now, SIGUSR1);
	usr2_blocked_inside = sigismember(&now, SIGUSR2);
}

static void signals(void)
{
	struct sigaction act = { .sa_handler = on_usr1 }, old;
	sigset_t set, now;
	gid_t groups[4];

	sigemptyset(&act.sa_mask);
	sigaddset(&act.sa_mask, SIGUSR2);
	expect("sigaction installs a handler", sigaction(SIGUSR1, &act, &old), 0);
	expect("the action before was SIG_DFL", old.sa_handler == SIG_DFL, 1);
	expect("raise runs it", raise(SIGUSR1) == 0 && usr1_seen == 1, 1);
	expect("with the signal and sa_mask blocked inside", usr1_was_blocked && usr2_blocked_inside, 1);
	sigprocmask(SIG_BLOCK, 0, &now);
	expect("and the mask as it was after", sigismember(&now, SIGUSR1) || sigismember(&now, SIGUSR2), 0);
	expect("kill of our own pid runs it", kill(getpid(), SIGUSR1) == 0 && usr1_seen == 2, 1);
	errno = 0;
	expect("SIGKILL cannot be caught: EINVAL", sigaction(SIGKILL, &act, 0) == -1 && errno == EINVAL, 1);
	expect("nor an unknown signal", sigaction(NSIG, &act, 0) == -1 && errno == EINVAL, 1);

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	expect("sigprocmask blocks it", sigprocmask(SIG_BLOCK, &set, 0), 0);
	expect("raised while blocked: not run", raise(SIGUSR1) == 0 && usr1_seen == 2, 1);
	expect("but pending", sigpending(&now) == 0 && sigismember(&now, SIGUSR1), 1);
	expect("raised twice: pending once", raise(SIGUSR1) == 0 && usr1_seen == 2, 1);
	expect("unblocked: run once", sigprocmask(SIG_UNBLOCK, &set, 0) == 0 && usr1_seen == 3, 1);
	expect("and no longer pending", sigpending(&now) == 0 && !sigismember(&now, SIGUSR1), 1);
	errno = 0;
	expect("sigprocmask with an unknown how: EINVAL", sigprocmask(42, &set, 0) == -1 && errno == EINVAL, 1);

	sigprocmask(SIG_BLOCK, &set, 0);
	raise(SIGUSR1);
	sigemptyset(&now);
	errno = 0;
	expect("sigsuspend lets a pending signal through: run, then -1 EINTR",
	       sigsuspend(&now) == -1 && errno == EINTR && usr1_seen == 4, 1);
	sigprocmask(SIG_BLOCK, 0, &now);
	expect("the mask is back afterwards", sigismember(&now, SIGUSR1), 1);
	sigprocmask(SIG_UNBLOCK, &set, 0);
	errno = 0;
	expect("sigsuspend with nothing that could come: -1 EINTR at once", sigsuspend(&now) == -1 && errno == EINTR, 1);

	expect("signal() answers the handler before", signal(SIGUSR1, SIG_IGN) == on_usr1, 1);
	expect("SIG_IGN: raise does nothing", raise(SIGUSR1) == 0 && usr1_seen == 4, 1);
	expect("SIG_DFL of SIGCHLD is to do nothing", signal(SIGCHLD, SIG_DFL) != SIG_ERR && raise(SIGCHLD), 0);
	expect("newlib's numbers: SIGCHLD 20, NSIG 32", SIGCHLD == 20 && NSIG == 32, 1);

	int null = open("/dev/null", O_RDWR);
	struct stat st;
	char c;
	expect("/dev/null opens", null >= 0, 1);
	expect("reading it: the end of data", read(null, &c, 1), 0);
	expect("writing it: all taken", write(null, "abc", 3), 3);
	expect("a character device", fstat(null, &st) == 0 && S_ISCHR(st.st_mode) && stat("/dev/null", &st) == 0 &&
	       S_ISCHR(st.st_mode), 1);
	expect("closes", close(null), 0);
	errno = 0;
	expect("wait3 without a process server: ECHILD", wait3(0, WNOHANG, 0) == -1 && errno == ECHILD, 1);
	expect("getgroups(0): one group", getgroups(0, 0), 1);
	expect("getgroups: group 0", getgroups(4, groups) == 1 && groups[0] == 0, 1);
}

static const struct qtest_case cases[] = {
	{ "regular_expressions", regular_expressions },
	{ "file_name_patterns", file_name_patterns },
	{ "glob_on_the_disk", glob_on_the_disk },
	{ "path_pieces", path_pieces },
	{ "users_and_groups", users_and_groups },
	{ "users_and_groups_as_other_unixes_read_them", users_and_groups_as_other_unixes_read_them },
	{ "lines", lines },
	{ "processes", processes },
	{ "limits", limits },
	{ "signals", signals },
};

int main(int argc, char **argv)
{
	(void)argc;
	return QTEST_RUN(argv[0], cases);
}

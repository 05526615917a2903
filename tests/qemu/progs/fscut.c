/*
 * fscut.c - what fsync made durable survives a power cut (fscut.scenario,
 * docs/fsserver.md "Durability"): a file written and fsync'ed (and its
 * directory, which holds its name: fsync is per file, as on ext2), a second
 * written and synced with sync(), a third written after them and never
 * synced; then the scenario kills QEMU.  On the host e2fsck -fy repairs
 * what the cut left (the file system is not clean) and the two synced
 * files must be whole.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libsys/ipc.h>

#include "../lib/qtest.h"

static char block[65536];

static int write_file(const char *path, char fill, size_t size)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	memset(block, fill, sizeof block);
	for (size_t done = 0; fd >= 0 && done < size; done += sizeof block)
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
			return -1;
	return fd;
}

static void fsync_then_cut(void)
{
	int fd = write_file("/cut-fsync", 'f', 256 * 1024);

	expect("256 KiB written to /cut-fsync", fd >= 0, 1);
	expect("... fsync", fsync(fd), 0);
	expect("... close", close(fd), 0);
	fd = open("/", O_RDONLY);
	expect("... and its name: fsync of /", fd >= 0 && fsync(fd) == 0 && close(fd) == 0, 1);
	fd = write_file("/cut-sync", 's', 128 * 1024);
	expect("128 KiB written to /cut-sync and closed", fd >= 0 && close(fd) == 0, 1);
	sync();
	fd = write_file("/cut-never", 'n', 64 * 1024);
	expect("64 KiB written to /cut-never, never synced, left open", fd >= 0, 1);
}

static const struct qtest_case cases[] = {
	{ "fsync_then_cut", fsync_then_cut },
};

int main(int argc, char **argv)
{
	(void)argc;
	if (QTEST_RUN(argv[0], cases))
		return 1;
	printf("fscut: cut the power now\n");
	for (;;)
		mica_ipc_wait(0, 0, 0);
}

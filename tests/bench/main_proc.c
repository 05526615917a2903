/*
 * main_proc.c - mica-bench-proc, the process server's figure: a C-library
 * program root starts after the block, file and process servers
 * (tests/bench/proc.cfg), on a copy of build/tests/qemu/proc.img.
 *
 *   spawn_wait_disk  posix_spawn of the static newlib `true` from the ext2
 *                    disk (/bin/true, cached by the file server after the
 *                    warm-up) and waitpid for it, which must say it exited
 *                    0: the process server's open, read of the file into a
 *                    dataspace, root's copy of it and the start of the
 *                    program as spawn_wait's, `true`'s run, its end, the
 *                    end irq, the zombie and the reaping.
 *
 * Same output and "short" argument as mica-bench-rt.
 */
#include <spawn.h>
#include <sys/wait.h>

#include <libsys/debug.h>

#include "bench.h"

extern char **environ;

static uint64_t spawn_wait_disk_batch(unsigned n)
{
	static char *argv[] = { "/bin/true", 0 };
	uint64_t t0 = bench_now();

	for (unsigned i = 0; i < n; i++) {
		pid_t pid;
		int st, err = posix_spawn(&pid, "/bin/true", 0, 0, argv, environ);
		if (err) {
			bench_fail("posix_spawn /bin/true: errno %d", err);
			return 1;
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			bench_fail("/bin/true did not exit 0 (status %#x)", st);
			return 1;
		}
	}
	return bench_now() - t0;
}

static uint64_t spawn_wait_disk(void)
{
	return bench_measure(spawn_wait_disk_batch, 20);
}

int main(int argc, char **argv)
{
	int failed;

	if (argc == 2 && argv[1][0] == 's')
		bench_short();
	failed = bench_run("spawn_wait_disk", spawn_wait_disk);
	mica_printf("mica-bench-proc: done, 1 figure(s), %d failed\n", failed);
	return failed != 0;
}

/*
 * main_rt.c - mica-bench-rt, the figures of the runtime (runtime.c): a
 * program that root starts, where mica-bench (main.c) is a boot program of
 * its own; and the block layer's (blk.c), against the block server that
 * rt.cfg starts before it; and the file server's (fs.c).  Same output,
 * same "short" argument.
 */
#include <libsys/debug.h>

#include "figures.h"

static const struct figure {
	const char *name;
	bench_figure_fn *run;
} figures[] = {
	{ "heap_touch_page", bench_heap_touch_page },
	{ "spawn_wait", bench_spawn_wait },
	{ "spawn_wait_hello", bench_spawn_wait_hello },
	{ "blk_read_64k", bench_blk_read_64k },
	{ "blk_read_bytes_per_kinstr", bench_blk_read_bytes_per_kinstr },
	{ "file_read_64k_cached", bench_file_read_64k_cached },
	{ "mmap_file_fault", bench_mmap_file_fault },
};

#define FIGURES (sizeof figures / sizeof figures[0])

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc == 2 && argv[1][0] == 's')
		bench_short();
	for (unsigned i = 0; i < FIGURES; i++)
		failed += bench_run(figures[i].name, figures[i].run);
	mica_printf("mica-bench-rt: done, %u figure(s), %d failed\n", (unsigned)FIGURES, failed);
	return failed != 0;
}

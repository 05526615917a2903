/*
 * main_rt.c - mica-bench-rt, the figures of the runtime (runtime.c): a
 * program that root starts, where mica-bench (main.c) is a boot program of
 * its own; and the block layer's (blk.c), against the block server that
 * rt.cfg starts before it.  Same output, same "short" argument.
 */
#include <libsys/debug.h>

#include "figures.h"

static const struct bench_figure figures[] = {
	{ "heap_touch_page", bench_heap_touch_page },
	{ "spawn_wait", bench_spawn_wait },
	{ "spawn_wait_hello", bench_spawn_wait_hello },
	{ "blk_read_64k", bench_blk_read_64k },
	{ "blk_read_bytes_per_kinstr", bench_blk_read_bytes_per_kinstr },
};

int main(int argc, char **argv)
{
	if (bench_args("mica-bench-rt", argc, argv) < 0)
		return 2;
	return BENCH_RUN_TABLE("mica-bench-rt", figures);
}

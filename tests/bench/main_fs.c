/*
 * main_fs.c - mica-bench-fs, the file server's figures (fs.c): a C-library
 * program that root starts after the block and file servers (fs.cfg).
 * Same output and "short" argument as mica-bench.
 */
#include <libsys/debug.h>

#include "figures.h"

static const struct bench_figure figures[] = {
	{ "fs_call", bench_fs_call },
	{ "stat_root", bench_stat_root },
	{ "stat_path", bench_stat_path },
	{ "file_open_close", bench_file_open_close },
	{ "file_read_64k_cached", bench_file_read_64k_cached },
	{ "file_create_unlink", bench_file_create_unlink },
	{ "file_write_64k", bench_file_write_64k },
	{ "fsync_4k", bench_fsync_4k },
	{ "mmap_file_fault", bench_mmap_file_fault },
	{ "dir_list_100", bench_dir_list_100 },
	{ "disk_read_seq", bench_disk_read_seq },
	{ "disk_read_bytes_per_kinstr", bench_disk_read_bytes_per_kinstr },
};

int main(int argc, char **argv)
{
	if (bench_args("mica-bench-fs", argc, argv) < 0)
		return 2;
	return BENCH_RUN_TABLE("mica-bench-fs", figures);
}

/*
 * figures.h - the figures of mica-bench, one function each (bench.h),
 * listed in main.c's table.  Names are stable: docs/benchmarks.md and the
 * Linux comparison in tools/bench use them.
 */
#ifndef TESTS_BENCH_FIGURES_H
#define TESTS_BENCH_FIGURES_H

#include "bench.h"

bench_figure_fn bench_null_call;
bench_figure_fn bench_ipc_rtt_intra, bench_ipc_rtt_inter, bench_ipc_rtt_inter_8w;   /* ipc_rtt.c */
bench_figure_fn bench_ipc_rtt_string_4k;                                            /* ipc_string.c */
bench_figure_fn bench_ipc_rtt_inter_10tasks, bench_ipc_rtt_inter_100tasks;          /* ipc_tasks.c */
bench_figure_fn bench_pf_user_pager, bench_pf_user_pager_100pages,                  /* pf_user_pager.c */
	bench_pf_user_pager_10000pages;
bench_figure_fn bench_map_unmap_page, bench_unmap_100tasks;                         /* map_unmap.c */
bench_figure_fn bench_blk_read_64k, bench_blk_read_bytes_per_kinstr;   /* blk.c (mica-bench-rt) */
bench_figure_fn bench_irq_latency_worst;                                            /* irq_latency.c */
void bench_irq_latency_short(void);
bench_figure_fn bench_fs_call, bench_stat_root, bench_stat_path, bench_file_open_close,     /* fs.c (mica-bench-fs) */
	bench_file_create_unlink, bench_file_read_64k_cached, bench_file_write_64k, bench_fsync_4k, bench_mmap_file_fault,
	bench_dir_list_100, bench_disk_read_seq, bench_disk_read_bytes_per_kinstr;
bench_figure_fn bench_heap_touch_page, bench_spawn_wait, bench_spawn_wait_hello;                             /* runtime.c (mica-bench-rt) */

#endif

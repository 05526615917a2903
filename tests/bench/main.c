/*
 * main.c - mica-bench, the program `make bench` boots (tools/bench): runs
 * every figure in the table and prints "mica <name> <instructions>" for
 * each, then a summary line.  With the argument "short" it runs a few
 * operations per figure only: `make test` runs it so (bench.scenario), to
 * keep every path working without measuring anything.  With "only=NAME"
 * it runs that figure alone (to trace it: docs/debugging.md).  With
 * "irqoff" it runs irq_latency_worst alone, which needs the measuring
 * kernel.
 *
 * A new figure is one function in its own file (figures.h) and one line
 * in the table.
 */
#include <libsys/debug.h>
#include <common/string.h>

#include "figures.h"

static const struct bench_figure figures[] = {
	{ "null_call", bench_null_call },
	{ "ipc_rtt_intra", bench_ipc_rtt_intra },
	{ "ipc_rtt_inter", bench_ipc_rtt_inter },
	{ "ipc_rtt_inter_8w", bench_ipc_rtt_inter_8w },
	{ "ipc_rtt_string_4k", bench_ipc_rtt_string_4k },
	{ "ipc_rtt_inter_10tasks", bench_ipc_rtt_inter_10tasks },
	{ "ipc_rtt_inter_100tasks", bench_ipc_rtt_inter_100tasks },
	{ "pf_user_pager", bench_pf_user_pager },
	{ "pf_user_pager_100pages", bench_pf_user_pager_100pages },
	{ "pf_user_pager_10000pages", bench_pf_user_pager_10000pages },
	{ "map_unmap_page", bench_map_unmap_page },
	{ "unmap_100tasks", bench_unmap_100tasks },
};

int main(int argc, char **argv)
{
	static const struct bench_figure irqoff[] = { { "irq_latency_worst", bench_irq_latency_worst } };

	if (argc == 2 && mica_streq(argv[1], "irqoff"))
		return BENCH_RUN_TABLE("mica-bench", irqoff);
	if (bench_args("mica-bench", argc, argv) < 0)
		return 2;
	return BENCH_RUN_TABLE("mica-bench", figures);
}

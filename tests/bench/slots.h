/*
 * slots.h - the capability slots of every figure in mica-bench's table
 * (MICA_BOOT_FIRST_FREE and up), in one place so that no two figures
 * share one.
 */
#ifndef TESTS_BENCH_SLOTS_H
#define TESTS_BENCH_SLOTS_H

enum bench_slot {
	/* The IPC servers (ipc_server.c). */
	BENCH_S_INTRA_THREAD = 10,   /* the server thread in mica-bench's task */
	BENCH_S_INTRA_GATE,
	BENCH_S_INTER_TASK,          /* the child task of the inter-task server */
	BENCH_S_INTER_THREAD,
	BENCH_S_INTER_GATE,
	/* The page-fault figures (pf_user_pager.c). */
	BENCH_S_PF_PAGER_TASK = 20,  /* the pager's task, with its pool */
	BENCH_S_PF_PAGER_THREAD,
	BENCH_S_PF_PAGER_GATE,       /* the faulting thread's pager */
	BENCH_S_PF_CLIENT_TASK,      /* the faulting thread's task */
	BENCH_S_PF_CLIENT_THREAD,
	BENCH_S_PF_CLIENT_GATE,      /* mica-bench asks the faulting thread for a batch */
	/* The mapping figures (map_unmap.c). */
	BENCH_S_MAP_TASK = 30,       /* map_unmap_page's child task */
	BENCH_S_IDLE = 100,          /* idle task i (ipc_tasks.c): task, thread, gate at 100 + 3i */
	BENCH_S_FANOUT = 400,        /* unmap_100tasks' task i at 400 + i */
	/* irq_latency_worst (irq_latency.c): a task holding a big mapping
	 * tree, a factory of many gates and threads (at 1000 and up). */
	BENCH_S_IRQ_TREE_TASK = 600,
	BENCH_S_IRQ_FACTORY,
	BENCH_S_IRQ_COPIES_TASK,     /* holds the copies of ... */
	BENCH_S_IRQ_COPIED_GATE,     /* ... this gate, revoked */
	BENCH_S_IRQ_STRING_THREAD,   /* receives a MICA_STRING_MAX string */
	BENCH_S_IRQ_STRING_GATE,
	BENCH_S_IRQ_OBJECTS = 1000,
};

#endif

# tests/bench: mica-bench, `make bench` and `make bench-linux`
# (docs/benchmarks.md).  Not a test: `make test` only boots mica-bench once
# in short mode (bench.scenario) so that every figure's path keeps working.

# The IPC figures run their servers, and the page-fault figures their
# pager, in child tasks made with the helpers of the QEMU test programs
# (tests/qemu/lib/qtest.c), linked in as they are.
BENCH_PROG := $(BUILD)/tests/bench/mica-bench
BENCH_SRCS := $(addprefix tests/bench/,main.c bench.c null_call.c ipc_server.c ipc_rtt.c ipc_string.c ipc_tasks.c \
	phys.c pf_user_pager.c map_unmap.c irq_latency.c) \
	tests/qemu/lib/qtest.c
$(eval $(call boot_program,$(BENCH_PROG),$(BENCH_SRCS)))
QEMU_SCENARIOS += tests/bench/bench.scenario tests/bench/bench-rt.scenario
TEST_DEPS += $(BENCH_PROG)

# mica-bench-rt: the runtime's figures, in a program root starts with the
# boot configuration tests/bench/rt.cfg (short mode: rt-short.cfg).
BENCH_RT_PROG := $(BUILD)/tests/bench/mica-bench-rt
$(eval $(call rt_program,$(BENCH_RT_PROG),tests/bench/main_rt.c tests/bench/bench.c tests/bench/runtime.c \
	tests/bench/blk.c tests/bench/fs.c))
$(BUILD)/cfg/bench-%/boot.cfg: tests/bench/%.cfg
	@mkdir -p $(dir $@)
	cp $< $@
BENCH_RT_MODULES := $(ROOT) $(BLK) $(EXT2FS_SRV) $(BENCH_RT_PROG) $(BUILD)/bin/true $(BUILD)/bin/hello
TEST_DEPS += $(BENCH_RT_MODULES) $(BUILD)/cfg/bench-rt-short/boot.cfg $(DISK_IMG)

# Figures land in build/bench/: mica.txt and the serial log of the last
# `make bench`, linux.txt from the last `make bench-linux`.
BENCH_OUT := $(BUILD)/bench
LINUX_BASELINE ?= tests/bench/linux/linux-baseline

# The block figures read, and the file figures' server mounts, the ext2
# image of `make run` (BENCH_DISK: each boot writes to a snapshot of it);
# irq_latency_worst needs the measuring kernel (kern/irqoff.h): a boot of
# its own.
bench: $(KERNEL32) $(KERNEL_MEASURE32) $(BENCH_PROG) $(BENCH_RT_MODULES) $(BUILD)/cfg/bench-rt/boot.cfg $(DISK_IMG)
	@mkdir -p $(BENCH_OUT)
	BENCH_DISK=$(DISK_IMG) tools/bench --out $(BENCH_OUT)/mica.txt --log $(BENCH_OUT)/mica.log \
		--linux $(BENCH_OUT)/linux.txt $(KERNEL32) "" $(BENCH_PROG) \
		-- root $(BENCH_RT_MODULES) $(BUILD)/cfg/bench-rt/boot.cfg \
		-- kernel=$(KERNEL_MEASURE32) "" "$(BENCH_PROG) irqoff"

# Boots a stock Linux under the same QEMU settings (tests/bench/linux/; as
# root: `tools/deps --bench-linux` installs what it lacks, and the kernel is
# downloaded once, into $WORK, default /tmp/linux-baseline).
bench-linux:
	@mkdir -p $(BENCH_OUT)
	$(LINUX_BASELINE) --out $(BENCH_OUT)/linux.txt

.PHONY: bench bench-linux

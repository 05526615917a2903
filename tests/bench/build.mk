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
QEMU_SCENARIOS += tests/bench/bench.scenario tests/bench/bench-rt.scenario tests/bench/bench-fs.scenario
TEST_DEPS += $(BENCH_PROG)

# mica-bench-rt: the runtime's figures, in a program root starts with the
# boot configuration tests/bench/rt.cfg (short mode: rt-short.cfg).
BENCH_RT_PROG := $(BUILD)/tests/bench/mica-bench-rt
$(eval $(call rt_program,$(BENCH_RT_PROG),tests/bench/main_rt.c tests/bench/bench.c tests/bench/runtime.c \
	tests/bench/blk.c tests/bench/spinner.c))
$(BUILD)/cfg/bench-%/boot.cfg: tests/bench/%.cfg
	@mkdir -p $(dir $@)
	cp $< $@
# mica-bench-pipe: the pipe figures (pipe.c), a C-library program started
# after mica-bench-rt, with the pipe server.
BENCH_PIPE_PROG := $(BUILD)/tests/bench/mica-bench-pipe
$(eval $(call newlib_program,$(BENCH_PIPE_PROG),tests/bench/pipe.c tests/bench/bench.c tests/bench/mutex.c))
BENCH_RT_MODULES := $(ROOT) $(BLK) $(BENCH_RT_PROG) $(BUILD)/bin/true $(BUILD)/bin/hello $(BUILD)/srv/pipe \
	$(BENCH_PIPE_PROG)
TEST_DEPS += $(BENCH_RT_MODULES) $(BUILD)/cfg/bench-rt-short/boot.cfg

# mica-bench-fs: the file server's figures, a C-library program root starts
# after the pipe (listings), block and file servers (tests/bench/fs.cfg; short: fs-short.cfg)
# on a writable copy of BENCH_FS_DISK: an ext2 file system of 64 MiB with
# 1 KiB blocks (mke2fs's choice for that size, and make run's disk's)
# holding /seq, disk_read_seq's 16 MiB, 64 KiB piece i all bytes
# (i % 255) + 1 (no zeros, which mke2fs would leave as holes).
BENCH_FS_PROG := $(BUILD)/tests/bench/mica-bench-fs
$(eval $(call newlib_program,$(BENCH_FS_PROG),tests/bench/main_fs.c tests/bench/bench.c tests/bench/fs.c \
	tests/bench/spinner.c))
BENCH_FS_MODULES := $(ROOT) $(BUILD)/srv/pipe $(BLK) $(BUILD)/srv/ext2fs $(BENCH_FS_PROG)
BENCH_FS_DISK := $(BUILD)/tests/bench/fs.img
$(BENCH_FS_DISK): tests/bench/build.mk
	rm -rf $(BUILD)/tests/bench/fs-root && mkdir -p $(BUILD)/tests/bench/fs-root
	for i in $$(seq 0 255); do head -c 65536 /dev/zero | tr '\0' "\\$$(printf %03o $$((i % 255 + 1)))"; done \
		> $(BUILD)/tests/bench/fs-root/seq
	rm -f $@ && mke2fs -q -F -t ext2 -b 1024 -L bench -d $(BUILD)/tests/bench/fs-root $@ 64M
TEST_DEPS += $(BENCH_FS_MODULES) $(BUILD)/cfg/bench-fs-short/boot.cfg $(BENCH_FS_DISK)

# mica-bench-proc: the process server's figures, a C-library program root
# starts after the pipe, block, file and process servers
# (tests/bench/proc.cfg) on BENCH_PROC_DISK: the process server's test disk
# (tests/qemu/build.mk) in a /bin like make run's: dash as /bin/dash and
# /bin/sh, toybox and all its links (sh_pipeline runs cat and wc) but
# `true`, which stays the static newlib program spawn_wait_disk spawns.
BENCH_PROC_PROG := $(BUILD)/tests/bench/mica-bench-proc
$(eval $(call newlib_program,$(BENCH_PROC_PROG),tests/bench/main_proc.c tests/bench/bench.c \
	tests/bench/spinner.c))
BENCH_PROC_MODULES := $(ROOT) $(BUILD)/srv/pipe $(BLK) $(BUILD)/srv/ext2fs $(BUILD)/srv/proc $(BENCH_PROC_PROG)
BENCH_PROC_DISK := $(BUILD)/tests/bench/proc.img
$(BENCH_PROC_DISK): $(BUILD)/tests/qemu/proc.img $(BUILD)/ports/dash/.stamp $(BUILD)/ports/toybox/.stamp tests/bench/build.mk
	rm -rf $(BUILD)/tests/bench/proc-root && mkdir -p $(BUILD)/tests/bench/proc-root/bin
	cp -a $(BUILD)/ports/toybox/root/bin/. $(BUILD)/ports/dash/root/bin/. $(BUILD)/tests/bench/proc-root/bin/
	rm $(BUILD)/tests/bench/proc-root/bin/true && cp -a $(BUILD)/tests/qemu/proc-root/. $(BUILD)/tests/bench/proc-root/
	rm -f $@ && mke2fs -q -F -t ext2 -L proc -d $(BUILD)/tests/bench/proc-root $@ 40M
QEMU_SCENARIOS += tests/bench/bench-proc.scenario
TEST_DEPS += $(BENCH_PROC_MODULES) $(BUILD)/cfg/bench-proc-short/boot.cfg $(BENCH_PROC_DISK)

# Figures land in build/bench/: mica.txt and the serial log of the last
# `make bench`, linux.txt from the last `make bench-linux`.
BENCH_OUT := $(BUILD)/bench
LINUX_BASELINE ?= tests/bench/linux/linux-baseline

# The block figures read the 1 MiB image of the disk tests (BENCH_DISK);
# irq_latency_worst needs the measuring kernel (kern/irqoff.h): a boot of
# its own.
bench: $(KERNEL32) $(KERNEL_MEASURE32) $(BENCH_PROG) $(BENCH_RT_MODULES) $(BUILD)/cfg/bench-rt/boot.cfg $(BUILD)/tests/qemu/disk1m.img \
		$(BENCH_FS_MODULES) $(BUILD)/cfg/bench-fs/boot.cfg $(BENCH_FS_DISK) \
		$(BENCH_PROC_MODULES) $(BUILD)/cfg/bench-proc/boot.cfg $(BENCH_PROC_DISK)
	@mkdir -p $(BENCH_OUT)
	BENCH_DISK=$(BUILD)/tests/qemu/disk1m.img tools/bench --out $(BENCH_OUT)/mica.txt --log $(BENCH_OUT)/mica.log \
		--linux $(BENCH_OUT)/linux.txt $(KERNEL32) "" $(BENCH_PROG) \
		-- root $(BENCH_RT_MODULES) $(BUILD)/cfg/bench-rt/boot.cfg \
		-- disk=$(BENCH_FS_DISK) root $(BENCH_FS_MODULES) $(BUILD)/cfg/bench-fs/boot.cfg \
		-- disk=$(BENCH_PROC_DISK) root $(BENCH_PROC_MODULES) $(BUILD)/cfg/bench-proc/boot.cfg \
		-- kernel=$(KERNEL_MEASURE32) "" "$(BENCH_PROG) irqoff"

# Boots a stock Linux under the same QEMU settings (tests/bench/linux/; as
# root: `tools/deps --bench-linux` installs what it lacks, and the kernel is
# downloaded once, into $WORK, default /tmp/linux-baseline).
bench-linux:
	@mkdir -p $(BENCH_OUT)
	$(LINUX_BASELINE) --out $(BENCH_OUT)/linux.txt

.PHONY: bench bench-linux

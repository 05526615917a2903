# QEMU scenarios (tests/qemu/*.scenario) and the programs they boot.

QEMU_PROGS := hello hlt kwrite divzero badjump badcall panic spin selfdestroy
QEMU_PROG_BINS := $(patsubst %,$(BUILD)/tests/qemu/%,$(QEMU_PROGS))
$(foreach p,$(QEMU_PROGS),$(eval $(call boot_program,$(BUILD)/tests/qemu/$(p),tests/qemu/progs/$(p).c)))
# Programs whose first instruction faults, one per entry of entryfault.c.
QEMU_ENTRY_FAULTS := badop baddiv
$(foreach p,$(QEMU_ENTRY_FAULTS),$(eval $(call boot_program,$(BUILD)/tests/qemu/$(p),tests/qemu/progs/entryfault.c,$(p)_start)))
QEMU_PROG_BINS += $(patsubst %,$(BUILD)/tests/qemu/%,$(QEMU_ENTRY_FAULTS))

# Programs of the IPC and object tests, on the helpers of tests/qemu/lib.
QEMU_QTEST_PROGS := ipc objects sched memory io uartirq regress pool_dry
QEMU_PROG_BINS += $(patsubst %,$(BUILD)/tests/qemu/%,$(QEMU_QTEST_PROGS))
$(foreach p,$(QEMU_QTEST_PROGS),$(eval $(call boot_program,$(BUILD)/tests/qemu/$(p),tests/qemu/progs/$(p).c tests/qemu/lib/qtest.c)))
# Their helpers' headers are on the include path of test programs only, never
# of the tree's other programs or of tools/mica-cc's.
$(BUILD)/user-obj/tests/%.o $(BUILD)/libc-obj/tests/%.o: USER_CFLAGS += -Itests/qemu/lib


# Programs root's launcher starts, on newlib and lib/libc's glue: the C
# library's test, a failing assert (status 134) and a program that takes
# memory until malloc returns NULL, and the clocks' test (clock.scenario).
QEMU_LIBC_PROGS := libc_test assert_fail memhog printer clock_test
$(foreach p,$(QEMU_LIBC_PROGS),$(eval $(call newlib_program,$(BUILD)/tests/qemu/$(p),tests/qemu/progs/$(p).c)))
QEMU_PROG_BINS += $(patsubst %,$(BUILD)/tests/qemu/%,$(QEMU_LIBC_PROGS))

# The composed-object test runs code idlc generates from counter.idl.
QEMU_IDL_DIR := $(BUILD)/gen/idl/tests
$(call idl_gen,tests/qemu/progs/counter.idl,$(QEMU_IDL_DIR))
$(eval $(call boot_program,$(BUILD)/tests/qemu/composed,tests/qemu/progs/composed.c tests/qemu/lib/qtest.c \
	$(QEMU_IDL_DIR)/counter_client.c $(QEMU_IDL_DIR)/counter_server.c))
$(BUILD)/user-obj/tests/qemu/progs/composed.c.o: $(call idl_headers,tests/qemu/progs/counter.idl,$(QEMU_IDL_DIR))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/composed
# The server loop's test (server_loop.scenario) on code generated from loop.idl.
$(call idl_gen,tests/qemu/progs/loop.idl,$(QEMU_IDL_DIR))
$(eval $(call boot_program,$(BUILD)/tests/qemu/server_loop,tests/qemu/progs/server_loop.c tests/qemu/lib/qtest.c \
	$(QEMU_IDL_DIR)/loop_client.c $(QEMU_IDL_DIR)/loop_server.c))
$(BUILD)/user-obj/tests/qemu/progs/server_loop.c.o: $(call idl_headers,tests/qemu/progs/loop.idl,$(QEMU_IDL_DIR))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/server_loop

# The kernel fuzzer (fuzz.scenario; make fuzz, below), linked with idlc's
# protocol fuzz drivers of the kernel objects, and the stress test.
FUZZ_PROG := $(BUILD)/tests/qemu/fuzz
FUZZ_SRCS := $(addprefix tests/qemu/progs/,fuzz.c fuzz_gen.c fuzz_ops.c fuzz_actors.c) \
	$(patsubst %,$(KERNEL_IDL_DIR)/%_fuzz.c,kobject task thread factory irq icu log)
$(eval $(call boot_program,$(FUZZ_PROG),$(FUZZ_SRCS)))
$(eval $(call boot_program,$(BUILD)/tests/qemu/stress,tests/qemu/progs/stress.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(FUZZ_PROG) $(BUILD)/tests/qemu/stress

# make fuzz [SEED=n] [ROUNDS=n] [FIRST=n] [OPS=n] [VERBOSE=1]: a longer run
# of the fuzzer than fuzz.scenario's, under icount so that it repeats
# exactly; the whole log lands in build/fuzz/fuzz.log (docs/testing.md).
# It boots the measuring kernel (kern/irqoff.h): the run fails if any
# stretch with interrupts off is longer than 100,000 instructions.
SEED ?= 1
ROUNDS ?= 200
FIRST ?= 0
OPS ?= 500
fuzz: $(KERNEL_MEASURE32) $(FUZZ_PROG)
	@mkdir -p $(BUILD)/fuzz
	@printf '%s\n' "# make fuzz SEED=$(SEED) ROUNDS=$(ROUNDS) FIRST=$(FIRST) OPS=$(OPS)" \
		"module tests/qemu/fuzz $(SEED) $(ROUNDS) $(FIRST) $(OPS)$(if $(VERBOSE), v)" \
		"qemu-args -icount shift=0,align=off,sleep=off" "tap" "reject kernel panic" "reject leak" \
		"timeout $$(( 60 + $(ROUNDS) * $(OPS) / 400 ))" > $(BUILD)/fuzz/fuzz.scenario
	@TESTRUN_KERNEL=$(KERNEL_MEASURE32) TESTRUN_LOGS=$(BUILD)/fuzz tools/testrun --build $(BUILD) --qemu $(BUILD)/fuzz/fuzz.scenario \
		| grep -vE '^ok - fuzz: [0-9]+ - round'; \
		status=$${PIPESTATUS[0]}; echo "# the whole log: $(BUILD)/fuzz/fuzz.log"; exit $$status
.PHONY: fuzz

QEMU_SCENARIOS += $(sort $(wildcard tests/qemu/*.scenario))

# Modules that are not programs: the kernel must refuse them and go on.
$(BUILD)/tests/qemu/notelf.txt: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	for i in 1 2 3 4 5 6; do echo "this text file is not an ELF executable"; done > $@
$(BUILD)/tests/qemu/truncated: $(BUILD)/tests/qemu/hello
	head -c 200 $< > $@
TEST_DEPS += $(BUILD)/tests/qemu/notelf.txt $(BUILD)/tests/qemu/truncated

# make debug, exercised through gdb in batch mode.
HOST_TESTS += tests/qemu/gdb_test.sh

# Programs that root starts (the runtime's scenarios), and their boot
# configurations (tests/qemu/*.cfg, each built into $(BUILD)/cfg/NAME/boot.cfg).
$(eval $(call rt_program,$(BUILD)/tests/qemu/rt_basic,tests/qemu/progs/rt_basic.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/rt_basic $(ROOT)
QEMU_CFGS := $(patsubst tests/qemu/%.cfg,$(BUILD)/cfg/%/boot.cfg,$(wildcard tests/qemu/*.cfg))
TEST_DEPS += $(QEMU_CFGS)
$(eval $(call rt_program,$(BUILD)/tests/qemu/rt_spawn,tests/qemu/progs/rt_spawn.c tests/qemu/lib/qtest.c tests/qemu/lib/rt_memory.c))
$(eval $(call rt_program,$(BUILD)/tests/qemu/rt_child,tests/qemu/progs/rt_child.c $(RT_IDL_DIR)/process_fuzz.c \
	$(patsubst %,$(KERNEL_IDL_DIR)/%_fuzz.c,pager exception)))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/rt_spawn $(BUILD)/tests/qemu/rt_child
$(eval $(call rt_program,$(BUILD)/tests/qemu/rt_hog,tests/qemu/progs/rt_hog.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/rt_hog
# The key-value server's client (kv.scenario, docs/server.md).
$(eval $(call rt_program,$(BUILD)/tests/qemu/kv_test,tests/qemu/progs/kv_test.c tests/qemu/lib/qtest.c \
	$(RT_IDL_DIR)/kv_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/kv_test $(BUILD)/srv/kv

# The C library's scenario (libc.scenario): a data file for fopen, and the
# boot configuration that names its checksum.
$(BUILD)/tests/qemu/libc_data.bin: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 70001; i++) printf "%c", int(rand() * 256) }' > $@
$(BUILD)/cfg/libc/boot.cfg: tests/qemu/libc.cfg.in $(BUILD)/tests/qemu/libc_data.bin
	@mkdir -p $(dir $@)
	set -- $$(cksum < $(BUILD)/tests/qemu/libc_data.bin) && sed "s/@CRC@/$$1/; s/@SIZE@/$$2/" $< > $@
TEST_DEPS += $(BUILD)/cfg/libc/boot.cfg $(BUILD)/tests/qemu/libc_data.bin $(BUILD)/srv/console

# The console server and the monitor under root (console.scenario,
# monitor.scenario, monitor_eof.scenario).
$(eval $(call rt_program,$(BUILD)/tests/qemu/console_test,tests/qemu/progs/console_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/console_test
# The console as a terminal through the C library, and idlc's fuzz driver
# on Stream (console_tty.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/console_tty,tests/qemu/progs/console_tty.c $(RT_IDL_DIR)/stream_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/console_tty
TEST_DEPS += $(BUILD)/srv/console $(BUILD)/bin/monitor

# The example of docs/programs.md, built the way its reader builds it, with
# tools/mica-cc, and run from the prompt (programs.scenario).
$(BUILD)/tests/qemu/count: tests/qemu/progs/count.c tools/mica-cc $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) \
	$(NEWLIB_STAMP)
	tools/mica-cc -o $@ $<
TEST_DEPS += $(BUILD)/tests/qemu/count $(DEFAULT_CFG)
$(eval $(call rt_program,$(BUILD)/tests/qemu/rt_fuzz,tests/qemu/progs/rt_fuzz.c tests/qemu/lib/qtest.c tests/qemu/lib/rt_memory.c \
	$(RT_IDL_DIR)/root_fuzz.c $(patsubst %,$(RT_IDL_DIR)/%_fuzz.c,dataspace memory rom registry process stream region_map pci) \
	$(patsubst %,$(KERNEL_IDL_DIR)/%_fuzz.c,pager exception)))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/rt_fuzz

# make fuzz-root [SEED=n] [ROUNDS=n]: a longer run of rt_fuzz (root's
# protocols) than rt_fuzz.scenario's; the log lands in build/fuzz-root/.
fuzz-root: $(KERNEL32) $(ROOT) $(BUILD)/tests/qemu/rt_fuzz $(BUILD)/tests/qemu/rt_child
	@mkdir -p $(BUILD)/fuzz-root/cfg
	@printf 'run rt_fuzz %s %s\n\tcap log\n' $(SEED) $(ROUNDS) > $(BUILD)/fuzz-root/cfg/boot.cfg
	@printf '%s\n' "# make fuzz-root SEED=$(SEED) ROUNDS=$(ROUNDS)" "kernel-args root" "module srv/root" \
		"module tests/qemu/rt_fuzz" "module tests/qemu/rt_child" "module fuzz-root/cfg/boot.cfg" "tap" \
		"expect root: rt_fuzz \\(pid 2\\) exited with status 0" "reject kernel panic" "reject leak" \
		"timeout $$(( 60 + $(ROUNDS) / 50 ))" > $(BUILD)/fuzz-root/fuzz-root.scenario
	@TESTRUN_LOGS=$(BUILD)/fuzz-root tools/testrun --build $(BUILD) --qemu $(BUILD)/fuzz-root/fuzz-root.scenario
.PHONY: fuzz-root

# PCI and the disk (pci.scenario, docs/pci.md): the test program, and a
# 1 MiB disk image of a seeded pattern (a scenario's `disk` directive).
$(eval $(call rt_program,$(BUILD)/tests/qemu/pci_test,tests/qemu/progs/pci_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/pci_test
$(BUILD)/tests/qemu/disk1m.img: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	LC_ALL=C awk 'BEGIN { srand(17); for (i = 0; i < 1048576; i++) printf "%c", int(rand() * 256) }' > $@
TEST_DEPS += $(BUILD)/tests/qemu/disk1m.img
$(eval $(call rt_program,$(BUILD)/tests/qemu/dma_test,tests/qemu/progs/dma_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/dma_test
# The block server's client (blk.scenario, blk_ro.scenario, docs/blk.md),
# its configurations with the image's cksum.
$(eval $(call rt_program,$(BUILD)/tests/qemu/blk_test,tests/qemu/progs/blk_test.c tests/qemu/lib/qtest.c \
	$(RT_IDL_DIR)/block_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/blk_test $(BUILD)/srv/blk
$(BUILD)/cfg/blk/boot.cfg $(BUILD)/cfg/blk_ro/boot.cfg $(BUILD)/cfg/blkdev/boot.cfg: $(BUILD)/cfg/%/boot.cfg: tests/qemu/%.cfg.in $(BUILD)/tests/qemu/disk1m.img
	@mkdir -p $(dir $@)
	set -- $$(cksum < $(BUILD)/tests/qemu/disk1m.img) && sed "s/@CRC@/$$1/; s/@SIZE@/$$2/" $< > $@
TEST_DEPS += $(BUILD)/cfg/blk/boot.cfg $(BUILD)/cfg/blk_ro/boot.cfg $(BUILD)/cfg/blkdev/boot.cfg
# lib/fs's block device over the block server (blkdev.scenario), a C-library program.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/blkdev_test,tests/qemu/progs/blkdev_test.c lib/fs/blkdev_mica.c \
	tests/qemu/lib/qtest.c))
$(BUILD)/libc-obj/tests/qemu/progs/blkdev_test.c.o $(BUILD)/libc-obj/lib/fs/blkdev_mica.c.o: LIBC_CFLAGS += -Ilib/fs
QEMU_PROG_BINS += $(BUILD)/tests/qemu/blkdev_test
# A sparse disk of 4 GiB + 1 MiB with marks at 4 GiB and in its last block (blk_big.scenario).
$(BUILD)/tests/qemu/disk4g.img: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	rm -f $@ && truncate -s 4097M $@
	printf 'MICA-4G!' | dd of=$@ bs=1 seek=4294967296 conv=notrunc status=none
	printf 'MICA-END' | dd of=$@ bs=1 seek=$$((4097 * 1048576 - 512)) conv=notrunc status=none
TEST_DEPS += $(BUILD)/tests/qemu/disk4g.img

# The file server's protocol on a copy of build/disk.img (fsserver.scenario,
# docs/fsserver.md), a C-library program.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsserver_test,tests/qemu/progs/fsserver_test.c tests/qemu/lib/qtest.c \
	tests/qemu/lib/lookup.c $(RT_IDL_DIR)/fs_fuzz.c $(RT_IDL_DIR)/dataspace_fuzz.c $(RT_IDL_DIR)/notify_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsserver_test $(BUILD)/srv/ext2fs $(BUILD)/srv/pipe
TEST_DEPS += $(DISK_IMG)
# The C library's files of the file server (fsfile.scenario, docs/libc.md).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsfile_test,tests/qemu/progs/fsfile_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsfile_test $(BUILD)/srv/pipe
QEMU_PROG_BINS += $(BUILD)/bin/fsaccess   # fsaccess.scenario
# Disks the file server refuses at mount, each naming its problem
# (fsserver_journal, fsserver_feature, fsserver_badsb.scenario): a journal
# that needs recovery, an incompatible feature no one knows (bit 31 of
# s_feature_incompat), a superblock with no inodes per group.
FS_REFUSED_IMGS := $(addprefix $(BUILD)/tests/qemu/,fs_journal.img fs_feature.img fs_badsb.img)
$(BUILD)/tests/qemu/fs_journal.img: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	rm -f $@ && truncate -s 4M $@ && mke2fs -q -F -t ext3 $@
	debugfs -w -R 'feature needs_recovery' $@ 2>/dev/null
$(BUILD)/tests/qemu/fs_feature.img: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	rm -f $@ && truncate -s 4M $@ && mke2fs -q -F -t ext2 $@
	printf '\200' | dd of=$@ bs=1 seek=$$((1024 + 0x60 + 3)) conv=notrunc status=none
$(BUILD)/tests/qemu/fs_badsb.img: | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	rm -f $@ && truncate -s 4M $@ && mke2fs -q -F -t ext2 $@
	printf '\0\0\0\0' | dd of=$@ bs=1 seek=$$((1024 + 40)) conv=notrunc status=none
TEST_DEPS += $(FS_REFUSED_IMGS)
# The model test of lib/fs inside Mica (fsmodel.scenario): the operations
# of tests/common/fs_opgen.c, which the host's fs_model shares and checks
# the image with afterwards.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsmodel,tests/qemu/progs/fsmodel.c tests/common/fs_opgen.c))
$(BUILD)/libc-obj/tests/qemu/progs/fsmodel.c.o: LIBC_CFLAGS += -Itests/common
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsmodel
TEST_DEPS += $(BUILD)/host/tests/fs/fs_model
# Two programs appending to one file (fsappend.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsappend,tests/qemu/progs/fsappend.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsappend
# The file system unmounted at halt with files open (fshalt.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fshalt,tests/qemu/progs/fshalt.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fshalt
# What fsync made durable survives a power cut (fscut.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fscut,tests/qemu/progs/fscut.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fscut
# newlib's POSIX parts that Mica builds (libposix.a) and the glue around
# them, on the file server (posix.scenario, docs/libc.md).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/posix_test,tests/qemu/progs/posix_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/posix_test
# File mappings over the page cache (fsmmap.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsmmap,tests/qemu/progs/fsmmap.c tests/qemu/lib/qtest.c tests/qemu/lib/lookup.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsmmap
# Reads through the client's view of the page cache (fsview.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsview,tests/qemu/progs/fsview.c tests/qemu/lib/qtest.c \
	tests/qemu/lib/mappings.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsview
# The descriptor table's test (pipe_fd.scenario, lib/libc/fd.c) and the
# rom file it reads through several descriptors.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/pipe_fd,tests/qemu/progs/pipe_fd.c))
$(BUILD)/tests/qemu/pipe_fd_data.txt: tests/qemu/pipe_fd_data.txt
	@mkdir -p $(dir $@)
	cp $< $@
QEMU_PROG_BINS += $(BUILD)/tests/qemu/pipe_fd
TEST_DEPS += $(BUILD)/tests/qemu/pipe_fd_data.txt
# Pipes (pipe.scenario, docs/pipes.md): the test and the pipe server.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/pipe_test,tests/qemu/progs/pipe_test.c tests/qemu/lib/qtest.c \
	$(RT_IDL_DIR)/pipe_fuzz.c $(RT_IDL_DIR)/notify_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/pipe_test $(BUILD)/srv/pipe
# Notifiers, poll and select (poll.scenario, docs/poll.md).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/poll_test,tests/qemu/progs/poll_test.c tests/qemu/lib/qtest.c \
	tests/qemu/lib/lookup.c $(RT_IDL_DIR)/notify_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/poll_test

# The process server (proc.scenario, docs/processes.md): its test, the
# child it spawns from rom/ and from the disk, and the disk: an ext2 image
# with the child, a program of over 1 MiB, `true`, a file without its x bit, one that is no ELF file,
# a cut ELF file and an ELF file for another machine (e_machine 3, i386);
# and SQLite's speedtest1 for mica-bench-proc (built by ports/sqlite3),
# with room for its database.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/proc_test,tests/qemu/progs/proc_test.c tests/qemu/lib/qtest.c \
	tests/qemu/lib/mappings.c $(RT_IDL_DIR)/proc_fuzz.c $(KERNEL_IDL_DIR)/exception_fuzz.c))
$(eval $(call newlib_program,$(BUILD)/tests/qemu/proc_child,tests/qemu/progs/proc_child.c))
$(eval $(call newlib_program,$(BUILD)/tests/qemu/proc_big,tests/qemu/progs/proc_big.c))
# proc_tail: proc_child with tests/qemu/progs/proc_tail.c's data linked
# after the libraries, so that what start-up writes is not in the last
# data page (the one the process server maps at the start).
PROC_TAIL := $(BUILD)/tests/qemu/proc_tail
$(PROC_TAIL): $(BUILD)/libc-obj/tests/qemu/progs/proc_child.c.o $(BUILD)/libc-obj/tests/qemu/progs/proc_tail.c.o \
		$(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(LD) $(USER_LDFLAGS) $(LIBC_LDFLAGS) -e _start -o $@ $(BUILD)/libc-obj/tests/qemu/progs/proc_child.c.o \
		--start-group $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) $(shell $(CC) -print-libgcc-file-name) --end-group \
		$(BUILD)/libc-obj/tests/qemu/progs/proc_tail.c.o
QEMU_PROG_BINS += $(BUILD)/tests/qemu/proc_test $(BUILD)/tests/qemu/proc_child $(BUILD)/tests/qemu/proc_big $(BUILD)/srv/proc
PROC_IMG_ROOT := $(BUILD)/tests/qemu/proc-root
$(BUILD)/tests/qemu/proc.img: $(BUILD)/tests/qemu/proc_child $(BUILD)/tests/qemu/proc_big $(PROC_TAIL) $(BUILD)/bin/true \
		tests/qemu/build.mk $(BUILD)/ports/sqlite3/.stamp
	rm -rf $(PROC_IMG_ROOT) && mkdir -p $(PROC_IMG_ROOT)/bin
	cp $(BUILD)/tests/qemu/proc_child $(BUILD)/tests/qemu/proc_big $(PROC_TAIL) $(BUILD)/bin/true $(PROC_IMG_ROOT)/bin/
	strip -o $(PROC_IMG_ROOT)/bin/speedtest1 $(BUILD)/ports/sqlite3/src/bld/speedtest1
	cp $(BUILD)/bin/true $(PROC_IMG_ROOT)/bin/noexec && chmod 644 $(PROC_IMG_ROOT)/bin/noexec
	printf '#!/bin/sh\necho not a program\n' > $(PROC_IMG_ROOT)/bin/garbage && chmod 755 $(PROC_IMG_ROOT)/bin/garbage
	head -c 200 $(BUILD)/bin/true > $(PROC_IMG_ROOT)/bin/cutelf && chmod 755 $(PROC_IMG_ROOT)/bin/cutelf
	cp $(BUILD)/bin/true $(PROC_IMG_ROOT)/bin/badelf && printf '\003' | dd of=$(PROC_IMG_ROOT)/bin/badelf bs=1 seek=18 conv=notrunc status=none
	rm -f $@ && mke2fs -q -F -t ext2 -L proc -d $(PROC_IMG_ROOT) $@ 32M
TEST_DEPS += $(BUILD)/tests/qemu/proc.img

# What a spawned program inherits (inherit.scenario, docs/processes.md).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/inherit_test,tests/qemu/progs/inherit_test.c tests/qemu/lib/qtest.c))
$(eval $(call newlib_program,$(BUILD)/tests/qemu/inherit_child,tests/qemu/progs/inherit_child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/inherit_test $(BUILD)/tests/qemu/inherit_child $(BUILD)/srv/pipe

# The ports (ports/, docs/ports.md) run from make run's disk, with their
# test scripts under /share (ports.scenario) and, from the ports' unpacked
# sources, mawk's test suite (/share/mawk) and bc's tests (/share/bc) for
# ports-suites.scenario.
PORTS_IMG := $(BUILD)/tests/qemu/ports.img
PORTS_TEST_FILES := $(filter-out tests/ports/sh,$(wildcard tests/ports/*))
# The shell scripts run by dash on the host and on Mica (shell-diff.scenario).
PORTS_SH_FILES := $(wildcard tests/ports/sh/*.sh)
# (mk/run.mk, which sets DISK_IMG and DISK_ROOT, comes after this file:
# the prerequisite names the image itself.)
# shell_test (system and popen through dash, dash.scenario) is on it as
# /bin/shell_test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/shell_test,tests/qemu/progs/shell_test.c))
# libcx_test (the C library's calls added for toybox, toybox.scenario) as
# /bin/libcx_test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/libcx_test,tests/qemu/progs/libcx_test.c))
$(PORTS_IMG): $(BUILD)/disk.img $(PORTS_TEST_FILES) $(PORTS_SH_FILES) $(BUILD)/tests/qemu/shell_test $(BUILD)/tests/qemu/libcx_test
	rm -rf $(BUILD)/tests/qemu/ports-root && cp -a $(DISK_ROOT) $(BUILD)/tests/qemu/ports-root
	mkdir -p $(BUILD)/tests/qemu/ports-root/share && cp $(PORTS_TEST_FILES) $(BUILD)/tests/qemu/ports-root/share/
	strip --strip-debug -o $(BUILD)/tests/qemu/ports-root/bin/shell_test $(BUILD)/tests/qemu/shell_test
	strip --strip-debug -o $(BUILD)/tests/qemu/ports-root/bin/libcx_test $(BUILD)/tests/qemu/libcx_test
	mkdir -p $(BUILD)/tests/qemu/ports-root/share/sh && cp $(PORTS_SH_FILES) $(BUILD)/tests/qemu/ports-root/share/sh/
	cp -r $(BUILD)/ports/mawk/src/test $(BUILD)/tests/qemu/ports-root/share/mawk
	cp $(BUILD)/ports/mawk/src/examples/decl.awk $(BUILD)/tests/qemu/ports-root/share/mawk/
	mkdir -p $(BUILD)/tests/qemu/ports-root/share/bc && cp $(BUILD)/ports/bc/src/Test/*.b $(BUILD)/tests/qemu/ports-root/share/bc/
	rm -f $@ && mke2fs -q -F -t ext2 -L mica -d $(BUILD)/tests/qemu/ports-root $@ 32M
TEST_DEPS += $(PORTS_IMG) $(RUN_CFG) $(SHELL_CFG)
# fork (fork.scenario, docs/processes.md "fork"): its test, with the pipe
# and process servers.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fork_test,tests/qemu/progs/fork_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fork_test
# Record locks (lock.scenario, docs/fsserver.md "Record locks"): its test,
# with the pipe, file and process servers.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/lock_test,tests/qemu/progs/lock_test.c tests/qemu/lib/qtest.c \
	tests/qemu/lib/lookup.c $(RT_IDL_DIR)/fs_fuzz.c $(RT_IDL_DIR)/dataspace_fuzz.c $(RT_IDL_DIR)/notify_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/lock_test

# Signals between programs (sig.scenario, docs/processes.md): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/sig_test,tests/qemu/progs/sig_test.c tests/qemu/lib/qtest.c tests/qemu/lib/child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/sig_test
# What reaches a thread other than the main one (thrsig.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/thrsig_test,tests/qemu/progs/thrsig_test.c tests/qemu/lib/qtest.c tests/qemu/lib/child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/thrsig_test
# Signals from faults and sigaltstack (sigfault.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/sigfault_test,tests/qemu/progs/sigfault_test.c tests/qemu/lib/qtest.c tests/qemu/lib/child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/sigfault_test
# alarm, setitimer and pause (sigtimer.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/sigtimer_test,tests/qemu/progs/sigtimer_test.c tests/qemu/lib/qtest.c tests/qemu/lib/child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/sigtimer_test
# sigwait, sigwaitinfo, sigtimedwait (sigwait.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/sigwait_test,tests/qemu/progs/sigwait_test.c tests/qemu/lib/qtest.c tests/qemu/lib/child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/sigwait_test
# CPU-time clocks (cputime.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/cputime_test,tests/qemu/progs/cputime_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/cputime_test
# POSIX per-process timers (ptimer.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/ptimer_test,tests/qemu/progs/ptimer_test.c tests/qemu/lib/qtest.c tests/qemu/lib/child.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/ptimer_test
# POSIX shared memory objects (shm.scenario): its test.
$(eval $(call newlib_program,$(BUILD)/tests/qemu/shm_test,tests/qemu/progs/shm_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/shm_test
# Ctrl-C through the console to the foreground group (sig_tty.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/sig_tty,tests/qemu/progs/sig_tty.c tests/qemu/lib/qtest.c tests/qemu/lib/tty.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/sig_tty
# Job control beyond reads and writes: orphaned groups, the tc* calls, a
# session's end (tty_job.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/tty_job,tests/qemu/progs/tty_job.c tests/qemu/lib/qtest.c tests/qemu/lib/tty.c \
	$(RT_IDL_DIR)/stream_fuzz.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/tty_job
# POSIX threads and semaphores of the C library (pthread.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/pthread_test,tests/qemu/progs/pthread_test.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/pthread_test
# Several programs on one directory's files at once (fsstress.scenario).
$(eval $(call newlib_program,$(BUILD)/tests/qemu/fsstress,tests/qemu/progs/fsstress.c tests/qemu/lib/qtest.c))
QEMU_PROG_BINS += $(BUILD)/tests/qemu/fsstress

# Last, so that every program above is in it (TEST_DEPS expands as it grows).
TEST_DEPS += $(KERNEL32) $(QEMU_PROG_BINS)

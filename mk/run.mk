# make run / make debug: boot Mica on this terminal.
#   make run                          the root task, the servers, dash (/bin/sh on
#                                     the disk) as the login shell; the monitor's
#                                     prompt when there is no disk or no shell
#   make run INIT=monitor             the monitor's prompt (docs/monitor.md)
#   make run PROGRAMS="a/prog ..."    add programs to rom/ (each by its base
#                                     name; start them with `run NAME` at the prompt)
#   make run RUN_MODULES="a b" RUN_CMDLINE=   other boot modules (paths under
#                                     build/), e.g. a test program run directly by the kernel
#   MEM=512M make run                 more memory (default 256M)
#   make run DISK=path.img            attach another raw disk image (default
#                                     build/disk.img, an ext2 image the build
#                                     makes); DISK= attaches none
DEFAULT_CFG := $(BUILD)/cfg/default/boot.cfg
$(DEFAULT_CFG): srv/root/default.cfg
	@mkdir -p $(dir $@)
	cp $< $@
ALL += $(DEFAULT_CFG)

# make run's boot.cfg: the default one with the block server, the file
# server (docs/fsserver.md) and the process server (docs/processes.md)
# before the monitor.  The first two end with a message when there is no
# disk or no file system on it; the monitor starts anyway.
RUN_CFG := $(BUILD)/cfg/run/boot.cfg
$(RUN_CFG): srv/root/default.cfg mk/run.mk
	@mkdir -p $(dir $@)
	awk '/^run monitor/ { print "run blk"; print "\tcap pci:1af4:1001 dev"; print "\tprovide blk"; \
		print "\tmem 8M"; print "\tdaemon"; print "run ext2fs"; print "\tprovide fs"; print "\tmem 16M"; \
		print "\tdaemon"; print "run proc child-mem=24M"; print "\tprovide proc"; print "\tmem 96M"; \
		print "\tdaemon" } { print }' $< > $@
ALL += $(RUN_CFG)

# The same, with the monitor starting the login shell (`--shell`): what
# make run boots unless INIT=monitor.
SHELL_CFG := $(BUILD)/cfg/shell/boot.cfg
$(SHELL_CFG): $(RUN_CFG)
	@mkdir -p $(dir $@)
	sed 's|^run monitor$$|run monitor --shell /bin/sh|' $< > $@
	grep -q -- '--shell' $@
ALL += $(SHELL_CFG)

# The disk of make run: an ext2 file system made from a tree of the build.
DISK_IMG := $(BUILD)/disk.img
DISK_ROOT := $(BUILD)/disk-root
DISK ?= $(DISK_IMG)
# /tmp is everyone's (1777), for tmpfile() and the like.
# Each port's install tree (ports/build.mk) goes in whole.  The programs
# go in without their debugging sections (the build tree keeps them, for
# gdb and tools/qprof): the static C library's debug information made
# every program a megabyte or more and left the disk nearly full.
$(DISK_IMG): mk/run.mk srv/blk/disk/README srv/blk/disk/etc/passwd srv/blk/disk/etc/group srv/blk/disk/etc/profile $(BUILD)/bin/monitor $(BUILD)/bin/hello $(BUILD)/bin/true $(BUILD)/bin/clip $(BUILD)/tests/qemu/disk1m.img \
		$(PORT_STAMPS)
	rm -rf $(DISK_ROOT) && mkdir -p $(DISK_ROOT)/bin $(DISK_ROOT)/data $(DISK_ROOT)/tmp
	chmod 1777 $(DISK_ROOT)/tmp
	cp srv/blk/disk/README $(DISK_ROOT)/README
	cp -r srv/blk/disk/etc $(DISK_ROOT)/etc
	cp $(BUILD)/bin/monitor $(BUILD)/bin/hello $(BUILD)/bin/true $(BUILD)/bin/clip $(DISK_ROOT)/bin/
	cp $(BUILD)/tests/qemu/disk1m.img $(DISK_ROOT)/data/pattern.bin
	for r in $(PORT_ROOTS); do cp -r $$r/. $(DISK_ROOT)/; done
	find $(DISK_ROOT)/bin -type f -exec chmod u+w {} + -exec strip --strip-debug {} +
	rm -f $@ && mke2fs -q -F -t ext2 -L mica -d $(DISK_ROOT) $@ 32M
ALL += $(DISK_IMG)

INIT ?= sh
RUN_INIT_CFG := $(if $(filter monitor,$(INIT)),cfg/run/boot.cfg,cfg/shell/boot.cfg)
RUN_MODULES ?= srv/root srv/console srv/pipe srv/blk srv/ext2fs srv/proc bin/monitor $(RUN_INIT_CFG)
RUN_CMDLINE ?= root user-uart
PROGRAMS ?=
RUN_MODULE_PATHS = $(foreach m,$(RUN_MODULES),$(BUILD)/$(m)) $(PROGRAMS)

run: all $(TEST_DEPS)
	@for p in $(PROGRAMS); do [ -f "$$p" ] || { echo "make run: no program $$p" >&2; exit 1; }; done
	@[ -z "$(DISK)" ] || [ -r "$(DISK)" ] || { echo "make run: disk image $(DISK) is missing or unreadable" >&2; exit 1; }
	@case "$(INIT)" in sh|monitor) ;; *) echo "make run: INIT=$(INIT): sh or monitor" >&2; exit 1;; esac
	DISK="$(DISK)" tools/qemu-run $(KERNEL32) "$(RUN_CMDLINE)" $(RUN_MODULE_PATHS)

debug: all $(TEST_DEPS)
	tools/debug $(KERNEL) $(KERNEL32) "$(RUN_CMDLINE)" $(RUN_MODULE_PATHS)

.PHONY: run debug

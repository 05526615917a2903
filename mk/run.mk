# make run / make debug: boot Mica on this terminal.
#   make run                          the root task, the console, the monitor prompt
#   make run PROGRAMS="a/prog ..."    add programs to rom/ (each by its base
#                                     name; start them with `run NAME` at the prompt)
#   make run RUN_MODULES="a b" RUN_CMDLINE=   other boot modules (paths under
#                                     build/), e.g. a test program run directly by the kernel
#   MEM=512M make run                 more memory (default 256M)
DEFAULT_CFG := $(BUILD)/cfg/default/boot.cfg
$(DEFAULT_CFG): srv/root/default.cfg
	@mkdir -p $(dir $@)
	cp $< $@
ALL += $(DEFAULT_CFG)

RUN_MODULES ?= srv/root srv/console bin/monitor cfg/default/boot.cfg
RUN_CMDLINE ?= root user-uart
PROGRAMS ?=
RUN_MODULE_PATHS = $(foreach m,$(RUN_MODULES),$(BUILD)/$(m)) $(PROGRAMS)

run: all $(TEST_DEPS)
	@for p in $(PROGRAMS); do [ -f "$$p" ] || { echo "make run: no program $$p" >&2; exit 1; }; done
	tools/qemu-run $(KERNEL32) "$(RUN_CMDLINE)" $(RUN_MODULE_PATHS)

debug: all $(TEST_DEPS)
	tools/debug $(KERNEL) $(KERNEL32) "$(RUN_CMDLINE)" $(RUN_MODULE_PATHS)

.PHONY: run debug

# make run / make debug: boot Mica on this terminal.
#   make run                          the default boot configuration
#   make run RUN_MODULES="a b"        other boot modules (paths under build/)
#   MEM=512M make run                 more memory (default 256M)
RUN_MODULES ?= tests/qemu/hello
RUN_CMDLINE ?=
RUN_MODULE_PATHS = $(foreach m,$(RUN_MODULES),$(BUILD)/$(m))

run: all $(TEST_DEPS)
	tools/qemu-run $(KERNEL32) "$(RUN_CMDLINE)" $(RUN_MODULE_PATHS)

debug: all $(TEST_DEPS)
	tools/debug $(KERNEL) $(KERNEL32) "$(RUN_CMDLINE)" $(RUN_MODULE_PATHS)

.PHONY: run debug

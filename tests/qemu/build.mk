# QEMU scenarios (tests/qemu/*.scenario) and the programs they boot.

QEMU_PROGS := hello
QEMU_PROG_BINS := $(patsubst %,$(BUILD)/tests/qemu/%,$(QEMU_PROGS))
$(foreach p,$(QEMU_PROGS),$(eval $(call boot_program,$(BUILD)/tests/qemu/$(p),tests/qemu/progs/$(p).c)))

QEMU_SCENARIOS += $(sort $(wildcard tests/qemu/*.scenario))
TEST_DEPS += $(KERNEL32) $(QEMU_PROG_BINS)

# tests/host/elf: host unit tests of lib/common's ELF code, one per file: the parser, the
# load plan and the initial stack.  Two fixtures are linked from
# static_prog.c by the host toolchain and embedded with .incbin
# (fixtures.c): one with Mica's user flags (a static executable the parser
# must accept and the plan must map) and one as a static PIE (which the
# parser must refuse).
ELF_FIXTURE_DIR := $(BUILD)/host/tests/host/elf
ELF_STATIC_EXE := $(ELF_FIXTURE_DIR)/static_exe
ELF_STATIC_PIE := $(ELF_FIXTURE_DIR)/static_pie

$(ELF_STATIC_EXE): tests/host/elf/static_prog.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) $< -o $@

$(ELF_STATIC_PIE): tests/host/elf/static_prog.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(COMMON_CFLAGS) -O2 -ffreestanding -fPIE -static-pie -nostdlib $< -o $@

HOST_CFLAGS_tests/host/elf/ := -Itests/host $(LIB_COMMON_CFLAGS) \
	-DELF_STATIC_EXE='"$(ELF_STATIC_EXE)"' -DELF_STATIC_PIE='"$(ELF_STATIC_PIE)"'
$(BUILD)/host/tests/host/elf/fixtures.o: $(ELF_STATIC_EXE) $(ELF_STATIC_PIE)

$(eval $(call host_test,elf,tests/host/elf/elf_test.c tests/host/elf/fixtures.c $(LIB_ELF_SRCS)))
$(eval $(call host_test,elf_load_plan,tests/host/elf/elf_load_plan_test.c tests/host/elf/fixtures.c $(LIB_ELF_SRCS)))
$(eval $(call host_test,elf_stack,tests/host/elf/elf_stack_test.c $(LIB_ELF_SRCS)))

# lib/elf: the static ELF64 parser, shared by the kernel (first boot module)
# and the process server, and the pure parts of loading that the process
# server adds on top: the load plan and the initial stack.  Users compile
# $(LIB_ELF_SRCS) with their own flags plus $(LIB_ELF_CFLAGS) (the kernel
# takes only elf.c).  `make` also compiles them here with the kernel's
# freestanding flags, so a change that reaches for libc (or any symbol from
# outside) fails at once.
LIB_ELF_SRCS := lib/elf/elf.c lib/elf/elf_load_plan.c lib/elf/elf_stack.c
LIB_ELF_CFLAGS := -Ilib/elf

$(BUILD)/freestanding/lib/elf/%.o: lib/elf/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) $(LIB_ELF_CFLAGS) -c $< -o $@
	@if [ -n "$$($(NM) -u $@)" ]; then echo "$@ needs outside symbols:"; $(NM) -u $@; rm -f $@; exit 1; fi

ALL += $(patsubst %.c,$(BUILD)/freestanding/%.o,$(LIB_ELF_SRCS))

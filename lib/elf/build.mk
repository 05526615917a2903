# lib/elf: the static ELF64 parser, shared by the kernel (first boot module)
# and the process server.  They compile $(LIB_ELF_SRCS) with their own flags
# plus $(LIB_ELF_CFLAGS).  `make` also compiles it here with the kernel's
# freestanding flags, so a change that reaches for libc (or any symbol from
# outside) fails at once.
LIB_ELF_SRCS := lib/elf/elf.c
LIB_ELF_CFLAGS := -Ilib/elf

$(BUILD)/freestanding/lib/elf/%.o: lib/elf/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) $(LIB_ELF_CFLAGS) -c $< -o $@
	@if [ -n "$$($(NM) -u $@)" ]; then echo "$@ needs outside symbols:"; $(NM) -u $@; rm -f $@; exit 1; fi

ALL += $(patsubst %.c,$(BUILD)/freestanding/%.o,$(LIB_ELF_SRCS))

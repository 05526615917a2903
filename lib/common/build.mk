# lib/common: pure, freestanding code that the kernel and user programs both
# compile, one copy of each routine, tested on the host (tests/host/fmt,
# elf, fpage, string).  Headers are included by the folder's name,
# <common/fmt.h>, so that a reader sees where they come from.
#
#   fmt.c        the printf engine of the kernel console and early programs
#   elf*.c       the static ELF64 parser (the kernel's first boot module,
#                root's launcher), the load plan and the initial stack
#   fpage.c      flexpage arithmetic and the send-base rule (the kernel's
#                map/grant items, user-level pagers)
#   mem.c        memcpy, memmove, memset, memcmp (the kernel, libsys, and
#                the C library in place of newlib's)
#   string.c     mica_streq, mica_strlen, mica_strlcpy (the kernel,
#                libsys)
#
# Header only: common/pipe_ring.h, the copies in and out of a pipe's ring
# (the C library's pipes and listings, the file server's listings);
# common/exception_signal.h, the signal of each x86-64 exception (the C
# library's signals from faults, root's status of a program it ends).
#
# Users add $(LIB_COMMON_CFLAGS) and compile the sources they need with
# their own flags.  `make` also compiles every one here with the kernel's
# freestanding flags, so a change that reaches for libc (or any symbol from
# outside) fails at once.
LIB_COMMON_CFLAGS := -Ilib/common/include
LIB_FMT_SRCS := lib/common/fmt.c
LIB_ELF_SRCS := lib/common/elf.c lib/common/elf_load_plan.c lib/common/elf_stack.c
LIB_FPAGE_SRCS := lib/common/fpage.c
LIB_MEM_SRCS := lib/common/mem.c
LIB_STRING_SRCS := $(LIB_MEM_SRCS) lib/common/string.c
LIB_COMMON_SRCS := $(LIB_FMT_SRCS) $(LIB_ELF_SRCS) $(LIB_FPAGE_SRCS) $(LIB_STRING_SRCS)

USER_CFLAGS += $(LIB_COMMON_CFLAGS)

$(BUILD)/freestanding/lib/common/%.o: lib/common/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) $(LIB_COMMON_CFLAGS) -c $< -o $@
	@if [ -n "$$($(NM) -u $@)" ]; then echo "$@ needs outside symbols:"; $(NM) -u $@; rm -f $@; exit 1; fi

ALL += $(patsubst %.c,$(BUILD)/freestanding/%.o,$(LIB_COMMON_SRCS))

# Host objects of these files (the host tests'): mem.c defines memcpy and
# memmove itself, so gcc must not turn its loops back into calls to them.
HOST_CFLAGS_lib/common/ := $(LIB_COMMON_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns

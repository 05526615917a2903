# newlib, the C library of Mica programs, built once from Debian's
# newlib-source tarball (/usr/src/newlib) with the host gcc for x86_64-elf,
# configured for x86_64-elf (see lib/newlib/build-newlib), and installed
# into build/newlib/install.  The patches come first, each saying why:
# ino_t.patch widens ino_t, glob_nomatch.patch makes glob report
# GLOB_NOMATCH, dynamic_reent.patch gives each thread its own struct _reent,
# strptime_fields.patch makes strptime read fields of POSIX's widths.  About two minutes on two cores; the log is
# build/newlib/build.log.
#
#   NEWLIB_STAMP   depend on it before using anything below
#   NEWLIB_PREFIX  the install prefix (headers and libraries under x86_64-elf/)
#   NEWLIB_CFLAGS  compile against newlib's headers (with the compiler's own
#                  freestanding headers, no host ones)
#   NEWLIB_LIBS    libc.a and libm.a, for a static link
#   NEWLIB_POSIX_LIB  libposix.a (below), which lib/libc's LIBC_LIBS puts first
#
# Fragments that sort before lib/newlib and need these variables while make
# reads them may include this file first; the guard makes that harmless.

ifndef NEWLIB_STAMP

NEWLIB_DIR := $(BUILD)/newlib
NEWLIB_PREFIX := $(abspath $(NEWLIB_DIR)/install)
NEWLIB_STAMP := $(NEWLIB_DIR)/.stamp
NEWLIB_CFLAGS := -nostdinc -isystem $(GCC_INCLUDE) -isystem $(NEWLIB_PREFIX)/x86_64-elf/include
NEWLIB_LIBS := $(NEWLIB_PREFIX)/x86_64-elf/lib/libc.a $(NEWLIB_PREFIX)/x86_64-elf/lib/libm.a

# lib/newlib/build-newlib does the work (configure, make, install) under a
# lock, so concurrent makes in one tree do not build over each other.
NEWLIB_PATCHES := lib/newlib/ino_t.patch lib/newlib/glob_nomatch.patch lib/newlib/dynamic_reent.patch lib/newlib/strptime_fields.patch
$(NEWLIB_STAMP): lib/newlib/build-newlib $(NEWLIB_PATCHES) | $(DEPS_STAMP)
	@mkdir -p $(BUILD)
	flock $(BUILD)/newlib.lock bash lib/newlib/build-newlib $(NEWLIB_DIR) $@ $(NEWLIB_PATCHES)

# Installed files exist once the stamp does.
$(NEWLIB_LIBS): | $(NEWLIB_STAMP) ;

ALL += $(NEWLIB_STAMP)

# libposix.a: the parts of newlib's libc/posix and libc/unix that its
# x86_64-elf configuration leaves out, built from the same source with the
# C library's flags (lib/libc/build.mk; docs/libc.md): regular expressions,
# fnmatch, glob, the exec family, creat, basename and dirname (execvp is
# lib/libc's: spawn.c; so are the passwd and group files: passwd.c, group.c).  Third-party code: compiled without -Werror, and
# with newlib's syscall names mapped to the POSIX ones the glue defines.
NEWLIB_POSIX_SRCS := $(addprefix posix/,regcomp.c regerror.c regexec.c regfree.c collate.c collcmp.c \
	fnmatch.c glob.c execl.c execle.c execlp.c execv.c creat.c) \
	$(addprefix unix/,basename.c dirname.c)
NEWLIB_POSIX_OBJS := $(patsubst %.c,$(NEWLIB_DIR)/posix-obj/%.o,$(NEWLIB_POSIX_SRCS))
NEWLIB_POSIX_LIB := $(NEWLIB_DIR)/libposix.a

$(NEWLIB_DIR)/posix-obj/%.o: $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -Werror -Wextra -MMD -MP,$(LIBC_CFLAGS)) -w -D_COMPILING_NEWLIB -DMISSING_SYSCALL_NAMES -include _syslist.h \
		-D_GNU_SOURCE -I$(NEWLIB_DIR)/src/newlib/libc/$(dir $*) -c $(NEWLIB_DIR)/src/newlib/libc/$*.c -o $@
$(NEWLIB_POSIX_LIB): $(NEWLIB_POSIX_OBJS)
	rm -f $@
	$(AR) rcs $@ $^
ALL += $(NEWLIB_POSIX_LIB)

endif

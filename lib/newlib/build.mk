# newlib, the C library of Mica programs, built once from Debian's
# newlib-source tarball (/usr/src/newlib) with the host gcc for x86_64-elf,
# configured for x86_64-elf (see lib/newlib/build-newlib), and installed
# into build/newlib/install.  lib/newlib/ino_t.patch widens ino_t first (the
# patch says why).  About two minutes on two cores; the log is
# build/newlib/build.log.
#
#   NEWLIB_STAMP   depend on it before using anything below
#   NEWLIB_PREFIX  the install prefix (headers and libraries under x86_64-elf/)
#   NEWLIB_CFLAGS  compile against newlib's headers (with the compiler's own
#                  freestanding headers, no host ones)
#   NEWLIB_LIBS    libc.a and libm.a, for a static link
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
$(NEWLIB_STAMP): lib/newlib/build-newlib lib/newlib/ino_t.patch | $(DEPS_STAMP)
	@mkdir -p $(BUILD)
	flock $(BUILD)/newlib.lock bash lib/newlib/build-newlib $(NEWLIB_DIR) $@ lib/newlib/ino_t.patch

# Installed files exist once the stamp does.
$(NEWLIB_LIBS): | $(NEWLIB_STAMP) ;

ALL += $(NEWLIB_STAMP)

endif

# libext2fs and libcom_err from Debian's e2fsprogs source, built by our own
# rules (not e2fsprogs' Makefiles or configure) three times over the same
# file list and the same hand-written config header:
#
#   host   plain, for host tools (tools/ext2ctl)
#   asan   with AddressSanitizer and UndefinedBehaviorSanitizer, for tests
#   mica   freestanding against newlib, for Mica's file server
#
# docs/ext2.md says what is built, what is left out and why, and how the
# licence (LGPL-2) is honoured.  Variables for users of the library:
#
#   EXT2FS_HOST_CFLAGS   -I flags for <ext2fs/ext2fs.h> and <et/com_err.h>
#   EXT2FS_HOST_LIBS     host archives (libext2fs.a libcom_err.a)
#   EXT2FS_HOST_ASAN_LIBS  the sanitized host archives
#   EXT2FS_ASAN_FLAGS    the sanitizer flags, for compiling and linking tests
#   EXT2FS_MICA_CFLAGS   the same headers, and the -U flags of the Mica build,
#                        for Mica code (with $(FREESTANDING) $(NEWLIB_CFLAGS))
#   EXT2FS_MICA_LIBS     Mica archives (link before $(NEWLIB_LIBS))
#   EXT2FS_HEADERS       stamp: source fetched, generated headers written;
#                        anything including <ext2fs/ext2fs.h> depends on it
#   E2FS_SRC             the unpacked e2fsprogs tree (its tests/ has images)

# The Mica variant compiles against newlib's headers (NEWLIB_*).
include lib/newlib/build.mk

E2FS_SRC := $(BUILD)/src/e2fsprogs
E2FS_STAMP := $(BUILD)/src/e2fsprogs.stamp
E2FS_GEN := $(BUILD)/gen/ext2fs
EXT2FS_HEADERS := $(E2FS_GEN)/.stamp
EXT2FS_ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer

# lib/et: everything but the host-only vfprintf fallback.
E2FS_ET_SRCS := error_message et_name init_et com_err com_right

# lib/ext2fs: the on-disk format code.  Left out: the OS-specific files
# (unix_io, windows_io, nt_io, dosio, ismounted, getsize, getsectsize,
# llseek, finddev, flushb), undo_io with tdb, test_io, sparse_io, qcow2 and
# imager (image conversion), dupfs (for resize2fs; it dup()s descriptors),
# read_bb_file and write_bb_file (bad-block lists in text files), and the
# tst_* programs.  lib/ext2fs/shims.c answers the one symbol of theirs the
# rest still references.  mkjournal.c stays (it also holds
# ext2fs_zero_blocks2, which allocation and fallocate use); for Mica it
# gets the two small headers newlib lacks from lib/ext2fs/mica/include.
E2FS_EXT2FS_SRCS := alloc alloc_sb alloc_stats alloc_tables atexit badblocks \
	bb_compat bb_inode bitmaps bitops blkmap64_ba blkmap64_rb blknum block \
	bmap check_desc closefs crc16 crc32c csum dblist dblist_dir \
	digest_encode dirblock dirhash dir_iterate expanddir ext_attr \
	extent fallocate fileio freefs gen_bitmap gen_bitmap64 get_num_dirs \
	get_pathname hashmap i_block icount ind_block initialize inline \
	inline_data inode inode_io io_manager link lookup mkdir mkjournal mmp \
	namei native newdir nls_utf8 openfs orphan progress punch read_bb res_gdt \
	rw_bitmaps sha256 sha512 swapfs symlink unlink valid_blk version rbtree

# Flags for e2fsprogs' own sources: its code is not warning-clean under our
# -Wextra, so only warnings that mean a broken build are kept, as errors.
E2FS_WARN := -w -Werror=implicit-function-declaration -Werror=implicit-int \
	-Werror=incompatible-pointer-types -Werror=int-conversion
E2FS_LIB_CFLAGS := -std=gnu11 -O2 -g -MMD -MP $(E2FS_WARN) -Ilib/ext2fs/mica \
	-I$(E2FS_GEN)/ext2fs -I$(E2FS_GEN) -I$(E2FS_SRC)/lib
E2FS_MICA_UNDEF := -U__linux__ -U__linux -Ulinux -U__gnu_linux__

EXT2FS_HOST_CFLAGS := -I$(E2FS_GEN) -I$(E2FS_SRC)/lib
EXT2FS_MICA_CFLAGS := $(EXT2FS_HOST_CFLAGS) $(E2FS_MICA_UNDEF)

# --- The source and the generated headers --------------------------------

$(E2FS_STAMP): lib/ext2fs/fetch-e2fsprogs | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/src
	flock $(BUILD)/src/.lock bash lib/ext2fs/fetch-e2fsprogs $(BUILD)/src $@

# Files of the unpacked tree exist once the fetch has run.  Precious: make
# would otherwise take them for intermediate files and delete them.
$(E2FS_SRC)/%: | $(E2FS_STAMP) ;
.PRECIOUS: $(E2FS_SRC)/%

# ext2_types.h for x86-64 (the same for the host and Mica), ext2_err.h/.c by
# e2fsprogs' own compile_et, and crc32c_table.h by its generator.
$(EXT2FS_HEADERS): $(E2FS_STAMP) lib/ext2fs/build.mk
	@mkdir -p $(E2FS_GEN)/ext2fs $(E2FS_GEN)/tools
	sed -e 's/@ASM_TYPES_HEADER@//' -e 's/@SIZEOF_SHORT@/2/' \
	    -e 's/@SIZEOF_INT@/4/' -e 's/@SIZEOF_LONG@/8/' \
	    -e 's/@SIZEOF_LONG_LONG@/8/' \
	    -e 's/@PUBLIC_CONFIG_HEADER@/#define HAVE_SYS_TYPES_H 1/' \
	    $(E2FS_SRC)/lib/ext2fs/ext2_types.h.in > $(E2FS_GEN)/ext2fs/ext2_types.h
	sed -e 's/@AWK@/awk/' -e 's|@datadir@|/nonexistent|' \
	    $(E2FS_SRC)/lib/et/compile_et.sh.in > $(E2FS_GEN)/tools/compile_et
	sed -e "s/@E2FSPROGS_VERSION@/$$(sed -n 's/.*E2FSPROGS_VERSION "\(.*\)"/\1/p' $(E2FS_SRC)/version.h)/" \
	    $(E2FS_SRC)/lib/ext2fs/ext2_err.et.in > $(E2FS_GEN)/ext2fs/ext2_err.et
	rm -f $(E2FS_GEN)/ext2fs/ext2_err.h $(E2FS_GEN)/ext2fs/ext2_err.c
	cd $(E2FS_GEN)/ext2fs && _ET_DIR_OVERRIDE=$(abspath $(E2FS_SRC))/lib/et \
	    sh ../tools/compile_et ext2_err.et
	$(CC) -O2 -o $(E2FS_GEN)/tools/gen_crc32ctable $(E2FS_SRC)/lib/ext2fs/gen_crc32ctable.c
	$(E2FS_GEN)/tools/gen_crc32ctable > $(E2FS_GEN)/ext2fs/crc32c_table.h
	@touch $@

$(E2FS_GEN)/ext2fs/ext2_err.c: | $(EXT2FS_HEADERS) ;

# --- One variant: objects, and the two archives --------------------------

# $(eval $(call e2fs_variant,NAME,CFLAGS,LIBDIR)): objects under
# build/ext2fs/NAME/, archives LIBDIR/libcom_err.a and LIBDIR/libext2fs.a.
define e2fs_variant
E2FS_ET_OBJS_$(1) := $$(patsubst %,$(BUILD)/ext2fs/$(1)/et/%.o,$(E2FS_ET_SRCS))
E2FS_EXT2FS_OBJS_$(1) := $$(patsubst %,$(BUILD)/ext2fs/$(1)/ext2fs/%.o,$(E2FS_EXT2FS_SRCS)) \
	$(BUILD)/ext2fs/$(1)/ext2fs/ext2_err.o $(BUILD)/ext2fs/$(1)/shims.o

$(BUILD)/ext2fs/$(1)/et/%.o: $(E2FS_SRC)/lib/et/%.c $(EXT2FS_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(E2FS_LIB_CFLAGS) $(2) -c $$< -o $$@

$(BUILD)/ext2fs/$(1)/ext2fs/%.o: $(E2FS_SRC)/lib/ext2fs/%.c $(EXT2FS_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(E2FS_LIB_CFLAGS) $(2) -c $$< -o $$@

$(BUILD)/ext2fs/$(1)/ext2fs/ext2_err.o: $(E2FS_GEN)/ext2fs/ext2_err.c $(EXT2FS_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(E2FS_LIB_CFLAGS) $(2) -c $$< -o $$@

$(BUILD)/ext2fs/$(1)/shims.o: lib/ext2fs/shims.c $(EXT2FS_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(COMMON_CFLAGS) -O2 $(EXT2FS_HOST_CFLAGS) $(2) -c $$< -o $$@

$(3)/libcom_err.a: $$(E2FS_ET_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^

$(3)/libext2fs.a: $$(E2FS_EXT2FS_OBJS_$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef

$(eval $(call e2fs_variant,host,,$(BUILD)/host/lib))
$(eval $(call e2fs_variant,asan,$(EXT2FS_ASAN_FLAGS),$(BUILD)/host-asan/lib))
$(eval $(call e2fs_variant,mica,-Ilib/ext2fs/mica/include $(FREESTANDING) $(NEWLIB_CFLAGS) $(E2FS_MICA_UNDEF),$(BUILD)/mica/lib))

# The Mica objects need newlib's headers.
$(E2FS_ET_OBJS_mica) $(E2FS_EXT2FS_OBJS_mica): $(NEWLIB_STAMP)

EXT2FS_HOST_LIBS := $(BUILD)/host/lib/libext2fs.a $(BUILD)/host/lib/libcom_err.a
EXT2FS_HOST_ASAN_LIBS := $(BUILD)/host-asan/lib/libext2fs.a $(BUILD)/host-asan/lib/libcom_err.a
EXT2FS_MICA_LIBS := $(BUILD)/mica/lib/libext2fs.a $(BUILD)/mica/lib/libcom_err.a

ALL += $(EXT2FS_HOST_LIBS) $(EXT2FS_HOST_ASAN_LIBS) $(EXT2FS_MICA_LIBS)

# --- The Mica link test ---------------------------------------------------

# A tiny Mica program using libext2fs, linked statically against the Mica
# archives and newlib by lib/ext2fs/mica-link-test (a TAP script run through
# a generated wrapper that names the files).
E2FS_LINKTEST := $(BUILD)/ext2fs/linktest
E2FS_LINKTEST_CFLAGS := $(COMMON_CFLAGS) -O2 $(FREESTANDING) $(NEWLIB_CFLAGS) \
	$(EXT2FS_MICA_CFLAGS)
MICA_LIBGCC := $(shell $(CC) -print-libgcc-file-name)

$(E2FS_LINKTEST)/%.o: lib/ext2fs/linktest/%.c $(EXT2FS_HEADERS) $(NEWLIB_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(E2FS_LINKTEST_CFLAGS) -c $< -o $@

E2FS_LINKTEST_FILES := $(E2FS_LINKTEST)/prog.o $(E2FS_LINKTEST)/syscall_placeholders.o \
	$(EXT2FS_MICA_LIBS) $(NEWLIB_LIBS) $(MICA_LIBGCC)

$(BUILD)/host/tests/ext2fs-mica-link: lib/ext2fs/mica-link-test $(E2FS_LINKTEST_FILES)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\n# Generated by lib/ext2fs/build.mk.\nNEWLIB_CFLAGS="%s" exec bash %s\n' \
	    '$(NEWLIB_CFLAGS)' '$(abspath $< $(E2FS_LINKTEST_FILES))' > $@
	chmod +x $@

HOST_TESTS += $(BUILD)/host/tests/ext2fs-mica-link

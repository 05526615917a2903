# lib/fs: the file-operations layer over libext2fs and the mica_blk
# io_manager (docs/fs.md).  Built three ways:
#   host   build/host/lib/fs/*.o, for tools/ext2ctl
#   asan   build/host-asan/lib/fs/*.o with $(EXT2FS_ASAN_FLAGS), for the tests
#   mica   build/mica/lib/libfs.a against newlib, for the file server
# blkdev_file.c (a device over a host file) is host-only.
#
# Variables for users: LIB_FS_CFLAGS, LIB_FS_HOST_OBJS (with blkdev_file),
# LIB_FS_ASAN_OBJS, LIB_FS_MICA_LIB.

LIB_FS_SRCS := $(addprefix lib/fs/,blkcache.c blkio.c err.c path.c inode.c dir.c \
	file.c fsync.c attr.c rename.c bmap.c mount.c)
LIB_FS_HOST_SRCS := $(LIB_FS_SRCS) lib/fs/blkdev_file.c
LIB_FS_CFLAGS := -Ilib/fs $(EXT2FS_HOST_CFLAGS)

HOST_CFLAGS_lib/fs/ := $(LIB_FS_CFLAGS)
LIB_FS_HOST_OBJS := $(call host_objs,$(LIB_FS_HOST_SRCS))
$(LIB_FS_HOST_OBJS): $(EXT2FS_HEADERS)

LIB_FS_ASAN_OBJS := $(patsubst %.c,$(BUILD)/host-asan/%.o,$(LIB_FS_HOST_SRCS))
$(BUILD)/host-asan/lib/fs/%.o: lib/fs/%.c $(EXT2FS_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(LIB_FS_CFLAGS) $(EXT2FS_ASAN_FLAGS) -c $< -o $@

LIB_FS_MICA_OBJS := $(patsubst %.c,$(BUILD)/mica/%.o,$(LIB_FS_SRCS))
LIB_FS_MICA_LIB := $(BUILD)/mica/lib/libfs.a
$(BUILD)/mica/lib/fs/%.o: lib/fs/%.c $(EXT2FS_HEADERS) $(NEWLIB_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(COMMON_CFLAGS) -O2 $(FREESTANDING) $(NEWLIB_CFLAGS) $(E2FS_MICA_UNDEF) \
		-Iinclude -Ilib/fs $(EXT2FS_MICA_CFLAGS) -c $< -o $@
$(LIB_FS_MICA_LIB): $(LIB_FS_MICA_OBJS)
	rm -f $@ && ar rcs $@ $^

ALL += $(LIB_FS_HOST_OBJS) $(LIB_FS_MICA_LIB)

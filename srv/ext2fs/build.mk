# srv/ext2fs: the file server (docs/fsserver.md), the ext2 file system of
# the block server's disk through lib/fs.  A C-library program linked with
# lib/fs, libext2fs and the block device over the block server.
EXT2FS_SRV := $(BUILD)/srv/ext2fs
EXT2FS_SRV_SRCS := srv/ext2fs/ext2fs.c srv/ext2fs/cache.c srv/ext2fs/cuts.c srv/ext2fs/listing.c srv/ext2fs/locks.c lib/fs/blkdev_mica.c $(RT_IDL_DIR)/fs_server.c \
	$(RT_IDL_DIR)/dataspace_server.c $(RT_IDL_DIR)/notify_server.c
EXT2FS_SRV_OBJS := $(patsubst %,$(BUILD)/libc-obj/%.o,$(EXT2FS_SRV_SRCS))
$(EXT2FS_SRV): $(EXT2FS_SRV_OBJS) $(LIB_FS_MICA_LIB) $(EXT2FS_MICA_LIBS) $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) \
		$(LIBSYS) $(NEWLIB_STAMP)
	@mkdir -p $(dir $@)
	$(LD) $(USER_LDFLAGS) $(LIBC_LDFLAGS) -e _start -o $@ $(filter %.o,$^) --start-group $(LIB_FS_MICA_LIB) \
		$(EXT2FS_MICA_LIBS) $(LIBC_LIBS) $(LIBRT) $(LIBSERVER) $(LIBSYS) $$($(CC) -print-libgcc-file-name) --end-group
$(BUILD)/libc-obj/srv/ext2fs/ext2fs.c.o $(BUILD)/libc-obj/srv/ext2fs/cache.c.o $(BUILD)/libc-obj/srv/ext2fs/listing.c.o \
		$(BUILD)/libc-obj/lib/fs/blkdev_mica.c.o: LIBC_CFLAGS += -Ilib/fs
ALL += $(EXT2FS_SRV)

# tools/ext2ctl: a host command on lib/fs for looking at and changing ext2
# images (see the comment at the top of ext2ctl.c).
EXT2CTL := $(BUILD)/host/tools/ext2ctl/ext2ctl
HOST_CFLAGS_tools/ext2ctl/ := $(LIB_FS_CFLAGS)
$(call host_objs,tools/ext2ctl/ext2ctl.c): $(EXT2FS_HEADERS)

$(EXT2CTL): $(call host_objs,tools/ext2ctl/ext2ctl.c) $(LIB_FS_HOST_OBJS) $(EXT2FS_HOST_LIBS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

ALL += $(EXT2CTL)

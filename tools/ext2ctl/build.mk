# tools/ext2ctl: a host command on lib/fs for looking at and changing ext2
# images (see the comment at the top of ext2ctl.c).
EXT2CTL := $(BUILD)/host/tools/ext2ctl/ext2ctl
HOST_CFLAGS_tools/ext2ctl/ := $(LIB_FS_CFLAGS)
$(call host_objs,tools/ext2ctl/ext2ctl.c): $(EXT2FS_HEADERS)

$(EXT2CTL): $(call host_objs,tools/ext2ctl/ext2ctl.c) $(LIB_FS_HOST_OBJS) $(EXT2FS_HOST_LIBS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

ALL += $(EXT2CTL)

# tools/ext2ctl end to end (a script; its wrapper passes the tool).  Here,
# not in tests/host/fs/build.mk: a prerequisite is expanded when read, and
# that file is read before EXT2CTL is defined.
EXT2CTL_TEST := $(BUILD)/host/tests/fs/ext2ctl
$(EXT2CTL_TEST): tests/host/fs/ext2ctl.sh $(EXT2CTL)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec bash %s %s\n' $(abspath tests/host/fs/ext2ctl.sh) $(abspath $(EXT2CTL)) > $@
	chmod +x $@
HOST_TESTS += $(EXT2CTL_TEST)

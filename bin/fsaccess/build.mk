# bin/fsaccess: ext2ctl's commands on the mounted file system, through the
# C library and the file server (docs/fsserver.md).
$(eval $(call newlib_program,$(BUILD)/bin/fsaccess,bin/fsaccess/fsaccess.c))
ALL += $(BUILD)/bin/fsaccess

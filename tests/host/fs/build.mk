# tests/host/fs: lib/fs and libext2fs under AddressSanitizer and
# UndefinedBehaviorSanitizer, on images made by mke2fs (docs/fs.md).
FS_TEST_CFLAGS := $(HOST_CFLAGS) $(LIB_FS_CFLAGS) -Itests/host -Itests/host/fs -Itests/common $(EXT2FS_ASAN_FLAGS) \
	-Wno-format-truncation

$(BUILD)/host-asan/tests/host/fs/%.o: tests/host/fs/%.c $(EXT2FS_HEADERS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(FS_TEST_CFLAGS) -c $< -o $@
# The model tests' operations (tests/common/fs_opgen.c), shared with Mica's fsmodel.
$(BUILD)/host-asan/tests/common/%.o: tests/common/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(FS_TEST_CFLAGS) -c $< -o $@

# $(eval $(call fs_test,NAME,SOURCES)): build/host/tests/fs/NAME, sanitized.
define fs_test
$(BUILD)/host/tests/fs/$(1): $(patsubst %.c,$(BUILD)/host-asan/%.o,$(2) tests/host/fs/fsutil.c) \
		$(TAP_OBJ) $(LIB_FS_ASAN_OBJS) $(EXT2FS_HOST_ASAN_LIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $(EXT2FS_ASAN_FLAGS) $$^ -o $$@
endef

$(eval $(call fs_test,fs_ops,tests/host/fs/fs_ops.c))
HOST_TESTS += $(BUILD)/host/tests/fs/fs_ops

# fs_defects: the defects an adversarial test found, one case each.
$(eval $(call fs_test,fs_defects,tests/host/fs/fs_defects.c))
HOST_TESTS += $(BUILD)/host/tests/fs/fs_defects

$(eval $(call fs_test,fs_model,tests/host/fs/fs_model.c tests/common/fs_opgen.c))
HOST_TESTS += $(BUILD)/host/tests/fs/fs_model

# fs_walk walks damaged images; fs_images.sh runs it over e2fsprogs' test
# images and seeded corruptions.  The script is the registered test; its
# wrapper passes the walker and the images' directory.
$(eval $(call fs_test,fs_walk,tests/host/fs/fs_walk.c))
FS_IMAGES_TEST := $(BUILD)/host/tests/fs/fs_images
$(FS_IMAGES_TEST): tests/host/fs/fs_images.sh $(BUILD)/host/tests/fs/fs_walk $(E2FS_STAMP)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec bash %s %s %s\n' $(abspath tests/host/fs/fs_images.sh) \
		$(abspath $(BUILD)/host/tests/fs/fs_walk) $(abspath $(E2FS_SRC)/tests) > $@
	chmod +x $@
HOST_TESTS += $(FS_IMAGES_TEST)

# make fs-bench: lib/fs beside debugfs -w (not a test; figures in docs/fs.md).
FS_BENCH := $(BUILD)/host/tests/fs/fs_bench
$(FS_BENCH): $(call host_objs,tests/host/fs/fs_bench.c tests/host/fs/fsutil.c) \
		$(LIB_FS_HOST_OBJS) $(EXT2FS_HOST_LIBS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@
HOST_CFLAGS_tests/host/fs/ := $(LIB_FS_CFLAGS) -Itests/host/fs -Wno-format-truncation
$(call host_objs,tests/host/fs/fs_bench.c tests/host/fs/fsutil.c): $(EXT2FS_HEADERS)

fs-bench: $(FS_BENCH)
	bash tests/host/fs/fs_bench.sh $(FS_BENCH)
.PHONY: fs-bench
# tools/ext2ctl end to end (tests/host/fs/ext2ctl.sh) is registered in
# tools/ext2ctl/build.mk, which is read after this file and defines EXT2CTL.

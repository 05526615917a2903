# srv/blk: the virtio-blk driver and block server (docs/blk.md).
BLK := $(BUILD)/srv/blk
$(eval $(call rt_program,$(BLK),srv/blk/blk.c srv/blk/virtio.c $(RT_IDL_DIR)/block_server.c))
ALL += $(BLK)
$(BUILD)/user-obj/srv/blk/blk.c.o $(BUILD)/user-obj/srv/blk/virtio.c.o: | $(RT_IDL_HEADERS)

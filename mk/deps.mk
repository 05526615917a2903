# tools/deps runs once per build tree; everything built depends on its stamp
# (order-only, so a newer stamp never forces a rebuild).
DEPS_STAMP := $(BUILD)/.deps

$(DEPS_STAMP): tools/deps
	@mkdir -p $(BUILD)
	bash tools/deps
	@touch $@

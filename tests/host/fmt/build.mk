# tests/host/fmt: host unit tests of the printf engine (lib/common/fmt.c).
HOST_CFLAGS_tests/host/fmt/ := $(LIB_COMMON_CFLAGS) -Wno-format-truncation -Wno-format-overflow
$(eval $(call host_test,fmt,tests/host/fmt/fmt_test.c $(LIB_FMT_SRCS)))

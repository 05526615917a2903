# lib/fmt: the printf engine of the kernel console and early programs.
FMT_SRCS := lib/fmt/fmt.c
HOST_CFLAGS_tests/host/fmt/ := -Ilib/fmt -Wno-format-truncation -Wno-format-overflow
$(eval $(call host_test,fmt,tests/host/fmt/fmt_test.c $(FMT_SRCS)))

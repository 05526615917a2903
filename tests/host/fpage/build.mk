# tests/host/fpage: host unit tests of lib/common/fpage.c (flexpage arithmetic and
# the send-base rule).
HOST_CFLAGS_tests/host/fpage/ := -Itests/host $(LIB_COMMON_CFLAGS)

$(eval $(call host_test,fpage,tests/host/fpage/fpage_test.c $(LIB_FPAGE_SRCS)))

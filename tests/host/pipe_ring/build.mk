# tests/host/pipe_ring: host unit tests of lib/common's common/pipe_ring.h,
# the copies in and out of a pipe's ring that the C library and the file
# server share (docs/pipes.md).
HOST_CFLAGS_tests/host/pipe_ring/ := -Itests/host $(LIB_COMMON_CFLAGS)

$(eval $(call host_test,pipe_ring,tests/host/pipe_ring/pipe_ring_test.c))

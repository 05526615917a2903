# tests/host/proc: host unit tests of the process server's records
# (srv/proc/tree.c), which make no Mica calls.
HOST_CFLAGS_tests/host/proc/ := -Itests/host -Isrv/proc $(LIB_COMMON_CFLAGS)
HOST_CFLAGS_srv/proc/ := -Isrv/proc $(LIB_COMMON_CFLAGS)

$(eval $(call host_test,proc_tree,tests/host/proc/tree_test.c srv/proc/tree.c $(LIB_STRING_SRCS)))

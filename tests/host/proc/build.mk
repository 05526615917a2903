# tests/host/proc: host unit tests of the process server's records
# (srv/proc/tree.c) and inheritance lists (srv/proc/inherit.c), which make
# no Mica calls (inherit_test.c stands in for mica_slot_drop).
HOST_CFLAGS_tests/host/proc/ := -Itests/host -Isrv/proc -Ilib/sys/include $(LIB_COMMON_CFLAGS)
HOST_CFLAGS_srv/proc/ := -Isrv/proc -Ilib/sys/include $(LIB_COMMON_CFLAGS)

$(eval $(call host_test,proc_tree,tests/host/proc/tree_test.c srv/proc/tree.c $(LIB_STRING_SRCS)))
$(eval $(call host_test,proc_inherit,tests/host/proc/inherit_test.c srv/proc/inherit.c))

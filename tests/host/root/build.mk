# tests/host/root: host unit tests of root's boot-configuration parser
# (srv/root/config.c), which makes no Mica calls.
HOST_CFLAGS_tests/host/root/ := -Itests/host -Isrv/root $(LIB_COMMON_CFLAGS) -Ilib/sys/include
HOST_CFLAGS_srv/root/ := -Isrv/root $(LIB_COMMON_CFLAGS) -Ilib/sys/include

$(eval $(call host_test,root_config,tests/host/root/config_test.c srv/root/config.c $(LIB_STRING_SRCS) $(LIB_FMT_SRCS)))

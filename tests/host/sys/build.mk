# tests/host/sys: host unit tests of the parts of libsys that do not need
# the machine.
HOST_CFLAGS_tests/host/sys/ := -Itests/host -Ilib/sys/include
HOST_CFLAGS_lib/sys/ := -Ilib/sys/include

$(eval $(call host_test,strerror,tests/host/sys/strerror_test.c lib/sys/strerror.c))

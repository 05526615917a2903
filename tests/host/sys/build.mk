# tests/host/sys: host unit tests of the parts of libsys that do not need
# the machine.
HOST_CFLAGS_tests/host/sys/ := -Itests/host -Ilib/sys/include -Iinclude
HOST_CFLAGS_lib/sys/ := -Ilib/sys/include -Iinclude

$(eval $(call host_test,strerror,tests/host/sys/strerror_test.c lib/sys/strerror.c))
$(eval $(call host_test,slot,tests/host/sys/slot_test.c lib/sys/slot.c))

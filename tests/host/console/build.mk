# tests/host/console: host unit tests of the console server's line
# discipline (srv/console/line.c), which knows nothing of Mica.
HOST_CFLAGS_tests/host/console/ := -Itests/host -Isrv/console -Ilib/libc/include

# line.c takes its flag values from the C library's <sys/termios.h>, not
# the host's.
HOST_CFLAGS_srv/console/ := -Ilib/libc/include

$(eval $(call host_test,console_line,tests/host/console/line_test.c srv/console/line.c))

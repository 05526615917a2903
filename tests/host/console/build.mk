# tests/host/console: host unit tests of the console server's line
# discipline (srv/console/line.c), which knows nothing of Mica.
HOST_CFLAGS_tests/host/console/ := -Itests/host -Isrv/console

$(eval $(call host_test,console_line,tests/host/console/line_test.c srv/console/line.c))

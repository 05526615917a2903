# tests/host/string: host unit tests of lib/common's memory and string
# routines (mem.c, string.c), the one copy the kernel and libsys link.  The
# test's own reference loops must stay loops, not calls to the code under
# test.
HOST_CFLAGS_tests/host/string/ := -Itests/host $(LIB_COMMON_CFLAGS) -fno-builtin -fno-tree-loop-distribute-patterns

$(eval $(call host_test,string,tests/host/string/string_test.c $(LIB_STRING_SRCS)))

# The C library's strspn, strcspn and strpbrk (lib/libc/strspn.c).
$(eval $(call host_test,strspn,tests/host/string/strspn_test.c lib/libc/strspn.c))

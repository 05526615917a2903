# lib/server: the server loop (libserver.a, server/server.h,
# docs/server.md): every server's receive, dispatch, reply-and-wait.  On
# libsys only, so that root, a boot program, uses it as launched servers do;
# boot_program, rt_program and newlib_program link it.

USER_CFLAGS += -Ilib/server/include
LIBSERVER_SRCS := lib/server/serve.c
LIBSERVER := $(BUILD)/user/lib/libserver.a

$(LIBSERVER): $(patsubst %,$(BUILD)/user-obj/%.o,$(LIBSERVER_SRCS)) lib/server/build.mk
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(filter %.o,$^)

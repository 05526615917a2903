# bin/hello: one line on stdout.
$(eval $(call newlib_program,$(BUILD)/bin/hello,bin/hello/hello.c))
ALL += $(BUILD)/bin/hello

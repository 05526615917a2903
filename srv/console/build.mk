# srv/console: the console server (docs/console.md), a program root's
# launcher starts; it serves Stream (idl/rt/stream.idl) with the generated
# dispatch.
CONSOLE := $(BUILD)/srv/console
$(eval $(call newlib_program,$(CONSOLE),srv/console/console.c srv/console/line.c srv/console/uart.c \
	$(RT_IDL_DIR)/stream_server.c))
ALL += $(CONSOLE)

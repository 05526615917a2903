# srv/console: the console server (docs/console.md), a program root's
# launcher starts; it serves ConsoleServer (idl/rt/console.idl: Stream,
# Pollable, Subscribers) with the generated dispatch.
CONSOLE := $(BUILD)/srv/console
$(eval $(call newlib_program,$(CONSOLE),srv/console/console.c srv/console/line.c srv/console/uart.c \
	$(RT_IDL_DIR)/console_server.c $(RT_IDL_DIR)/stream_server.c \
	$(RT_IDL_DIR)/notify_server.c))
ALL += $(CONSOLE)

# srv/pipe: the pipe server (docs/pipes.md), a program root's launcher
# starts (boot.cfg: `run pipe` with `provide pipe`).  It serves PipeFactory,
# PipeEnd and Subscribers (idl/rt/pipe.idl); the data moves through shared
# rings.
PIPE_SRV := $(BUILD)/srv/pipe
$(eval $(call rt_program,$(PIPE_SRV),srv/pipe/pipe.c $(RT_IDL_DIR)/pipe_server.c $(RT_IDL_DIR)/notify_server.c))
ALL += $(PIPE_SRV)

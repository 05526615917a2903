# srv/proc: the process server (docs/processes.md), a C-library program
# root's launcher starts (boot.cfg: `run proc` with `provide proc`).  It
# serves Proc (idl/rt/proc.idl) on the loop of lib/server.
PROC := $(BUILD)/srv/proc
$(eval $(call newlib_program,$(PROC),srv/proc/proc.c srv/proc/tree.c srv/proc/load.c srv/proc/inherit.c $(RT_IDL_DIR)/proc_server.c))
ALL += $(PROC)

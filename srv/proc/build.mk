# srv/proc: the process server (docs/processes.md), a C-library program
# root's launcher starts (boot.cfg: `run proc` with `provide proc`).  It
# serves Proc and the exceptions of its programs (idl/rt/proc.idl, ProcGate)
# on the loop of lib/server.
PROC := $(BUILD)/srv/proc
$(eval $(call newlib_program,$(PROC),srv/proc/proc.c srv/proc/tree.c srv/proc/load.c srv/proc/pages.c srv/proc/inherit.c \
	lib/common/elf.c lib/common/elf_load_plan.c $(RT_IDL_DIR)/proc_server.c $(KERNEL_IDL_DIR)/exception_server.c))
ALL += $(PROC)

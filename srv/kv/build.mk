# srv/kv: the key-value server (docs/server.md), a program root's launcher
# starts (boot.cfg: `run kv` with `provide kv`).  It serves Kv
# (idl/rt/kv.idl): the generated dispatch is linked in, the loop comes from
# lib/server.
KV := $(BUILD)/srv/kv
$(eval $(call rt_program,$(KV),srv/kv/kv.c $(RT_IDL_DIR)/kv_server.c))
ALL += $(KV)

# bin/monitor: the first prompt (docs/monitor.md), a program root's
# launcher starts.
MONITOR := $(BUILD)/bin/monitor
$(eval $(call newlib_program,$(MONITOR),bin/monitor/monitor.c))
ALL += $(MONITOR)

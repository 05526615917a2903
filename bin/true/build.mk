# bin/true: the smallest newlib program.
$(eval $(call newlib_program,$(BUILD)/bin/true,bin/true/true.c))
ALL += $(BUILD)/bin/true

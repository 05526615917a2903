# bin/clip: lines START..START+COUNT-1 of a file or of standard input
# (docs/programs.md), on the disk of `make run` as /bin/clip.
$(eval $(call newlib_program,$(BUILD)/bin/clip,bin/clip/clip.c))
ALL += $(BUILD)/bin/clip

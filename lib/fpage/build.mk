# lib/fpage: flexpage arithmetic and the send-base rule, shared by the kernel
# (map/grant items) and user-level pagers.  They compile $(LIB_FPAGE_SRCS)
# with their own flags plus $(LIB_FPAGE_CFLAGS).  `make` also compiles it
# here with the kernel's freestanding flags, so a change that reaches for
# libc (or any symbol from outside) fails at once.
LIB_FPAGE_SRCS := lib/fpage/fpage.c
LIB_FPAGE_CFLAGS := -Ilib/fpage

$(BUILD)/freestanding/lib/fpage/%.o: lib/fpage/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) $(LIB_FPAGE_CFLAGS) -c $< -o $@
	@if [ -n "$$($(NM) -u $@)" ]; then echo "$@ needs outside symbols:"; $(NM) -u $@; rm -f $@; exit 1; fi

ALL += $(patsubst %.c,$(BUILD)/freestanding/%.o,$(LIB_FPAGE_SRCS))

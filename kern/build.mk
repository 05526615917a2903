# The kernel: freestanding objects, linked twice (the second link adds the
# symbol table for backtraces, tools/mksyms), then copied to a 32-bit ELF
# for QEMU's multiboot loader, which refuses 64-bit ones.  The include
# path is kern/ only: generic code reaches the architecture through
# kern/arch.h and kern/arch_thread.h, and kern/arch/x86_64/ finds its own
# headers beside it.

KERN_SRCS := $(wildcard kern/*.c kern/arch/x86_64/*.c) lib/common/fmt.c lib/common/elf.c lib/common/fpage.c \
	$(LIB_STRING_SRCS) $(KERNEL_IDL_SERVER_SRCS)
KERN_ASMS := $(wildcard kern/arch/x86_64/*.S)
KERN_OBJS := $(patsubst %,$(BUILD)/kern-obj/%.o,$(KERN_SRCS) $(KERN_ASMS))
KERN_LDS := kern/arch/x86_64/kernel.ld
KERN_CFLAGS += $(LIB_COMMON_CFLAGS) $(IDL_INCLUDE) -Ilib/sys/include
KERNEL := $(BUILD)/kern/mica.elf
KERNEL32 := $(BUILD)/kern/mica.elf32

$(BUILD)/kern-obj/%.c.o: %.c | $(DEPS_STAMP) $(KERNEL_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) -c $< -o $@

$(BUILD)/kern-obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/kern/ksyms0.S: tools/mksyms
	@mkdir -p $(dir $@)
	tools/mksyms < /dev/null > $@

$(BUILD)/kern/mica.elf0: $(KERN_OBJS) $(BUILD)/kern/ksyms0.o $(KERN_LDS)
	$(LD) -nostdlib -z max-page-size=4096 -z noexecstack -T $(KERN_LDS) -o $@ $(KERN_OBJS) $(BUILD)/kern/ksyms0.o

$(BUILD)/kern/ksyms.S: $(BUILD)/kern/mica.elf0 tools/mksyms
	$(NM) -n $< | tools/mksyms > $@

$(BUILD)/kern/%.o: $(BUILD)/kern/%.S
	$(CC) -c $< -o $@

$(KERNEL): $(KERN_OBJS) $(BUILD)/kern/ksyms.o $(KERN_LDS)
	$(LD) -nostdlib -z max-page-size=4096 -z noexecstack -T $(KERN_LDS) -o $@ $(KERN_OBJS) $(BUILD)/kern/ksyms.o
	@$(NM) -n $@ | grep -E ' [tT] ' | cmp -s - <($(NM) -n $(BUILD)/kern/mica.elf0 | grep -E ' [tT] ') || \
		{ echo "kernel: text moved between the two links"; rm -f $@; exit 1; }

$(KERNEL32): $(KERNEL)
	$(OBJCOPY) -O elf32-i386 $< $@

ALL += $(KERNEL32)

# The measuring kernel (kern/irqoff.h): the same sources with
# -DKERN_MEASURE_IRQOFF and the recorder, linked once (no symbol table);
# `make bench` boots it for irq_latency_worst, `make fuzz` for its watchdog.
KERN_MEASURE_OBJS := $(patsubst %,$(BUILD)/kern-measure-obj/%.o,$(KERN_SRCS) $(KERN_ASMS) \
	kern/arch/x86_64/measure/irqoff.c)
KERNEL_MEASURE32 := $(BUILD)/kern/mica-measure.elf32

$(BUILD)/kern-measure-obj/%.c.o: %.c | $(DEPS_STAMP) $(KERNEL_IDL_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) -DKERN_MEASURE_IRQOFF -c $< -o $@

$(BUILD)/kern-measure-obj/%.S.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KERN_CFLAGS) -DKERN_MEASURE_IRQOFF -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/kern/mica-measure.elf: $(KERN_MEASURE_OBJS) $(BUILD)/kern/ksyms0.o $(KERN_LDS)
	$(LD) -nostdlib -z max-page-size=4096 -z noexecstack -T $(KERN_LDS) -o $@ $(KERN_MEASURE_OBJS) $(BUILD)/kern/ksyms0.o

$(KERNEL_MEASURE32): $(BUILD)/kern/mica-measure.elf
	$(OBJCOPY) -O elf32-i386 $< $@

# Toolchain and flags.  The host gcc and binutils build everything: host
# tools and tests natively, the kernel and Mica programs as freestanding
# x86-64 code.

SHELL := /bin/bash
BUILD ?= build
CC := gcc
LD := ld
OBJCOPY := objcopy
NM := nm

WARN := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=gnu11 -g -MMD -MP $(WARN)
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)

# Host programs and unit tests.
HOST_CFLAGS := $(COMMON_CFLAGS) -O2 -Iinclude
HOST_LDFLAGS :=

# Freestanding code: the compiler's own headers only, never the host libc's.
FREESTANDING := -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) -fno-pic \
	-fno-stack-protector -fno-builtin -fno-asynchronous-unwind-tables

# The kernel never touches SSE state itself (it saves and restores it for
# user threads), keeps a frame pointer for its backtraces, and lives in the
# top 2 GiB.
KERN_CFLAGS := $(COMMON_CFLAGS) -O2 $(FREESTANDING) -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -fno-omit-frame-pointer -fno-strict-aliasing -Iinclude -Ikern

# Mica user programs that do not use newlib (early tests, the runtime itself).
USER_CFLAGS := $(COMMON_CFLAGS) -O2 $(FREESTANDING) -Iinclude
USER_LDFLAGS := -nostdlib -static -no-pie -z noexecstack -z max-page-size=4096

QEMU := qemu-system-x86_64

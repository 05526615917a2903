/*
 * common/elf_stack.h - a new program's initial stack, as the System V x86-64 ABI
 * lays it out for process entry (psABI §3.4.1, "Initial Stack and Register
 * State").
 *
 * The loader builds the stack in memory of its own that stands for the top
 * of the new program's stack, then maps it there; the pointers it writes
 * are the program's addresses, not the loader's.  From the initial stack
 * pointer (16-byte aligned, as the ABI requires) upwards, 8-byte words:
 *
 *     sp ->  argc
 *            argv[0] .. argv[argc-1], 0
 *            envp[0] .. envp[n-1], 0
 *            auxv: (type, value) pairs, ending with (ELF_AT_NULL, 0)
 *            0..15 bytes of zero padding
 *            the strings, argv's then envp's, each NUL-terminated,
 *            the last one ending right below the stack top
 *
 * The auxiliary vector comes from the image: ELF_AT_PHDR, ELF_AT_PHENT and
 * ELF_AT_PHNUM (only when a segment loads the program headers, so that a
 * C runtime never follows AT_PHDR to an unmapped page), ELF_AT_PAGESZ,
 * ELF_AT_ENTRY.  Freestanding.
 */
#ifndef COMMON_ELF_STACK_H
#define COMMON_ELF_STACK_H

#include <stddef.h>
#include <stdint.h>

#include <common/elf.h>

/* Auxiliary vector types, numbered as in the System V gABI. */
enum {
	ELF_AT_NULL = 0,
	ELF_AT_PHDR = 3,
	ELF_AT_PHENT = 4,
	ELF_AT_PHNUM = 5,
	ELF_AT_PAGESZ = 6,
	ELF_AT_ENTRY = 9,
};

/*
 * Lay out the initial stack of img's program in mem, `size` bytes that
 * stand for the program's addresses [top - size, top).  argv and envp are
 * NULL-terminated arrays (NULL means empty).  Returns 0 and sets *sp to
 * the program's initial stack pointer, or MICA_E2BIG (the arguments do not
 * fit; mem is untouched) or MICA_EINVAL (size exceeds top).  Only
 * [*sp, top) is written.
 */
int elf_stack_build(const struct elf_image *img, const char *const argv[], const char *const envp[],
		    uint64_t top, void *mem, size_t size, uint64_t *sp);

#endif

/*
 * boot.S - from the multiboot (v1) loader to kern_main in the higher half.
 *
 * QEMU's loader enters _start32 in 32-bit protected mode, paging off, with
 * eax = multiboot magic and ebx = the physical address of the multiboot
 * information.  We zero .bss, build page tables that map the first GiB three
 * times (identity, so this code keeps running; the direct map at
 * KERN_DIRECT_BASE; the kernel image at KERN_IMAGE_BASE), enable long mode
 * and jump to the kernel's virtual addresses.  C code replaces these tables
 * with its own (arch_paging_init).
 */
#include "layout.h"
#include "x86_defs.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003   /* page-align modules, give the memory map */

/* Physical address of a symbol linked in the higher half (not of .boot ones). */
#define PHYS(x) ((x) - KERN_IMAGE_BASE)

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.section .boot.text, "ax"
	.code32
	.global _start32
_start32:
	cli
	cld
	mov %eax, %edi                  /* keep magic and info pointer for kern_main */
	mov %ebx, %esi
	mov $PHYS(boot_stack_top), %esp

	/* Zero .bss: the page tables and this stack live there. */
	mov $PHYS(__bss_start), %ebx
	mov $PHYS(__bss_end), %ecx
0:	cmp %ecx, %ebx
	jae 1f
	movl $0, (%ebx)
	add $4, %ebx
	jmp 0b
1:
	/* Long mode needs CPUID leaf 0x80000001 with the LM bit. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	test $(1 << 29), %edx
	jz no_long_mode
	mov %edx, %ebp                  /* NX support is bit 20 */

	/* One page directory of 2 MiB pages for the first GiB ... */
	mov $PHYS(boot_pd), %ebx
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax                  /* present, writable, 2 MiB */
	mov %eax, (%ebx, %ecx, 8)
	inc %ecx
	cmp $512, %ecx
	jne 2b

	/* ... reached from the low and the direct-map PDPT at index 0, and
	 * from the image PDPT at index 510 (-2 GiB). */
	mov $PHYS(boot_pd) + 3, %eax
	mov %eax, PHYS(boot_pdpt_low)
	mov %eax, PHYS(boot_pdpt_image) + 510 * 8
	mov $PHYS(boot_pdpt_low) + 3, %eax
	mov %eax, PHYS(boot_pml4)
	mov %eax, PHYS(boot_pml4) + 256 * 8
	mov $PHYS(boot_pdpt_image) + 3, %eax
	mov %eax, PHYS(boot_pml4) + 511 * 8

	mov %cr4, %eax
	or $((1 << 5) | (1 << 7)), %eax   /* PAE, PGE */
	mov %eax, %cr4
	mov $PHYS(boot_pml4), %eax
	mov %eax, %cr3

	mov $0xC0000080, %ecx           /* EFER: long mode, syscall, NX if present */
	rdmsr
	or $((1 << 8) | (1 << 0)), %eax
	test $(1 << 20), %ebp
	jz 3f
	or $(1 << 11), %eax
3:	wrmsr

	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | 1), %eax  /* paging, write-protect, protected mode */
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $GDT_KCODE, $long_mode

no_long_mode:
	mov $0x3f8, %dx
	mov $no_lm_msg, %ebx
3:	movb (%ebx), %al
	test %al, %al
	jz 4f
	outb %al, %dx
	inc %ebx
	jmp 3b
4:	hlt
	jmp 4b

	.code64
long_mode:
	movabs $higher_half, %rax
	jmp *%rax

	.section .boot.data, "a"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* GDT_KCODE: 64-bit code */
	.quad 0x00cf92000000ffff        /* GDT_KDATA: data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
no_lm_msg:
	.asciz "mica: this CPU has no long mode\r\n"

	.text
higher_half:
	mov $GDT_KDATA, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	movabs $boot_stack_top, %rsp
	xor %ebp, %ebp                  /* ends the backtrace */
	/* kern_main(magic = edi, info = esi), both zero-extended. */
	mov %edi, %edi
	mov %esi, %esi
	call kern_main
5:	cli
	hlt
	jmp 5b

	.bss
	.align 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_image:	.skip 4096
boot_pd:	.skip 4096
	.global boot_stack_top
boot_stack:	.skip KERN_STACK_SIZE
boot_stack_top:

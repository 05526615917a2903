/*
 * layout.h - the kernel's virtual memory layout on x86-64 (usable from C and
 * assembly).  User space is the lower half; the kernel half is shared by
 * every address space:
 *
 *   0xffff800000000000  direct map of physical memory (RAM, 2 MiB pages)
 *   0xffffff0000000000  device mappings (uncached 4 KiB pages)
 *   0xffffffff80000000  the kernel image (linked at +1 MiB, loaded at 1 MiB)
 */
#ifndef KERN_ARCH_LAYOUT_H
#define KERN_ARCH_LAYOUT_H

#define KERN_DIRECT_BASE 0xffff800000000000
#define KERN_DEVICE_BASE 0xffffff0000000000
#define KERN_IMAGE_BASE 0xffffffff80000000
#define KERN_STACK_SIZE 16384

#endif

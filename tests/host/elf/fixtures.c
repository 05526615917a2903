/*
 * fixtures.c - embeds the linked fixtures (fixtures.h) with .incbin; the
 * build passes their paths as ELF_STATIC_EXE and ELF_STATIC_PIE.
 */
#include "fixtures.h"

__asm__(".section .rodata\n"
	".balign 16\n"
	".globl static_exe, static_exe_end, static_pie, static_pie_end\n"
	"static_exe: .incbin \"" ELF_STATIC_EXE "\"\n"
	"static_exe_end:\n"
	".balign 16\n"
	"static_pie: .incbin \"" ELF_STATIC_PIE "\"\n"
	"static_pie_end:\n"
	".previous\n");

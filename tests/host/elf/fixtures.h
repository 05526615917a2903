/*
 * fixtures.h - the programs the host toolchain links from static_prog.c
 * (see build.mk), embedded into the ELF tests at build time: a static
 * executable with Mica's user flags and the same program as a static PIE.
 */
#ifndef TESTS_HOST_ELF_FIXTURES_H
#define TESTS_HOST_ELF_FIXTURES_H

extern const unsigned char static_exe[], static_exe_end[], static_pie[], static_pie_end[];

#endif

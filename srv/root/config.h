/*
 * config.h - the boot configuration (docs/root.md, "boot.cfg"): which
 * programs root starts, in order, with their arguments, environment and
 * capabilities.  Parsing is pure (no Mica calls), so the host tests run it.
 *
 *     # a comment
 *     run NAME [ARG...]        start the boot file NAME ("quoted args" may hold spaces)
 *         stdout NAME          its stdout: a registry name, `log` (the kernel
 *         stdin NAME           log) or `none`; default `console` when registered, else `log`
 *         cap NAME [AS]        give it root's `icu` or `log`, or a registry name, as AS
 *         io PORT COUNT        let it use I/O ports PORT..PORT+COUNT-1 (one I/O
 *                              flexpage: COUNT a power of two, PORT a multiple of it)
 *         provide NAME         publish a gate to it as NAME; it gets the gate as `serve`
 *         mem SIZE             its memory quota (K, M or G; default 64M)
 *         kmem SIZE            its kernel-memory quota (default 2M)
 *         env KEY=VALUE        an environment variable
 *         daemon               root does not wait for it before halting
 *         wait                 start the next program only after this one ended
 */
#ifndef SRV_ROOT_CONFIG_H
#define SRV_ROOT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel memory quota of a program on root's own quota (reserved in
 * root's factory): boot.cfg's default (`kmem`), and a program
 * Image.start starts for no payer. */
#define PROGRAM_KMEM (2ull << 20)
/* A program starts another (fork, Launcher.spawn, a payer's start) only
 * if its kernel memory quota keeps a quarter of itself free after it:
 * room for the faults and objects of the programs it already pays for,
 * which share its quota (docs/root.md, "Programs"). */
#define PROGRAM_KMEM_KEEP(quota) ((quota) / 4)

#define CONFIG_PROGS_MAX 16
#define CONFIG_ARGS_MAX 16
#define CONFIG_ENV_MAX 8
#define CONFIG_CAPS_MAX 8
#define CONFIG_TEXT_MAX 4096

struct config_prog {
	const char *argv[CONFIG_ARGS_MAX + 1];   /* argv[0] is the boot file's name */
	const char *env[CONFIG_ENV_MAX + 1];
	const char *out, *in, *provide;          /* 0: the default */
	struct { const char *name, *as; } caps[CONFIG_CAPS_MAX];
	unsigned ncaps;
	uint16_t io_port;
	uint32_t io_count;   /* a power of two, io_port a multiple of it */
	uint64_t mem, kmem;
	bool daemon, wait;
};

struct config {
	struct config_prog progs[CONFIG_PROGS_MAX];
	unsigned nprogs;
	char text[CONFIG_TEXT_MAX];   /* the words, NUL-terminated, that the pointers name */
	size_t used;
};

/* Parse `len` bytes of configuration text into *cfg.  0, or -1 with a
 * message naming the line in err. */
int config_parse(const char *text, size_t len, struct config *cfg, char *err, size_t errlen);

#endif

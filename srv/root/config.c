/*
 * config.c - parsing the boot configuration (config.h).
 */
#include "config.h"

#include <common/fmt.h>
#include <common/string.h>

#define DEFAULT_MEM (64ull << 20)
#define WORDS_MAX (CONFIG_ARGS_MAX + 2)

/* Split one line into words kept in cfg->text; "..." groups spaces. */
static int split(struct config *cfg, const char *line, size_t len, const char *words[], unsigned *n)
{
	size_t i = 0;

	*n = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len || line[i] == '#')
			break;
		if (*n == WORDS_MAX)
			return -1;
		words[(*n)++] = cfg->text + cfg->used;
		bool quoted = line[i] == '"';
		i += quoted;
		while (i < len && (quoted ? line[i] != '"' : line[i] != ' ' && line[i] != '\t')) {
			if (cfg->used + 1 >= CONFIG_TEXT_MAX)
				return -1;
			cfg->text[cfg->used++] = line[i++];
		}
		if ((quoted && i == len) || cfg->used >= CONFIG_TEXT_MAX)
			return -1;
		i += quoted;
		cfg->text[cfg->used++] = 0;
	}
	return 0;
}

static bool number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;

	if (s[0] == '0' && s[1] == 'x')
		base = 16, s += 2;
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else
			break;
		if (v > (~0ull - d) / base)
			return false;
		v = v * base + d;
	}
	unsigned shift = *s == 'K' ? 10 : *s == 'M' ? 20 : *s == 'G' ? 30 : 0;
	if (shift)
		s++;
	if (*s || v > (~0ull >> shift))
		return false;
	*out = v << shift;
	return true;
}

/* One option line of program p; 0 or a message. */
static const char *option(struct config_prog *p, const char *w[], unsigned n)
{
	uint64_t a, b;

	if (mica_streq(w[0], "stdout") && n == 2)
		p->out = w[1];
	else if (mica_streq(w[0], "stdin") && n == 2)
		p->in = w[1];
	else if (mica_streq(w[0], "provide") && n == 2)
		p->provide = w[1];
	else if (mica_streq(w[0], "cap") && (n == 2 || n == 3)) {
		if (p->ncaps == CONFIG_CAPS_MAX)
			return "too many capabilities";
		p->caps[p->ncaps].name = w[1];
		p->caps[p->ncaps++].as = n == 3 ? w[2] : w[1];
	} else if (mica_streq(w[0], "io") && n == 3) {
		/* One I/O flexpage: a power of two of ports, aligned to it. */
		if (!number(w[1], &a) || !number(w[2], &b) || a > 0xffff || !b || b > 0x10000 - a || (b & (b - 1)) ||
		    a % b)
			return "bad I/O port range (COUNT a power of two, PORT a multiple of it)";
		p->io_port = (uint16_t)a;
		p->io_count = (uint32_t)b;
	} else if ((mica_streq(w[0], "mem") || mica_streq(w[0], "kmem")) && n == 2) {
		if (!number(w[1], &a) || !a)
			return "bad size";
		*(mica_streq(w[0], "mem") ? &p->mem : &p->kmem) = a;
	} else if (mica_streq(w[0], "env") && n == 2) {
		unsigned k = 0;
		while (p->env[k])
			k++;
		if (k == CONFIG_ENV_MAX)
			return "too many env entries";
		p->env[k] = w[1];
	} else if (mica_streq(w[0], "daemon") && n == 1)
		p->daemon = true;
	else if (mica_streq(w[0], "wait") && n == 1)
		p->wait = true;
	else
		return "unknown option or wrong number of words";
	return 0;
}

int config_parse(const char *text, size_t len, struct config *cfg, char *err, size_t errlen)
{
	unsigned lineno = 0;

	cfg->nprogs = 0;
	cfg->used = 0;
	for (size_t at = 0; at < len && text[at];) {
		size_t end = at;
		while (end < len && text[end] && text[end] != '\n')
			end++;
		lineno++;
		const char *w[WORDS_MAX];
		unsigned n;
		bool indented = text[at] == ' ' || text[at] == '\t';
		const char *why = 0;
		if (split(cfg, text + at, end - at, w, &n))
			why = "line too long or unbalanced quote";
		else if (n == 0)
			;
		else if (!indented && mica_streq(w[0], "run") && n >= 2) {
			if (cfg->nprogs == CONFIG_PROGS_MAX)
				why = "too many programs";
			else if (n - 1 > CONFIG_ARGS_MAX)
				why = "too many arguments";
			else {
				struct config_prog *p = &cfg->progs[cfg->nprogs++];
				*p = (struct config_prog){ .mem = DEFAULT_MEM, .kmem = PROGRAM_KMEM };
				for (unsigned i = 1; i < n; i++)
					p->argv[i - 1] = w[i];
			}
		} else if (indented && cfg->nprogs)
			why = option(&cfg->progs[cfg->nprogs - 1], w, n);
		else
			why = "expected `run NAME [ARG...]` or an indented option";
		if (why) {
			fmt_snprintf(err, errlen, "line %u: %s", lineno, why);
			return -1;
		}
		at = end + 1;
	}
	return 0;
}

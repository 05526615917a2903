/*
 * out.c - output files written all-or-nothing: each is written to a
 * temporary name beside its final one and renamed only when every file has
 * been written, so a failed run leaves no partial output behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "idlc.h"

struct out {
	FILE *f;
	char *tmp, *final;
	struct out *next;
};

static struct out *outs;

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);

	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0777) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	}
	return mkdir(p, 0777) && errno != EEXIST ? -1 : 0;
}

FILE *out_open(const char *dir, const char *name)
{
	struct out *o = xmalloc(sizeof *o);

	if (mkdirs(dir)) {
		fprintf(stderr, "idlc: cannot create %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	o->final = xprintf("%s/%s", dir, name);
	o->tmp = xprintf("%s.tmp", o->final);
	o->f = fopen(o->tmp, "w");
	if (!o->f) {
		fprintf(stderr, "idlc: cannot write %s: %s\n", o->tmp, strerror(errno));
		return NULL;
	}
	o->next = outs;
	outs = o;
	return o->f;
}

void out_abort(void)
{
	for (struct out *o = outs; o; o = o->next) {
		if (o->f)
			fclose(o->f);
		o->f = NULL;
		remove(o->tmp);
	}
	outs = NULL;
}

int out_commit(void)
{
	for (struct out *o = outs; o; o = o->next) {
		int bad = ferror(o->f);

		if (fclose(o->f) || bad) {
			o->f = NULL;
			fprintf(stderr, "idlc: error writing %s\n", o->tmp);
			out_abort();
			return -1;
		}
		o->f = NULL;
	}
	for (struct out *o = outs; o; o = o->next) {
		if (rename(o->tmp, o->final)) {
			fprintf(stderr, "idlc: cannot rename %s: %s\n", o->tmp, strerror(errno));
			out_abort();
			return -1;
		}
	}
	outs = NULL;
	return 0;
}

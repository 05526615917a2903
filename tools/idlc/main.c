/*
 * main.c - the idlc command line.
 *
 *   idlc [-o OUTDIR [-M] [-P PREFIX]] [-d DOCDIR] [-I DIR]... FILE.idl
 *
 * With -o, writes the C bindings of FILE.idl (not of its imports, which are
 * generated from their own files) into OUTDIR: STEM.h (types, client stubs,
 * decoders, fuzz drivers), STEM_client.c, STEM_server.h, STEM_server.c,
 * STEM_trace.c, STEM_fuzz.c, and with -M STEM.d (make dependencies on every
 * IDL file read).  With -P, the generated files include generated headers
 * as <PREFIX/STEM.h> rather than "STEM.h" (idlc.h, header_ref); the build
 * passes the output directory's path below build/gen, which is on every
 * include path.  With -d, writes one Markdown page per interface into
 * DOCDIR.  Exits 1 on any error in the sources, having written nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idlc.h"

static void usage(void)
{
	fprintf(stderr, "usage: idlc [-o OUTDIR [-M] [-P PREFIX]] [-d DOCDIR] [-I DIR]... FILE.idl\n");
	exit(2);
}

typedef void gen_fn(FILE *f, struct file *src);

static int emit(const char *dir, const char *name, gen_fn *fn, struct file *src)
{
	FILE *f = out_open(dir, name);

	if (!f)
		return -1;
	fn(f, src);
	return 0;
}

static int emit_c(const char *dir, struct file *src, int deps)
{
	static const struct {
		const char *suffix;
		gen_fn *fn;
	} files[] = {
		{ ".h", gen_header },         { "_client.c", gen_client }, { "_server.h", gen_server_h },
		{ "_server.c", gen_server_c }, { "_trace.c", gen_trace },   { "_fuzz.c", gen_fuzz },
	};

	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++)
		if (emit(dir, xprintf("%s%s", src->stem, files[k].suffix), files[k].fn, src))
			return -1;
	if (!deps)
		return 0;
	FILE *d = out_open(dir, xprintf("%s.d", src->stem));
	if (!d)
		return -1;
	gen_deps(d, xprintf("%s/%s.h", dir, src->stem));
	return 0;
}

static int emit_docs(const char *dir, struct file *src)
{
	for (struct iface *i = src->ifaces; i; i = i->next) {
		FILE *f = out_open(dir, xprintf("%s.md", i->name));

		if (!f)
			return -1;
		gen_doc(f, i);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *outdir = NULL, *docdir = NULL, *input = NULL;
	const char **inc = xmalloc(argc * sizeof *inc);
	int ninc = 0, deps = 0;
	struct file *src;

	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-o") == 0 && k + 1 < argc)
			outdir = argv[++k];
		else if (strcmp(argv[k], "-d") == 0 && k + 1 < argc)
			docdir = argv[++k];
		else if (strcmp(argv[k], "-M") == 0)
			deps = 1;
		else if (strcmp(argv[k], "-P") == 0 && k + 1 < argc)
			include_prefix = argv[++k];
		else if (strcmp(argv[k], "-I") == 0 && k + 1 < argc)
			inc[ninc++] = argv[++k];
		else if (argv[k][0] == '-' || input)
			usage();
		else
			input = argv[k];
	}
	if (!input || (!outdir && !docdir))
		usage();
	src = load_files(input, inc, ninc);
	if (!src)
		return 1;
	check_all();
	if (error_count)
		return 1;
	if ((outdir && emit_c(outdir, src, deps)) || (docdir && emit_docs(docdir, src)) || out_commit()) {
		out_abort();
		return 1;
	}
	return 0;
}

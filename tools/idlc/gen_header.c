/*
 * gen_header.c - STEM.h: the C types of an IDL file, its protocol and opcode
 * numbers, and the declarations of the client stubs, message decoders and
 * fuzz drivers.  It includes the headers of the files it imports.
 */
#include <string.h>

#include "idlc.h"

static void emit_type(FILE *f, struct type *t, struct file *src);

static void emit_deps(FILE *f, struct type *t, struct file *src)
{
	if (t->kind == K_ALIAS) {
		emit_type(f, t->target.type, src);
		return;
	}
	for (struct field *fl = t->fields; fl; fl = fl->next)
		emit_type(f, fl->ref.type, src);
}

/* Types are printed after the types they use (the IDL allows any order). */
static void emit_type(FILE *f, struct type *t, struct file *src)
{
	if (t->file != src || t->emitted)
		return;
	t->emitted = 1;
	emit_deps(f, t, src);
	fprintf(f, "\n");
	doc_comment(f, t->doc, "");
	if (t->kind == K_ALIAS) {
		fprintf(f, "typedef %s %s;\n", t->target.type->ctype, t->name);
		return;
	}
	fprintf(f, "struct %s {\n", t->name);
	for (struct field *fl = t->fields; fl; fl = fl->next)
		fprintf(f, "\t%s %s;\n", fl->ref.type->ctype, fl->name);
	fprintf(f, "};\n");
}

/* The protocol, each opcode, and the bound of each string and buffer
 * parameter (the most bytes it carries), so that code using them need
 * not copy the numbers. */
static void emit_numbers(FILE *f, struct iface *i)
{
	fprintf(f, "#define %s_PROTOCOL %ld\n", i->upper, i->protocol);
	for (struct method *m = i->methods; m; m = m->next) {
		fprintf(f, "#define %s %ld\n", opcode_macro(m), m->opcode);
		for (struct param *p = m->params; p; p = p->next)
			if (p->ref.type->kind == K_STRING || p->ref.type->kind == K_BUFFER)
				fprintf(f, "#define %s %lu\n", bound_macro(m, p), p->ref.bound);
	}
}

static void emit_stubs(FILE *f, struct iface *i)
{
	for (struct method *m = i->methods; m; m = m->next) {
		fprintf(f, "\n");
		doc_comment(f, m->doc, "");
		c_params(f, m, "mica_cap_t cap", fprintf(f, "int %s_%s", i->lower, m->name));
		fprintf(f, ";\n");
	}
}

static void emit_tools(FILE *f, struct iface *i)
{
	fprintf(f, "\n/* Print a request (or the reply to `opcode`) of %s as text, like snprintf. */\n", i->name);
	fprintf(f, "size_t %s_format_request(char *buf, size_t size, mica_word_t tag, const mica_word_t *mr);\n",
		i->lower);
	fprintf(f, "size_t %s_format_reply(char *buf, size_t size, mica_sword_t protocol, mica_word_t opcode,\n"
		   "\t\tmica_word_t tag, const mica_word_t *mr);\n", i->lower);
	fprintf(f, "/* Send `rounds` rounds of random well-formed and malformed calls of every\n"
		   " * method to cap; returns how many answers were not proper replies. */\n");
	fprintf(f, "int %s_fuzz(mica_cap_t cap, uint64_t seed, unsigned rounds);\n", i->lower);
}

static void emit_iface(FILE *f, struct iface *i)
{
	fprintf(f, "\n/* ---- %s ", i->name);
	for (int n = (int)strlen(i->name); n < 68; n++)
		fputc('-', f);
	fprintf(f, " */\n\n");
	doc_comment(f, i->doc, "");
	if (i->composed) {
		fprintf(f, "/* %s composes", i->name);
		for (int k = 0; k < i->nparts; k++)
			fprintf(f, " %s%s", i->parts[k]->name, k + 1 < i->nparts ? "," : ".");
		fprintf(f, " */\n");
	} else {
		emit_numbers(f, i);
		emit_stubs(f, i);
	}
	emit_tools(f, i);
}

void gen_header(FILE *f, struct file *src)
{
	banner(f, src, "types, protocol numbers and client stubs");
	fprintf(f, "#ifndef %s\n#define %s\n\n", guard(src, ""), guard(src, ""));
	fprintf(f, "#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n\n");
	fprintf(f, "#include <libsys/ipc.h>\n#include <mica/error.h>\n#include <mica/ipc.h>\n");
	for (struct import *im = src->imports; im; im = im->next)
		fprintf(f, "#include %s\n", header_ref(src, im->file, ".h"));
	for (struct type *t = src->types; t; t = t->next)
		emit_type(f, t, src);
	for (struct iface *i = src->ifaces; i; i = i->next)
		emit_iface(f, i);
	fprintf(f, "\n#endif\n");
}

/* Make dependencies: the generated files depend on every file read. */
void gen_deps(FILE *f, const char *target)
{
	fprintf(f, "%s:", target);
	for (struct file *g = all_files; g; g = g->next)
		fprintf(f, " %s", g->path);
	fprintf(f, "\n");
	for (struct file *g = all_files->next; g; g = g->next)
		fprintf(f, "%s:\n", g->path);
}

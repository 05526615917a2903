/*
 * parse.c - loads the main IDL file and, breadth first, every file it
 * imports (each once), running the bison parser over each.  An import is
 * looked up beside the importing file, then in the -I directories.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "idlc.h"

int yyparse(void);

struct file *all_files;
struct file *cur_file;
static struct file **files_tail = &all_files;

static struct import **imports_tail;
static struct type **types_tail;
static struct iface **ifaces_tail;

void parse_add_import(char *path, struct loc l)
{
	struct import *im = xmalloc(sizeof *im);

	im->path = path;
	im->loc = l;
	*imports_tail = im;
	imports_tail = &im->next;
}

void parse_add_type(struct type *t)
{
	t->file = cur_file;
	*types_tail = t;
	types_tail = &t->next;
}

static long attr_number(struct attr *a, const char *what, long max)
{
	if (!a->has_arg || a->arg < 0 || a->arg > max) {
		error_at(&a->loc, "%s needs a number from 0 to %ld: %s(N)", what, max, what);
		return 0;
	}
	return a->arg;
}

void parse_add_iface(struct iface *i, struct attr *attrs)
{
	for (struct attr *a = attrs; a; a = a->next) {
		if (strcmp(a->name, "protocol") == 0) {
			i->protocol = attr_number(a, "protocol", 0x7fffffffL);
			i->has_protocol = 1;
		} else if (strcmp(a->name, "kernel") == 0 && !a->has_arg) {
			i->kernel = 1;
		} else {
			error_at(&a->loc, "unknown interface attribute '%s'", a->name);
		}
	}
	i->file = cur_file;
	*ifaces_tail = i;
	ifaces_tail = &i->next;
}

struct method *parse_method(struct attr *attrs, struct typeref ret, char *name, struct loc l, struct param *params)
{
	struct method *m = xmalloc(sizeof *m);

	m->name = name;
	m->loc = l;
	m->ret = ret;
	m->params = params;
	for (struct attr *a = attrs; a; a = a->next) {
		if (strcmp(a->name, "opcode") == 0) {
			m->opcode = attr_number(a, "opcode", 0xffffffffL);
			m->has_opcode = 1;
		} else if (strcmp(a->name, "oneway") == 0 && !a->has_arg) {
			m->oneway = 1;
		} else {
			error_at(&a->loc, "unknown method attribute '%s'", a->name);
		}
	}
	return m;
}

/* A type, more words, then a name: C's way of spelling a type ("unsigned
 * long x", "char *s"), or words out of place. */
void parse_c_type(const struct typeref *type, const struct ctail *tail, const char *name, struct loc name_loc)
{
	const char *written = *tail->words ? xprintf("%s %s", type->name, tail->words) : type->name;
	char *plain = xstrdup(""), *copy = xstrdup(written);

	for (char *w = strtok(copy, " "); w; w = strtok(NULL, " "))   /* const and volatile change nothing */
		if (strcmp(w, "const") != 0 && strcmp(w, "volatile") != 0)
			plain = *plain ? xprintf("%s %s", plain, w) : xstrdup(w);
	if (tail->pointer)
		error_at(&type->loc, "'%s *' is a C pointer type: IDL has no pointers (string<N> or buffer<N> "
				     "for text and bytes, an out parameter for a result)", written);
	else if (!c_type_error(&type->loc, plain))
		error_at(&name_loc, "syntax error, unexpected identifier '%s'", name);
}

static char *stem_of(const char *path)
{
	const char *b = strrchr(path, '/');
	char *s = xstrdup(b ? b + 1 : path);
	size_t n = strlen(s);

	if (n > 4 && strcmp(s + n - 4, ".idl") == 0)
		s[n - 4] = 0;
	return s;
}

static struct file *new_file(const char *path)
{
	struct file *f = xmalloc(sizeof *f);

	f->path = xstrdup(path);
	f->stem = stem_of(path);
	*files_tail = f;
	files_tail = &f->next;
	return f;
}

static int parse_file(struct file *f)
{
	FILE *in = fopen(f->path, "r");

	if (!in) {
		fprintf(stderr, "%s: cannot open\n", f->path);
		error_count++;
		return -1;
	}
	cur_file = f;
	imports_tail = &f->imports;
	types_tail = &f->types;
	ifaces_tail = &f->ifaces;
	lexer_start(in, f->path);
	yyparse();
	fclose(in);
	return error_count ? -1 : 0;
}

/* The path of an import: beside the importer, then in each -I directory. */
static char *find_import(const struct file *from, const char *name, const char **inc, int ninc)
{
	const char *slash = strrchr(from->path, '/');
	char *p = slash ? xprintf("%.*s/%s", (int)(slash - from->path), from->path, name) : xstrdup(name);

	if (access(p, R_OK) == 0)
		return p;
	for (int i = 0; i < ninc; i++) {
		p = xprintf("%s/%s", inc[i], name);
		if (access(p, R_OK) == 0)
			return p;
	}
	return NULL;
}

static struct file *file_by_path(const char *path)
{
	for (struct file *f = all_files; f; f = f->next)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

static void resolve_imports(struct file *f, const char **inc, int ninc)
{
	for (struct import *im = f->imports; im; im = im->next) {
		char *p = find_import(f, im->path, inc, ninc);

		if (!p) {
			error_at(&im->loc, "cannot find imported file '%s'", im->path);
			continue;
		}
		im->file = file_by_path(p);
		if (!im->file)
			im->file = new_file(p);
	}
}

struct file *load_files(const char *path, const char **incdirs, int nincdirs)
{
	struct file *main_file = new_file(path);

	for (struct file *f = main_file; f; f = f->next) {
		if (parse_file(f))
			return NULL;
		resolve_imports(f, incdirs, nincdirs);
		if (error_count)
			return NULL;
	}
	return main_file;
}

/*
 * check.c - the semantic pass: resolves type names over all loaded files,
 * checks interfaces and methods (directions, one-way methods, names,
 * opcodes, protocols, composition), and lays out each request and reply in
 * the UTCB as include/mica/ipc.h prescribes, refusing a method whose message
 * or receive buffers cannot fit.
 */
#include <ctype.h>
#include <string.h>

#include <mica/ipc.h>

#include "idlc.h"

#define MAX_BOUND (1ul << 20)   /* largest string or buffer */
#define MAX_PARTS 64            /* interfaces in one composition */

static struct type builtins[] = {
	{ .kind = K_INT, .name = "int8", .ctype = "int8_t", .bits = 8, .is_signed = 1 },
	{ .kind = K_INT, .name = "int16", .ctype = "int16_t", .bits = 16, .is_signed = 1 },
	{ .kind = K_INT, .name = "int32", .ctype = "int32_t", .bits = 32, .is_signed = 1 },
	{ .kind = K_INT, .name = "int64", .ctype = "int64_t", .bits = 64, .is_signed = 1 },
	{ .kind = K_INT, .name = "uint8", .ctype = "uint8_t", .bits = 8 },
	{ .kind = K_INT, .name = "uint16", .ctype = "uint16_t", .bits = 16 },
	{ .kind = K_INT, .name = "uint32", .ctype = "uint32_t", .bits = 32 },
	{ .kind = K_INT, .name = "uint64", .ctype = "uint64_t", .bits = 64 },
	{ .kind = K_INT, .name = "word", .ctype = "mica_word_t", .bits = 64 },
	{ .kind = K_INT, .name = "bool", .ctype = "bool", .bits = 1, .is_bool = 1 },
	{ .kind = K_CAP, .name = "cap", .ctype = "mica_cap_t" },
	{ .kind = K_FPAGE, .name = "fpage", .ctype = "struct mica_flexpage" },
	{ .kind = K_IOPAGE, .name = "iopage", .ctype = "mica_word_t" },
	{ .kind = K_STRING, .name = "string", .ctype = "char" },
	{ .kind = K_BUFFER, .name = "buffer", .ctype = "void" },
	{ .kind = K_VOID, .name = "void", .ctype = "void" },
};

static struct type *builtin_type(const char *name)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

int is_value(const struct type *t)
{
	return t->kind == K_INT || t->kind == K_STRUCT || t->kind == K_ALIAS;
}

struct type *base_type(struct type *t)
{
	while (t->kind == K_ALIAS)
		t = t->target.type;
	return t;
}

static struct type *find_type(const char *name)
{
	struct type *t = builtin_type(name);

	for (struct file *f = all_files; f && !t; f = f->next)
		for (struct type *u = f->types; u && !t; u = u->next)
			if (strcmp(u->name, name) == 0)
				t = u;
	return t;
}

static struct iface *find_iface(const char *name)
{
	for (struct file *f = all_files; f; f = f->next)
		for (struct iface *i = f->ifaces; i; i = i->next)
			if (strcmp(i->name, name) == 0)
				return i;
	return NULL;
}

static const char *const c_keywords[] = {
	"auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
	"float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed",
	"sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while", NULL,
};

/* Names become C identifiers: refuse C's keywords and generated code's '_' suffix. */
static void check_c_name(const char *name, const struct loc *l)
{
	for (const char *const *k = c_keywords; *k; k++)
		if (strcmp(name, *k) == 0)
			error_at(l, "'%s' is a C keyword and cannot be a name", name);
	if (name[strlen(name) - 1] == '_')
		error_at(l, "names ending in '_' are reserved for generated code");
}

/* C's spellings of integer types and the IDL type to write instead. */
static const struct {
	const char *c, *idl;
} c_types[] = {
	{ "char", "int8 (string<N> for text)" }, { "signed char", "int8" }, { "unsigned char", "uint8" },
	{ "short", "int16" }, { "short int", "int16" }, { "signed short", "int16" }, { "unsigned short", "uint16" },
	{ "unsigned short int", "uint16" }, { "int", "int32" }, { "signed", "int32" }, { "signed int", "int32" },
	{ "unsigned", "uint32" }, { "unsigned int", "uint32" }, { "long", "int64" }, { "long int", "int64" },
	{ "signed long", "int64" }, { "long long", "int64" }, { "long long int", "int64" },
	{ "signed long long", "int64" }, { "unsigned long", "uint64" }, { "unsigned long int", "uint64" },
	{ "unsigned long long", "uint64" }, { "unsigned long long int", "uint64" }, { "_Bool", "bool" },
	{ "int8_t", "int8" }, { "int16_t", "int16" }, { "int32_t", "int32" }, { "int64_t", "int64" },
	{ "uint8_t", "uint8" }, { "uint16_t", "uint16" }, { "uint32_t", "uint32" }, { "uint64_t", "uint64" },
	{ "size_t", "uint64" }, { "uintptr_t", "uint64" }, { "ssize_t", "int64" }, { "intptr_t", "int64" },
	{ "ptrdiff_t", "int64" }, { "off_t", "int64" }, { "mica_word_t", "word" }, { "mica_cap_t", "cap" },
	{ "float", NULL }, { "double", NULL }, { "long double", NULL },
};

#define IDL_TYPES "int8 .. int64, uint8 .. uint64, bool, word, cap, fpage, iopage, string<N>, buffer<N>, " \
		  "or a typedef or struct"

/* Whether every word of `spelling` is one of C's type keywords. */
static int c_type_words(const char *spelling)
{
	static const char *const words[] = { "unsigned", "signed", "long", "short", "char", "int", "float", "double",
					     "_Bool", NULL };
	const char *w = spelling;

	while (*w) {
		size_t n = strcspn(w, " ");
		const char *const *k = words;

		while (*k && !(strlen(*k) == n && strncmp(*k, w, n) == 0))
			k++;
		if (!*k)
			return 0;
		w += n + (w[n] == ' ');
	}
	return 1;
}

/* If `spelling` (words separated by one space, const and volatile left
 * out) is a C type, say so at l with the IDL types to use; returns 1 then. */
int c_type_error(const struct loc *l, const char *spelling)
{
	for (size_t i = 0; i < sizeof c_types / sizeof c_types[0]; i++) {
		if (strcmp(c_types[i].c, spelling) != 0)
			continue;
		if (c_types[i].idl)
			error_at(l, "'%s' is a C type, not an IDL type: write %s (IDL types: " IDL_TYPES ")", spelling,
				 c_types[i].idl);
		else
			error_at(l, "'%s' is a C type and IDL has no floating point (IDL types: " IDL_TYPES ")",
				 spelling);
		return 1;
	}
	if (!*spelling || !c_type_words(spelling))
		return 0;
	error_at(l, "'%s' is a C type, not an IDL type (IDL types: " IDL_TYPES ")", spelling);
	return 1;
}

static void resolve_type(struct type *t);

/* A type use: look the name up and check its arguments. */
static void resolve_ref(struct typeref *r)
{
	r->type = find_type(r->name);
	if (!r->type) {
		if (!c_type_error(&r->loc, r->name))
			error_at(&r->loc, "unknown type '%s'", r->name);
		return;
	}
	resolve_type(r->type);
	switch (r->type->kind) {
	case K_STRING:
	case K_BUFFER:
		if (!r->args || !r->args->is_number || r->args->next || r->args->number == 0 ||
		    r->args->number > MAX_BOUND)
			error_at(&r->loc, "%s needs one size from 1 to %lu: %s<N>", r->name, MAX_BOUND, r->name);
		else
			r->bound = r->args->number;
		return;
	case K_CAP:
	case K_FPAGE:
	case K_IOPAGE:
		r->rights = MICA_RWX;
		for (struct targ *a = r->args; a; a = a->next) {
			if (a->ident && strcmp(a->ident, "grant") == 0 && r->type->kind != K_IOPAGE)
				r->grant = 1;
			else if (a->ident && r->type->kind == K_CAP && strspn(a->ident, "rwx") == strlen(a->ident))
				r->rights = (strchr(a->ident, 'r') ? MICA_R : 0) | (strchr(a->ident, 'w') ? MICA_W : 0) |
					    (strchr(a->ident, 'x') ? MICA_X : 0);
			else
				error_at(&a->loc, "bad argument for %s (expected %s)", r->name,
					 r->type->kind == K_CAP ? "rights like rw, or grant" : "grant");
		}
		return;
	default:
		if (r->args)
			error_at(&r->loc, "type '%s' takes no arguments", r->name);
	}
}

static void resolve_value_ref(struct typeref *r, const char *where)
{
	resolve_ref(r);
	if (r->type && !is_value(r->type))
		error_at(&r->loc, "%s must be an integer, typedef or struct type, not '%s'", where, r->name);
}

static void resolve_struct(struct type *t)
{
	t->ctype = xprintf("struct %s", t->name);
	for (struct field *f = t->fields; f; f = f->next) {
		check_c_name(f->name, &f->loc);
		for (struct field *g = t->fields; g != f; g = g->next)
			if (strcmp(g->name, f->name) == 0)
				error_at(&f->loc, "duplicate field '%s' in struct %s", f->name, t->name);
		resolve_value_ref(&f->ref, "a struct field");
		if (f->ref.type)
			t->words += f->ref.type->words;
	}
}

static void resolve_type(struct type *t)
{
	if (t->state == 2 || !t->file)
		return;
	if (t->state == 1) {
		error_at(&t->loc, "type '%s' contains itself", t->name);
		return;
	}
	t->state = 1;
	check_c_name(t->name, &t->loc);
	if (t->kind == K_STRUCT) {
		resolve_struct(t);
	} else {
		t->ctype = t->name;
		resolve_value_ref(&t->target, "a typedef");
		if (t->target.type)
			t->words = t->target.type->words;
	}
	t->state = 2;
}

static void builtin_words(void)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		builtins[i].words = builtins[i].kind == K_INT;
}

static void check_types(void)
{
	for (struct file *f = all_files; f; f = f->next) {
		for (struct type *t = f->types; t; t = t->next) {
			struct type *first = find_type(t->name);

			if (first != t)
				error_at(&t->loc, "redefinition of type '%s'%s", t->name,
					 first->file ? xprintf(" (first defined at %s:%d:%d)", first->loc.file,
							       first->loc.first_line, first->loc.first_column)
						     : " (a built-in type)");
			resolve_type(t);
		}
	}
}

static char *snake(const char *s)
{
	char *out = xmalloc(2 * strlen(s) + 1), *o = out;

	for (const char *p = s; *p; p++) {
		int up = isupper((unsigned char)*p);

		if (up && p > s && (islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1]) ||
				    (p[1] && islower((unsigned char)p[1]) && isupper((unsigned char)p[-1]))))
			*o++ = '_';
		*o++ = (char)tolower((unsigned char)*p);
	}
	return out;
}

static char *upper(const char *s)
{
	char *u = xstrdup(s);

	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/* ---- methods --------------------------------------------------------------- */

static int item_class(const struct param *p)
{
	switch (p->ref.type->kind) {
	case K_CAP: return 0;
	case K_FPAGE:
	case K_IOPAGE: return 1;
	case K_STRING:
	case K_BUFFER: return 2;
	default: return -1;
	}
}

static const char *reserved[] = { "cap", "obj", "req", "u", "tag", "err", "reply", "ops", "s", "r", NULL };

static void check_param_name(struct method *m, struct param *p)
{
	for (const char **r = reserved; *r; r++)
		if (strcmp(p->name, *r) == 0)
			error_at(&p->loc, "parameter name '%s' is reserved in generated code", p->name);
	check_c_name(p->name, &p->loc);
	for (struct param *q = m->params; q != p; q = q->next) {
		if (strcmp(q->name, p->name) == 0 || (q->len_name && strcmp(q->len_name, p->name) == 0) ||
		    (p->len_name && strcmp(p->len_name, q->name) == 0))
			error_at(&p->loc, "parameter '%s' of %s clashes with parameter '%s'", p->name, m->name, q->name);
	}
}

static void check_param(struct method *m, struct param *p)
{
	resolve_ref(&p->ref);
	if (!p->ref.type)
		return;
	if (p->ref.type->kind == K_VOID) {
		error_at(&p->ref.loc, "a parameter cannot be void");
		p->ref.type = NULL;
		return;
	}
	if (p->ref.type->kind == K_BUFFER)
		p->len_name = xprintf("%s_len", p->name);
	check_param_name(m, p);
	if (p->dir == D_INOUT && !is_value(p->ref.type))
		error_at(&p->loc, "inout parameter '%s' must be a value (integer, typedef or struct), not %s", p->name,
			 p->ref.name);
	if (m->oneway && (p->dir & D_OUT))
		error_at(&p->loc, "one-way method %s cannot have out parameter '%s'", m->name, p->name);
}

/* Words first (opcode, values, out-buffer capacities), then items by class. */
static void layout_request(struct method *m)
{
	int w = 1, item = 0;

	for (struct param *p = m->params; p; p = p->next) {
		p->req_word = p->rep_word = p->cap_word = p->req_item = p->rep_item = -1;
		if (is_value(p->ref.type) && (p->dir & D_IN)) {
			p->req_word = w;
			w += p->ref.type->words;
		}
	}
	for (struct param *p = m->params; p; p = p->next)
		if (p->ref.type->kind == K_BUFFER && p->dir == D_OUT)
			p->cap_word = w++;
	m->req_words = w;
	for (int cls = 0; cls < 3; cls++) {
		int n = 0;

		for (struct param *p = m->params; p; p = p->next) {
			if (p->dir != D_IN || item_class(p) != cls)
				continue;
			p->req_item = w + 2 * item++;
			p->slot = n++;
			m->req_window += p->ref.type->kind == K_FPAGE;
		}
		if (cls == 0)
			m->req_caps = n;
		if (cls == 2)
			m->req_strings = n;
	}
	m->req_items = item;
}

static void layout_reply(struct method *m)
{
	int w = 0, item = 0;

	for (struct param *p = m->params; p; p = p->next) {
		if (is_value(p->ref.type) && (p->dir & D_OUT)) {
			p->rep_word = w;
			w += p->ref.type->words;
		}
	}
	m->rep_words = w;
	for (int cls = 0; cls < 3; cls++) {
		int n = 0;

		for (struct param *p = m->params; p; p = p->next) {
			if (p->dir != D_OUT || item_class(p) != cls)
				continue;
			p->rep_item = w + 2 * item++;
			p->slot = n++;
			m->rep_window += p->ref.type->kind == K_FPAGE;
		}
		if (cls == 0)
			m->rep_caps = n;
		if (cls == 2)
			m->rep_strings = n;
	}
	m->rep_items = item;
}

static void check_fit(struct method *m, const char *what, int words, int items, int caps, int strings)
{
	int mrs = words + 2 * items, brs = MICA_BR_FIRST + caps + 2 * strings;

	if (mrs > MICA_MR_COUNT)
		error_at(&m->loc, "%s of %s.%s needs %d message registers (%d words and %d items), more than MICA_MR_COUNT (%d)",
			 what, m->iface->name, m->name, mrs, words, items, MICA_MR_COUNT);
	else if (items > MICA_ITEMS_MAX)
		error_at(&m->loc, "%s of %s.%s has %d items, more than MICA_ITEMS_MAX (%d)", what, m->iface->name, m->name,
			 items, MICA_ITEMS_MAX);
	else if (brs > MICA_BR_COUNT)
		error_at(&m->loc, "%s of %s.%s needs %d buffer registers, more than MICA_BR_COUNT (%d)", what,
			 m->iface->name, m->name, brs, MICA_BR_COUNT);
}

static void check_method(struct iface *i, struct method *m)
{
	m->iface = i;
	for (struct method *n = i->methods; n != m; n = n->next)
		if (strcmp(n->name, m->name) == 0)
			error_at(&m->loc, "duplicate method '%s' in interface %s", m->name, i->name);
	check_c_name(m->name, &m->loc);
	if (strcmp(m->ret.name, "void") != 0 && strcmp(m->ret.name, "int") != 0)
		error_at(&m->ret.loc, "method %s must return void or int (the result code); results are out parameters",
			 m->name);
	for (struct param *p = m->params; p; p = p->next)
		check_param(m, p);
	for (struct param *p = m->params; p; p = p->next)
		if (!p->ref.type)
			return;
	layout_request(m);
	layout_reply(m);
	check_fit(m, "request", m->req_words, m->req_items, m->req_caps, m->req_strings);
	check_fit(m, "reply", m->rep_words, m->rep_items, m->rep_caps, m->rep_strings);
	if (m->req_window > 1 || m->rep_window > 1)
		error_at(&m->loc, "%s.%s sends more than one fpage one way; a receiver has one window (BR[0])",
			 i->name, m->name);
}

/* Does a method other than m own opcode op: one with an explicit opcode, or
 * one before m (already numbered)? */
static struct method *opcode_owner(struct iface *i, long op, struct method *m)
{
	int before = 1;

	for (struct method *o = i->methods; o; o = o->next) {
		if (o == m)
			before = 0;
		else if ((o->has_opcode || before) && o->opcode == op)
			return o;
	}
	return NULL;
}

/* Explicit opcodes first; the others take the next free number after the
 * method before them (starting at 1, so an all-zero message is never valid). */
static void assign_opcodes(struct iface *i)
{
	long next = 1;

	for (struct method *m = i->methods; m; m = m->next) {
		if (!m->has_opcode) {
			while (opcode_owner(i, next, m))
				next++;
			m->opcode = next;
		} else {
			for (struct method *o = i->methods; o != m; o = o->next)
				if (o->has_opcode && o->opcode == m->opcode)
					error_at(&m->loc, "duplicate opcode %ld: %s.%s already has it", m->opcode,
						 i->name, o->name);
		}
		next = m->opcode + 1;
	}
}

/* The buffers a server of these interfaces must declare before it waits. */
static void add_rx(struct iface *rx, struct iface *i)
{
	for (struct method *m = i->methods; m; m = m->next) {
		if (m->req_caps > rx->rx_caps)
			rx->rx_caps = m->req_caps;
		rx->rx_window |= m->req_window > 0;
		for (struct param *p = m->params; p; p = p->next) {
			if (p->req_item < 0 || item_class(p) != 2)
				continue;
			if (p->slot >= rx->rx_strings) {
				unsigned long *s = xmalloc((p->slot + 1) * sizeof *s);

				if (rx->rx_strings)
					memcpy(s, rx->rx_sizes, rx->rx_strings * sizeof *s);
				rx->rx_sizes = s;
				rx->rx_strings = p->slot + 1;
			}
			if (p->ref.bound > rx->rx_sizes[p->slot])
				rx->rx_sizes[p->slot] = p->ref.bound;
		}
	}
}

static void check_rx_fit(struct iface *i)
{
	int brs = MICA_BR_FIRST + i->rx_caps + 2 * i->rx_strings;

	if (brs > MICA_BR_COUNT)
		error_at(&i->loc, "a server of %s needs %d buffer registers for its methods together, more than MICA_BR_COUNT (%d)",
			 i->name, brs, MICA_BR_COUNT);
}

static void check_plain(struct iface *i)
{
	int errors = error_count;

	if (!i->has_protocol)
		error_at(&i->loc, "interface %s needs a protocol number: [protocol(N)] interface %s", i->name, i->name);
	else if (i->protocol == 0)
		error_at(&i->loc, "protocol 0 is reserved (interface %s)", i->name);
	if (!i->methods)
		error_at(&i->loc, "interface %s has no methods", i->name);
	for (struct method *m = i->methods; m; m = m->next)
		check_method(i, m);
	assign_opcodes(i);
	if (error_count != errors)
		return;   /* the methods' layout is incomplete */
	add_rx(i, i);
	check_rx_fit(i);
}

static void add_part(struct iface *c, struct iface *p, const struct loc *at)
{
	if (c->nparts == MAX_PARTS) {
		error_at(at, "%s composes more than %d interfaces", c->name, MAX_PARTS);
		return;
	}
	for (int k = 0; k < c->nparts; k++) {
		if (c->parts[k] == p) {
			error_at(at, "%s composes %s twice", c->name, p->name);
			return;
		}
		for (struct method *m = p->methods; m; m = m->next)
			for (struct method *n = c->parts[k]->methods; n; n = n->next)
				if (strcmp(m->name, n->name) == 0)
					error_at(at, "name clash in %s: %s.%s and %s.%s", c->name, c->parts[k]->name,
						 n->name, p->name, m->name);
	}
	c->parts[c->nparts++] = p;
}

/* A composed interface is the flattened list of the plain ones it names. */
static void flatten(struct iface *c, struct iface *i, const struct loc *at, int depth)
{
	if (depth > 16) {
		error_at(at, "composition of %s is circular", c->name);
		return;
	}
	if (!i->composed) {
		add_part(c, i, at);
		return;
	}
	for (struct nameref *n = i->composes; n; n = n->next) {
		n->iface = find_iface(n->name);
		if (!n->iface)
			error_at(&n->loc, "unknown interface '%s'", n->name);
		else
			flatten(c, n->iface, depth ? at : &n->loc, depth + 1);
	}
}

/* Who serves a composed interface follows from its parts: the kernel
 * (handlers take the kernel's object) or a user server (handlers take a
 * struct srv_request); one dispatcher cannot mix the two. */
static void check_kernel_parts(struct iface *i)
{
	int kernel = 0;

	if (i->kernel)
		error_at(&i->loc, "composed interface %s is [kernel] when its parts are, not by itself", i->name);
	for (int k = 0; k < i->nparts; k++)
		kernel += i->parts[k]->kernel;
	if (kernel && kernel != i->nparts)
		error_at(&i->loc, "%s composes interfaces the kernel serves ([kernel]) with others", i->name);
	i->kernel = i->nparts && kernel == i->nparts;
}

static void check_composed(struct iface *i)
{
	if (i->has_protocol)
		error_at(&i->loc, "composed interface %s has no protocol of its own; its parts have theirs", i->name);
	i->parts = xmalloc(MAX_PARTS * sizeof *i->parts);
	flatten(i, i, &i->loc, 0);
	check_kernel_parts(i);
	for (int k = 0; k < i->nparts; k++)
		add_rx(i, i->parts[k]);
	check_rx_fit(i);
}

static void check_iface_names(struct iface *i)
{
	struct iface *first = find_iface(i->name);

	if (first != i)
		error_at(&i->loc, "redefinition of interface '%s' (first defined at %s:%d:%d)", i->name, first->loc.file,
			 first->loc.first_line, first->loc.first_column);
	for (struct file *f = all_files; f; f = f->next) {
		for (struct iface *j = f->ifaces; j; j = j->next) {
			if (j == i)
				return;
			if (i->has_protocol && j->has_protocol && j->protocol == i->protocol)
				error_at(&i->loc, "protocol %ld of %s is already used by %s", i->protocol, i->name,
					 j->name);
		}
	}
}

void check_all(void)
{
	builtin_words();
	check_types();
	for (struct file *f = all_files; f; f = f->next) {
		for (struct iface *i = f->ifaces; i; i = i->next) {
			i->lower = snake(i->name);
			i->upper = upper(i->lower);
			check_iface_names(i);
			if (!i->composed)
				check_plain(i);
		}
	}
	if (error_count)
		return;
	for (struct file *f = all_files; f; f = f->next)
		for (struct iface *i = f->ifaces; i; i = i->next)
			if (i->composed)
				check_composed(i);
}

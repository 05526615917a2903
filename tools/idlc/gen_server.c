/*
 * gen_server.c - STEM_server.h and STEM_server.c: for each interface a table
 * of handlers (struct NAME_ops, one function pointer per method with the
 * client stub's signature, the request being served in place of the
 * capability), the receive buffers a server declares (struct NAME_rx,
 * NAME_rx_setup), the memory out strings are sent from (struct
 * NAME_reply_buffers), and NAME_dispatch, which decodes and checks a
 * request, calls the handler and encodes the reply.  A composed interface
 * dispatches on the protocol label to the dispatchers of its parts.
 *
 * For the server loop (lib/server, docs/server.md) each interface also gets
 * struct NAME_buffers (one loop thread's receive and reply buffers) and
 * NAME_server, the description srv_serve() dispatches through.  Handlers
 * take a `struct srv_request *req`; those of the protocols the kernel
 * serves ([kernel]) take the kernel's invocation as `void *obj` instead,
 * and get no NAME_server.
 */
#include <mica/ipc.h>

#include "idlc.h"

/* ---- header ------------------------------------------------------------------ */

/* What a handler (and the dispatcher) gets as its first argument. */
static const char *first_param(const struct iface *i)
{
	return i->kernel ? "void *obj" : "struct srv_request *req";
}

static const char *first_name(const struct iface *i)
{
	return i->kernel ? "obj" : "req";
}

static int any_user_served(const struct file *src)
{
	for (struct iface *i = src->ifaces; i; i = i->next)
		if (!i->kernel)
			return 1;
	return 0;
}

static void emit_loop_decls(FILE *f, struct iface *i)
{
	fprintf(f, "\n/* One server loop thread's buffers (srv_serve, docs/server.md). */\n"
		   "struct %s_buffers {\n\tstruct %s_rx rx;\n\tstruct %s_reply_buffers reply;\n};\n", i->lower,
		i->lower, i->lower);
	fprintf(f, "/* %s for the server loop: struct srv's protocol. */\nextern const struct srv_protocol %s_server;\n",
		i->name, i->lower);
}

static void emit_ops(FILE *f, struct iface *i)
{
	if (i->composed) {
		fprintf(f, "\n/* The handler tables of %s's parts; a NULL one answers -MICA_ENOSYS. */\n"
			   "struct %s_ops {\n", i->name, i->lower);
		for (int k = 0; k < i->nparts; k++)
			fprintf(f, "\tconst struct %s_ops *%s;\n", i->parts[k]->lower, i->parts[k]->lower);
		fprintf(f, "};\n");
		return;
	}
	fprintf(f, "\n/* The handlers of %s; a NULL handler answers -MICA_ENOSYS. */\nstruct %s_ops {\n", i->name,
		i->lower);
	for (struct method *m = i->methods; m; m = m->next) {
		doc_comment(f, m->doc, "\t");
		c_params(f, m, first_param(i), 8 + fprintf(f, "\tint (*%s)", m->name));
		fprintf(f, ";\n");
	}
	fprintf(f, "};\n");
}

static void emit_rx(FILE *f, struct iface *i)
{
	fprintf(f, "\n/* What a server of %s receives into: fill in free slots (and a window),\n"
		   " * then call %s_rx_setup before each wait. */\nstruct %s_rx {\n", i->name, i->lower, i->lower);
	if (i->rx_window)
		fprintf(f, "\tmica_word_t window;\n");
	if (i->rx_caps)
		fprintf(f, "\tmica_cap_t slots[%d];\n", i->rx_caps);
	for (int k = 0; k < i->rx_strings; k++)
		fprintf(f, "\tchar string%d[%lu];\n", k, i->rx_sizes[k] + 1);
	if (!i->rx_window && !i->rx_caps && !i->rx_strings)
		fprintf(f, "\tchar none;   /* %s receives no items */\n", i->name);
	fprintf(f, "};\nvoid %s_rx_setup(struct mica_utcb *u, struct %s_rx *rx);\n", i->lower, i->lower);
}

static void emit_reply_buffers(FILE *f, struct iface *i)
{
	int any = 0;

	fprintf(f, "\n/* Where out strings wait to be sent; must live until the reply is sent. */\n"
		   "struct %s_reply_buffers {\n\tunion {\n", i->lower);
	for (int k = 0; k < i->nparts; k++)
		fprintf(f, "\t\tstruct %s_reply_buffers %s;\n", i->parts[k]->lower, i->parts[k]->lower), any = 1;
	for (struct method *m = i->composed ? NULL : i->methods; m; m = m->next) {
		int n = 0;

		for (struct param *p = m->params; p; p = p->next)
			n += p->rep_item >= 0 && (p->ref.type->kind == K_STRING || p->ref.type->kind == K_BUFFER);
		if (!n)
			continue;
		fprintf(f, "\t\tstruct {\n");
		for (struct param *p = m->params; p; p = p->next)
			if (p->rep_item >= 0 && (p->ref.type->kind == K_STRING || p->ref.type->kind == K_BUFFER))
				fprintf(f, "\t\t\tchar %s[%lu];\n", p->name,
					p->ref.bound + (p->ref.type->kind == K_STRING));
		fprintf(f, "\t\t} %s;\n", m->name);
		any = 1;
	}
	if (!any)
		fprintf(f, "\t\tchar none;   /* %s sends no strings */\n", i->name);
	fprintf(f, "\t};\n};\n");
}

void gen_server_h(FILE *f, struct file *src)
{
	banner(f, src, "server dispatch");
	fprintf(f, "#ifndef %s\n#define %s\n\n#include %s\n", guard(src, "_SERVER"), guard(src, "_SERVER"),
		header_ref(src, src, ".h"));
	for (struct import *im = src->imports; im; im = im->next)
		fprintf(f, "#include %s\n", header_ref(src, im->file, "_server.h"));
	if (any_user_served(src))
		fprintf(f, "\nstruct srv_request;   /* server/server.h */\nstruct srv_protocol;\n");
	for (struct iface *i = src->ifaces; i; i = i->next) {
		emit_ops(f, i);
		emit_rx(f, i);
		emit_reply_buffers(f, i);
		fprintf(f, "\n/*\n * Serve one request of %s received in u with tag: check it, call the\n"
			   " * handler with %s, leave the reply in u and its tag in *reply.  Returns\n"
			   " * 1 when a reply is due, 0 for a one-way message (nobody waits).\n */\n", i->name,
			first_name(i));
		fprintf(f, "int %s_dispatch(const struct %s_ops *ops, %s, struct mica_utcb *u, mica_word_t tag,\n"
			   "\t\tstruct %s_reply_buffers *s, mica_word_t *reply);\n", i->lower, i->lower, first_param(i),
			i->lower);
		if (!i->kernel)
			emit_loop_decls(f, i);
	}
	fprintf(f, "\n#endif\n");
}

/* ---- source -------------------------------------------------------------------- */

static const char *prelude =
	"/* Answer with an error and no payload. */\n"
	"static inline int idl_fail(mica_word_t *reply, int err, int want_reply)\n{\n"
	"\t*reply = mica_tag(err, 0, 0, 0);\n\treturn want_reply;\n}\n\n"
	"/* Is MR[k] a string item the kernel put into our string buffer `index`, no\n"
	" * longer than bound and leaving room for a terminating NUL? */\n"
	"static inline int idl_string_ok(const struct mica_utcb *u, unsigned k, unsigned index, uint32_t bound)\n{\n"
	"\tmica_word_t desc = u->br[MICA_BR_DESC];\n"
	"\tunsigned b = MICA_BR_FIRST + mica_br_ncaps(desc) + 2 * index;\n\n"
	"\treturn mica_item_type(u->mr[k]) == MICA_ITEM_STRING && index < mica_br_nstrings(desc) &&\n"
	"\t       b + 1 < MICA_BR_COUNT &&\n"
	"\t       u->mr[k + 1] == u->br[b] && mica_item_len(u->mr[k]) <= bound &&\n"
	"\t       mica_item_len(u->mr[k]) <= u->br[b + 1];\n}\n\n"
	"/* A received string, NUL-terminated in place (its buffer has room). */\n"
	"static inline char *idl_text(struct mica_utcb *u, unsigned k)\n{\n"
	"\tchar *s = (char *)(uintptr_t)u->mr[k + 1];\n\n\ts[mica_item_len(u->mr[k])] = 0;\n\treturn s;\n}\n\n"
	"/* A received capability: its slot (or label), MICA_CAP_NULL if void. */\n"
	"static inline mica_cap_t idl_cap(const struct mica_utcb *u, unsigned k)\n{\n"
	"\treturn u->mr[k] & MICA_ITEM_F_VOID ? MICA_CAP_NULL : u->mr[k + 1];\n}\n\n"
	"/* The length of an out string a handler wrote, max + 1 if unterminated. */\n"
	"static inline size_t idl_strnlen(const char *s, size_t max)\n{\n\tsize_t n = 0;\n\n"
	"\twhile (n <= max && s[n])\n\t\tn++;\n\treturn n;\n}\n";

struct ctx {
	const char *fail;
};

static void check_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)expr, (void)path;
	range_check(f, leaf, xprintf("u->mr[%d]", word), "\t", ((struct ctx *)arg)->fail);
}

static void get_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)path, (void)arg;
	fprintf(f, "\t%s = (%s)u->mr[%d];\n", expr, leaf->ctype, word);
}

static void put_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)leaf, (void)path, (void)arg;
	fprintf(f, "\tu->mr[%d] = (mica_word_t)%s;\n", word, expr);
}

static void declare(FILE *f, const struct param *p)
{
	const struct type *t = p->ref.type;

	if (t->kind == K_BUFFER && p->dir == D_OUT)
		fprintf(f, "\tuint32_t %s_room_;\n", p->name);
	if (t->kind == K_BUFFER)
		fprintf(f, "\t%s%s;\n\tuint32_t %s;\n", c_type(p, 0), p->name, p->len_name);
	else if (t->kind == K_STRING)
		fprintf(f, "\t%s%s;\n", c_type(p, 0), p->name);
	else if (p->dir != D_OUT || !is_value(p->ref.type))
		fprintf(f, "\t%s%s;\n", c_type(p, 0), p->name);
	else if (base_type(p->ref.type)->kind == K_STRUCT)
		fprintf(f, "\t%s%s;\n", c_type(p, 0), p->name);   /* zeroed field by field in decode() */
	else
		fprintf(f, "\t%s%s = 0;\n", c_type(p, 0), p->name);
}

static void zero_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)leaf, (void)path, (void)word, (void)arg;
	fprintf(f, "\t%s = 0;\n", expr);
}

static void check_request(FILE *f, const struct method *m, struct ctx *c)
{
	fprintf(f, "\tif (mica_tag_words(tag) != %d || mica_tag_items(tag) != %d)\n\t\t%s\n", m->req_words,
		m->req_items, c->fail);
	for (struct param *p = m->params; p; p = p->next) {
		if (p->req_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, p->req_word, check_leaf, c);
		if (p->cap_word >= 0)
			fprintf(f, "\tif (u->mr[%d] > %lu)\n\t\t%s\n", p->cap_word, p->ref.bound, c->fail);
		if (p->req_item < 0)
			continue;
		if (p->ref.type->kind == K_STRING || p->ref.type->kind == K_BUFFER)
			fprintf(f, "\tif (!idl_string_ok(u, %d, %d, %lu))\n\t\t%s\n", p->req_item, p->slot, p->ref.bound,
				c->fail);
		else
			fprintf(f, "\tif (mica_item_type(u->mr[%d]) != %s)\n\t\t%s\n", p->req_item,
				item_type_name(p->ref.type), c->fail);
	}
}

static void decode(FILE *f, const struct method *m)
{
	for (struct param *p = m->params; p; p = p->next) {
		int k = p->req_item;

		if (p->req_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, p->req_word, get_leaf, NULL);
		else if (p->dir == D_OUT && base_type(p->ref.type)->kind == K_STRUCT)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, 0, zero_leaf, NULL);
		if (p->cap_word >= 0)
			fprintf(f, "\t%s = %s_room_ = (uint32_t)u->mr[%d];\n\t%s = s->%s.%s;\n", p->len_name, p->name,
				p->cap_word, p->name, m->name, p->name);
		if (p->ref.type->kind == K_STRING && p->dir == D_OUT)
			fprintf(f, "\t%s = s->%s.%s;\n\t%s[0] = 0;\n", p->name, m->name, p->name, p->name);
		if (p->ref.type->kind == K_CAP && p->dir == D_OUT)
			fprintf(f, "\t%s = MICA_CAP_NULL;\n", p->name);
		if (p->ref.type->kind == K_FPAGE && p->dir == D_OUT)
			fprintf(f, "\t%s.fpage = 0;\n\t%s.send_base = 0;\n", p->name, p->name);
		if (p->ref.type->kind == K_IOPAGE && p->dir == D_OUT)
			fprintf(f, "\t%s = 0;\n", p->name);
		if (k < 0)
			continue;
		switch (p->ref.type->kind) {
		case K_CAP: fprintf(f, "\t%s = idl_cap(u, %d);\n", p->name, k); break;
		case K_FPAGE:
			fprintf(f, "\t%s.fpage = u->mr[%d];\n\t%s.send_base = mica_fpage_base(u->mr[%d]);\n", p->name,
				k + 1, p->name, k);
			break;
		case K_IOPAGE: fprintf(f, "\t%s = u->mr[%d];\n", p->name, k + 1); break;
		case K_STRING: fprintf(f, "\t%s = idl_text(u, %d);\n", p->name, k); break;
		default:
			fprintf(f, "\t%s = (const void *)(uintptr_t)u->mr[%d];\n\t%s = mica_item_len(u->mr[%d]);\n",
				p->name, k + 1, p->len_name, k);
		}
	}
}

static void call_handler(FILE *f, const struct method *m)
{
	fprintf(f, "\tr = ops->%s(%s", m->name, first_name(m->iface));
	for (struct param *p = m->params; p; p = p->next) {
		const char *amp = p->dir != D_IN && p->ref.type->kind != K_STRING && p->ref.type->kind != K_BUFFER ? "&" : "";

		fprintf(f, ", %s%s", amp, p->name);
		if (p->ref.type->kind == K_BUFFER)
			fprintf(f, ", %s%s", p->dir == D_IN ? "" : "&", p->len_name);
	}
	fprintf(f, ");\n");
}

/* A handler's out strings must fit what it was given. */
static void check_outs(FILE *f, const struct method *m)
{
	for (struct param *p = m->params; p; p = p->next) {
		if (p->rep_item < 0)
			continue;
		if (p->ref.type->kind == K_BUFFER)
			fprintf(f, "\tif (%s > %s_room_)\n\t\treturn idl_fail(reply, -MICA_EOVERFLOW, 1);\n",
				p->len_name, p->name);
		if (p->ref.type->kind == K_STRING)
			fprintf(f, "\tif (idl_strnlen(%s, %lu) > %lu)\n\t\treturn idl_fail(reply, -MICA_EOVERFLOW, 1);\n",
				p->name, p->ref.bound, p->ref.bound);
	}
}

static void encode(FILE *f, const struct method *m)
{
	for (struct param *p = m->params; p; p = p->next)
		if (p->rep_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, p->rep_word, put_leaf, NULL);
	FOR_ITEMS(p, m, 1, m->rep_words, m->rep_items) {
		put_item_words(f, p, p->rep_item,
			       p->ref.type->kind == K_STRING
				       ? xprintf("(uint32_t)idl_strnlen(%s, %lu)", p->name, p->ref.bound)
				       : p->len_name);
	}
	fprintf(f, "\t*reply = mica_tag(r, %d, %d, 0);\n\treturn 1;\n", m->rep_words, m->rep_items);
}

static void emit_serve(FILE *f, const struct method *m)
{
	struct ctx c = { xprintf("return idl_fail(reply, -MICA_EMSG, %d);", !m->oneway) };
	const char *l = m->iface->lower;
	int used_s = 0;

	for (struct param *p = m->params; p; p = p->next)
		used_s |= p->rep_item >= 0 && (p->ref.type->kind == K_STRING || p->ref.type->kind == K_BUFFER);
	fprintf(f, "\n/* %s.%s (opcode %ld): decode and check, call the handler, encode the reply. */\n",
		m->iface->name, m->name, m->opcode);
	fprintf(f, "static int %s_serve_%s(const struct %s_ops *ops, %s, struct mica_utcb *u, mica_word_t tag,\n"
		   "\t\tstruct %s_reply_buffers *s, mica_word_t *reply)\n{\n", l, m->name, l, first_param(m->iface), l);
	for (struct param *p = m->params; p; p = p->next)
		declare(f, p);
	fprintf(f, "\tint r;\n\n");
	if (!used_s)
		fprintf(f, "\t(void)s;\n");
	if (!m->params)
		fprintf(f, "\t(void)u;\n");
	fprintf(f, "\tif (!ops->%s)\n\t\treturn idl_fail(reply, -MICA_ENOSYS, %d);\n", m->name, !m->oneway);
	check_request(f, m, &c);
	decode(f, m);
	call_handler(f, m);
	if (m->oneway) {
		fprintf(f, "\treturn idl_fail(reply, r, 0);\n}\n");
		return;
	}
	fprintf(f, "\tif (r < 0)\n\t\treturn idl_fail(reply, r, 1);\n");
	check_outs(f, m);
	encode(f, m);
	fprintf(f, "}\n");
}

static void emit_rx_setup(FILE *f, const struct iface *i)
{
	fprintf(f, "\nvoid %s_rx_setup(struct mica_utcb *u, struct %s_rx *rx)\n{\n", i->lower, i->lower);
	if (!i->rx_window && !i->rx_caps && !i->rx_strings)
		fprintf(f, "\t(void)rx;\n");
	fprintf(f, "\tu->br[MICA_BR_WINDOW] = %s;\n", i->rx_window ? "rx->window" : "0");
	fprintf(f, "\tu->br[MICA_BR_DESC] = mica_br_desc(%d, %d, 0);\n", i->rx_caps, i->rx_strings);
	for (int k = 0; k < i->rx_caps; k++)
		fprintf(f, "\tu->br[%d] = rx->slots[%d];\n", MICA_BR_FIRST + k, k);
	for (int k = 0; k < i->rx_strings; k++) {
		int b = MICA_BR_FIRST + i->rx_caps + 2 * k;

		fprintf(f, "\tu->br[%d] = (mica_word_t)(uintptr_t)rx->string%d;\n", b, k);
		fprintf(f, "\tu->br[%d] = sizeof rx->string%d - 1;\n", b + 1, k);
		fprintf(f, "\tmica_ipc_touch(rx->string%d, sizeof rx->string%d, 1);\n", k, k);
	}
	fprintf(f, "}\n");
}

static void emit_dispatch(FILE *f, const struct iface *i)
{
	const char *l = i->lower;

	fprintf(f, "\nint %s_dispatch(const struct %s_ops *ops, %s, struct mica_utcb *u, mica_word_t tag,\n"
		   "\t\tstruct %s_reply_buffers *s, mica_word_t *reply)\n{\n", l, l, first_param(i), l);
	if (i->composed) {
		fprintf(f, "\tswitch (mica_tag_label(tag)) {\n");
		for (int k = 0; k < i->nparts; k++) {
			const char *p = i->parts[k]->lower;

			fprintf(f, "\tcase %s_PROTOCOL:\n\t\tif (ops->%s)\n", i->parts[k]->upper, p);
			fprintf(f, "\t\t\treturn %s_dispatch(ops->%s, %s, u, tag, &s->%s, reply);\n\t\tbreak;\n", p, p,
				first_name(i), p);
		}
		fprintf(f, "\t}\n\treturn idl_fail(reply, -MICA_ENOSYS, 1);\n}\n");
		return;
	}
	fprintf(f, "\tif (mica_tag_label(tag) != %s_PROTOCOL)\n\t\treturn idl_fail(reply, -MICA_ENOSYS, 1);\n",
		i->upper);
	fprintf(f, "\tif (mica_tag_words(tag) < 1)\n\t\treturn idl_fail(reply, -MICA_EMSG, 1);\n");
	fprintf(f, "\tswitch (u->mr[0]) {\n");
	for (struct method *m = i->methods; m; m = m->next)
		fprintf(f, "\tcase %s:\n\t\treturn %s_serve_%s(ops, %s, u, tag, s, reply);\n", opcode_macro(m), l,
			m->name, first_name(i));
	fprintf(f, "\tdefault:\n\t\treturn idl_fail(reply, -MICA_ENOSYS, 1);\n\t}\n}\n");
}

/* NAME_server: the dispatcher and rx_setup behind untyped pointers, and
 * where the receive slots and reply buffers lie in struct NAME_buffers. */
static void emit_loop_protocol(FILE *f, const struct iface *i)
{
	const char *l = i->lower;

	fprintf(f, "\nstatic int %s_dispatch_any(const void *ops, struct srv_request *req, struct mica_utcb *u,\n"
		   "\t\tmica_word_t tag, void *s, mica_word_t *reply)\n{\n"
		   "\treturn %s_dispatch(ops, req, u, tag, s, reply);\n}\n", l, l);
	fprintf(f, "\nstatic void %s_rx_setup_any(struct mica_utcb *u, void *rx)\n{\n\t%s_rx_setup(u, rx);\n}\n", l, l);
	fprintf(f, "\nconst struct srv_protocol %s_server = {\n\t.name = \"%s\",\n\t.dispatch = %s_dispatch_any,\n"
		   "\t.rx_setup = %s_rx_setup_any,\n\t.rx_caps = %d,\n", l, i->name, l, l, i->rx_caps);
	if (i->rx_caps)
		fprintf(f, "\t.slots_offset = __builtin_offsetof(struct %s_buffers, rx.slots),\n", l);
	fprintf(f, "\t.reply_offset = __builtin_offsetof(struct %s_buffers, reply),\n};\n", l);
}

void gen_server_c(FILE *f, struct file *src)
{
	banner(f, src, "server dispatch");
	fprintf(f, "#include %s\n\n", header_ref(src, src, "_server.h"));
	if (any_user_served(src))
		fprintf(f, "#include <server/server.h>\n\n");
	fprintf(f, "%s", prelude);
	for (struct iface *i = src->ifaces; i; i = i->next) {
		for (struct method *m = i->composed ? NULL : i->methods; m; m = m->next)
			emit_serve(f, m);
		emit_rx_setup(f, i);
		emit_dispatch(f, i);
		if (!i->kernel)
			emit_loop_protocol(f, i);
	}
}

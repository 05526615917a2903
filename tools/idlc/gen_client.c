/*
 * gen_client.c - STEM_client.c: one stub per method.  A stub writes the
 * request into the caller's UTCB (opcode, value words, items), declares the
 * receive buffers its reply may need, calls the transport of libsys/ipc.h
 * and checks the reply completely before it stores any out parameter.
 * Stubs return 0 (or the handler's non-negative result) or -MICA_Exxx.
 */
#include <mica/ipc.h>

#include "idlc.h"

static void put_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)leaf, (void)path, (void)arg;
	fprintf(f, "\tu->mr[%d] = (mica_word_t)%s;\n", word, expr);
}

static void check_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)expr, (void)path, (void)arg;
	range_check(f, leaf, xprintf("u->mr[%d]", word), "\t", "return -MICA_EMSG;");
}

static void get_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)path, (void)arg;
	fprintf(f, "\t%s = (%s)u->mr[%d];\n", expr, leaf->ctype, word);
}

/* Bounds the stub checks before sending anything. */
static void emit_locals(FILE *f, const struct method *m)
{
	int checks = 0;

	for (struct param *p = m->params; p; p = p->next) {
		if (p->ref.type->kind == K_STRING && p->dir == D_IN)
			fprintf(f, "\tsize_t %s_n_ = idl_strlen(%s);\n", p->name, p->name);
		if (p->ref.type->kind == K_BUFFER && p->dir == D_OUT)
			fprintf(f, "\tuint32_t %s_room_ = *%s < %lu ? *%s : %lu;\n", p->name, p->len_name, p->ref.bound,
				p->len_name, p->ref.bound);
	}
	for (struct param *p = m->params; p; p = p->next) {
		if (p->dir != D_IN || (p->ref.type->kind != K_STRING && p->ref.type->kind != K_BUFFER))
			continue;
		if (!checks++)
			fprintf(f, "\n");
		if (p->ref.type->kind == K_STRING)
			fprintf(f, "\tif (%s_n_ > %lu)\n\t\treturn -MICA_EINVAL;\n", p->name, p->ref.bound);
		else
			fprintf(f, "\tif (%s > %lu)\n\t\treturn -MICA_EINVAL;\n", p->len_name, p->ref.bound);
	}
}

/* An item of the request; a string's or buffer's pages are touched first
 * (the kernel copies only between mapped pages). */
static void put_item(FILE *f, const struct param *p)
{
	int text = p->ref.type->kind == K_STRING || p->ref.type->kind == K_BUFFER;
	const char *len = p->ref.type->kind == K_STRING ? xprintf("%s_n_", p->name) : p->len_name;

	put_item_words(f, p, p->req_item, p->ref.type->kind == K_STRING ? xprintf("(uint32_t)%s", len) : len);
	if (text)
		fprintf(f, "\tmica_ipc_touch(%s, %s, 0);\n", p->name, len);
}

static void emit_request(FILE *f, const struct method *m)
{
	fprintf(f, "\tu->mr[0] = %s;\n", opcode_macro(m));
	for (struct param *p = m->params; p; p = p->next)
		if (p->req_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, p->dir != D_IN, p->req_word, put_leaf, NULL);
	for (struct param *p = m->params; p; p = p->next)
		if (p->cap_word >= 0)
			fprintf(f, "\tu->mr[%d] = %s_room_;\n", p->cap_word, p->name);
	FOR_ITEMS(p, m, 0, m->req_words, m->req_items)
		put_item(f, p);
}

/* The reply's receive buffers: window, cap slots, then string buffers. */
static void emit_buffers(FILE *f, const struct method *m)
{
	const char *window = "0";   /* accept no memory unless asked to */

	for (struct param *p = m->params; p; p = p->next)
		if (p->rep_item >= 0 && p->ref.type->kind == K_FPAGE)
			window = xprintf("%s->fpage", p->name);
	fprintf(f, "\tu->br[MICA_BR_WINDOW] = %s;\n", window);
	fprintf(f, "\tu->br[MICA_BR_DESC] = mica_br_desc(%d, %d, 0);\n", m->rep_caps, m->rep_strings);
	for (struct param *p = m->params; p; p = p->next) {
		int b = MICA_BR_FIRST + p->slot;

		if (p->rep_item < 0)
			continue;
		if (p->ref.type->kind == K_CAP)
			fprintf(f, "\tu->br[%d] = *%s;\n", b, p->name);
		b = MICA_BR_FIRST + m->rep_caps + 2 * p->slot;
		if (p->ref.type->kind == K_STRING)
			fprintf(f, "\tu->br[%d] = (mica_word_t)(uintptr_t)%s;\n\tu->br[%d] = %lu;\n"
				   "\tmica_ipc_touch(%s, %lu, 1);\n", b, p->name, b + 1, p->ref.bound, p->name,
				p->ref.bound);
		if (p->ref.type->kind == K_BUFFER)
			fprintf(f, "\tu->br[%d] = (mica_word_t)(uintptr_t)%s;\n\tu->br[%d] = %s_room_;\n"
				   "\tmica_ipc_touch(%s, %s_room_, 1);\n", b, p->name, b + 1, p->name, p->name, p->name);
	}
}

static void check_reply(FILE *f, const struct method *m)
{
	fprintf(f, "\tif (mica_tag_words(tag) != %d || mica_tag_items(tag) != %d)\n\t\treturn -MICA_EMSG;\n",
		m->rep_words, m->rep_items);
	for (struct param *p = m->params; p; p = p->next)
		if (p->rep_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 1, p->rep_word, check_leaf, NULL);
	FOR_ITEMS(p, m, 1, m->rep_words, m->rep_items) {
		fprintf(f, "\tif (mica_item_type(u->mr[%d]) != %s", p->rep_item, item_type_name(p->ref.type));
		if (p->ref.type->kind == K_STRING)
			fprintf(f, " || mica_item_len(u->mr[%d]) > %lu", p->rep_item, p->ref.bound);
		if (p->ref.type->kind == K_BUFFER)
			fprintf(f, " || mica_item_len(u->mr[%d]) > %s_room_", p->rep_item, p->name);
		fprintf(f, ")\n\t\treturn -MICA_EMSG;\n");
	}
}

static void store_item(FILE *f, const struct param *p)
{
	int k = p->rep_item;

	switch (p->ref.type->kind) {
	case K_CAP:
		fprintf(f, "\t*%s = u->mr[%d] & MICA_ITEM_F_VOID ? MICA_CAP_NULL : u->mr[%d];\n", p->name, k, k + 1);
		break;
	case K_FPAGE:
		fprintf(f, "\t%s->fpage = u->mr[%d];\n\t%s->send_base = mica_fpage_base(u->mr[%d]);\n", p->name, k + 1,
			p->name, k);
		break;
	case K_IOPAGE:
		fprintf(f, "\t*%s = u->mr[%d];\n", p->name, k + 1);
		break;
	case K_STRING:
		fprintf(f, "\t%s[mica_item_len(u->mr[%d])] = 0;\n", p->name, k);
		break;
	default:
		fprintf(f, "\t*%s = mica_item_len(u->mr[%d]);\n", p->len_name, k);
	}
}

static void emit_stub(FILE *f, const struct method *m)
{
	fprintf(f, "\n");
	doc_comment(f, m->doc, "");
	c_params(f, m, "mica_cap_t cap", fprintf(f, "int %s_%s", m->iface->lower, m->name));
	fprintf(f, "\n{\n\tstruct mica_utcb *u = mica_utcb();\n");
	if (!m->oneway)
		fprintf(f, "\tmica_word_t tag;\n");
	fprintf(f, "\tint err;\n");
	emit_locals(f, m);
	fprintf(f, "\n");
	emit_request(f, m);
	if (m->oneway) {
		fprintf(f, "\terr = mica_ipc_send(cap, mica_tag(%s_PROTOCOL, %d, %d, 0));\n\treturn -err;\n}\n",
			m->iface->upper, m->req_words, m->req_items);
		return;
	}
	emit_buffers(f, m);
	fprintf(f, "\terr = mica_ipc_call(cap, mica_tag(%s_PROTOCOL, %d, %d, 0), &tag);\n", m->iface->upper,
		m->req_words, m->req_items);
	fprintf(f, "\tif (err)\n\t\treturn -err;\n\tif (mica_tag_label(tag) < 0)\n\t\treturn (int)mica_tag_label(tag);\n");
	check_reply(f, m);
	for (struct param *p = m->params; p; p = p->next)
		if (p->rep_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 1, p->rep_word, get_leaf, NULL);
	FOR_ITEMS(p, m, 1, m->rep_words, m->rep_items)
		store_item(f, p);
	fprintf(f, "\treturn (int)mica_tag_label(tag);\n}\n");
}

void gen_client(FILE *f, struct file *src)
{
	banner(f, src, "client stubs");
	fprintf(f, "#include %s\n\n", header_ref(src, src, ".h"));
	fprintf(f, "/* strlen without a C library. */\n"
		   "static inline size_t idl_strlen(const char *s)\n{\n\tsize_t n = 0;\n\n"
		   "\twhile (s[n])\n\t\tn++;\n\treturn n;\n}\n");
	for (struct iface *i = src->ifaces; i; i = i->next)
		if (!i->composed)
			for (struct method *m = i->methods; m; m = m->next)
				emit_stub(f, m);
}

/*
 * gen_trace.c - STEM_trace.c: for each protocol a decoder that prints a
 * request or a reply as text, "File.read(offset=4096, data=<room 512>)" and
 * "File.read -> 0 (data=<12 bytes>, nread=12)", for IPC traces and error
 * reports.  It reads only the message words, never memory a string item
 * points to, so any message (malformed ones too) can be printed safely.
 */
#include "idlc.h"

static const char *prelude =
	"/* An snprintf-like output buffer, without a C library. */\n"
	"struct idl_out {\n\tchar *buf;\n\tsize_t size, len;\n};\n\n"
	"static inline void idl_putc(struct idl_out *o, char c)\n{\n"
	"\tif (o->len + 1 < o->size)\n\t\to->buf[o->len] = c;\n\to->len++;\n}\n\n"
	"static inline void idl_puts(struct idl_out *o, const char *s)\n{\n\twhile (*s)\n\t\tidl_putc(o, *s++);\n}\n\n"
	"static inline void idl_putu(struct idl_out *o, mica_word_t v, unsigned base)\n{\n"
	"\tchar d[24];\n\tint n = 0;\n\n\tif (base == 16)\n\t\tidl_puts(o, \"0x\");\n"
	"\tdo {\n\t\td[n++] = \"0123456789abcdef\"[v % base];\n\t\tv /= base;\n\t} while (v);\n"
	"\twhile (n)\n\t\tidl_putc(o, d[--n]);\n}\n\n"
	"static inline void idl_puti(struct idl_out *o, mica_sword_t v)\n{\n"
	"\tif (v < 0)\n\t\tidl_putc(o, '-');\n\tidl_putu(o, v < 0 ? -(mica_word_t)v : (mica_word_t)v, 10);\n}\n\n"
	"static inline size_t idl_end(struct idl_out *o)\n{\n"
	"\tif (o->size)\n\t\to->buf[o->len < o->size ? o->len : o->size - 1] = 0;\n\treturn o->len;\n}\n\n"
	"/* A reply's result: 0, a count, or an error by name. */\n"
	"static inline void idl_result(struct idl_out *o, mica_sword_t r)\n{\n"
	"\tstatic const char *const names[MICA_ERROR_COUNT] = {\n"
	"\t\t[MICA_EINVAL] = \"EINVAL\", [MICA_EBADCAP] = \"EBADCAP\", [MICA_ETYPE] = \"ETYPE\",\n"
	"\t\t[MICA_EPERM] = \"EPERM\", [MICA_ENOSYS] = \"ENOSYS\", [MICA_EMSG] = \"EMSG\",\n"
	"\t\t[MICA_E2BIG] = \"E2BIG\", [MICA_ENOBUF] = \"ENOBUF\", [MICA_ETIMEOUT] = \"ETIMEOUT\",\n"
	"\t\t[MICA_ECANCELED] = \"ECANCELED\", [MICA_ENOMEM] = \"ENOMEM\", [MICA_EGONE] = \"EGONE\",\n"
	"\t\t[MICA_EOVERFLOW] = \"EOVERFLOW\", [MICA_EFAULT] = \"EFAULT\", [MICA_EEXIST] = \"EEXIST\",\n"
	"\t\t[MICA_ENOENT] = \"ENOENT\", [MICA_EBUSY] = \"EBUSY\",\n\t};\n\n"
	"\tif (r < 0 && -r < MICA_ERROR_COUNT && names[-r]) {\n\t\tidl_putc(o, '-');\n\t\tidl_puts(o, names[-r]);\n"
	"\t} else {\n\t\tidl_puti(o, r);\n\t}\n}\n\n"
	"/* A message that does not have the expected shape: its raw words. */\n"
	"static inline void idl_raw(struct idl_out *o, mica_word_t tag, const mica_word_t *mr)\n{\n"
	"\tunsigned n = mica_tag_words(tag) + 2 * mica_tag_items(tag);\n\n"
	"\tidl_puts(o, \"<malformed:\");\n"
	"\tfor (unsigned k = 0; k < n && k < MICA_MR_COUNT; k++) {\n\t\tidl_putc(o, ' ');\n\t\tidl_putu(o, mr[k], 16);\n\t}\n"
	"\tidl_puts(o, \" / \");\n\tidl_putu(o, mica_tag_items(tag), 10);\n\tidl_puts(o, \" items>\");\n}\n\n"
	"static inline void idl_item(struct idl_out *o, const char *name, const mica_word_t *item)\n{\n"
	"\tidl_puts(o, name);\n\tswitch (mica_item_type(item[0])) {\n"
	"\tcase MICA_ITEM_CAP:\n\t\tidl_puts(o, \"=cap:\");\n\t\tidl_putu(o, item[1], 10);\n\t\tbreak;\n"
	"\tcase MICA_ITEM_MEM:\n\t\tidl_puts(o, \"=fpage(\");\n\t\tidl_putu(o, mica_fpage_base(item[1]), 16);\n"
	"\t\tidl_putc(o, '/');\n\t\tidl_putu(o, mica_fpage_order(item[1]), 10);\n\t\tidl_putc(o, ')');\n\t\tbreak;\n"
	"\tcase MICA_ITEM_IO:\n\t\tidl_puts(o, \"=io(\");\n\t\tidl_putu(o, mica_io_fpage_port(item[1]), 16);\n"
	"\t\tidl_putc(o, '/');\n\t\tidl_putu(o, mica_fpage_order(item[1]), 10);\n\t\tidl_putc(o, ')');\n\t\tbreak;\n"
	"\tdefault:\n\t\tidl_puts(o, \"=<\");\n\t\tidl_putu(o, mica_item_len(item[0]), 10);\n"
	"\t\tidl_puts(o, \" bytes>\");\n\t}\n}\n";

struct tctx {
	int first;
};

/* ", " before every parameter but the first. */
static const char *sep(struct tctx *c)
{
	const char *s = c->first ? "" : ", ";

	c->first = 0;
	return s;
}

static void print_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)expr;
	fprintf(f, "\t\tidl_puts(&o, \"%s%s=\");\n", sep(arg), path);
	if (leaf->is_signed)
		fprintf(f, "\t\tidl_puti(&o, (%s)mr[%d]);\n", leaf->ctype, word);
	else
		fprintf(f, "\t\tidl_putu(&o, mr[%d], %d);\n", word, leaf->ctype[0] == 'm' ? 16 : 10);
}

static void print_params(FILE *f, const struct method *m, int reply)
{
	struct tctx c = { 1 };

	for (struct param *p = m->params; p; p = p->next) {
		int word = reply ? p->rep_word : p->req_word, item = reply ? p->rep_item : p->req_item;

		if (word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, word, print_leaf, &c);
		if (item >= 0)
			fprintf(f, "\t\tidl_item(&o, \"%s%s\", &mr[%d]);\n", sep(&c), p->name, item);
		if (!reply && p->cap_word >= 0)
			fprintf(f, "\t\tidl_puts(&o, \"%s%s=<room \");\n\t\tidl_putu(&o, mr[%d], 10);\n"
				   "\t\tidl_puts(&o, \">\");\n", sep(&c), p->name, p->cap_word);
	}
}

static void emit_request(FILE *f, const struct iface *i)
{
	fprintf(f, "\nsize_t %s_format_request(char *buf, size_t size, mica_word_t tag, const mica_word_t *mr)\n{\n"
		   "\tstruct idl_out o = { buf, size, 0 };\n\n\tidl_puts(&o, \"%s.\");\n", i->lower, i->name);
	fprintf(f, "\tif (mica_tag_label(tag) != %s_PROTOCOL || mica_tag_words(tag) < 1) {\n"
		   "\t\tidl_puts(&o, \"?\");\n\t\tidl_raw(&o, tag, mr);\n\t\treturn idl_end(&o);\n\t}\n", i->upper);
	fprintf(f, "\tswitch (mr[0]) {\n");
	for (struct method *m = i->methods; m; m = m->next) {
		fprintf(f, "\tcase %s:\n\t\tidl_puts(&o, \"%s(\");\n", opcode_macro(m), m->name);
		fprintf(f, "\t\tif (mica_tag_words(tag) != %d || mica_tag_items(tag) != %d) {\n"
			   "\t\t\tidl_raw(&o, tag, mr);\n\t\t\tbreak;\n\t\t}\n", m->req_words, m->req_items);
		print_params(f, m, 0);
		fprintf(f, "\t\tbreak;\n");
	}
	fprintf(f, "\tdefault:\n\t\tidl_puts(&o, \"?\");\n\t\tidl_putu(&o, mr[0], 10);\n\t\tidl_puts(&o, \"(\");\n"
		   "\t\tidl_raw(&o, tag, mr);\n\t}\n\tidl_puts(&o, \")\");\n\treturn idl_end(&o);\n}\n");
}

static void emit_reply(FILE *f, const struct iface *i)
{
	fprintf(f, "\nsize_t %s_format_reply(char *buf, size_t size, mica_sword_t protocol, mica_word_t opcode,\n"
		   "\t\tmica_word_t tag, const mica_word_t *mr)\n{\n"
		   "\tstruct idl_out o = { buf, size, 0 };\n\n\tidl_puts(&o, \"%s.\");\n", i->lower, i->name);
	fprintf(f, "\tif (protocol != %s_PROTOCOL)\n\t\topcode = ~(mica_word_t)0;   /* no method has it */\n",
		i->upper);
	fprintf(f, "\tswitch (opcode) {\n");
	for (struct method *m = i->methods; m; m = m->next) {
		fprintf(f, "\tcase %s:\n\t\tidl_puts(&o, \"%s -> \");\n\t\tidl_result(&o, mica_tag_label(tag));\n",
			opcode_macro(m), m->name);
		fprintf(f, "\t\tif (mica_tag_label(tag) < 0 && mica_tag_words(tag) == 0 && mica_tag_items(tag) == 0)\n"
			   "\t\t\tbreak;\n");
		fprintf(f, "\t\tidl_puts(&o, \" (\");\n");
		fprintf(f, "\t\tif (mica_tag_label(tag) < 0 || mica_tag_words(tag) != %d || mica_tag_items(tag) != %d)\n"
			   "\t\t\tidl_raw(&o, tag, mr);\n\t\telse\n\t\t\tdo {\n", m->rep_words, m->rep_items);
		print_params(f, m, 1);
		fprintf(f, "\t\t\t} while (0);\n\t\tidl_puts(&o, \")\");\n\t\tbreak;\n");
	}
	fprintf(f, "\tdefault:\n\t\tidl_puts(&o, \"? -> \");\n\t\tidl_result(&o, mica_tag_label(tag));\n"
		   "\t\tidl_puts(&o, \" (\");\n\t\tidl_raw(&o, tag, mr);\n\t\tidl_puts(&o, \")\");\n\t}\n"
		   "\treturn idl_end(&o);\n}\n");
}

/* A composed object's messages are printed by the part whose protocol they carry. */
static void emit_composed(FILE *f, const struct iface *i)
{
	fprintf(f, "\nsize_t %s_format_request(char *buf, size_t size, mica_word_t tag, const mica_word_t *mr)\n{\n"
		   "\tswitch (mica_tag_label(tag)) {\n", i->lower);
	for (int k = 0; k < i->nparts; k++)
		fprintf(f, "\tcase %s_PROTOCOL:\n\t\treturn %s_format_request(buf, size, tag, mr);\n",
			i->parts[k]->upper, i->parts[k]->lower);
	fprintf(f, "\tdefault:\n\t\treturn %s_format_request(buf, size, tag, mr);\n\t}\n}\n", i->parts[0]->lower);
	fprintf(f, "\nsize_t %s_format_reply(char *buf, size_t size, mica_sword_t protocol, mica_word_t opcode,\n"
		   "\t\tmica_word_t tag, const mica_word_t *mr)\n{\n\tswitch (protocol) {\n", i->lower);
	for (int k = 0; k < i->nparts; k++)
		fprintf(f, "\tcase %s_PROTOCOL:\n\t\treturn %s_format_reply(buf, size, protocol, opcode, tag, mr);\n",
			i->parts[k]->upper, i->parts[k]->lower);
	fprintf(f, "\tdefault:\n\t\treturn %s_format_reply(buf, size, protocol, opcode, tag, mr);\n\t}\n}\n",
		i->parts[0]->lower);
}

void gen_trace(FILE *f, struct file *src)
{
	banner(f, src, "message decoders");
	fprintf(f, "#include %s\n\n%s", header_ref(src, src, ".h"), prelude);
	for (struct iface *i = src->ifaces; i; i = i->next) {
		if (i->composed)
			emit_composed(f, i);
		else
			emit_request(f, i), emit_reply(f, i);
	}
}

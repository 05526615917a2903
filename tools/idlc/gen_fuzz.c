/*
 * gen_fuzz.c - STEM_fuzz.c: NAME_fuzz(cap, seed, rounds) calls every method
 * of an interface with random well-formed messages and with malformed ones
 * (bad opcode or protocol, a word or item too few or too many, an item of the
 * wrong type, a value out of its type's range, a string or buffer over its
 * bound) and counts the answers that are not proper replies: a well-formed
 * call must get a reply of the declared shape or a bare error, a malformed
 * one an error, from the server or from the transport.
 */
#include <mica/ipc.h>

#include "idlc.h"

static const char *prelude =
	"/* splitmix64: a small, good pseudo-random sequence. */\n"
	"static inline uint64_t idl_rand(uint64_t *s)\n{\n"
	"\tuint64_t z = (*s += 0x9e3779b97f4a7c15ull);\n\n"
	"\tz = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;\n\tz = (z ^ (z >> 27)) * 0x94d049bb133111ebull;\n"
	"\treturn z ^ (z >> 31);\n}\n\n"
	"/* A random value of a type of `bits` bits (1: bool). */\n"
	"static inline mica_word_t idl_value(uint64_t *rng, unsigned bits, int is_signed)\n{\n"
	"\tmica_word_t v = idl_rand(rng);\n\n\tif (bits >= 64)\n\t\treturn v;\n"
	"\tv &= (1ull << bits) - 1;\n"
	"\tif (is_signed && (v >> (bits - 1)))\n\t\tv |= ~0ull << bits;\n\treturn v;\n}\n\n"
	"/* A word that must fit a narrow type, and the bound of a length. */\n"
	"struct idl_narrow {\n\tunsigned char word, bits, is_signed;\n};\n"
	"struct idl_limit {\n\tunsigned char mr, is_item;\n\tuint32_t max;\n};\n\n"
	"/* What the fuzzer knows about a method's messages. */\n"
	"struct idl_shape {\n\tmica_sword_t protocol;\n\tunsigned words, items, rep_words, rep_items;\n"
	"\tconst unsigned char *rep_types;\n\tint oneway, rep_caps;\n"
	"\tconst struct idl_narrow *narrow;\n\tunsigned nnarrow;\n"
	"\tconst struct idl_limit *limits;\n\tunsigned nlimits;\n};\n\n"
	"enum {\n\tIDL_WELL_FORMED, IDL_BAD_OPCODE, IDL_BAD_PROTOCOL, IDL_FEWER_WORDS, IDL_MORE_WORDS,\n"
	"\tIDL_FEWER_ITEMS, IDL_MORE_ITEMS, IDL_ITEM_TYPE, IDL_NARROW, IDL_LIMIT, IDL_MUTATIONS\n};\n\n"
	"/* Move the items in MR by delta words (the word count changes). */\n"
	"static inline void idl_shift_items(struct mica_utcb *u, unsigned words, unsigned items, int delta)\n{\n"
	"\tif (delta > 0)\n\t\tfor (unsigned k = words + 2 * items; k-- > words;)\n\t\t\tu->mr[k + 1] = u->mr[k];\n"
	"\telse\n\t\tfor (unsigned k = words; k < words + 2 * items; k++)\n\t\t\tu->mr[k - 1] = u->mr[k];\n}\n\n"
	"/* Break the message in MR as `mutation` says; returns 0 if it does not apply. */\n"
	"static inline int idl_mutate(struct mica_utcb *u, uint64_t *rng, const struct idl_shape *sh, unsigned mutation,\n"
	"\t\tmica_cap_t cap, mica_sword_t *label, unsigned *words, unsigned *items)\n{\n"
	"\tunsigned room = MICA_MR_COUNT - *words - 2 * *items;\n\tunsigned k;\n\n"
	"\tswitch (mutation) {\n"
	"\tcase IDL_BAD_OPCODE:\n\t\tu->mr[0] = idl_rand(rng) | 1ull << 40;   /* opcodes have 32 bits */\n\t\treturn 1;\n"
	"\tcase IDL_BAD_PROTOCOL:\n\t\t*label = 0;   /* never a protocol */\n\t\treturn 1;\n"
	"\tcase IDL_FEWER_WORDS:\n\t\tidl_shift_items(u, *words, *items, -1);\n\t\t--*words;\n\t\treturn 1;\n"
	"\tcase IDL_MORE_WORDS:\n\t\tif (room < 1)\n\t\t\treturn 0;\n\t\tidl_shift_items(u, *words, *items, 1);\n"
	"\t\tu->mr[(*words)++] = idl_rand(rng);\n\t\treturn 1;\n"
	"\tcase IDL_FEWER_ITEMS:\n\t\tif (!*items)\n\t\t\treturn 0;\n\t\t--*items;\n\t\treturn 1;\n"
	"\tcase IDL_MORE_ITEMS:\n\t\tif (room < 2)\n\t\t\treturn 0;\n"
	"\t\tu->mr[*words + 2 * *items] = mica_item_cap(MICA_R, 0);\n\t\tu->mr[*words + 2 * *items + 1] = cap;\n"
	"\t\t++*items;\n\t\treturn 1;\n"
	"\tcase IDL_ITEM_TYPE:\n\t\tif (!*items)\n\t\t\treturn 0;\n"
	"\t\tk = *words + 2 * (unsigned)(idl_rand(rng) % *items);\n"
	"\t\tif (mica_item_type(u->mr[k]) == MICA_ITEM_CAP) {\n\t\t\tu->mr[k] = mica_item_io();\n\t\t\tu->mr[k + 1] = 0;\n"
	"\t\t} else {\n\t\t\tu->mr[k] = mica_item_cap(MICA_R, 0);\n\t\t\tu->mr[k + 1] = cap;\n\t\t}\n\t\treturn 1;\n"
	"\tcase IDL_NARROW:\n\t\tif (!sh->nnarrow)\n\t\t\treturn 0;\n"
	"\t\tk = (unsigned)(idl_rand(rng) % sh->nnarrow);\n"
	"\t\tu->mr[sh->narrow[k].word] = sh->narrow[k].bits == 1 ? 2 + idl_rand(rng) % 100\n"
	"\t\t\t\t\t\t\t\t   : 1ull << sh->narrow[k].bits;\n\t\treturn 1;\n"
	"\tcase IDL_LIMIT:\n\t\tif (!sh->nlimits)\n\t\t\treturn 0;\n"
	"\t\tk = (unsigned)(idl_rand(rng) % sh->nlimits);\n"
	"\t\tif (sh->limits[k].is_item)\n"
	"\t\t\tu->mr[sh->limits[k].mr] = mica_item_string(sh->limits[k].max + 1 + (uint32_t)(idl_rand(rng) % 16));\n"
	"\t\telse\n\t\t\tu->mr[sh->limits[k].mr] = sh->limits[k].max + 1 + idl_rand(rng) % 16;\n\t\treturn 1;\n"
	"\tdefault:\n\t\treturn 0;\n\t}\n}\n\n"
	"/* Is this the reply a well-formed call may get? */\n"
	"static inline int idl_reply_ok(const struct mica_utcb *u, const struct idl_shape *sh, mica_word_t reply)\n{\n"
	"\tif (mica_tag_label(reply) < 0)\n\t\treturn mica_tag_words(reply) == 0 && mica_tag_items(reply) == 0;\n"
	"\tif (mica_tag_words(reply) != sh->rep_words || mica_tag_items(reply) != sh->rep_items)\n\t\treturn 0;\n"
	"\tfor (unsigned k = 0; k < sh->rep_items; k++)\n"
	"\t\tif (mica_item_type(u->mr[sh->rep_words + 2 * k]) != sh->rep_types[k])\n\t\t\treturn 0;\n"
	"\treturn 1;\n}\n\n"
	"/* Errors the transport may answer a malformed message with. */\n"
	"static inline int idl_rejected(int err)\n{\n"
	"\treturn err == MICA_E2BIG || err == MICA_EMSG || err == MICA_ENOBUF || err == MICA_EOVERFLOW;\n}\n\n"
	"/* Send the message built in MR, broken by `mutation`; 1 if the answer is right. */\n"
	"static inline int idl_fuzz_call(mica_cap_t cap, uint64_t *rng, const struct idl_shape *sh, unsigned mutation)\n{\n"
	"\tstruct mica_utcb *u = mica_utcb();\n\tmica_sword_t label = sh->protocol;\n"
	"\tunsigned words = sh->words, items = sh->items;\n\tmica_word_t reply = 0;\n\tint err;\n\n"
	"\tif (mutation != IDL_WELL_FORMED && !idl_mutate(u, rng, sh, mutation, cap, &label, &words, &items))\n"
	"\t\tidl_mutate(u, rng, sh, mutation = IDL_BAD_OPCODE, cap, &label, &words, &items);\n"
	"\tif (sh->oneway) {\n\t\terr = mica_ipc_send(cap, mica_tag(label, words, items, 0));\n"
	"\t\treturn err == 0 || (mutation != IDL_WELL_FORMED && idl_rejected(err));\n\t}\n"
	"\terr = mica_ipc_call(cap, mica_tag(label, words, items, 0), &reply);\n"
	"\tif (mutation != IDL_WELL_FORMED)\n"
	"\t\treturn err ? idl_rejected(err)\n"
	"\t\t\t   : mica_tag_label(reply) < 0 && mica_tag_words(reply) == 0 && mica_tag_items(reply) == 0;\n"
	"\tif (err)\n\t\treturn err == MICA_ENOBUF && sh->rep_caps;   /* we declare no slots */\n"
	"\treturn idl_reply_ok(u, sh, reply);\n}\n";

struct fctx {
	int n;
};

static void narrow_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)expr, (void)path;
	if (leaf->bits < 64) {
		fprintf(f, "\t\t{ %d, %d, %d },\n", word, leaf->bits, leaf->is_signed);
		((struct fctx *)arg)->n++;
	}
}

static void count_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)f, (void)expr, (void)path, (void)word;
	((struct fctx *)arg)->n += leaf->bits < 64;
}

static void put_leaf(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg)
{
	(void)expr, (void)path, (void)arg;
	fprintf(f, "\tu->mr[%d] = idl_value(rng, %d, %d);\n", word, leaf->bits, leaf->is_signed);
}

static void emit_tables(FILE *f, const struct method *m)
{
	struct fctx c = { 0 };
	int nlimits = 0;

	for (struct param *p = m->params; p; p = p->next)
		if (p->req_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, p->req_word, count_leaf, &c);
	if (c.n) {
		c.n = 0;
		fprintf(f, "\tstatic const struct idl_narrow narrow[] = {\n");
		for (struct param *p = m->params; p; p = p->next)
			if (p->req_word >= 0)
				walk_leaves(f, p->ref.type, p->name, p->name, 0, p->req_word, narrow_leaf, &c);
		fprintf(f, "\t};\n");
	}
	for (struct param *p = m->params; p; p = p->next)
		nlimits += p->cap_word >= 0 || (p->req_item >= 0 && p->ref.bound);
	if (nlimits) {
		fprintf(f, "\tstatic const struct idl_limit limits[] = {\n");
		for (struct param *p = m->params; p; p = p->next) {
			if (p->cap_word >= 0)
				fprintf(f, "\t\t{ %d, 0, %lu },\n", p->cap_word, p->ref.bound);
			if (p->req_item >= 0 && p->ref.bound)
				fprintf(f, "\t\t{ %d, 1, %lu },\n", p->req_item, p->ref.bound);
		}
		fprintf(f, "\t};\n");
	}
	if (m->rep_items) {
		fprintf(f, "\tstatic const unsigned char rep_types[] = {");
		for (int k = 0; k < m->rep_items; k++)
			for (struct param *p = m->params; p; p = p->next)
				if (p->rep_item == m->rep_words + 2 * k)
					fprintf(f, " %s,", item_type_name(p->ref.type));
		fprintf(f, " };\n");
	}
	fprintf(f, "\tstatic const struct idl_shape shape = {\n"
		   "\t\t.protocol = %s_PROTOCOL, .words = %d, .items = %d,\n", m->iface->upper, m->req_words, m->req_items);
	if (m->oneway)
		fprintf(f, "\t\t.oneway = 1,\n");
	else
		fprintf(f, "\t\t.rep_words = %d, .rep_items = %d, .rep_caps = %d,%s\n", m->rep_words, m->rep_items,
			m->rep_caps, m->rep_items ? " .rep_types = rep_types," : "");
	if (c.n)
		fprintf(f, "\t\t.narrow = narrow, .nnarrow = %d,\n", c.n);
	if (nlimits)
		fprintf(f, "\t\t.limits = limits, .nlimits = %d,\n", nlimits);
	fprintf(f, "\t};\n");
}

static void put_item(FILE *f, const struct param *p)
{
	int k = p->req_item;

	switch (p->ref.type->kind) {
	case K_CAP:
		/* never grant: the fuzzer keeps its capability */
		fprintf(f, "\tu->mr[%d] = mica_item_cap(%s, 0);\n\tu->mr[%d] = cap;\n", k, rights_expr(p->ref.rights),
			k + 1);
		break;
	case K_FPAGE:
		fprintf(f, "\tu->mr[%d] = mica_item_mem(0, 0);\n\tu->mr[%d] = 0;   /* a nil flexpage */\n", k, k + 1);
		break;
	case K_IOPAGE:
		fprintf(f, "\tu->mr[%d] = mica_item_io();\n\tu->mr[%d] = 0;\n", k, k + 1);
		break;
	default:
		fprintf(f, "\tu->mr[%d] = mica_item_string((uint32_t)(idl_rand(rng) %% %lu));\n", k, p->ref.bound + 1);
		fprintf(f, "\tu->mr[%d] = (mica_word_t)(uintptr_t)idl_pool;\n", k + 1);
	}
}

/* Reply strings land in one static inbox, one after the other. */
static void emit_inbox(FILE *f, const struct method *m)
{
	unsigned long off = 0;

	fprintf(f, "\tu->br[MICA_BR_WINDOW] = 0;\n\tu->br[MICA_BR_DESC] = mica_br_desc(0, %d, 0);\n", m->rep_strings);
	for (struct param *p = m->params; p; p = p->next) {
		int b = MICA_BR_FIRST + 2 * p->slot;

		if (p->rep_item < 0 || (p->ref.type->kind != K_STRING && p->ref.type->kind != K_BUFFER))
			continue;
		fprintf(f, "\tu->br[%d] = (mica_word_t)(uintptr_t)(idl_inbox + %lu);\n", b, off);
		if (p->ref.type->kind == K_BUFFER)
			fprintf(f, "\tu->br[%d] = u->mr[%d];\n", b + 1, p->cap_word);
		else
			fprintf(f, "\tu->br[%d] = %lu;\n", b + 1, p->ref.bound);
		off += p->ref.bound;
	}
}

static void emit_method(FILE *f, const struct method *m)
{
	fprintf(f, "\nstatic int %s_fuzz_%s(mica_cap_t cap, uint64_t *rng, unsigned mutation)\n{\n", m->iface->lower,
		m->name);
	emit_tables(f, m);
	fprintf(f, "\tstruct mica_utcb *u = mica_utcb();\n\n\tu->mr[0] = %s;\n", opcode_macro(m));
	for (struct param *p = m->params; p; p = p->next)
		if (p->req_word >= 0)
			walk_leaves(f, p->ref.type, p->name, p->name, 0, p->req_word, put_leaf, NULL);
	for (struct param *p = m->params; p; p = p->next)
		if (p->cap_word >= 0)
			fprintf(f, "\tu->mr[%d] = idl_rand(rng) %% %lu;\n", p->cap_word, p->ref.bound + 1);
	FOR_ITEMS(p, m, 0, m->req_words, m->req_items)
		put_item(f, p);
	if (!m->oneway)
		emit_inbox(f, m);
	fprintf(f, "\treturn idl_fuzz_call(cap, rng, &shape, mutation);\n}\n");
}

static void emit_driver(FILE *f, const struct iface *i)
{
	int n = 0;

	fprintf(f, "\nint %s_fuzz(mica_cap_t cap, uint64_t seed, unsigned rounds)\n{\n", i->lower);
	if (i->composed) {
		fprintf(f, "\treturn ");
		for (int k = 0; k < i->nparts; k++)
			fprintf(f, "%s_fuzz(cap, seed + %d, rounds)%s", i->parts[k]->lower, k,
				k + 1 < i->nparts ? " +\n\t       " : ";\n}\n");
		return;
	}
	fprintf(f, "\tstatic int (*const methods[])(mica_cap_t, uint64_t *, unsigned) = {\n");
	for (struct method *m = i->methods; m; m = m->next, n++)
		fprintf(f, "\t\t%s_fuzz_%s,\n", i->lower, m->name);
	if (!n)
		fprintf(f, "\t\tNULL,\n");
	fprintf(f, "\t};\n\tuint64_t rng = seed;\n\tint bad = 0;\n\n\tidl_touch();\n");
	fprintf(f, "\tfor (unsigned r = 0; r < rounds; r++) {\n\t\tfor (unsigned k = 0; k < %d; k++) {\n"
		   "\t\t\t/* half of the calls well-formed */\n"
		   "\t\t\tunsigned mutation = (unsigned)(idl_rand(&rng) %% (2 * IDL_MUTATIONS));\n\n"
		   "\t\t\tbad += !methods[k](cap, &rng, mutation < IDL_MUTATIONS ? mutation : IDL_WELL_FORMED);\n"
		   "\t\t}\n\t}\n\treturn bad;\n}\n", n);
}

/* The largest in-string bound (plus room to overflow it) and reply-string total. */
static void pool_sizes(struct file *src, unsigned long *pool, unsigned long *inbox)
{
	*pool = 0;
	*inbox = 0;
	for (struct iface *i = src->ifaces; i; i = i->next) {
		for (struct method *m = i->composed ? NULL : i->methods; m; m = m->next) {
			unsigned long sum = 0;

			for (struct param *p = m->params; p; p = p->next) {
				if (p->req_item >= 0 && p->ref.bound && p->ref.bound + 17 > *pool)
					*pool = p->ref.bound + 17;
				if (p->rep_item >= 0)
					sum += p->ref.bound;
			}
			if (sum > *inbox)
				*inbox = sum;
		}
	}
}

void gen_fuzz(FILE *f, struct file *src)
{
	unsigned long pool, inbox;

	pool_sizes(src, &pool, &inbox);
	banner(f, src, "fuzz drivers");
	fprintf(f, "#include %s\n\n%s", header_ref(src, src, ".h"), prelude);
	if (pool)
		fprintf(f, "\n/* What random strings are sent from (and overflow into). */\nstatic char idl_pool[%lu];\n",
			pool);
	if (inbox)
		fprintf(f, "\n/* Where the strings of replies land. */\nstatic char idl_inbox[%lu];\n", inbox);
	/* The kernel does not page during a string copy (docs/ipc.md): a
	 * buffer's pages must be there before a call sends from or into it. */
	fprintf(f, "\nstatic inline void idl_touch(void)\n{\n");
	if (pool)
		fprintf(f, "\tmica_ipc_touch(idl_pool, sizeof idl_pool, 1);\n");
	if (inbox)
		fprintf(f, "\tmica_ipc_touch(idl_inbox, sizeof idl_inbox, 1);\n");
	fprintf(f, "}\n");
	for (struct iface *i = src->ifaces; i; i = i->next) {
		for (struct method *m = i->composed ? NULL : i->methods; m; m = m->next)
			emit_method(f, m);
		emit_driver(f, i);
	}
}

/*
 * idlc.h - the IDL compiler's syntax tree and the interfaces between its
 * parts: the flex scanner and bison parser build the tree (parse.c drives
 * them file by file, following imports), check.c resolves names, assigns
 * opcodes and lays out every message, and the gen_*.c files print C code and
 * Markdown from the checked tree through out.c, which writes nothing until
 * every file has been produced.
 */
#ifndef IDLC_H
#define IDLC_H

#include <stdio.h>

/* A position in a source file, also carrying the doc comment that directly
 * preceded the token (bison's location type). */
struct loc {
	const char *file;
	int first_line, first_column;
	const char *doc;
	int empty;   /* set for the location of an empty rule */
};

enum kind {
	K_VOID,
	K_INT,      /* fixed-size integer (bits, is_signed), word, bool */
	K_STRUCT,
	K_ALIAS,    /* typedef */
	K_CAP,      /* capability: cap<rights[,grant]> */
	K_FPAGE,    /* memory flexpage: fpage[<grant>] */
	K_IOPAGE,   /* I/O-port flexpage */
	K_STRING,   /* NUL-terminated text: string<N> */
	K_BUFFER,   /* bytes with a length: buffer<N> */
};

struct type;

/* A use of a type in the source: its name, arguments and resolution. */
struct typeref {
	char *name;
	struct loc loc;
	struct targ *args;
	struct type *type;   /* set by check.c */
	unsigned long bound; /* string/buffer size */
	unsigned rights;     /* cap: MICA_R|W|X mask */
	int grant;           /* cap, fpage: move instead of copy */
};

struct targ {
	int is_number;
	unsigned long number;
	char *ident;
	struct loc loc;
	struct targ *next;
};

struct field {
	struct typeref ref;
	char *name;
	struct loc loc;
	struct field *next;
};

struct type {
	enum kind kind;
	char *name;          /* IDL spelling */
	char *ctype;         /* C spelling */
	int bits, is_signed, is_bool;
	struct field *fields;    /* K_STRUCT */
	struct typeref target;   /* K_ALIAS */
	struct loc loc;
	const char *doc;
	struct file *file;       /* NULL for built-in types */
	int words;               /* message words of a value */
	int state;               /* check.c: 0 new, 1 resolving, 2 done */
	int emitted;             /* gen: header has it */
	struct type *next;
};

enum dir { D_IN = 1, D_OUT = 2, D_INOUT = 3 };

struct param {
	enum dir dir;
	struct typeref ref;
	char *name;
	char *len_name;          /* buffer: the C length parameter */
	struct loc loc;
	/* layout, set by check.c */
	int req_word, rep_word;  /* first MR word of the value, -1 if none */
	int cap_word;            /* out buffer: request word with the capacity */
	int req_item, rep_item;  /* MR index of the item's word 0, -1 if none */
	int slot;                /* index among items of its class (cap/string) */
	struct param *next;
};

struct method {
	char *name;
	struct loc loc;
	const char *doc;
	long opcode;
	int has_opcode, oneway;
	struct typeref ret;
	struct param *params;
	struct iface *iface;
	/* layout */
	int req_words, req_items, req_caps, req_strings, req_window;   /* window: fpage items */
	int rep_words, rep_items, rep_caps, rep_strings, rep_window;
	struct method *next;
};

struct nameref {
	char *name;
	struct loc loc;
	struct iface *iface;
	struct nameref *next;
};

struct iface {
	char *name;
	char *lower, *upper;     /* file_system, FILE_SYSTEM */
	struct loc loc;
	const char *doc;
	long protocol;
	int has_protocol, composed;
	int kernel;              /* [kernel]: the kernel serves it, handlers take void *obj */
	struct method *methods;
	struct nameref *composes;
	struct iface **parts;    /* composed: the flattened plain interfaces */
	int nparts;
	struct file *file;
	/* what a server must be able to receive, over all methods */
	int rx_caps, rx_strings, rx_window;
	unsigned long *rx_sizes; /* per string buffer */
	struct iface *next;
};

struct attr {
	char *name;
	int has_arg;
	long arg;
	struct loc loc;
	struct attr *next;
};

struct import {
	char *path;
	struct loc loc;
	struct file *file;
	struct import *next;
};

struct file {
	char *path;
	char *stem;              /* basename without .idl */
	struct import *imports;
	struct type *types;      /* structs and typedefs, in source order */
	struct iface *ifaces;
	struct file *next;
};

/* util.c */
void *xmalloc(size_t n);
char *xstrdup(const char *s);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void error_at(const struct loc *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern int error_count;

/* parse.c: load FILE and everything it imports; returns the main file. */
struct file *load_files(const char *path, const char **incdirs, int nincdirs);
extern struct file *all_files;
/* Words the parser found between a type and a name (see parse_c_type). */
struct ctail {
	char *words;             /* the identifiers, one space apart */
	int pointer;             /* a '*' among them */
	char *first;             /* the first word or "*" */
	struct loc first_loc;
};

/* Parser interface (parser.y, lexer.l). */
extern struct file *cur_file;
void parse_add_import(char *path, struct loc l);
void parse_add_type(struct type *t);
void parse_add_iface(struct iface *i, struct attr *attrs);
void parse_c_type(const struct typeref *type, const struct ctail *tail, const char *name, struct loc name_loc);
struct method *parse_method(struct attr *attrs, struct typeref ret, char *name, struct loc l, struct param *params);
void lexer_start(FILE *f, const char *path);

/* check.c */
void check_all(void);
int c_type_error(const struct loc *l, const char *spelling);
int is_value(const struct type *t);
struct type *base_type(struct type *t);

/* out.c: output files, committed together. */
FILE *out_open(const char *dir, const char *name);
int out_commit(void);
void out_abort(void);

/* gen_*.c */
void gen_header(FILE *f, struct file *src);
void gen_client(FILE *f, struct file *src);
void gen_server_h(FILE *f, struct file *src);
void gen_server_c(FILE *f, struct file *src);
void gen_trace(FILE *f, struct file *src);
void gen_fuzz(FILE *f, struct file *src);
void gen_doc(FILE *f, struct iface *i);
void gen_deps(FILE *f, const char *target);

/* gen_common.c: helpers shared by the generators. */
void banner(FILE *f, struct file *src, const char *what);
void doc_comment(FILE *f, const char *doc, const char *indent);
void c_params(FILE *f, const struct method *m, const char *first, int col);
const char *guard(const struct file *src, const char *suffix);
/* With -P PREFIX the generated files include generated headers as
 * <PREFIX/STEM.h> (the build puts the parent of the output directory on
 * the include path); without it as "STEM.h", beside the includer. */
extern const char *include_prefix;
/* The #include operand naming file F's generated header STEM SUFFIX
 * (".h", "_server.h") from code generated for SRC.  An import from another
 * directory of the IDL tree, DIR/STEM.idl, is generated into the sibling
 * output directory DIR: <PARENT/DIR/STEM.h>, PARENT being PREFIX's parent. */
const char *header_ref(const struct file *src, const struct file *f, const char *suffix);
/* Walk the scalar leaves of a value: expr is the C lvalue of each leaf, path
 * its dotted name for people (st.size), word its message word. */
typedef void leaf_fn(FILE *f, struct type *leaf, const char *expr, const char *path, int word, void *arg);
int walk_leaves(FILE *f, struct type *t, const char *expr, const char *path, int is_ptr, int word, leaf_fn *fn,
		void *arg);
/* Emit "if (<w> is out of range for leaf) <action>" (nothing for 64 bits). */
void range_check(FILE *f, const struct type *leaf, const char *w, const char *indent, const char *action);
const char *item_type_name(const struct type *t);
const char *c_type(const struct param *p, int ptr);
const char *opcode_macro(const struct method *m);
const char *bound_macro(const struct method *m, const struct param *p);
struct param *item_at(const struct method *m, int mr, int reply);
const char *rights_expr(unsigned r);
/* Emit the two words of item parameter p at MR k; a string's or buffer's
 * length is the C expression string_len. */
void put_item_words(FILE *f, const struct param *p, int k, const char *string_len);
/* Each item parameter of a request (reply = 0) or reply, in MR order. */
#define FOR_ITEMS(p, m, reply, words, items)                                                          \
	for (int k_ = 0; k_ < (items); k_++)                                                          \
		for (struct param *p = item_at(m, (words) + 2 * k_, reply); p; p = NULL)

#endif

/*
 * parser.y - the IDL grammar.  Builds the syntax tree of one file through
 * the parse_* functions of parse.c; names are resolved later (check.c), so
 * declarations may come in any order and across imports.
 */
%code requires {
#include "idlc.h"
#define YYLTYPE struct loc
#define YYLTYPE_IS_DECLARED 1
/* A rule's location (and doc comment) is that of its first non-empty part. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                     \
	do {                                                            \
		if (N) {                                                \
			int i_ = 1;                                     \
			while (i_ < (N) && YYRHSLOC(Rhs, i_).empty)     \
				i_++;                                   \
			(Cur) = YYRHSLOC(Rhs, i_);                      \
		} else {                                                \
			(Cur) = YYRHSLOC(Rhs, 0);                       \
			(Cur).doc = NULL;                               \
			(Cur).empty = 1;                                \
		}                                                       \
	} while (0)
}

%code {
#include <string.h>
int yylex(void);
static void yyerror(const char *msg);
}

%locations
%define parse.error verbose
%define parse.lac full

%union {
	char *str;
	unsigned long num;
	struct typeref ref;
	struct targ *targ;
	struct field *field;
	struct param *param;
	struct attr *attr;
	struct method *method;
	struct nameref *names;
	struct ctail ctail;
	int dir;
}

%token <str> IDENT "identifier"
%token <str> STRING "string literal"
%token <num> NUMBER "number"
%token IMPORT "import" TYPEDEF "typedef" STRUCT "struct" INTERFACE "interface" COMPOSES "composes"
%token IN "in" OUT "out" INOUT "inout"

%type <ref> typeref
%type <targ> targs targ
%type <field> fields field
%type <param> params param_list param
%type <attr> attrs_opt attr_list attr
%type <method> methods method
%type <names> names
%type <dir> dir
%type <ctail> ctail

%%

file:
	  %empty
	| file decl
	;

decl:
	  IMPORT STRING ';'	{ parse_add_import($2, @2); }
	| TYPEDEF typeref IDENT ';'	{
		struct type *t = xmalloc(sizeof *t);
		t->kind = K_ALIAS;
		t->name = $3;
		t->target = $2;
		t->loc = @3;
		t->doc = @1.doc;
		parse_add_type(t);
	}
	| TYPEDEF typeref ctail IDENT ';'	{ parse_c_type(&$2, &$3, $4, @4); }
	| STRUCT IDENT '{' fields '}' ';'	{
		struct type *t = xmalloc(sizeof *t);
		t->kind = K_STRUCT;
		t->name = $2;
		t->fields = $4;
		t->loc = @2;
		t->doc = @1.doc;
		parse_add_type(t);
	}
	| attrs_opt INTERFACE IDENT '{' methods '}' ';'	{
		struct iface *i = xmalloc(sizeof *i);
		i->name = $3;
		i->loc = @3;
		i->doc = @$.doc;
		i->methods = $5;
		parse_add_iface(i, $1);
	}
	| attrs_opt INTERFACE IDENT COMPOSES names ';'	{
		struct iface *i = xmalloc(sizeof *i);
		i->name = $3;
		i->loc = @3;
		i->doc = @$.doc;
		i->composed = 1;
		i->composes = $5;
		parse_add_iface(i, $1);
	}
	;

names:
	  IDENT	{
		$$ = xmalloc(sizeof *$$);
		$$->name = $1;
		$$->loc = @1;
	}
	| IDENT ',' names	{
		$$ = xmalloc(sizeof *$$);
		$$->name = $1;
		$$->loc = @1;
		$$->next = $3;
	}
	;

fields:
	  field	{ $$ = $1; }
	| field fields	{ $$ = $1; $$->next = $2; }
	;

field:
	  typeref IDENT ';'	{
		$$ = xmalloc(sizeof *$$);
		$$->ref = $1;
		$$->name = $2;
		$$->loc = @2;
	}
	| typeref ctail IDENT ';'	{
		parse_c_type(&$1, &$2, $3, @3);
		$$ = xmalloc(sizeof *$$);
	}
	;

/* Words between a type and a name: only C spells a type so ("unsigned
 * long", "char *"); the rules that use it report the mistake. */
ctail:
	  IDENT	{ $$ = (struct ctail){ .words = $1, .first = $1, .first_loc = @1 }; }
	| '*'	{ $$ = (struct ctail){ .words = "", .pointer = 1, .first = "*", .first_loc = @1 }; }
	| ctail IDENT	{ $$ = $1; $$.words = *$1.words ? xprintf("%s %s", $1.words, $2) : $2; }
	| ctail '*'	{ $$ = $1; $$.pointer = 1; }
	;

typeref:
	  IDENT	{ memset(&$$, 0, sizeof $$); $$.name = $1; $$.loc = @1; }
	| IDENT '<' targs '>'	{ memset(&$$, 0, sizeof $$); $$.name = $1; $$.loc = @1; $$.args = $3; }
	| STRUCT IDENT	{ memset(&$$, 0, sizeof $$); $$.name = $2; $$.loc = @2; }
	;

targs:
	  targ	{ $$ = $1; }
	| targ ',' targs	{ $$ = $1; $$->next = $3; }
	;

targ:
	  NUMBER	{ $$ = xmalloc(sizeof *$$); $$->is_number = 1; $$->number = $1; $$->loc = @1; }
	| IDENT	{ $$ = xmalloc(sizeof *$$); $$->ident = $1; $$->loc = @1; }
	;

methods:
	  %empty	{ $$ = NULL; }
	| method methods	{ $$ = $1; $$->next = $2; }
	;

method:
	  attrs_opt typeref IDENT '(' params ')' ';'	{
		$$ = parse_method($1, $2, $3, @3, $5);
		$$->doc = @$.doc;
	}
	| attrs_opt typeref ctail IDENT '(' params ')' ';'	{
		parse_c_type(&$2, &$3, $4, @4);
		$$ = parse_method($1, $2, $4, @4, $6);
	}
	;

params:
	  %empty	{ $$ = NULL; }
	| param_list	{ $$ = $1; }
	;

param_list:
	  param	{ $$ = $1; }
	| param ',' param_list	{ $$ = $1; $$->next = $3; }
	;

param:
	  dir typeref IDENT	{
		$$ = xmalloc(sizeof *$$);
		$$->dir = $1;
		$$->ref = $2;
		$$->name = $3;
		$$->loc = @3;
	}
	| dir typeref ctail IDENT	{
		parse_c_type(&$2, &$3, $4, @4);
		$$ = xmalloc(sizeof *$$);
		$$->ref = $2;
		$$->name = $4;
	}
	;

dir:
	  IN	{ $$ = D_IN; }
	| OUT	{ $$ = D_OUT; }
	| INOUT	{ $$ = D_INOUT; }
	;

attrs_opt:
	  %empty	{ $$ = NULL; }
	| '[' attr_list ']'	{ $$ = $2; }
	;

attr_list:
	  attr	{ $$ = $1; }
	| attr ',' attr_list	{ $$ = $1; $$->next = $3; }
	;

attr:
	  IDENT	{ $$ = xmalloc(sizeof *$$); $$->name = $1; $$->loc = @1; }
	| IDENT '(' NUMBER ')'	{
		$$ = xmalloc(sizeof *$$);
		$$->name = $1;
		$$->loc = @1;
		$$->has_arg = 1;
		$$->arg = (long)$3;
	}
	;

%%

/* The scanner reports its own errors; only the first error of a file is
 * worth printing, the parser stops there. */
static void yyerror(const char *msg)
{
	if (error_count == 0)
		error_at(&yylloc, "%s", msg);
}

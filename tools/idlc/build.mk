# tools/idlc: the IDL compiler (flex + bison), a host program.
#
#   IDLC                      the compiler's path, for rules that run it
#   $(call idl_gen,F.idl[,DIR])
#                             defines the rule that generates F.idl's C bindings
#                             into DIR (default $(BUILD)/gen/idl; always below
#                             $(BUILD)/gen): DIR/STEM.h, STEM_client.c,
#                             STEM_server.h, STEM_server.c, STEM_trace.c,
#                             STEM_fuzz.c (and STEM.d for make).  Code includes
#                             them by their path below $(BUILD)/gen,
#                             <idl/kernel/task.h>, and so do the generated files
#                             themselves (idlc -P): compile with $(IDL_INCLUDE)
#                             -Ilib/sys/include -Ilib/server/include, e.g.
#                             HOST_CFLAGS_$(BUILD)/gen/idl/ := ... for host objects.
#   $(call idl_headers,F.idl[,DIR]), $(call idl_sources,F.idl[,DIR])
#                             those files' names, for prerequisites and SRCS
#   $(call idl_doc,F.idl)     adds F.idl's Markdown pages (build/docs/idl/) to DOCS
#
# An import is looked up beside the importing file, then in idl/ (-I idl).
#
# Fragments are included in sorted order, and most sort before tools/: a
# fragment that calls idl_gen or idl_doc first does `include tools/idlc/build.mk`
# (this file guards itself against a second inclusion).

ifndef IDLC_MK_INCLUDED
IDLC_MK_INCLUDED := 1

IDLC_DIR := $(BUILD)/host/tools/idlc
IDLC := $(IDLC_DIR)/idlc
IDL_GEN := $(BUILD)/gen/idl
# What puts generated headers on an include path: never a directory of them
# (-I$(BUILD)/gen/idl/rt would let <memory.h> mean Memory's bindings).
IDL_INCLUDE := -I$(BUILD)/gen
IDL_DOCS := $(BUILD)/docs/idl
IDLC_FLAGS := -I idl

IDLC_SRCS := tools/idlc/main.c tools/idlc/parse.c tools/idlc/check.c tools/idlc/util.c tools/idlc/out.c \
	tools/idlc/gen_common.c tools/idlc/gen_header.c tools/idlc/gen_client.c tools/idlc/gen_server.c \
	tools/idlc/gen_trace.c tools/idlc/gen_fuzz.c tools/idlc/gen_doc.c
IDLC_OBJS := $(call host_objs,$(IDLC_SRCS)) $(IDLC_DIR)/parser.o $(IDLC_DIR)/lexer.o

# The parser and scanner are generated into the build tree, next to their objects.
IDLC_GEN_CFLAGS := $(HOST_CFLAGS) -Itools/idlc -I$(IDLC_DIR) -Wno-unused-function

$(IDLC_DIR)/parser.c $(IDLC_DIR)/parser.h &: tools/idlc/parser.y | $(DEPS_STAMP)
	@mkdir -p $(IDLC_DIR)
	bison -Wall -Werror --defines=$(IDLC_DIR)/parser.h -o $(IDLC_DIR)/parser.c $<

$(IDLC_DIR)/lexer.c: tools/idlc/lexer.l | $(DEPS_STAMP)
	@mkdir -p $(IDLC_DIR)
	flex -o $@ $<

$(IDLC_DIR)/parser.o $(IDLC_DIR)/lexer.o: %.o: %.c $(IDLC_DIR)/parser.h
	$(CC) $(IDLC_GEN_CFLAGS) -c $< -o $@

$(IDLC): $(IDLC_OBJS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

ALL += $(IDLC)

define idl_gen_rules
$(2)/$(1)_client.c $(2)/$(1)_server.c $(2)/$(1)_trace.c $(2)/$(1)_fuzz.c $(2)/$(1).h $(2)/$(1)_server.h &: $(3) $$(IDLC) | $$(DEPS_STAMP)
	$$(IDLC) $$(IDLC_FLAGS) -M -P $(patsubst $(BUILD)/gen/%,%,$(2)) -o $(2) $(3)
endef
idl_dir = $(if $(2),$(2),$(IDL_GEN))
idl_stem = $(call idl_dir,$(1),$(2))/$(basename $(notdir $(1)))
idl_gen = $(eval $(call idl_gen_rules,$(basename $(notdir $(1))),$(call idl_dir,$(1),$(2)),$(1)))
idl_headers = $(addprefix $(call idl_stem,$(1),$(2)),.h _server.h)
idl_sources = $(addprefix $(call idl_stem,$(1),$(2)),_client.c _server.c _trace.c _fuzz.c)

define idl_doc_rules
$(IDL_DOCS)/.$(1).stamp: $(2) $$(IDLC) | $$(DEPS_STAMP)
	@mkdir -p $(IDL_DOCS)
	$$(IDLC) $$(IDLC_FLAGS) -d $(IDL_DOCS) $(2)
	@touch $$@
DOCS += $(IDL_DOCS)/.$(1).stamp
endef
idl_doc = $(eval $(call idl_doc_rules,$(basename $(notdir $(1))),$(1)))

# The reference of every interface in idl/.
$(foreach f,$(wildcard idl/*.idl),$(call idl_doc,$(f)))

endif

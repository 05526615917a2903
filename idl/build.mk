# idl/: every Mica protocol.  idl/kernel/ describes the kernel objects; the
# kernel compiles their server dispatch, libsys their client stubs.
include tools/idlc/build.mk

KERNEL_IDLS := $(sort $(wildcard idl/kernel/*.idl))
KERNEL_IDL_DIR := $(BUILD)/gen/idl/kernel
$(foreach f,$(KERNEL_IDLS),$(call idl_gen,$(f),$(KERNEL_IDL_DIR)))
$(foreach f,$(KERNEL_IDLS),$(call idl_doc,$(f)))
KERNEL_IDL_HEADERS := $(foreach f,$(KERNEL_IDLS),$(call idl_headers,$(f),$(KERNEL_IDL_DIR)))
# What the kernel serves: every kernel protocol but those it sends to user
# servers (below) and the types-only file.
KERNEL_IDL_SERVER_SRCS := $(filter-out %/pager_server.c %/exception_server.c %/kernel_types_server.c, \
	$(patsubst idl/kernel/%.idl,$(KERNEL_IDL_DIR)/%_server.c,$(KERNEL_IDLS)))
KERNEL_IDL_CLIENT_SRCS := $(patsubst idl/kernel/%.idl,$(KERNEL_IDL_DIR)/%_client.c,$(KERNEL_IDLS))
KERNEL_IDL_TRACE_SRCS := $(patsubst idl/kernel/%.idl,$(KERNEL_IDL_DIR)/%_trace.c,$(KERNEL_IDLS))
# The protocols the kernel sends to user servers (page faults, exceptions):
# their dispatch is user code, in libsys.
KERNEL_IDL_USER_SERVER_SRCS := $(KERNEL_IDL_DIR)/pager_server.c $(KERNEL_IDL_DIR)/exception_server.c

# The runtime's protocols (idl/rt/): root's servers, the region mapper, the
# console.  Clients link the stubs (librt), servers their dispatch.
RT_IDLS := $(sort $(wildcard idl/rt/*.idl))
RT_IDL_DIR := $(BUILD)/gen/idl/rt
$(foreach f,$(RT_IDLS),$(call idl_gen,$(f),$(RT_IDL_DIR)))
$(foreach f,$(RT_IDLS),$(call idl_doc,$(f)))
RT_IDL_HEADERS := $(foreach f,$(RT_IDLS),$(call idl_headers,$(f),$(RT_IDL_DIR)))
RT_IDL_CLIENT_SRCS := $(patsubst idl/rt/%.idl,$(RT_IDL_DIR)/%_client.c,$(RT_IDLS))
RT_IDL_SERVER_SRCS := $(patsubst idl/rt/%.idl,$(RT_IDL_DIR)/%_server.c,$(RT_IDLS))

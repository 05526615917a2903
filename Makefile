# Mica: the one top-level Makefile.
#
# Non-recursive: each directory contributes a small fragment (build.mk) that
# adds its outputs to the lists below.  Everything built lands under build/.
#
#   make          build everything          make test    build and run every test
#   make run      boot Mica to its prompt   make debug   QEMU waiting for gdb
#   make docs     generated references      make clean   remove build/
#   make bench    guest-instruction figures beside Linux (make bench-linux)
#
# Lists the fragments append to:
#   ALL            outputs of `make`
#   HOST_TESTS     host executables or scripts that print TAP lines
#   QEMU_SCENARIOS tests/qemu/*.scenario files booted by the test runner
#   TEST_DEPS      what must be built before the tests run
#   DOCS           outputs of `make docs`

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

include mk/config.mk
include mk/deps.mk
include mk/rules.mk

ALL :=
HOST_TESTS :=
QEMU_SCENARIOS :=
TEST_DEPS :=
DOCS :=

# The libraries' fragments first: the others use their variables and
# program macros (boot_program, rt_program, newlib_program) as they are read.
FRAGMENTS := $(sort $(wildcard */build.mk */*/build.mk */*/*/build.mk))
LIB_FRAGMENTS := $(filter idl/% lib/%,$(FRAGMENTS))
include $(LIB_FRAGMENTS) $(filter-out $(LIB_FRAGMENTS),$(FRAGMENTS))

include mk/run.mk

all: $(ALL)

test: $(ALL) $(TEST_DEPS) $(HOST_TESTS)
	@tools/testrun --build $(BUILD) --host $(HOST_TESTS) --qemu $(QEMU_SCENARIOS)

docs: $(DOCS)

clean:
	rm -rf $(BUILD)

.PHONY: all test docs clean

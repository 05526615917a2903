# tests/posix: the Open POSIX Test Suite on Mica (docs/posix.md).
#
#   make posix   builds every conformance test of Debian's posixtestsuite
#                with tools/mica-cc (tools/posix-suite), boots Mica with
#                them on a disk and runs them one by one (pts-runner, a
#                time limit per test: PTS_TIMEOUT, or its own in
#                tests/posix/timeouts.txt), and prints the table per area; results
#                in build/posix/ (results.txt, build-failed.txt, all.log).
#                Not part of `make test`: about half an hour on two cores.
#   pts.scenario (part of `make test`): the tests of tests/posix/subset.txt,
#                which pass, run the same way.

PTS_RUNNER := $(BUILD)/tests/posix/pts-runner
$(eval $(call newlib_program,$(PTS_RUNNER),tests/posix/runner.c))
PTS_MODULES := $(ROOT) $(BUILD)/srv/pipe $(BLK) $(BUILD)/srv/ext2fs $(BUILD)/srv/proc $(PTS_RUNNER)
PTS_TIMEOUT := 5
ALL += $(PTS_RUNNER)

$(BUILD)/cfg/pts-%/boot.cfg: tests/posix/%.cfg
	@mkdir -p $(dir $@)
	sed 's/@TIMEOUT@/$(PTS_TIMEOUT)/' $< > $@

# The subset: its own image, rebuilt when the C library changes.
PTS_SUBSET := $(BUILD)/posix-subset
$(PTS_SUBSET)/pts.img: tests/posix/subset.txt tests/posix/timeouts.txt tools/posix-suite tools/mica-cc $(LIBC_LIBS) $(LIBRT) $(LIBSYS) $(NEWLIB_STAMP)
	tools/posix-suite build $(BUILD) $(PTS_SUBSET) "^($$(grep -v '^#' tests/posix/subset.txt | paste -sd'|'))$$"

QEMU_SCENARIOS += tests/posix/pts.scenario
TEST_DEPS += $(PTS_MODULES) $(BUILD)/cfg/pts-subset/boot.cfg $(PTS_SUBSET)/pts.img

posix: $(KERNEL32) $(PTS_MODULES) $(BUILD)/cfg/pts-all/boot.cfg
	tools/posix-suite build $(BUILD) $(BUILD)/posix
	TESTRUN_LOGS=$(BUILD)/posix tools/testrun --build $(BUILD) --qemu tests/posix/all.scenario || true
	tools/posix-suite report $(BUILD)/posix $(BUILD)/posix/all@512M.log | tee $(BUILD)/posix/table.txt

.PHONY: posix

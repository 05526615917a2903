#!/usr/bin/env bash
# fs_images.sh WALKER E2FSPROGS_TESTS - damaged images through lib/fs.
#
# Every tests/f_*/image.gz of e2fsprogs' own suite (images e2fsck must
# repair), and images made here by mke2fs -d with their superblock, group
# descriptors, inode table or root directory block damaged with a seeded
# pattern, are walked by fs_walk (sanitized) under a timeout, then mounted
# read-write and changed if lib/fs allows it.  Errors from
# lib/fs are fine; a crash, a sanitizer report or a hang is not.  One TAP
# line per image.
set -u
walker=$1 tests=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87

# One job: walk one image (a scratch copy: fs_walk also writes to it),
# print "ok"/"not ok" with the image's name.
check() { # name image
	local out rc
	out=$(timeout 20 "$walker" "$2" 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok - $1: walked without crash"
	else
		echo "not ok - $1: fs_walk exited with $rc"
		printf '%s\n' "$out" | grep -v '^    #' | tail -n 15 | sed 's/^/#   /'
	fi
	rm -f "$2"
}
export -f check
export walker

# e2fsprogs' images, unpacked.
jobs=()
for gz in "$tests"/f_*/image.gz; do
	name=$(basename "$(dirname "$gz")")
	gunzip -c "$gz" > "$tmp/$name.img" 2>/dev/null || continue
	jobs+=("$name" "$tmp/$name.img")
done

# Our own images, damaged: a tree of e2fsprogs' lib/et, 1 KiB and 4 KiB blocks.
for bs in 1024 4096; do
	base=$tmp/base-$bs.img
	mke2fs -q -F -t ext2 -b $bs -d "$tests/../lib/et" "$base" 8M >/dev/null 2>&1 || {
		echo "not ok - mke2fs of the base image ($bs)"; continue; }
	for area in super gdt itable dir; do
		for seed in 1 2 3 4 5; do
			img=$tmp/$area-$bs-$seed.img
			if "$walker" --corrupt $seed $area "$base" "$img" >/dev/null 2>&1; then
				jobs+=("corrupt-$area-$bs-seed$seed" "$img")
			else
				echo "not ok - corrupt-$area-$bs-seed$seed: could not make the image"
			fi
		done
	done
done

echo "1..$(( ${#jobs[@]} / 2 ))"
printf '%s\0' "${jobs[@]}" | xargs -0 -n 2 -P 2 bash -c 'check "$0" "$1"'

#!/usr/bin/env bash
# golden.sh IDLC - TAP: idlc's output for golden/file.idl (C bindings and
# Markdown pages) is byte for byte golden/expected/, file by file, with no
# file missing or extra.  `make update-golden` rewrites the expected files
# after an intended change; review the diff before committing it.
set -u
idlc=$1
dir=tests/host/idlc/golden
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# -P as the build passes it for $(BUILD)/gen/idl-tests (build.mk).
if ! "$idlc" -P idl-tests -o "$out" -d "$out" "$dir/file.idl"; then
	echo "1..1"
	echo "not ok - idlc fails on $dir/file.idl"
	exit 0
fi
files=$( (cd "$dir/expected" && ls; cd "$out" && ls) | sort -u)
echo "1..$(echo "$files" | wc -l)"
for f in $files; do
	if [ ! -f "$dir/expected/$f" ]; then
		echo "not ok - $f is generated but not in $dir/expected (make update-golden?)"
	elif [ ! -f "$out/$f" ]; then
		echo "not ok - $f is expected but not generated"
	elif d=$(diff -u "$dir/expected/$f" "$out/$f"); then
		echo "ok - $f matches the golden copy"
	else
		echo "not ok - $f differs from the golden copy"
		printf '%s\n' "$d" | head -n 40 | sed 's/^/# /'
	fi
done

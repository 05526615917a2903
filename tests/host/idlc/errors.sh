#!/usr/bin/env bash
# errors.sh IDLC - TAP: every errors/*.idl is refused.  Its first line says
# what idlc must print first ("// expect: FILE:LINE:COL: message"); idlc must
# exit non-zero and leave no output file behind, not even a temporary one.
set -u
idlc=$1
dir=tests/host/idlc/errors
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

set -- "$dir"/*.idl
echo "1..$#"
for idl in "$@"; do
	name=$(basename "$idl" .idl)
	want=$(sed -n '1s|^// expect: ||p' "$idl")
	mkdir -p "$out/$name"
	got=$("$idlc" -o "$out/$name/c" -d "$out/$name/docs" "$idl" 2>&1 >/dev/null)
	rc=$?
	left=$(find "$out/$name" -type f)
	first=$(printf '%s\n' "$got" | head -n 1)
	if [ $rc -ne 0 ] && [ "$first" = "$want" ] && [ -z "$left" ]; then
		echo "ok - $name: $want"
	else
		echo "not ok - $name: exit $rc, left [${left}]"
		echo "#   want: $want"
		echo "#   got:  $first"
	fi
done

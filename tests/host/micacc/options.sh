#!/usr/bin/env bash
# options.sh - TAP: tools/mica-cc takes what gcc takes from a build system
# (opts/): -o before or after the inputs, -c with and without -o, -I DIR
# and -IDIR, -include FILE, -MD -MF FILE, .o objects, .a archives given by
# name or by -L DIR -lNAME, `-` for a source on standard input, -E (never
# with -o /dev/stdout, which a failing gcc would delete), and
# -Wl,... for the linker (--gc-sections really drops an unused function);
# every program it links is a static x86-64 executable.  A caller's
# MAKEFLAGS do not reach the tree's make, and what Mica cannot do (-shared,
# a missing -l library) is refused with a message.
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cc=$root/tools/mica-cc
src=$root/tests/host/micacc/opts
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$out" || exit 1

echo "1..17"
n=0
ok() { echo "ok - $1"; }
notok() {
	echo "not ok - $1"
	sed 's/^/# /' "$out/log" | head -n 20
}
check() { # description command...
	local what=$1
	shift
	if "$@" > "$out/log" 2>&1; then ok "$what"; else notok "$what"; fi
}
static_exe() { # file
	readelf -h "$1" | grep -q 'Advanced Micro Devices X86-64' && ! readelf -l "$1" | grep -q INTERP
}

check "-o before -c and the source" "$cc" -o "$out/part.o" -c "$src/part.c" -ffunction-sections
check "-c without -o writes part.o here" bash -c "'$cc' -c '$src/part.c' -ffunction-sections && test -f part.o"
check "an archive made of it" ar rcs "$out/libpart.a" "$out/part.o"
check "-I DIR, a .o input, -o last" bash -c "'$cc' '$src/main.c' -I '$src/inc' part.o -o prog1 && $(declare -f static_exe); static_exe prog1"
check "-IDIR, -L DIR -lNAME" bash -c "'$cc' -I'$src/inc' -L '$out' '$src/main.c' -lpart -lc -lm -o prog2 && $(declare -f static_exe); static_exe prog2"
check "-include FILE without -I, an archive by name" bash -c "'$cc' -include '$src/inc/opts.h' '$src/main.c' libpart.a -o prog3 && $(declare -f static_exe); static_exe prog3"
check "-MD -MF FILE names the header in the dependencies" bash -c "'$cc' -c -I '$src/inc' -MD -MF deps.d '$src/main.c' -o main.o && grep -q opts.h deps.d"
check "- reads the source from standard input" bash -c "'$cc' -I '$src/inc' - part.o -o prog4 < '$src/main.c' && $(declare -f static_exe); static_exe prog4"
# gcc removes its output file when it fails: -E to standard output must not
# name /dev/stdout as that file (a gcc on PATH first records its arguments).
mkdir -p "$out/bin" && printf '#!/bin/sh\necho "$*" >> "%s/gcc.args"\nexec /usr/bin/gcc "$@"\n' "$out" > "$out/bin/gcc" && chmod +x "$out/bin/gcc"
check "-E of a failing source leaves /dev/stdout alone (no -o)" bash -c "! PATH='$out/bin':\$PATH '$cc' -E -include '$out/no-such.h' '$src/part.c' && grep -q -- ' -E ' '$out/gcc.args' && ! grep -q -- '-o /dev/stdout' '$out/gcc.args'"
check "-E preprocesses to standard output" bash -c "'$cc' -E -I '$src/inc' '$src/main.c' | cat > pp.i && grep -q 'part(), 42' pp.i"
# What autoconf's header checks do: the preprocessed header through a pipe.
check "-E of <string.h> through a pipe declares memchr" bash -c "echo '#include <string.h>' | '$cc' -E - | grep -q memchr"
check "-Wl,--gc-sections,-Map=FILE reaches the linker" bash -c "'$cc' -I '$src/inc' -Wl,--gc-sections,-Map=prog5.map main.o part.o -o prog5 && test -s prog5.map"
if nm prog5 2> /dev/null | grep -qw unused && nm prog1 | grep -qw unused; then
	echo "not ok - --gc-sections dropped the unused function"
elif nm prog1 | grep -qw unused; then
	ok "--gc-sections dropped the unused function"
else
	echo "not ok - the program without --gc-sections has the unused function"
fi
# -o /dev/null (configure scripts, toybox's probes): an output that is no
# regular file is written through, never replaced.  A FIFO stands for the
# device here.
rm -f out.fifo && mkfifo out.fifo
check "-o a FIFO: the program goes through it and the FIFO stays" bash -c \
	"timeout 60 cat out.fifo > through.elf & p=\$!; '$cc' -I '$src/inc' main.o part.o -o out.fifo && wait \$p && test -p out.fifo && head -c 4 through.elf | grep -q ELF"
check "a caller's MAKEFLAGS and BUILD do not reach the tree's make" \
	env MAKEFLAGS="BUILD=/nonexistent LIBC_CFLAGS=-Dbroken -j7" BUILD=/nonexistent MAKELEVEL=3 \
	"$cc" -I "$src/inc" "$src/main.c" part.o -o prog6
if "$cc" -shared "$src/part.c" -o lib.so > log 2>&1; then notok "-shared is refused"
elif grep -q "static" log; then ok "-shared is refused"; else notok "-shared is refused"; fi
if "$cc" "$src/main.c" -I "$src/inc" part.o -lnothere -o prog7 > log 2>&1; then notok "a missing -l library is refused"
elif grep -q "libnothere.a" log; then ok "a missing -l library is refused"; else notok "a missing -l library is refused"; fi

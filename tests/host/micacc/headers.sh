#!/usr/bin/env bash
# headers.sh - TAP: a program built with tools/mica-cc gets its own headers
# even when they are named like the tree's (prog/: memory.h, process.h,
# task.h, qtest.h, passed with -I.), whether -I comes as -I. or -I .; the
# tree's protocol headers stay reachable by their namespaced path
# (<idl/rt/memory.h>); the QEMU tests' helpers (tests/qemu/lib) are not
# on a program's include path at all; and the terminal headers newlib
# leaves to the system (<termios.h>'s <sys/termios.h>, <sys/ioctl.h>) are
# there, with the functions behind them (terminal.c); so are newlib's
# POSIX parts Mica builds (libposix.a: posix.c, <regex.h> on its own), and
# <poll.h>, <sys/select.h> and <sys/notifier.h> (waiting.c); the signal
# calls, wait3 and getgroups a shell needs, declared and defined
# (signals.c).
set -u
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$root/tests/host/micacc/prog" || exit 1

echo "1..8"
check() { # description command...
	local what=$1
	shift
	if "$@" > "$out/log" 2>&1; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		sed 's/^/# /' "$out/log" | head -n 20
	fi
}
check "mica-cc -c -I. compiles prog.c with its own memory.h, process.h, task.h, qtest.h" \
	"$root/tools/mica-cc" -c prog.c -I. -o "$out/prog.o"
check "mica-cc -I . links a program with its own headers" \
	"$root/tools/mica-cc" -o "$out/prog" prog.c -I .
check "the program is a static x86-64 executable" \
	bash -c "readelf -h '$out/prog' | grep -q 'Advanced Micro Devices X86-64' && ! readelf -l '$out/prog' | grep -q INTERP"
check "<termios.h>, <sys/termios.h> and <sys/ioctl.h>: a program using them compiles and links" \
	"$root/tools/mica-cc" -o "$out/terminal" terminal.c
check "<poll.h>, <sys/poll.h>, <sys/select.h>, <sys/notifier.h>: poll, ppoll, select, pselect and a notifier compile and link" \
	"$root/tools/mica-cc" -o "$out/waiting" waiting.c
check "<regex.h> on its own, glob, fnmatch, libgen, pwd, grp and getline: a program using them compiles and links" \
	"$root/tools/mica-cc" -o "$out/posix" posix.c
check "sigaction, sigprocmask, sigpending, sigsuspend, raise, wait3, getgroups: declared (-Werror) and linked" \
	"$root/tools/mica-cc" -Werror=implicit-function-declaration -o "$out/signals" signals.c
if "$root/tools/mica-cc" -c helpers.c -o "$out/helpers.o" > "$out/log" 2>&1; then
	echo "not ok - tests/qemu/lib's qtest.h is on a program's include path"
elif grep -q "qtest.h" "$out/log"; then
	echo "ok - tests/qemu/lib is not on a program's include path"
else
	echo "not ok - helpers.c failed for another reason than the missing qtest.h"
	sed 's/^/# /' "$out/log" | head -n 20
fi
